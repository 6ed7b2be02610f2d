"""Typed events as the transports produce them, for tests that start after the wire."""
from __future__ import annotations

import itertools

from bot.events import ChatKind, ContactAdded, Platform, TextMessage

_ids = itertools.count(1)


def kf_text(content: str, customer: str = "wmWANG", open_kfid: str = "wkKF0001", *, at: int = 1700000000) -> TextMessage:
    """A customer's text in 微信客服 (pulled with kf/sync_msg)."""
    return TextMessage(platform=Platform.WECOM_KF, create_time=at, msg_id=f"kfmsg{next(_ids)}", sender=customer,
                       open_kfid=open_kfid, sender_is_customer=True, content=content)


def bot_text(content: str, staff: str = "zhangsan", chat_id: str = "", *, mentioned: bool = True,
             at: int = 1700000000) -> TextMessage:
    """A staff member's text to the 智能机器人: in a group when ``chat_id`` is given."""
    group = bool(chat_id)
    return TextMessage(platform=Platform.WECOM_BOT, create_time=at, msg_id=f"botmsg{next(_ids)}", sender=staff,
                       chat=ChatKind.GROUP if group else ChatKind.SINGLE, chat_id=chat_id, content=content,
                       mentioned_bot=mentioned or not group)


def wechat_text(content: str, openid: str = "oWANG", *, at: int = 1700000000) -> TextMessage:
    """A follower's text to the official account."""
    return TextMessage(platform=Platform.WECHAT, create_time=at, msg_id=f"mpmsg{next(_ids)}", sender=openid,
                       sender_is_customer=True, content=content)


def contact_added(userid: str, external_userid: str, state: str = "", welcome_code: str = "", *,
                  at: int = 1700000000) -> ContactAdded:
    """change_external_contact / add_external_contact: a customer added a staff member."""
    return ContactAdded(platform=Platform.WECOM, create_time=at, change_type="add_external_contact",
                        user_id=userid, external_user_id=external_userid, state=state, welcome_code=welcome_code)
