"""The API calls that deliver a message to a person, and how each names its recipients and
says what it sent: what the ``on_sent`` hook hears of, read without knowing the platforms."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.events import IdentityKind

# API path → (behaviour kind, platform, identity kind of the recipient field)
DELIVERING_APIS: dict[str, tuple[str, str, IdentityKind | None]] = {
    "/cgi-bin/message/send": ("app.message", "wecom", None),
    "/cgi-bin/kf/send_msg": ("kf.message", "wecom_kf", IdentityKind.EXTERNAL_USERID),
    "/cgi-bin/externalcontact/send_welcome_msg": ("welcome.message", "wecom", None),
    "/cgi-bin/externalcontact/add_msg_template": ("mass.message", "wecom", IdentityKind.EXTERNAL_USERID),
    "/cgi-bin/message/custom/send": ("account.message", "wechat", IdentityKind.OPENID),
}


@dataclass(frozen=True)
class Delivery:
    """One delivered message. ``recipients`` are customer identities of kind ``identity``
    (staff userids or chat ids when it is None); ``welcome_code`` is set instead for
    send_welcome_msg, which names its recipient only by the WelcomeCode of a ContactAdded."""

    kind: str
    platform: str
    identity: IdentityKind | None
    recipients: tuple[str, ...]
    summary: dict[str, Any]
    welcome_code: str = ""


def api_path(api: str) -> str:
    """``/cgi-bin/...`` without host or query."""
    return "/cgi-bin/" + api.split("/cgi-bin/", 1)[-1].split("?", 1)[0]


def delivery(api: str, payload: dict[str, Any]) -> Delivery | None:
    """What the call to ``api`` with ``payload`` delivered, or None when it delivers nothing."""
    path = api_path(api)
    known = DELIVERING_APIS.get(path)
    if known is None:
        return None
    kind, platform, identity = known
    summary = message_summary(payload)
    if path.endswith("send_welcome_msg"):
        return Delivery(kind, platform, None, ("",), summary, welcome_code=payload.get("welcome_code", ""))
    if path.endswith("add_msg_template"):
        users = tuple(payload.get("external_userid") or ())
        if not users:  # a mass message to customer groups
            return Delivery(kind, platform, None, (",".join(payload.get("chat_id_list") or []),), summary)
        return Delivery(kind, platform, identity, users, summary)
    return Delivery(kind, platform, identity, (payload.get("touser", ""),), summary)


def message_summary(payload: dict[str, Any]) -> dict[str, Any]:
    """What an outbound message said, short: its type and text."""
    msgtype = payload.get("msgtype", "text")
    out: dict[str, Any] = {"msg_type": msgtype}
    text = payload.get("text")
    if isinstance(text, dict) and "content" in text:
        out["text"] = text["content"]
    return out
