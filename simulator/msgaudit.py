"""会话内容存档 consent APIs (获取会话同意情况, document/path/91782), answered from the
customers' archiving answers in PlatformState.

Doc facts: check_single_agree takes ``info`` = [{userid, exteranalopenid}] (the official
spelling) and answers ``agreeinfo`` = [{userid, exteranalopenid, agree_status,
status_change_time}]; check_room_agree takes ``roomid`` and answers ``agreeinfo`` =
[{exteranalopenid, agree_status, status_change_time}] for the room's external members.
agree_status is ``Agree``, ``Disagree`` or ``Default_Agree``.
"""
from __future__ import annotations

from typing import Any

from . import errcodes as E
from .calls import ApiCall, required_str
from .errcodes import PlatformError, ok
from .state import PlatformState


def _answer(state: PlatformState, external_userid: str) -> dict[str, Any]:
    consent = state.archive_consent(external_userid)
    return {"exteranalopenid": external_userid, "agree_status": consent.status,
            "status_change_time": consent.changed_at}


def _pairs(call: ApiCall) -> list[tuple[str, str]]:
    info = call.get("info")
    if not info:
        raise PlatformError(E.EMPTY_PARAMETER, "info is required")
    if not isinstance(info, list) or not all(isinstance(item, dict) for item in info):
        raise PlatformError(E.INVALID_PARAMETER, "info must be a list of {userid, exteranalopenid}")
    pairs = [(item.get("userid"), item.get("exteranalopenid")) for item in info]
    if not all(isinstance(u, str) and u and isinstance(x, str) and x for u, x in pairs):
        raise PlatformError(E.EMPTY_PARAMETER, "each info item needs userid and exteranalopenid")
    return pairs


def check_single_agree(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    agreeinfo = [{"userid": userid, **_answer(state, ext)} for userid, ext in _pairs(call)]
    return ok(agreeinfo=agreeinfo)


def check_room_agree(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    group = state.groups.get(required_str(call, "roomid"))
    if group is None:
        raise PlatformError(E.CHAT_NOT_FOUND, "roomid not found")
    external = [m.userid for m in group.members.values() if m.type == 2]
    return ok(agreeinfo=[_answer(state, ext) for ext in external])
