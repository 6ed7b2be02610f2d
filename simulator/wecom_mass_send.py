"""Reading and steering mass-send tasks: get_groupmsg_list_v2 (document/path/93338),
remind_groupmsg_send (97610) and cancel_groupmsg_send (97611).

Doc facts: the list takes chat_type (single default, or group), start_time and end_time at most
one month apart, creator, filter_type (0 企业发表, 1 个人发表, 2 all, the default), limit at
most 100 (default 50; above the maximum the default applies) and a cursor; it answers
group_msg_list of {msgid, creator, create_type, text, attachments} and next_cursor. A task can be
reminded at most three times in 24 hours. Cancelling stops members from sending what they have
not sent; nothing already sent is recalled. The docs name no errcode for a time span over a
month (40058 here) or a fourth reminder (45009 here).
"""
from __future__ import annotations

from typing import Any

from . import errcodes as E
from .calls import ApiCall
from .errcodes import PlatformError, ok
from .state import MsgTemplate, PlatformState
from .wecom_groups import _page, _template

MONTH_SECONDS = 31 * 24 * 3600
LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX = 50, 100
REMINDERS_PER_DAY = 3
DAY = 24 * 3600


def get_groupmsg_list_v2(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    chat_type = call.get("chat_type") or "single"
    if chat_type not in ("single", "group"):
        raise PlatformError(E.INVALID_PARAMETER, "chat_type must be single or group")
    start, end = call.get("start_time"), call.get("end_time")
    if not isinstance(start, int) or not isinstance(end, int):
        raise PlatformError(E.EMPTY_PARAMETER, "start_time and end_time are required")
    if end < start or end - start > MONTH_SECONDS:
        raise PlatformError(E.PARAMETER_OUT_OF_RANGE, "start_time to end_time spans at most one month")
    filter_type = call.get("filter_type", 2)
    if filter_type not in (0, 1, 2):
        raise PlatformError(E.INVALID_PARAMETER, "filter_type must be 0, 1 or 2")
    creator = call.get("creator") or ""
    limit = call.get("limit", LIST_LIMIT_DEFAULT)
    if not isinstance(limit, int) or not 1 <= limit <= LIST_LIMIT_MAX:
        limit = LIST_LIMIT_DEFAULT
    tasks = [t for t in state.msg_templates.values()
             if t.chat_type == chat_type and start <= t.create_time <= end and filter_type in (0, 2)
             and (not creator or t.creator == creator)]  # API tasks are all 企业发表 (create_type 0)
    page, next_cursor = _page(ApiCall(call.api, {"limit": limit, "cursor": call.get("cursor")}, call.query),
                              [_listed(t) for t in tasks], LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX)
    return ok(group_msg_list=page, next_cursor=next_cursor)


def _listed(task: MsgTemplate) -> dict[str, Any]:
    row: dict[str, Any] = {"msgid": task.msgid, "creator": task.creator, "create_type": 0}
    if task.text:
        row["text"] = {"content": task.text}
    if task.attachments:
        row["attachments"] = task.attachments
    return row


def remind_groupmsg_send(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    task = _template(state, call)
    now = state.clock.time()
    if sum(1 for t in task.reminders if t > now - DAY) >= REMINDERS_PER_DAY:
        raise PlatformError(E.FREQ_OUT_OF_LIMIT, "a task is reminded at most 3 times in 24 hours")
    task.reminders.append(now)
    for userid, status in task.task_status.items():
        if status == 0 and not task.cancelled:
            state.deliver(userid, "app", "请确认企业群发任务", call.api)
    return ok()


def cancel_groupmsg_send(state: PlatformState, call: ApiCall) -> dict[str, Any]:
    _template(state, call).cancelled = True
    return ok()
