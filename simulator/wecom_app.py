"""WeCom app message/send, and the 智能机器人's response_url.

response_url (doc 101138): POST ``/cgi-bin/aibot/response?response_code=...`` with a
markdown or template_card message, no access token; each response_url may be used once,
within 1 hour.

Doc facts: touser is "|"-separated, at most 1000 users; touser/toparty/totag may not all be
empty; unknown users come back in ``invaliduser`` and when none is valid the call fails with
81013; text content at most 2048 bytes; agentid must be the calling app's. A template card (doc 90236)
of type button_interaction, vote_interaction or multiple_interaction needs a task_id (at most
128 bytes of digits, letters and _-@, never reused within the app) and a button_interaction
card 1–6 buttons with text and key; the send answers a response_code. update_template_card
(doc 94888) takes a response_code once, within 72 hours (here: 40035 otherwise). An app may send
one member at most 30 messages a minute and 1000 an hour (发送应用消息 频率限制; over it,
45009).
"""
from __future__ import annotations

import re
from typing import Any

from . import errcodes as E
from .calls import ApiCall, text_content
from .errcodes import PlatformError, ok
from .state import AppCard, PlatformState

TOUSER_MAX = 1000
TEXT_MAX_BYTES = 2048
PER_MEMBER_PER_MINUTE = 30
PER_MEMBER_PER_HOUR = 1000

MSGTYPES = ("text", "markdown", "textcard", "news", "mpnews", "image", "voice", "video", "file",
            "template_card", "miniprogram_notice")


def message_send(state: PlatformState, call: ApiCall, agent_id: int) -> dict[str, Any]:
    if call.get("agentid") != agent_id and str(call.get("agentid")) != str(agent_id):
        raise PlatformError(E.INVALID_AGENTID)
    msgtype = call.get("msgtype")
    if msgtype not in MSGTYPES:
        raise PlatformError(E.INVALID_MSGTYPE)
    touser = [u for u in str(call.get("touser") or "").split("|") if u]
    if len(touser) > TOUSER_MAX:
        raise PlatformError(E.INVALID_USERID_LIST_SIZE, "touser takes at most 1000 users")
    if touser == ["@all"]:
        touser = list(state.staff)
    valid = [u for u in touser if u in state.staff]
    invalid = [u for u in touser if u not in state.staff]
    if not valid and not call.get("toparty") and not call.get("totag"):
        raise PlatformError(E.NO_VALID_RECIPIENT, "no valid recipient")
    if msgtype == "text":
        content = text_content(call, TEXT_MAX_BYTES)
    elif msgtype == "markdown":
        content = str((call.get("markdown") or {}).get("content", ""))
    elif msgtype == "template_card":
        content = _check_card(state, call.get("template_card") or {})
    else:
        content = f"[{msgtype}]"
    _check_member_rate(state, valid)
    for userid in valid:
        state.deliver(userid, "app", content, call.api)
    extra: dict[str, Any] = {"invaliduser": "|".join(invalid)} if invalid else {}
    if msgtype == "template_card" and CALLBACK_CARDS & {(call.get("template_card") or {}).get("card_type")}:
        card = call.get("template_card")
        code = state.ids.next("rc")
        state.app_cards[card["task_id"]] = AppCard(card["task_id"], valid, card, {code: state.clock.time()})
        extra["response_code"] = code
    return ok(msgid=state.ids.next("appmsg"), **extra)


CARD_TYPES = {"text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"}
CALLBACK_CARDS = {"button_interaction", "vote_interaction", "multiple_interaction"}
TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
CARD_CODE_TTL = 72 * 3600


def _check_card(state: PlatformState, card: dict[str, Any]) -> str:
    """The card's summary as delivered; raises the platform's errors for a malformed card."""
    card_type = card.get("card_type")
    if card_type not in CARD_TYPES:
        raise PlatformError(E.INVALID_PARAMETER, "invalid card_type")
    if card_type in CALLBACK_CARDS:
        task_id = str(card.get("task_id") or "")
        if not TASK_ID.match(task_id):
            raise PlatformError(E.INVALID_PARAMETER, "invalid task_id")
        if task_id in state.app_cards:
            raise PlatformError(E.INVALID_PARAMETER, "task_id is already used")
    if card_type == "button_interaction":
        buttons = card.get("button_list") or []
        if not 1 <= len(buttons) <= 6 or not all(b.get("text") and b.get("key") for b in buttons):
            raise PlatformError(E.INVALID_PARAMETER, "button_list takes 1-6 buttons with text and key")
    title = (card.get("main_title") or {}).get("title", "")
    return f"[template_card] {title}".rstrip()


