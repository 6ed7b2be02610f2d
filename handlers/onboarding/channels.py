"""Channels: what a marketer declares (ChannelSpec, checked whole before anything changes) and
the platform side of creating, editing and archiving one.

Doc facts (developer.work.weixin.qq.com, 客户联系「联系我」 document/path/92228): ``state`` at most
30 characters and carried into add_external_contact; ``type`` 1 single (one user) or 2 multi
(at most 100 users); ``scene`` 2 returns ``qr_code``. Official accounts (带参数二维码):
QR_LIMIT_STR_SCENE is permanent, ``scene_str`` 1-64 characters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Awaitable, Mapping

from tortoise.transactions import in_transaction

from bot.api.errors import ApiError as PlatformApiError
from bot.platforms.wecom.client import JOIN_WAY_CHATS_MAX, STATE_MAX
from content.failures import clear_failure
from models import Channel, ChannelSettings, GroupJoinWay

from .welcome import welcome_owner, welcome_problem

INVALID_CONFIG_ID = 41044  # WeCom: the contact or join way's config_id is not (or no longer) valid

KINDS = ("trade_show", "website", "whitepaper", "live_stream", "ad", "sales_rep", "referral", "other")
PLATFORMS = ("wecom", "wechat")
RESERVED_CODES = ("unknown",)
UNKNOWN_CODE = "unknown"
CODE = re.compile(r"^[A-Za-z0-9_\-.]+$")
MAX_STAFF = 100  # 联系我 multi type: at most 100 users


class ChannelError(ValueError):
    """A channel was refused; ``problems`` maps each field to what is wrong with it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


@dataclass(frozen=True)
class Receiver:
    userid: str
    daily_cap: int = 0  # 0 = no cap


