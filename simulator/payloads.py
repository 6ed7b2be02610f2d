"""The plaintext of the callbacks the platform posts, with the documented field names."""
from __future__ import annotations

import json
from typing import Any, Iterable

Field = tuple[str, Any]


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def xml_message(fields: Iterable[Field]) -> str:
    """``<xml>`` with strings as CDATA, numbers bare and lists as ``<Item>`` children."""
    parts = ["<xml>"]
    for name, value in fields:
        if isinstance(value, (list, tuple)):
            inner = "".join(f"<Item>{_cdata(str(v))}</Item>" for v in value)
            parts.append(f"<{name}>{inner}</{name}>")
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(f"<{name}>{value}</{name}>")
        else:
            parts.append(f"<{name}>{_cdata(str(value))}</{name}>")
    parts.append("</xml>")
    return "".join(parts)


def contact_event(corp_id: str, now: int, change_type: str, userid: str, external_userid: str,
                  **extra: Any) -> str:
    """change_external_contact (add_external_contact with State and WelcomeCode,
    del_external_contact, del_follow_user...)."""
    fields: list[Field] = [
        ("ToUserName", corp_id), ("FromUserName", "sys"), ("CreateTime", now), ("MsgType", "event"),
        ("Event", "change_external_contact"), ("ChangeType", change_type),
        ("UserID", userid), ("ExternalUserID", external_userid),
    ]
    fields += [(k, v) for k, v in extra.items() if v not in ("", None)]
    return xml_message(fields)


def chat_update_event(corp_id: str, now: int, chat_id: str, detail: str, members: list[str],
                      last_ver: str, cur_ver: str, join_scene: int | None = None,
                      quit_scene: int | None = None, state: str = "") -> str:
    """change_external_chat / update with add_member or del_member."""
    fields: list[Field] = [
        ("ToUserName", corp_id), ("FromUserName", "sys"), ("CreateTime", now), ("MsgType", "event"),
        ("Event", "change_external_chat"), ("ChatId", chat_id), ("ChangeType", "update"),
        ("UpdateDetail", detail),
    ]
    if join_scene is not None:
        fields.append(("JoinScene", join_scene))
    if quit_scene is not None:
        fields.append(("QuitScene", quit_scene))
    fields += [("MemChangeCnt", len(members)), ("MemChangeList", members),
               ("LastMemVer", last_ver), ("CurMemVer", cur_ver)]
    if state:
        fields.append(("State", state))
    return xml_message(fields)


def kf_event(corp_id: str, now: int, token: str, open_kfid: str) -> str:
    return xml_message([
        ("ToUserName", corp_id), ("CreateTime", now), ("MsgType", "event"),
        ("Event", "kf_msg_or_event"), ("Token", token), ("OpenKfId", open_kfid),
    ])


def app_text(corp_id: str, agent_id: int, now: int, userid: str, content: str, msg_id: str) -> str:
    return xml_message([
        ("ToUserName", corp_id), ("FromUserName", userid), ("CreateTime", now), ("MsgType", "text"),
        ("Content", content), ("MsgId", msg_id), ("AgentID", agent_id),
    ])


def wechat_event(original_id: str, openid: str, now: int, event: str, event_key: str = "",
                 ticket: str = "") -> str:
    fields: list[Field] = [("ToUserName", original_id), ("FromUserName", openid), ("CreateTime", now),
                           ("MsgType", "event"), ("Event", event)]
    if event_key or event in ("SCAN",):
        fields.append(("EventKey", event_key))
    if ticket:
        fields.append(("Ticket", ticket))
    return xml_message(fields)


def wechat_text(original_id: str, openid: str, now: int, content: str, msg_id: str) -> str:
    return xml_message([("ToUserName", original_id), ("FromUserName", openid), ("CreateTime", now),
                        ("MsgType", "text"), ("Content", content), ("MsgId", msg_id)])


def bot_text(msg_id: str, bot_id: str, userid: str, content: str, chat_id: str = "",
             response_url: str = "") -> str:
    """The 智能机器人 JSON message: chattype single, or group with chatid (@-mention)."""
    data: dict[str, Any] = {
        "msgid": msg_id, "aibotid": bot_id, "chattype": "group" if chat_id else "single",
        "from": {"userid": userid}, "response_url": response_url, "msgtype": "text",
        "text": {"content": content},
    }
    if chat_id:
        data["chatid"] = chat_id
    return json.dumps(data, ensure_ascii=False)


def bot_enter_chat(msg_id: str, bot_id: str, userid: str, now: int) -> str:
    """The 智能机器人 enter_chat event: the member's first visit of the day to its single chat."""
    return json.dumps({"msgid": msg_id, "create_time": now, "aibotid": bot_id, "chattype": "single",
                       "from": {"userid": userid}, "msgtype": "event", "event": {"eventtype": "enter_chat"}},
                      ensure_ascii=False)


def bot_stream_refresh(msg_id: str, bot_id: str, userid: str, stream_id: str, chat_id: str = "") -> str:
    """The 智能机器人 asking for more of an unfinished stream reply."""
    data: dict[str, Any] = {
        "msgid": msg_id, "aibotid": bot_id, "chattype": "group" if chat_id else "single",
        "from": {"userid": userid}, "msgtype": "stream", "stream": {"id": stream_id},
    }
    if chat_id:
        data["chatid"] = chat_id
    return json.dumps(data, ensure_ascii=False)
