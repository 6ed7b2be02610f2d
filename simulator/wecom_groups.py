"""WeCom customer groups, join ways and group mass-send tasks.

Doc facts: groupchat/list ``limit`` 1-1000; a join way links at most 5 chat ids and its
``state`` is at most 30 characters; a customer group holds at most 500 members;
add_msg_template takes at most 10,000 external_userids, returns ``msgid`` and ``fail_list``
(41048 when nobody can receive it; msgid missing/unknown 41046/41047; a bad paging cursor
50100) and sends nothing until the sender confirms in the client (task status 0 → 2; per-recipient
status 0 unsent, 1 sent, 2 not a contact, 3 over the receiving cap). Each customer or group
receives at most as many mass messages per month as the month has days (doc 92135).
"""
from __future__ import annotations

import calendar
from datetime import datetime, timedelta, timezone
from typing import Any

from . import errcodes as E
from .calls import ApiCall, int_field, optional_str, required_str, str_list, text_content
from .errcodes import PlatformError, ok
from .state import CustomerGroup, JoinWay, MsgTemplate, PlatformState

GROUP_MEMBER_LIMIT = 500
GROUP_WELCOME_TEMPLATE_MAX = 100
JOIN_WAY_MAX_CHATS = 5
STATE_MAX = 30
TEMPLATE_MAX_RECIPIENTS = 10_000
TEMPLATE_TEXT_MAX_BYTES = 4000
CHINA = timezone(timedelta(hours=8))


def _page(call: ApiCall, items: list, default_limit: int, max_limit: int) -> tuple[list, str]:
    limit = call.get("limit", default_limit)
    if not isinstance(limit, int) or not 1 <= limit <= max_limit:
        raise PlatformError(E.PARAMETER_OUT_OF_RANGE, f"limit must be 1-{max_limit}")
    cursor = call.get("cursor") or ""
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise PlatformError(E.INVALID_CURSOR) from None
    page = items[start:start + limit]
    more = start + limit < len(items)
    return page, str(start + limit) if more else ""


def _group(state: PlatformState, chat_id: str) -> CustomerGroup:
    group = state.groups.get(chat_id)
    if group is None:
        raise PlatformError(E.CHAT_NOT_FOUND)
    return group


