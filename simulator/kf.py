"""微信客服 (WeCom kf): message queues, sync_msg cursors, send_msg windows, service state.

Doc facts: the kf_msg_or_event callback carries a Token valid for 10 minutes, passed to
sync_msg (which may be called without it, under a strict frequency limit); sync_msg
returns messages of the last 3 days, ``limit`` default and maximum 1000, with
``next_cursor`` and ``has_more``. send_msg is allowed only within 48 hours of the customer's
last message (else 95002) and at most 5 messages per customer message (then 95001), and
only while the session is new (0) or with the smart assistant (1) (else 95018, also for a
customer who never wrote). An unknown open_kfid is 95004. A session with no customer
message for 48 hours has ended (4). service_state/trans allows only the documented moves
(else 95016). send_msg_on_event (doc 94677): the enter_session welcome_code allows 1 text
or menu message within 20 seconds, once; a welcome_code is only issued when the customer
neither got a welcome nor wrote to the account in the past 48 hours.
"""
from __future__ import annotations

import base64
from typing import Any

from . import errcodes as E
from .calls import CLIENT_MSGID, ApiCall, required_str, text_content
from .errcodes import PlatformError, ok
from .state import KfAccount, KfSession, PlatformState

TOKEN_TTL = 600
HISTORY = 3 * 24 * 3600
SEND_WINDOW = 48 * 3600
SEND_PER_CUSTOMER_MSG = 5
WELCOME_CODE_TTL = 20
SYNC_MAX_LIMIT = 1000
TEXT_MAX_BYTES = 2048
NO_TOKEN_API = "wecom/kf/sync_msg#without_token"
TRANSITIONS = {0: {1, 2, 3, 4}, 1: {2, 3, 4}, 2: {3, 4}, 3: {3, 4}, 4: set()}
MSGTYPES = ("text", "image", "voice", "video", "file", "link", "miniprogram", "msgmenu", "location", "business_card")


def account(state: PlatformState, open_kfid: str) -> KfAccount:
    found = state.kf_accounts.get(open_kfid)
    if found is None:
        raise PlatformError(E.KF_OPEN_KFID_NOT_FOUND)
    return found


def session(state: PlatformState, acc: KfAccount, external_userid: str) -> KfSession:
    """The customer's session as of now (ended once 48 h pass without a customer message)."""
    current = acc.sessions.setdefault(external_userid, KfSession(service_state=4))
    last = current.last_customer_msg_at
    if last is None or state.clock.time() - last > SEND_WINDOW:
        current.service_state, current.servicer_userid = 4, ""
    return current


def _encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"kf:{seq}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: Any) -> int:
    if not isinstance(cursor, str):
        raise PlatformError(E.INVALID_CURSOR)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, seq = raw.split(":")
        if prefix != "kf":
            raise ValueError
        return int(seq)
    except (ValueError, UnicodeDecodeError):
        raise PlatformError(E.INVALID_CURSOR) from None


def _check_token(state: PlatformState, token: str, open_kfid: str) -> None:
    accounts = [state.kf_accounts[open_kfid]] if open_kfid else list(state.kf_accounts.values())
    for acc in accounts:
        issued = acc.tokens.get(token)
        if issued is not None and state.clock.time() - issued <= TOKEN_TTL:
            return
    raise PlatformError(E.KF_INVALID_MSG_TOKEN)


def sync_msg(state: PlatformState, call: ApiCall, limits) -> dict[str, Any]:
    open_kfid = call.get("open_kfid") or ""
    if open_kfid:
        account(state, open_kfid)
    token = call.get("token") or ""
    if token:
        _check_token(state, token, open_kfid)
    else:
        limits.check(NO_TOKEN_API)
    limit = call.get("limit") or SYNC_MAX_LIMIT
    if not isinstance(limit, int) or limit < 0:
        raise PlatformError(E.INVALID_PARAMETER, "limit must be a positive integer")
    limit = min(limit, SYNC_MAX_LIMIT)
    after = _decode_cursor(call.get("cursor")) if call.get("cursor") else 0
    oldest = state.clock.time() - HISTORY
    pending = [
        (seq, m) for seq, m in enumerate(state.kf_log, start=1)
        if seq > after and m.send_time >= oldest and (not open_kfid or m.open_kfid == open_kfid)
    ]
    page = pending[:limit]
    last = page[-1][0] if page else after
    return ok(next_cursor=_encode_cursor(last), has_more=int(len(pending) > limit),
              msg_list=[m.as_sync_item() for _, m in page])


