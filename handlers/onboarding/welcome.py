"""The welcome message: the channel's template, the privacy notice and attachments, sent once
with the add event's WelcomeCode.

Doc facts (document/path/92599, 发送新客户欢迎语): only within 20 s of the event and only once;
no welcome_code when a welcome is configured in the admin console for the member; 41051 means
the welcome already reached the customer (do not retry); 41096 means another app is sending
it; at most 9 attachments (image, link, miniprogram, video, file).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.api.errors import ApiError
from content.failures import record_failure
from content.privacy import POLICY_VERSION
from content.rendering import Report, render, render_safely, template_names, template_problem

log = logging.getLogger(__name__)

DEFAULT_WELCOME = "您好{% if name %} {{ name }}{% endif %}，欢迎关注{{ channel_name }}！有问题直接在这里问我。"
PRIVACY_NOTICE = (
    "【个人信息保护】我们按《个人信息保护政策》（{version}）处理您的信息：{url}\n"
    "回复“同意”表示同意；回复“退订”或“TD”不再接收推送；回复“删除我的信息”删除您的资料。"
)
ALREADY_SENT, BEING_SENT, EXPIRED = 41051, 41096, 41050
SENT, OUTCOMES = "sent", {ALREADY_SENT: "already_sent", BEING_SENT: "being_sent", EXPIRED: "expired"}
MAX_ATTACHMENTS = 9


# What a welcome template is test-rendered with when a channel is saved.
WELCOME_SAMPLE = {"name": "李工", "channel_name": "示例渠道", "channel": "示例渠道", "staff": "张三"}


def template_values(source: str) -> frozenset[str]:
    """The names a template uses (so the profile is fetched only when ``name`` is wanted)."""
    return template_names(source)


def welcome_problem(template: str) -> str | None:
    """Why a channel's welcome template cannot be saved (test-rendered on sample data), or None."""
    return template_problem(template, WELCOME_SAMPLE) if template else None


def privacy_notice(url: str) -> str:
    return PRIVACY_NOTICE.format(version=POLICY_VERSION, url=url)


def welcome_text(template: str, *, name: str, channel_name: str, privacy_url: str, report: Report | None = None,
                 staff: str = "") -> str:
    """The channel's welcome (or the default when it is empty or broken: the welcome still
    goes out, and ``report`` tells the channel's authors) and the privacy notice. ``staff`` is
    the receiving member's name."""
    values = {"name": name, "channel_name": channel_name, "channel": channel_name, "staff": staff}
    body = render_safely(template or DEFAULT_WELCOME, values, lambda: render(DEFAULT_WELCOME, values),
                         what=f"welcome of channel {channel_name}", report=report)
    return f"{body}\n\n{privacy_notice(privacy_url)}"


def welcome_owner(code: str) -> str:
    """How a channel's welcome template is named in the template-failure record."""
    return f"channel:{code}"


async def report_welcome_problems(channel: Any, problems: list[str], at: datetime) -> None:
    """Show the first problem of a channel's welcome to the channel's editors."""
    if problems and channel is not None:
        await record_failure(welcome_owner(channel.code), problems[0], at)


def group_invitation(qr_code: str, title: str) -> dict:
    """A link attachment to a group live code's QR image."""
    return {"msgtype": "link", "link": {"title": title[:128], "picurl": qr_code, "desc": "扫码加入客户群",
                                        "url": qr_code}}


async def send_welcome(wecom, welcome_code: str, text: str, attachments: list[dict]) -> str:
    """Send once; return what happened: sent, already_sent (41051), being_sent (41096),
    expired (41050) or failed. 41051 and 41096 are logged, never retried."""
    try:
        await wecom.send_welcome_msg(welcome_code, text=text, attachments=attachments[:MAX_ATTACHMENTS] or None)
        return SENT
    except ApiError as exc:
        outcome = OUTCOMES.get(exc.errcode or 0, "failed")
        log.warning("welcome %s: %s (%s %s)", welcome_code, outcome, exc.errcode, exc.errmsg)
        return outcome