def groupchat_list(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    if "limit" not in call.body:
        raise PlatformError(E.EMPTY_PARAMETER, "limit is required")
    owners = set(str_list((ApiCall(call.api, call.get("owner_filter") or {})), "userid_list"))
    groups = [g for g in state.groups.values() if not owners or g.owner in owners]
    page, next_cursor = _page(call, groups, 100, 1000)
    return ok(group_chat_list=[{"chat_id": g.chat_id, "status": g.status} for g in page], next_cursor=next_cursor)


def groupchat_get(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    group = _group(state, required_str(call, "chat_id"))
    need_name = bool(call.get("need_name"))
    members = []
    for m in group.members.values():
        item = {"userid": m.userid, "type": m.type, "join_time": m.join_time, "join_scene": m.join_scene,
                "invitor": {"userid": m.invitor} if m.invitor else {}, "group_nickname": ""}
        if need_name:
            item["name"] = m.name
        if m.unionid:
            item["unionid"] = m.unionid
        members.append(item)
    return ok(group_chat={
        "chat_id": group.chat_id, "name": group.name, "owner": group.owner, "create_time": group.create_time,
        "notice": group.notice, "member_list": members,
        "admin_list": [{"userid": u} for u in group.admin_list], "member_version": group.member_version,
    })


def _join_way_fields(state: PlatformState, call: ApiCall, way: JoinWay) -> None:
    if "chat_id_list" in call.body or not way.chat_id_list:
        chats = str_list(call, "chat_id_list", JOIN_WAY_MAX_CHATS)
        if not chats:
            raise PlatformError(E.EMPTY_PARAMETER, "chat_id_list is required")
        for chat_id in chats:
            _group(state, chat_id)
        way.chat_id_list = chats
    if "state" in call.body:
        way.state = optional_str(call, "state", STATE_MAX)
    if "remark" in call.body:
        way.remark = optional_str(call, "remark", STATE_MAX)
    for name in ("auto_create_room", "room_base_id"):
        if name in call.body:
            setattr(way, name, int(call.get(name) or 0))
    if "room_base_name" in call.body:
        way.room_base_name = optional_str(call, "room_base_name", 40)


def add_join_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    way = JoinWay(config_id=state.ids.next("jw"), scene=int_field(call, "scene", (1, 2)), chat_id_list=[])
    _join_way_fields(state, call, way)
    if way.scene == 2:
        way.qr_code = f"https://wework.qq.com/simulator/join_way/{way.config_id}"
    state.join_ways[way.config_id] = way
    return ok(config_id=way.config_id)


def _join_way(state: PlatformState, call: ApiCall) -> JoinWay:
    way = state.join_ways.get(required_str(call, "config_id"))
    if way is None:
        raise PlatformError(E.INVALID_PARAMETER, "config_id not found")
    return way


def get_join_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    way = _join_way(state, call)
    return ok(join_way={
        "config_id": way.config_id, "scene": way.scene, "remark": way.remark,
        "auto_create_room": way.auto_create_room, "room_base_name": way.room_base_name,
        "room_base_id": way.room_base_id, "chat_id_list": list(way.chat_id_list),
        "qr_code": way.qr_code, "state": way.state,
    })


def update_join_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    way = _join_way(state, call)
    if "scene" in call.body:
        way.scene = int_field(call, "scene", (1, 2))
    _join_way_fields(state, call, way)
    return ok()


def del_join_way(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    del state.join_ways[_join_way(state, call).config_id]
    return ok()


def group_welcome_template_add(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    content = text_content(call, TEMPLATE_TEXT_MAX_BYTES, required=False)
    media = [k for k in ("image", "link", "miniprogram", "file", "video") if call.get(k)]
    if not content and not media:
        raise PlatformError(E.EMPTY_PARAMETER, "text or an attachment is required")
    if len(state.group_welcome_templates) >= GROUP_WELCOME_TEMPLATE_MAX:
        raise PlatformError(E.GROUP_WELCOME_TEMPLATE_LIMIT)
    template_id = state.ids.next("gwt")
    state.group_welcome_templates[template_id] = dict(call.body)
    return ok(template_id=template_id)


def add_msg_template(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    chat_type = call.get("chat_type") or "single"
    if chat_type not in ("single", "group"):
        raise PlatformError(E.INVALID_PARAMETER, "chat_type must be single or group")
    targets = str_list(call, "external_userid", TEMPLATE_MAX_RECIPIENTS)
    sender = optional_str(call, "sender")
    if sender and sender not in state.staff:
        raise PlatformError(E.INVALID_USERID, "unknown sender")
    content = text_content(call, TEMPLATE_TEXT_MAX_BYTES, required=False)
    attachments = call.get("attachments") or []
    if not content and not attachments:
        raise PlatformError(E.EMPTY_PARAMETER, "text or attachments required")
    if chat_type == "group":
        recipients, fail = _group_recipients(state, sender, str_list(call, "chat_id_list"))
    else:
        recipients, fail = _single_recipients(state, sender, targets)
    if not any(recipients.values()):
        raise PlatformError(E.NO_CUSTOMER_TO_SEND)
    template = MsgTemplate(state.ids.next("msg"), chat_type, state.now(), content, list(attachments), recipients,
                           task_status={u: 0 for u in recipients})
    state.msg_templates[template.msgid] = template
    return ok(fail_list=fail, msgid=template.msgid)


def _single_recipients(state: PlatformState, sender: str, targets: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    recipients: dict[str, list[str]] = {}
    fail = []
    for ext in targets:
        owners = [r.userid for r in state.relations_of(ext) if not sender or r.userid == sender]
        if not owners:
            fail.append(ext)
            continue
        recipients.setdefault(owners[0], []).append(ext)
    if not targets and sender:
        recipients[sender] = [r.external_userid for r in state.relations.values() if r.userid == sender]
    return recipients, fail


def _group_recipients(state: PlatformState, sender: str, chat_ids: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    if not sender:
        raise PlatformError(E.EMPTY_PARAMETER, "sender is required for chat_type group")
    owned = [g.chat_id for g in state.groups.values() if g.owner == sender]
    chosen = [c for c in chat_ids if c in owned] if chat_ids else owned
    return {sender: chosen}, [c for c in chat_ids if c not in owned]


def _template(state: PlatformState, call: ApiCall) -> MsgTemplate:
    template = state.msg_templates.get(required_str(call, "msgid", E.MISSING_MSGID))
    if template is None:
        raise PlatformError(E.INVALID_MSGID)
    return template


def get_groupmsg_task(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    template = _template(state, call)
    tasks = [{"userid": u, "status": s, **({"send_time": template.send_time[u]} if u in template.send_time else {})}
             for u, s in template.task_status.items()]
    page, next_cursor = _page(call, tasks, 500, 1000)
    return ok(task_list=page, next_cursor=next_cursor)


def get_groupmsg_send_result(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    template = _template(state, call)
    userid = required_str(call, "userid")
    sent = template.task_status.get(userid) == 2
    rows = []
    for target in template.recipients.get(userid, []):
        row = {"userid": userid, "status": template.target_status.get(target, 1) if sent else 0}
        row["chat_id" if template.chat_type == "group" else "external_userid"] = target
        if sent:
            row["send_time"] = template.send_time[userid]
        rows.append(row)
    page, next_cursor = _page(call, rows, 500, 1000)
    return ok(send_list=page, next_cursor=next_cursor)


def month_cap(timestamp: float) -> tuple[str, int]:
    """(month key, days in that month) in China time, the mass-send receiving cap."""
    moment = datetime.fromtimestamp(timestamp, CHINA)
    return moment.strftime("%Y-%m"), calendar.monthrange(moment.year, moment.month)[1]


def confirm(state: PlatformState, msgid: str, userid: str) -> list[str]:
    """The sender confirms a task: each target under its monthly cap receives the message."""
    template = state.msg_templates.get(msgid)
    if template is None:
        raise KeyError(f"no mass-send task {msgid!r}")
    if template.task_status.get(userid) != 0:
        raise ValueError(f"{userid!r} has no pending task in {msgid!r}")
    template.task_status[userid] = 2
    template.send_time[userid] = state.now()
    month, cap = month_cap(state.clock.time())
    delivered = []
    for target in template.recipients.get(userid, []):
        received = [d for d in state.messages_to(target)
                    if d.channel == "group_msg" and month_cap(d.time)[0] == month]
        if len(received) >= cap:
            template.target_status[target] = 3
            continue
        template.target_status[target] = 1
        state.deliver(target, "group_msg", template.text or "[attachments]", "wecom/externalcontact/add_msg_template")
        delivered.append(target)
    return delivered