def send_msg(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    acc = account(state, required_str(call, "open_kfid"))
    touser = required_str(call, "touser")
    msgtype = call.get("msgtype")
    if msgtype not in MSGTYPES:
        raise PlatformError(E.INVALID_MSGTYPE)
    msgid = call.get("msgid") or state.ids.next("kfsend")
    if not isinstance(msgid, str) or not CLIENT_MSGID.match(msgid):
        raise PlatformError(E.INVALID_PARAMETER, "msgid must be 1-32 of [0-9a-zA-Z_-]")
    content = text_content(call, TEXT_MAX_BYTES) if msgtype == "text" else f"[{msgtype}]"
    current = session(state, acc, touser)
    last = current.last_customer_msg_at
    if last is not None and state.clock.time() - last > SEND_WINDOW:
        raise PlatformError(E.KF_SEND_TIME_LIMIT)
    if current.service_state not in (0, 1):
        raise PlatformError(E.KF_SESSION_STATUS_INVALID)
    if current.sent_since_customer_msg >= SEND_PER_CUSTOMER_MSG:
        raise PlatformError(E.KF_SEND_LIMIT)
    current.sent_since_customer_msg += 1
    card = [{"msgtype": msgtype, msgtype: call.get(msgtype)}] if msgtype in ("link", "miniprogram") else []
    state.deliver(touser, "kf", content, call.api, card)
    return ok(msgid=msgid)


def service_state_get(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    acc = account(state, required_str(call, "open_kfid"))
    current = session(state, acc, required_str(call, "external_userid"))
    return ok(service_state=current.service_state, servicer_userid=current.servicer_userid)


def service_state_trans(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    acc = account(state, required_str(call, "open_kfid"))
    current = session(state, acc, required_str(call, "external_userid"))
    target = call.get("service_state")
    if target not in TRANSITIONS or target not in TRANSITIONS[current.service_state]:
        raise PlatformError(E.KF_STATE_TRANSITION)
    servicer = call.get("servicer_userid") or ""
    if target == 3 and servicer not in acc.servicers:
        raise PlatformError(E.KF_SERVICER_INVALID)
    current.service_state = target
    current.servicer_userid = servicer if target == 3 else ""
    return ok(msg_code=state.ids.next("kfcode"))


EVENT_MSGTYPES = ("text", "msgmenu")


def send_msg_on_event(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    code_value = required_str(call, "code")
    found = [(acc, acc.event_codes[code_value]) for acc in state.kf_accounts.values() if code_value in acc.event_codes]
    if not found:
        raise PlatformError(E.INVALID_PARAMETER, "invalid code")
    acc, code = found[0]
    if code.used or state.clock.time() - code.issued_at > code.ttl:
        raise PlatformError(E.INVALID_PARAMETER, "code used or expired")
    msgtype = call.get("msgtype")
    if msgtype not in EVENT_MSGTYPES:
        raise PlatformError(E.INVALID_MSGTYPE)
    msgid = call.get("msgid") or state.ids.next("kfevt")
    if not isinstance(msgid, str) or not CLIENT_MSGID.match(msgid):
        raise PlatformError(E.INVALID_PARAMETER, "msgid must be 1-32 of [0-9a-zA-Z_-]")
    content = text_content(call, TEXT_MAX_BYTES) if msgtype == "text" else "[msgmenu]"
    code.used = True
    acc.sessions.setdefault(code.external_userid, KfSession()).last_welcome_at = state.clock.time()
    state.deliver(code.external_userid, "kf", content, call.api)
    return ok(msgid=msgid)
