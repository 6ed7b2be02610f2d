"""Chat-first commands for staff messaging the WeCom app: ``/help``, ``/lead <name or id>``,
and whatever later features add. Each command names the console permission it needs; the
sender's role comes from the staff user linked to their WeCom userid.

A feature adds commands by offering a service whose name ends in ``staff_commands``: objects
with a :class:`StaffCommand`'s fields (the feature's router is built after every service).
"""
from __future__ import annotations

import re
from datetime import datetime
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from bot.clock import Clock
from bot.dispatcher import Router, platform
from bot.feature import Feature
from bot.events import Platform, TextMessage
from bot.responder import Responder
from console.access.accounts import user_actor
from console.access.actors import Actor
from console.kit.i18n import DISPLAY_TZ, Catalogue
from leads.standing import current_rule_set, explained, rules_from, standing_json
from leads.queries import LeadFilter, filtered_leads, leads_json, timeline, visible_lead
from models import StaffUser

COMMAND = re.compile(r"^\s*[/／](\S+)\s*(.*)$", re.DOTALL)
MAX_MATCHES = 5


@dataclass(frozen=True)
class CommandCall:
    """What a command receives: the message, the text after the command, the sender as
    a console actor, the console's address and every command (for /help)."""

    event: TextMessage
    args: str
    actor: Actor
    console_url: str  # the server's base URL; links add /console/...
    commands: tuple["StaffCommand", ...]
    clock: Clock = field(default_factory=Clock)

    def now(self) -> datetime:
        return self.clock.now()


@dataclass(frozen=True)
class StaffCommand:
    name: str  # typed as /name
    permission: str  # a console permission (console.access.permissions)
    usage: str  # e.g. "/lead 姓名或编号"
    summary: str  # one line for /help
    run: Callable[[CommandCall], Awaitable[str]]  # returns the reply


async def help_command(call: CommandCall) -> str:
    lines = ["可用命令："]
    lines += [f"{c.usage}  {c.summary}" for c in call.commands if call.actor.can(c.permission)]
    return "\n".join(lines)


async def lead_command(call: CommandCall) -> str:
    query = call.args.strip()
    if not query:
        return "用法：/lead 姓名、公司或线索编号"
    if query.lstrip("#").isdigit():
        lead = await visible_lead(call.actor, int(query.lstrip("#")))
        return await lead_summary(lead, call.console_url, call.now()) if lead else f"没有找到编号为 {query} 的线索。"
    found = filtered_leads(call.actor, LeadFilter(q=query[:100]))
    total = await found.count()
    if total == 0:
        return f"没有找到“{query}”相关的线索。"
    leads = await found.limit(MAX_MATCHES)
    if total == 1:
        return await lead_summary(leads[0], call.console_url, call.now())
    items = await leads_json(leads)
    lines = [f"找到 {total} 条线索，发送 /lead 编号 查看："]
    lines += [f"#{i['id']} {i['display_name']} {i['company']}".rstrip() for i in items]
    return "\n".join(lines)


async def lead_summary(lead, console_url: str, now: datetime | None = None) -> str:
    """A few lines a sales rep can read on a phone: stage, score and why, with a link to the
    lead page."""
    [item] = await leads_json([lead])
    standing = await standing_json(lead, rules_from(await current_rule_set()), now or Clock().now())
    stage = standing["stage_label"]
    channel = (item["last_channel"] or item["first_channel"] or {}).get("name", "未知")
    lines = [
        f"#{item['id']} {item['display_name']}" + (f"｜{item['company']}" if item["company"] else ""),
        f"阶段：{stage}　渠道：{channel}",
    ]
    lines.append(f"评分：{standing['total']} 分（等级 {standing['grade']}）")
    if standing["mql_reason"]:
        lines.append(f"MQL 依据：{standing['mql_reason']}")
    lines += [f"· {line}" for line in explained(standing, limit=3)]
    if item["tags"]:
        lines.append("标签：" + "、".join(item["tags"]))
    if item["owner"]:
        lines.append(f"负责人：{item['owner']['name']}")
    last = await timeline(lead).first()
    if last is not None:
        lines.append(f"最近行为：{last.kind}（{last.occurred_at.astimezone(DISPLAY_TZ):%m-%d %H:%M}）")
    lines.append(f"{console_url.rstrip('/')}/console/leads/{item['id']}")
    return "\n".join(lines)


BUILTIN = (
    StaffCommand("help", "dashboard.read", "/help", "查看可用命令", help_command),
    StaffCommand("lead", "leads.read", "/lead 姓名或编号", "查看线索概要和控制台链接", lead_command),
)


def staff_only(event, data) -> bool:
    return isinstance(event, TextMessage) and not event.sender_is_customer


def staff_router(*extra: StaffCommand, console_url: str, clock: Clock | None = None) -> Router:
    """The router answering staff commands: the built-in ones plus ``extra``."""
    commands = (*BUILTIN, *extra)
    names = [c.name for c in commands]
    if len(set(names)) != len(names):
        raise ValueError(f"staff command names repeat: {sorted(n for n in names if names.count(n) > 1)}")
    by_name = {c.name.lower(): c for c in commands}
    router = Router("staff_commands")

    @router.on(TextMessage, filters=(platform(Platform.WECOM), staff_only, _is_command))
    async def answer_command(event: TextMessage, responder: Responder) -> None:
        await responder.text(await reply_to(event, by_name, commands, console_url, clock or Clock()))

    return router


def _is_command(event, data) -> bool:
    return bool(COMMAND.match(event.content))


async def reply_to(event: TextMessage, by_name: dict[str, StaffCommand], commands: tuple[StaffCommand, ...], console_url: str,
                   clock: Clock | None = None) -> str:
    name, args = COMMAND.match(event.content).groups()
    user = await StaffUser.get_or_none(wecom_userid=event.sender, active=True)
    if user is None:
        return "你还没有开通私域控制台账号，请联系管理员开通并绑定你的企业微信账号。"
    actor = user_actor(user)
    command = by_name.get(name.lower())
    if command is None:
        return f"没有 /{name} 这个命令。发送 /help 查看可用命令。"
    if not actor.can(command.permission):
        role = Catalogue().translate("zh", f"role.{actor.role.value}")
        return f"你的角色（{role}）不能使用 /{command.name}。"
    return await command.run(CommandCall(event, args, actor, console_url, commands, clock or Clock()))


def features_commands(bot) -> list[StaffCommand]:
    """Commands other features offer as services named ``…staff_commands`` (objects with a
    StaffCommand's fields), so no feature imports this one."""
    return [command for name, offered in bot.services.items() if name.endswith("staff_commands") for command in offered]


feature = Feature(
    name="staff_commands",
    router=lambda bot: staff_router(*features_commands(bot), console_url=bot.settings.base_url, clock=bot.clock),
)
