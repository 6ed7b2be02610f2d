"""WeCom (企业微信) server API client.

Which secret (developer.work.weixin.qq.com, each API's 权限说明): message/send uses the
self-built app's token (agentid = the app); 微信客服 APIs need the app configured in
「微信客服 - 可调用接口的应用」, so they use the app token too; 客户联系 and 客户群 APIs need
「客户联系 - 可调用接口的应用」 or the 客户联系 secret: they use ``wecom_contact_secret``,
falling back to the app secret when it is empty. 会话内容存档 APIs are documented with the
会话内容存档 Secret's token; with no setting for it they use the contact credential unless
the caller passes ``credential``.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from bot.config import ConfigError, Settings

from bot.api.errors import WECOM_TOKEN_CODES
from bot.api.ratelimit import Rate
from bot.api.tokens import Credential
from bot.api.transport import ApiTransport

STATE_MAX = 30  # 「联系我」/「加入群聊」 state: 不超过30个字符
REMARK_MAX = 30  # 「联系我」 remark: 不超过30个字符
ROOM_BASE_NAME_MAX = 40  # 自动建群的群名前缀: 最长40个utf8字符
JOIN_WAY_CHATS_MAX = 5  # chat_id_list: 最多支持5个
WELCOME_ATTACHMENTS_MAX = 9  # 欢迎语 attachments: 最多可添加9个附件
KF_SYNC_LIMIT_MAX = 1000  # sync_msg limit: 默认值和最大值都为1000
GROUPCHAT_LIST_LIMIT_MAX = 1000  # groupchat/list limit: 取值范围 1 ~ 1000
KF_MSGID = re.compile(r"[0-9a-zA-Z_-]{1,32}")  # send_msg msgid: 不多于32字节, [0-9a-zA-Z_-]*
MSG_TEMPLATE_ATTACHMENTS_MAX = 9  # add_msg_template attachments: 最多支持添加9个附件
GROUPMSG_LIST_LIMIT_MAX = 100  # get_groupmsg_list_v2 limit: 最大值100
GROUPMSG_LIST_SPAN_MAX = 31 * 24 * 3600  # 群发任务记录的起止时间间隔不能超过1个月
KF_SERVICE_STATES = range(5)  # 0 未处理, 1 智能助手, 2 待接入池, 3 人工接待, 4 已结束
KF_HUMAN = 3


def check_length(name: str, value: str | None, limit: int) -> None:
    """Raise ValueError when ``value`` is longer than the documented ``limit`` characters."""
    if value is not None and len(value) > limit:
        raise ValueError(f"{name} must be at most {limit} characters, got {len(value)}: {value!r}")


def check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def compact(**fields: Any) -> dict[str, Any]:
    """The fields that were given (None means 'not sent')."""
    return {k: v for k, v in fields.items() if v is not None}


class WeComClient(ApiTransport):
    """Async client for the WeCom APIs Siyu uses. Each method returns the answer's JSON and
    raises ApiError when errcode != 0, ValueError on input that breaks a documented limit."""

    platform = "WeCom"
    required = ("wecom_corp_id", "wecom_secret")
    base_url_setting = "wecom_api_base"
    token_path = "/cgi-bin/gettoken"
    token_codes = WECOM_TOKEN_CODES
    # 访问频率限制: one API at most 10,000 calls a minute and 150,000 an hour per corp. Welcomes
    # must go out within 20 s of the add, so they may burst to 2,500 (an expo rush) and then
    # continue at the hourly rate, under both limits, instead of queueing past the window.
    path_rates = {"/cgi-bin/externalcontact/send_welcome_msg": Rate(per_second=150_000 / 3600, burst=2_500)}

    def __init__(self, settings: Settings, *args: Any, **options: Any) -> None:
        super().__init__(settings, *args, **options)
        self.agent_id = settings.wecom_agent_id
        self.app = Credential("wecom", settings.wecom_corp_id, settings.wecom_secret)
        contact_secret = settings.wecom_contact_secret or settings.wecom_secret
        self.contact = Credential("wecom", settings.wecom_corp_id, contact_secret)
        # 会话内容存档 APIs take their own Secret; without it they are not available.
        self.archive = (
            Credential("wecom", settings.wecom_corp_id, settings.wecom_archive_secret)
            if settings.wecom_archive_secret else None
        )
        self._archive_variable = settings.env_name("wecom_archive_secret")

    def token_params(self, credential: Credential) -> dict[str, str]:
        return {"corpid": credential.app_id, "corpsecret": credential.secret}

    async def _post(self, path: str, credential: Credential, payload: dict) -> dict:
        return await self.call("POST", path, credential, payload=payload)

    # 应用消息 (document/path/90236)

    async def send_app_text(self, touser: str | Sequence[str], content: str) -> dict:
        """An app text message to members (several userids are joined with '|', up to 1000)."""
        return await self._send_app(touser, "text", {"content": content})

    async def send_app_markdown(self, touser: str | Sequence[str], content: str) -> dict:
        return await self._send_app(touser, "markdown", {"content": content})

    async def send_template_card(self, touser: str | Sequence[str], card: dict) -> dict:
        """A template card (document/path/90236); a button_interaction card needs a task_id
        unique within the app and its button_list. The answer's response_code updates it once."""
        return await self._send_app(touser, "template_card", card)

    async def update_template_card(self, userids: Sequence[str], response_code: str, *,
                                   replace_name: str | None = None, card: dict | None = None) -> dict:
        """update_template_card (document/path/94888): grey the buttons out with
        ``replace_name``, or replace the whole ``card``; each response_code works once, 72 hours."""
        payload: dict = {"userids": list(userids), "agentid": self.agent_id, "response_code": response_code}
        if card is not None:
            payload["template_card"] = card
        else:
            payload["button"] = {"replace_name": replace_name or ""}
        return await self._post("/cgi-bin/message/update_template_card", self.app, payload)

    async def _send_app(self, touser: str | Sequence[str], msgtype: str, body: dict) -> dict:
        users = touser if isinstance(touser, str) else "|".join(touser)
        if not users:
            raise ValueError("touser must name at least one member")
        payload = {"touser": users, "msgtype": msgtype, "agentid": self.agent_id, msgtype: body}
        return await self._post("/cgi-bin/message/send", self.app, payload)

    # 微信客服 (document/path/94670, 94677, 94669)

    async def kf_sync_msg(
        self, token: str = "", open_kfid: str = "", cursor: str = "", limit: int = KF_SYNC_LIMIT_MAX
    ) -> dict:
        """Read messages and events; ``token`` from the kf_msg_or_event callback lifts the strict limit."""
        check_range("limit", limit, 1, KF_SYNC_LIMIT_MAX)
        payload = compact(cursor=cursor or None, token=token or None, limit=limit, open_kfid=open_kfid or None)
        return await self._post("/cgi-bin/kf/sync_msg", self.app, payload)

    async def kf_send_text(self, touser: str, open_kfid: str, content: str, msgid: str | None = None) -> dict:
        """Send a text to a customer (within 48 h of their message, at most 5 per message)."""
        if msgid is not None and not KF_MSGID.fullmatch(msgid):
            raise ValueError(f"msgid must be 1 to 32 characters of 0-9 a-z A-Z _ -, got {msgid!r}")
        payload = compact(touser=touser, open_kfid=open_kfid, msgid=msgid, msgtype="text", text={"content": content})
        return await self._post("/cgi-bin/kf/send_msg", self.app, payload)

    async def kf_service_state_get(self, open_kfid: str, external_userid: str) -> dict:
        payload = {"open_kfid": open_kfid, "external_userid": external_userid}
        return await self._post("/cgi-bin/kf/service_state/get", self.app, payload)

    async def kf_service_state_trans(
        self, open_kfid: str, external_userid: str, service_state: int, servicer_userid: str | None = None
    ) -> dict:
        """Move a conversation (3 = to a human receptionist, who must then be named)."""
        if service_state not in KF_SERVICE_STATES:
            raise ValueError(f"service_state must be 0-4, got {service_state}")
        if service_state == KF_HUMAN and not servicer_userid:
            raise ValueError("servicer_userid is required to hand a conversation to a human (service_state 3)")
        payload = compact(
            open_kfid=open_kfid,
            external_userid=external_userid,
            service_state=service_state,
            servicer_userid=servicer_userid,
        )
        return await self._post("/cgi-bin/kf/service_state/trans", self.app, payload)

    # 客户联系「联系我」 (document/path/92228)

    async def add_contact_way(self, **fields: Any) -> dict:
        """Create a 「联系我」 way (type, scene, state, user, ...); returns config_id and qr_code."""
        _check_contact_way(fields)
        return await self._post("/cgi-bin/externalcontact/add_contact_way", self.contact, fields)

    async def update_contact_way(self, config_id: str, **fields: Any) -> dict:
        _check_contact_way(fields)
        payload = {"config_id": config_id, **fields}
        return await self._post("/cgi-bin/externalcontact/update_contact_way", self.contact, payload)

    async def get_contact_way(self, config_id: str) -> dict:
        return await self._post("/cgi-bin/externalcontact/get_contact_way", self.contact, {"config_id": config_id})

    async def del_contact_way(self, config_id: str) -> dict:
        return await self._post("/cgi-bin/externalcontact/del_contact_way", self.contact, {"config_id": config_id})

    async def send_welcome_msg(
        self, welcome_code: str, text: str | None = None, attachments: Sequence[dict] | None = None
    ) -> dict:
        """The welcome message, once per WelcomeCode, within 20 s of the add event."""
        if not text and not attachments:
            raise ValueError("a welcome message needs text or attachments")
        if attachments and len(attachments) > WELCOME_ATTACHMENTS_MAX:
            raise ValueError(
                f"a welcome message takes at most {WELCOME_ATTACHMENTS_MAX} attachments, got {len(attachments)}"
            )
        payload = compact(
            welcome_code=welcome_code,
            text={"content": text} if text else None,
            attachments=list(attachments) if attachments else None,
        )
        return await self._post("/cgi-bin/externalcontact/send_welcome_msg", self.contact, payload)

    # 客户管理 (document/path/92114)

    async def get_external_contact(self, external_userid: str, cursor: str = "") -> dict:
        params = compact(external_userid=external_userid, cursor=cursor or None)
        return await self.call("GET", "/cgi-bin/externalcontact/get", self.contact, params=params)

    # 通讯录 (document/path/90196): a member's name (no avatar, mobile or email for our apps since 2022-06-20)

    async def get_user(self, userid: str) -> dict:
        return await self.call("GET", "/cgi-bin/user/get", self.contact, params={"userid": userid})

    # 企业客户标签 (document/path/92117, 92118)

    async def get_corp_tag_list(
        self, tag_ids: Iterable[str] | None = None, group_ids: Iterable[str] | None = None
    ) -> dict:
        payload = compact(tag_id=list(tag_ids) if tag_ids else None, group_id=list(group_ids) if group_ids else None)
        return await self._post("/cgi-bin/externalcontact/get_corp_tag_list", self.contact, payload)

    async def add_corp_tag(
        self,
        tags: Sequence[str | dict],
        group_id: str | None = None,
        group_name: str | None = None,
        order: int | None = None,
    ) -> dict:
        """Add tags to the group ``group_id``, or to the group named ``group_name`` (created if new)."""
        if not group_id and not group_name:
            raise ValueError("add_corp_tag needs group_id or group_name")
        if not tags:
            raise ValueError("add_corp_tag needs at least one tag")
        tag = [{"name": t} if isinstance(t, str) else dict(t) for t in tags]
        payload = compact(group_id=group_id, group_name=group_name, order=order, tag=tag)
        return await self._post("/cgi-bin/externalcontact/add_corp_tag", self.contact, payload)

    async def mark_tag(
        self, userid: str, external_userid: str, add_tag: Iterable[str] = (), remove_tag: Iterable[str] = ()
    ) -> dict:
        add, remove = list(add_tag), list(remove_tag)
        if not add and not remove:
            raise ValueError("mark_tag needs add_tag or remove_tag")
        payload = {"userid": userid, "external_userid": external_userid, "add_tag": add, "remove_tag": remove}
        return await self._post("/cgi-bin/externalcontact/mark_tag", self.contact, payload)

    # 企业群发 (document/path/92135, 93338)

    async def add_msg_template(self, payload: dict) -> dict:
        """Create a mass-send task; each sender confirms it in WeCom before anything goes out."""
        attachments = payload.get("attachments") or []
        if not (payload.get("text") or {}).get("content") and not attachments:
            raise ValueError("a mass-send task needs text or attachments")
        if len(attachments) > MSG_TEMPLATE_ATTACHMENTS_MAX:
            raise ValueError(
                f"a mass-send task takes at most {MSG_TEMPLATE_ATTACHMENTS_MAX} attachments, got {len(attachments)}"
            )
        return await self._post("/cgi-bin/externalcontact/add_msg_template", self.contact, payload)

    async def get_groupmsg_task(self, msgid: str, limit: int = 1000, cursor: str = "") -> dict:
        check_range("limit", limit, 1, 1000)
        payload = compact(msgid=msgid, limit=limit, cursor=cursor or None)
        return await self._post("/cgi-bin/externalcontact/get_groupmsg_task", self.contact, payload)

    async def get_groupmsg_send_result(self, msgid: str, userid: str, limit: int = 1000, cursor: str = "") -> dict:
        check_range("limit", limit, 1, 1000)
        payload = compact(msgid=msgid, userid=userid, limit=limit, cursor=cursor or None)
        return await self._post("/cgi-bin/externalcontact/get_groupmsg_send_result", self.contact, payload)

    async def get_groupmsg_list_v2(
        self, start_time: int, end_time: int, chat_type: str = "single", creator: str = "",
        filter_type: int = 2, limit: int = 100, cursor: str = "",
    ) -> dict:
        """Mass-send tasks created between two unix times (at most a month apart), by creator."""
        if not 0 <= end_time - start_time <= GROUPMSG_LIST_SPAN_MAX:
            raise ValueError("get_groupmsg_list_v2 spans at most one month, end_time after start_time")
        check_range("limit", limit, 1, GROUPMSG_LIST_LIMIT_MAX)
        payload = compact(chat_type=chat_type, start_time=start_time, end_time=end_time, creator=creator or None,
                          filter_type=filter_type, limit=limit, cursor=cursor or None)
        return await self._post("/cgi-bin/externalcontact/get_groupmsg_list_v2", self.contact, payload)

    async def remind_groupmsg_send(self, msgid: str) -> dict:
        """Remind the members who have not sent a task yet (at most 3 times in 24 hours)."""
        return await self._post("/cgi-bin/externalcontact/remind_groupmsg_send", self.contact, {"msgid": msgid})

    async def cancel_groupmsg_send(self, msgid: str) -> dict:
        """Stop what members have not sent yet; what was sent stays sent."""
        return await self._post("/cgi-bin/externalcontact/cancel_groupmsg_send", self.contact, {"msgid": msgid})

    async def group_welcome_template_add(self, **material: Any) -> dict:
        """A group join welcome material (text, image, link, miniprogram, file, video, notify); returns template_id."""
        if not any(material.get(k) for k in ("text", "image", "link", "miniprogram", "file", "video")):
            raise ValueError("a group welcome template needs text or an attachment")
        if isinstance(material.get("text"), str):
            material["text"] = {"content": material["text"]}
        return await self._post("/cgi-bin/externalcontact/group_welcome_template/add", self.contact, material)

    # 客户群 (document/path/92120, 92122) and 「加入群聊」 (document/path/92229)

    async def groupchat_list(
        self, status_filter: int = 0, owner_filter: Sequence[str] | None = None, cursor: str = "", limit: int = 100
    ) -> dict:
        check_range("limit", limit, 1, GROUPCHAT_LIST_LIMIT_MAX)
        payload = compact(
            status_filter=status_filter,
            owner_filter={"userid_list": list(owner_filter)} if owner_filter else None,
            cursor=cursor or None,
            limit=limit,
        )
        return await self._post("/cgi-bin/externalcontact/groupchat/list", self.contact, payload)

    async def groupchat_get(self, chat_id: str, need_name: int = 1) -> dict:
        payload = {"chat_id": chat_id, "need_name": need_name}
        return await self._post("/cgi-bin/externalcontact/groupchat/get", self.contact, payload)

    async def add_join_way(self, scene: int, chat_id_list: Sequence[str], **options: Any) -> dict:
        """A 「加入群聊」 QR code (scene 2) or mini-program button (scene 1); returns config_id.
        Options: state, remark, auto_create_room, room_base_name, room_base_id."""
        payload = _join_way(scene, chat_id_list, **options)
        return await self._post("/cgi-bin/externalcontact/groupchat/add_join_way", self.contact, payload)

    async def get_join_way(self, config_id: str) -> dict:
        payload = {"config_id": config_id}
        return await self._post("/cgi-bin/externalcontact/groupchat/get_join_way", self.contact, payload)

    async def update_join_way(self, config_id: str, scene: int, chat_id_list: Sequence[str], **options: Any) -> dict:
        """Replace a join way's settings (the same options as add_join_way)."""
        payload = _join_way(scene, chat_id_list, **options)
        return await self._post(
            "/cgi-bin/externalcontact/groupchat/update_join_way", self.contact, {"config_id": config_id, **payload}
        )

    async def del_join_way(self, config_id: str) -> dict:
        payload = {"config_id": config_id}
        return await self._post("/cgi-bin/externalcontact/groupchat/del_join_way", self.contact, payload)

    # 会话内容存档: 获取会话同意情况 (document/path/91782)

    async def msgaudit_check_single_agree(
        self, pairs: Iterable[tuple[str, str]], credential: Credential | None = None
    ) -> dict:
        """Consent of 1:1 chats, one (staff userid, external userid) pair each; answers
        ``agreeinfo`` = [{userid, exteranalopenid, agree_status, status_change_time}]."""
        pairs = list(pairs)
        if not pairs or not all(userid and external for userid, external in pairs):
            raise ValueError(f"pairs must be (userid, external userid) pairs, none empty, got {pairs!r}")
        info = [{"userid": userid, "exteranalopenid": external} for userid, external in pairs]
        return await self._post("/cgi-bin/msgaudit/check_single_agree", credential or self._archive_credential(), {"info": info})

    async def msgaudit_check_room_agree(self, roomid: str, credential: Credential | None = None) -> dict:
        """Consent of a group chat's external members; answers ``agreeinfo`` =
        [{exteranalopenid, agree_status, status_change_time}]."""
        if not roomid:
            raise ValueError("roomid is required")
        return await self._post("/cgi-bin/msgaudit/check_room_agree", credential or self._archive_credential(), {"roomid": roomid})

    def _archive_credential(self) -> Credential:
        if self.archive is None:
            raise ConfigError(f"{self._archive_variable} (the 会话内容存档 Secret) is required to check archiving consent")
        return self.archive