def update_template_card(state: PlatformState, call: ApiCall, agent_id: int) -> dict[str, Any]:
    if str(call.get("agentid")) != str(agent_id):
        raise PlatformError(E.INVALID_AGENTID)
    code = str(call.get("response_code") or "")
    card = next((c for c in state.app_cards.values() if code in c.codes), None)
    if card is None or state.clock.time() - card.codes[code] > CARD_CODE_TTL:
        raise PlatformError(E.INVALID_PARAMETER, "invalid response_code")
    if call.get("template_card") is not None:
        _check_card_update(call.get("template_card"))
        card.card = call.get("template_card")
    elif isinstance(call.get("button"), dict) and call.get("button").get("replace_name"):
        card.replaced_name = str(call.get("button")["replace_name"])
    else:
        raise PlatformError(E.INVALID_PARAMETER, "button.replace_name or template_card is required")
    del card.codes[code]
    card.updates.append(dict(call.payload))
    return ok(invaliduser=[])


def _check_card_update(card: Any) -> None:
    if not isinstance(card, dict) or card.get("card_type") not in CARD_TYPES:
        raise PlatformError(E.INVALID_PARAMETER, "invalid card_type")


def press_card_button(state: PlatformState, task_id: str, userid: str, key: str) -> tuple[AppCard, str]:
    """A member presses a button: the card and the fresh response_code the callback carries."""
    card = state.app_cards[task_id]
    if userid not in card.userids:
        raise KeyError(f"{userid} did not get card {task_id}")
    if card.replaced_name:
        raise ValueError(f"card {task_id} is greyed out: {card.replaced_name}")
    if key not in {b.get("key") for b in card.card.get("button_list") or []}:
        raise KeyError(f"card {task_id} has no button {key}")
    code = state.ids.next("rc")
    card.codes[code] = state.clock.time()
    return card, code


def _check_member_rate(state: PlatformState, userids: list[str]) -> None:
    now = state.clock.time()
    for userid in userids:
        sent = [d.time for d in state.messages_to(userid) if d.channel == "app"]
        last_minute = sum(now - t < 60 for t in sent)
        last_hour = sum(now - t < 3600 for t in sent)
        if last_minute >= PER_MEMBER_PER_MINUTE or last_hour >= PER_MEMBER_PER_HOUR:
            raise PlatformError(E.FREQ_OUT_OF_LIMIT, f"too many messages to {userid}")


RESPONSE_URL_TTL = 3600


def aibot_response(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    code = state.response_codes.get(call.query.get("response_code", ""))
    if code is None:
        raise PlatformError(E.INVALID_PARAMETER, "invalid response_code")
    if code.used or state.clock.time() - code.issued_at > RESPONSE_URL_TTL:
        raise PlatformError(E.INVALID_PARAMETER, "response_code used or expired")
    msgtype = call.get("msgtype")
    if msgtype == "markdown":
        content = str((call.get("markdown") or {}).get("content", ""))
        if not content:
            raise PlatformError(E.EMPTY_TEXT)
    elif msgtype == "template_card":
        content = "[template_card]"
    else:
        raise PlatformError(E.INVALID_MSGTYPE)
    code.used = True
    state.deliver(code.recipient, "bot", content, call.api)
    return ok()


def user_get(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    """读取成员 (document/path/90196): since 2022-06-20 an app that is not the contacts-sync
    app gets no avatar, gender, mobile, email or address; name, department and position stay.
    An unknown userid is 60111."""
    userid = call.query.get("userid", "")
    if not userid:
        raise PlatformError(E.EMPTY_PARAMETER, "userid is required")
    staff = state.staff.get(userid)
    if staff is None:
        raise PlatformError(E.USERID_NOT_FOUND)
    return ok(userid=staff.userid, name=staff.name, department=[1], order=[0], position="", status=1,
              main_department=1, is_leader_in_dept=[0], direct_leader=[], alias="", telephone="")