@dataclass(frozen=True)
class ChannelSpec:
    """Everything a channel is made of, as a marketer declares it."""

    code: str
    name: str
    kind: str = "other"
    platform: str = "wecom"
    cost: Decimal = Decimal(0)
    start_date: date | None = None
    end_date: date | None = None
    staff: tuple[Receiver, ...] = ()
    backup: str = ""
    tags: tuple[str, ...] = ()
    welcome_template: str = ""
    attachments: tuple[dict, ...] = ()
    welcome_fallback: bool = False
    groups: tuple[str, ...] = ()
    group_keyword: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def _date(value: Any, name: str, problems: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems[name] = f"must be a date like 2026-11-24, got {value!r}"
        return None


def _receivers(raw: Any, problems: dict[str, str]) -> tuple[Receiver, ...]:
    out = []
    for item in raw or ():
        if isinstance(item, str):
            item = {"userid": item}
        if not isinstance(item, Mapping) or not str(item.get("userid", "")).strip():
            problems["staff"] = f"each receiver needs a userid, got {item!r}"
            continue
        try:
            cap = int(item.get("daily_cap") or 0)
        except (TypeError, ValueError):
            cap = -1
        if cap < 0:
            problems["staff"] = f"daily_cap of {item['userid']} must be a whole number >= 0"
        out.append(Receiver(str(item["userid"]).strip(), max(cap, 0)))
    return tuple(out)


def _check_code(code: str, problems: dict[str, str]) -> None:
    if not code:
        problems["code"] = "is required"
    elif len(code) > STATE_MAX:
        problems["code"] = (f"is {len(code)} characters; WeCom carries it as the contact way's state, "
                            f"which takes at most {STATE_MAX}")
    elif not CODE.match(code):
        problems["code"] = "may use only letters, digits, '-', '_' and '.'"
    elif code in RESERVED_CODES:
        problems["code"] = f"{code!r} is reserved for contacts whose channel is not known"


SPEC_FIELDS = ("code", "name", "kind", "platform", "cost", "start_date", "end_date", "staff", "backup", "tags",
               "welcome_template", "groups", "auto_create_room", "room_base_name", "group_keyword", "attachments",
               "welcome_fallback")


def parse_spec(raw: Mapping[str, Any]) -> ChannelSpec:
    """A ChannelSpec from form, JSON or YAML fields, or ChannelError naming every problem."""
    problems: dict[str, str] = {}
    code = str(raw.get("code") or "").strip()
    _check_code(code, problems)
    name = str(raw.get("name") or "").strip()
    if not name or len(name) > 128:
        problems["name"] = "is required, at most 128 characters"
    kind = str(raw.get("kind") or "other")
    if kind not in KINDS:
        problems["kind"] = f"must be one of {', '.join(KINDS)}"
    platform = str(raw.get("platform") or "wecom")
    if platform not in PLATFORMS:
        problems["platform"] = f"must be one of {', '.join(PLATFORMS)}"
    try:
        cost = Decimal(str(raw.get("cost") or 0))
        if cost < 0 or not cost.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems["cost"] = f"must be an amount in CNY >= 0, got {raw.get('cost')!r}"
        cost = Decimal(0)
    start, end = _date(raw.get("start_date"), "start_date", problems), _date(raw.get("end_date"), "end_date", problems)
    if start and end and end < start:
        problems["end_date"] = "is before start_date"
    staff = _receivers(raw.get("staff"), problems)
    if platform == "wecom" and not staff:
        problems["staff"] = "name at least one WeCom member who receives the contacts"
    if len(staff) > MAX_STAFF:
        problems["staff"] = f"at most {MAX_STAFF} members"
    template = str(raw.get("welcome_template") or "")
    if why := welcome_problem(template):
        problems["welcome_template"] = why
    groups = tuple(str(g) for g in raw.get("groups") or ())
    if len(groups) > JOIN_WAY_CHATS_MAX:
        problems["groups"] = f"a group live code takes at most {JOIN_WAY_CHATS_MAX} groups, got {len(groups)}"
    tags = tuple(str(t).strip() for t in raw.get("tags") or () if str(t).strip())
    if any(len(t) > 30 for t in tags):
        problems["tags"] = "a WeCom tag name is at most 30 characters"
    if problems:
        raise ChannelError(problems)
    return ChannelSpec(
        code=code, name=name, kind=kind, platform=platform, cost=cost, start_date=start, end_date=end,
        staff=staff, backup=str(raw.get("backup") or "").strip(), tags=tags, welcome_template=template,
        attachments=tuple(raw.get("attachments") or ()), welcome_fallback=bool(raw.get("welcome_fallback")),
        groups=groups, group_keyword=str(raw.get("group_keyword") or "").strip(),
        extra={k: raw[k] for k in ("auto_create_room", "room_base_name") if raw.get(k)},
    )


def way_fields(spec: ChannelSpec, users: list[str] | None = None) -> dict[str, Any]:
    """The 联系我 fields of a channel (QR code scene, state = code)."""
    users = users if users is not None else [r.userid for r in spec.staff]
    return {"type": 1 if len(users) == 1 else 2, "scene": 2, "state": spec.code, "user": users,
            "remark": spec.name[:30], "skip_verify": True}


async def channel_spec_of(channel: Channel) -> ChannelSpec:
    """The spec a stored channel was made from."""
    s = await ChannelSettings.get_or_none(channel=channel)
    return parse_spec({
        "code": channel.code, "name": channel.name, "kind": channel.kind, "cost": channel.cost,
        "welcome_template": channel.welcome_template, "platform": s.platform if s else "wecom",
        "staff": s.staff if s else [], "backup": s.backup_userid if s else "", "tags": s.tags if s else [],
        "groups": s.groups if s else [], "group_keyword": s.group_keyword if s else "",
        "attachments": s.attachments if s else [], "welcome_fallback": s.welcome_fallback if s else False,
        "start_date": s.start_date if s else None, "end_date": s.end_date if s else None,
    })


class ChannelService:
    """Creates, edits and archives channels on the platform and in the database."""

    def __init__(self, wecom=None, wechat=None, groups=None) -> None:
        self.wecom = wecom
        self.wechat = wechat
        self.groups = groups  # a GroupService, for channels with target groups

    async def create(self, spec: ChannelSpec, referrer_id: int | None = None) -> Channel:
        if await Channel.filter(code=spec.code).exists():
            raise ChannelError({"code": f"a channel with code {spec.code!r} exists"})
        config_id, qr_url, ticket = await self._platform_code(spec)
        async with in_transaction():
            channel = await Channel.create(code=spec.code, name=spec.name, kind=spec.kind, cost=spec.cost,
                                           welcome_template=spec.welcome_template, config_id=config_id, qr_url=qr_url)
            await ChannelSettings.create(channel=channel, wechat_ticket=ticket, referrer_id=referrer_id,
                                         **_settings_fields(spec))
        if spec.groups and self.groups is not None:
            await self.groups.ensure_join_way(channel, spec)
        return channel

    async def _platform_code(self, spec: ChannelSpec) -> tuple[str, str, str]:
        if spec.platform == "wechat":
            if self.wechat is None:
                raise ChannelError({"platform": NO_WECHAT})
            answer = await self.wechat.create_qrcode(spec.code, permanent=True)
            return "", self.wechat.showqrcode_url(answer["ticket"]), answer["ticket"]
        if self.wecom is None:
            raise ChannelError({"platform": NO_WECOM})
        answer = await self.wecom.add_contact_way(**way_fields(spec))
        return answer["config_id"], answer.get("qr_code", ""), ""

    async def update(self, channel: Channel, spec: ChannelSpec) -> Channel:
        """Apply ``spec`` (its code must stay the code the QR codes carry)."""
        if spec.code != channel.code:
            raise ChannelError({"code": "cannot change: printed QR codes carry it"})
        if channel.archived:
            raise ChannelError({"code": f"channel {channel.code!r} is archived"})
        if channel.config_id and self.wecom is not None:
            await self.wecom.update_contact_way(channel.config_id, **{k: v for k, v in way_fields(spec).items()
                                                                     if k not in ("type", "scene")})
        channel.name, channel.kind, channel.cost = spec.name, spec.kind, spec.cost
        channel.welcome_template = spec.welcome_template
        async with in_transaction():
            await channel.save()
            await ChannelSettings.update_or_create(defaults=_settings_fields(spec), channel=channel)
            await clear_failure(welcome_owner(channel.code))  # saved after passing its test-render
        if spec.groups and self.groups is not None:
            await self.groups.ensure_join_way(channel, spec)
        return channel

    async def archive(self, channel: Channel) -> Channel:
        """Delete the contact way (its QR code stops working) and its group join ways; keep the
        data. Archiving an archived channel changes nothing; a way WeCom no longer knows
        (41044, deleted there already) counts as deleted."""
        if channel.archived:
            return channel
        if channel.config_id and self.wecom is not None:
            await _gone_is_deleted(self.wecom.del_contact_way(channel.config_id))
        for way in await GroupJoinWay.filter(channel=channel):
            if self.wecom is not None:
                await _gone_is_deleted(self.wecom.del_join_way(way.config_id))
            await way.delete()
        channel.archived = True
        await channel.save(update_fields=["archived"])
        return channel


async def _gone_is_deleted(deleting: Awaitable[Any]) -> None:
    try:
        await deleting
    except PlatformApiError as exc:
        if exc.errcode != INVALID_CONFIG_ID:
            raise


NO_WECOM = ("WeCom is not configured: set SIYU_WECOM_CORP_ID and SIYU_WECOM_CONTACT_SECRET (or SIYU_WECOM_SECRET), "
            "or pass --config FILE (the demo writes demo.toml next to its database)")
NO_WECHAT = "no official account is configured: set SIYU_WECHAT_APP_ID and SIYU_WECHAT_SECRET, or pass --config FILE"


def _settings_fields(spec: ChannelSpec) -> dict[str, Any]:
    return {
        "platform": spec.platform, "staff": [{"userid": r.userid, "daily_cap": r.daily_cap} for r in spec.staff],
        "backup_userid": spec.backup, "tags": list(spec.tags), "groups": list(spec.groups),
        "group_keyword": spec.group_keyword, "attachments": list(spec.attachments),
        "welcome_fallback": spec.welcome_fallback, "start_date": spec.start_date, "end_date": spec.end_date,
    }