def _check_contact_way(fields: dict[str, Any]) -> None:
    check_length("state", fields.get("state"), STATE_MAX)
    check_length("remark", fields.get("remark"), REMARK_MAX)
    for name in ("type", "scene"):
        if name in fields and fields[name] not in (1, 2):
            raise ValueError(f"{name} must be 1 or 2, got {fields[name]!r}")


def _join_way(
    scene: int,
    chat_id_list: Sequence[str],
    *,
    state: str | None = None,
    remark: str | None = None,
    auto_create_room: int | None = None,
    room_base_name: str | None = None,
    room_base_id: int | None = None,
) -> dict[str, Any]:
    if scene not in (1, 2):
        raise ValueError(f"scene must be 1 (mini-program) or 2 (QR code), got {scene!r}")
    chats = list(chat_id_list)
    if not 1 <= len(chats) <= JOIN_WAY_CHATS_MAX:
        raise ValueError(f"chat_id_list must hold 1 to {JOIN_WAY_CHATS_MAX} group chats, got {len(chats)}")
    check_length("state", state, STATE_MAX)
    check_length("room_base_name", room_base_name, ROOM_BASE_NAME_MAX)
    return compact(
        scene=scene,
        chat_id_list=chats,
        state=state,
        remark=remark,
        auto_create_room=auto_create_room,
        room_base_name=room_base_name,
        room_base_id=room_base_id,
    )
