"""Creating campaigns from their files and planning each rotation into the outbox: one row
per recipient with the text rendered for them, the caps applied, quiet hours respected.
Planning a rotation and advancing the campaign happen in one transaction, so a crash plans
it again or not at all, and the unique (campaign, recipient, rotation) key plans it once."""
from __future__ import annotations

import hashlib
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from content.rendering import TemplateProblem, render
from leads.segments import Filter, parse as parse_filter, union
from models import (
    Campaign, Channel, ContentItem, CustomerGroup, Lead, LeadAttributes, LeadIdentity, LeadProfile, PushDelivery,
    Segment, WeComMember, TrackedLink,
)

from .audience import segment_count, segment_members
from .campaign_file import CampaignFileError, CampaignSpec, load_campaign
from .schedule import FrequencyCap, QuietHours, Schedule, month_start, over_caps

CHUNK = 1000
LIVE_STATES = ("planned", "sending", "sent", "confirmed")


async def create_campaign(source: str, now: datetime, created_by: str = "") -> Campaign:
    """Validate a campaign file completely (the file, then what it names in the database)
    and create the campaign; nothing changes when anything is wrong (CampaignFileError)."""
    spec = load_campaign(source, now)
    problems = await _check_references(spec, now)
    if problems:
        raise CampaignFileError(problems)
    return await Campaign.create(
        name=spec.name, chat_type=spec.chat_type, spec=_stored(spec), state="scheduled",
        next_run_at=spec.schedule.first_run(now), created_by=created_by,
    )


async def _check_references(spec: CampaignSpec, now: datetime) -> list[str]:
    problems = []
    known = {s.name: s for s in await Segment.filter(name__in=spec.segments)}
    problems += [f"audience.segments: no segment named {name!r}" for name in spec.segments if name not in known]
    if spec.content and not await ContentItem.exists(slug=spec.content):
        problems.append(f"message.content: no content item {spec.content!r} (import it with `content import`)")
    if spec.groups:
        found = set(await CustomerGroup.filter(chat_id__in=spec.groups, dismissed=False).values_list("chat_id", flat=True))
        problems += [f"audience.groups: no customer group {chat!r}" for chat in spec.groups if chat not in found]
    elif not problems and await segment_count(_audience_filter(spec.segments, spec.filter, known), now) == 0:
        problems.append("audience: the segment is empty today; nobody would receive this campaign")
    return problems


def _audience_filter(names: list[str], inline: Filter | None, segments: dict[str, Segment]) -> Filter:
    nodes = [parse_filter(segments[n].rules, f"segment {n!r}") for n in names]
    return union(nodes + ([inline] if inline else []))


def _stored(spec: CampaignSpec) -> dict[str, Any]:
    schedule = {"kind": spec.schedule.kind, "at": spec.schedule.at.isoformat() if spec.schedule.at else None,
                "cron": spec.schedule.cron}
    raw = spec.raw
    return {
        "segments": spec.segments, "filter": (raw.get("audience") or {}).get("filter"), "groups": spec.groups,
        "text": spec.text, "content": spec.content, "attachments": spec.attachments, "schedule": schedule,
        "quiet_hours": raw.get("quiet_hours"), "frequency_cap": raw.get("frequency_cap"), "sender": spec.sender,
    }


def schedule_of(campaign: Campaign) -> Schedule:
    s = campaign.spec["schedule"]
    return Schedule(s["kind"], at=datetime.fromisoformat(s["at"]) if s["at"] else None, cron=s["cron"])


# --- planning --------------------------------------------------------------------------------


@dataclass
class Recipient:
    recipient: str  # external_userid or chat_id
    lead_id: int | None
    sender: str
    fields: dict[str, Any]


async def plan_due(now: datetime, base_url: str) -> list[int]:
    """Plan every campaign whose next run has come; the ids planned."""
    due = await Campaign.filter(state__in=("scheduled", "running"), next_run_at__lte=now).values_list("id", flat=True)
    return [cid for cid in due if await plan_rotation(cid, now, base_url)]


async def plan_rotation(campaign_id: int, now: datetime, base_url: str) -> bool:
    """Plan the campaign's next rotation, if it is still due (another process may have)."""
    async with in_transaction():
        campaign = await Campaign.filter(id=campaign_id).select_for_update().first()
        if campaign is None or campaign.state not in ("scheduled", "running") or \
                campaign.next_run_at is None or campaign.next_run_at > now:
            return False
        rotation = campaign.rotation + 1
        spec = campaign.spec
        recipients = await _recipients(spec, now)
        item = await ContentItem.get_or_none(slug=spec["content"]) if spec["content"] else None
        links = await tracked_links(item, campaign, recipients, now) if item else {}
        quiet = QuietHours.parse(spec.get("quiet_hours"))
        not_before = quiet.next_allowed(now) if quiet else now
        cap = FrequencyCap.parse(spec.get("frequency_cap"))
        since = min(month_start(now), now - timedelta(days=cap.days if cap else 0))
        history = await history_of(campaign.id, rotation, [r.recipient for r in recipients], since)
        message = Message(spec["text"], spec["attachments"], item)
        rows = [delivery_row(campaign.id, rotation, r, message, links.get(r.recipient, ""),
                             over_caps(history.get(r.recipient, ()), now, cap), now, not_before, base_url)
                for r in recipients]
        rows.sort(key=lambda row: (row.sender, row.digest))
        await PushDelivery.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
        campaign.rotation = rotation
        campaign.next_run_at = schedule_of(campaign).next_run(campaign.next_run_at)
        campaign.state = "running"
        await campaign.save(update_fields=["rotation", "next_run_at", "state", "updated_at"])
    return True


@dataclass(frozen=True)
class Message:
    """What a campaign or a sequence step sends: a text template, raw attachments, an item."""

    text: str
    attachments: list
    item: ContentItem | None = None


def delivery_row(campaign_id: int, rotation: int, r: Recipient, message: Message, token: str, reason: str,
                 now: datetime, not_before: datetime, base_url: str) -> PushDelivery:
    """The outbox row of one recipient: the text rendered for them, the item as a link card
    with their tracked link; skipped with ``reason`` (a cap) when it is not empty."""
    values = dict(r.fields)
    attachments = [_attachment(a) for a in message.attachments]
    item = message.item
    if item:
        url = f"{base_url.rstrip('/')}/c/{token}"
        values.update(link=url, title=item.title)
        attachments.insert(0, {"msgtype": "link", "link": {"title": item.title, "picurl": item.cover,
                                                            "desc": item.summary, "url": url}})
    try:
        text = render(message.text, values) if message.text else ""
    except TemplateProblem as exc:  # a field that exists but holds a value the template cannot use
        text, reason = "", reason or f"template: {exc}"[:64]
    digest = hashlib.sha1(json.dumps([text, attachments], ensure_ascii=False).encode()).hexdigest()
    return PushDelivery(
        campaign_id=campaign_id, rotation=rotation, recipient=r.recipient, lead_id=r.lead_id, sender=r.sender,
        text=text, attachments=attachments, digest=digest, state="skipped" if reason else "planned", reason=reason,
        not_before=not_before, planned_at=now,
    )


def _attachment(raw: dict) -> dict:
    (kind, fields), = raw.items()
    return {"msgtype": kind, kind: fields}


async def history_of(campaign_id: int, rotation: int, recipients: list[str], since: datetime) -> dict[str, list[datetime]]:
    """When each recipient got (or will get) its other pushes since ``since``, for the caps."""
    found: dict[str, list[datetime]] = defaultdict(list)
    for start in range(0, len(recipients), CHUNK):
        rows = await PushDelivery.filter(
            recipient__in=recipients[start:start + CHUNK], state__in=LIVE_STATES, planned_at__gte=since,
        ).values_list("recipient", "campaign_id", "rotation", "sent_at", "not_before")
        for recipient, campaign, rotation_, sent_at, not_before in rows:
            if (campaign, rotation_) != (campaign_id, rotation):
                found[recipient].append(sent_at or not_before)
    return found


async def _recipients(spec: dict, now: datetime) -> list[Recipient]:
    if spec["groups"]:
        groups = await CustomerGroup.filter(chat_id__in=spec["groups"], dismissed=False)
        return [Recipient(g.chat_id, None, g.owner_userid, {"name": g.name}) for g in groups]
    segments = {s.name: s for s in await Segment.filter(name__in=spec["segments"])}
    inline = parse_filter(spec["filter"], "audience.filter") if spec["filter"] else None
    lead_ids = await segment_members(_audience_filter(spec["segments"], inline, segments), now)
    found: list[Recipient] = []
    for start in range(0, len(lead_ids), CHUNK):
        found += await lead_recipients(lead_ids[start:start + CHUNK], spec["sender"])
    return found


async def lead_recipients(lead_ids: list[int], sender: str) -> list[Recipient]:
    leads = {lead.id: lead for lead in await Lead.filter(id__in=lead_ids)}
    identities = await LeadIdentity.filter(lead_id__in=lead_ids, kind="external_userid").order_by("id") \
        .values_list("lead_id", "value")
    owners = dict(await WeComMember.filter(id__in={lead.owner_id for lead in leads.values() if lead.owner_id})
                  .values_list("id", "userid"))
    owner_names = dict(await WeComMember.filter(id__in=list(owners)).values_list("id", "name"))
    channels = dict(await Channel.filter(id__in={lead.first_channel_id for lead in leads.values() if lead.first_channel_id})
                    .values_list("id", "name"))
    attributes = {a.lead_id: a for a in await LeadAttributes.filter(lead_id__in=lead_ids)}
    stopped = set(await LeadProfile.filter(lead_id__in=lead_ids).filter(
        Q(unsubscribed_at__isnull=False) | Q(erased_at__isnull=False)).values_list("lead_id", flat=True))
    chosen: dict[int, str] = {}
    for lead_id, external_userid in identities:
        if lead_id not in stopped:  # 退订 or erased: no pushes of any kind, whatever the segment says
            chosen.setdefault(lead_id, external_userid)  # a merged lead: its first WeCom identity
    found = []
    for lead_id, external_userid in chosen.items():
        lead, attrs = leads[lead_id], attributes.get(lead_id)
        fields = {
            "name": lead.name, "company": lead.company, "owner": owner_names.get(lead.owner_id, ""),
            "channel": channels.get(lead.first_channel_id, ""), "stage": attrs.stage if attrs else "lead",
            "industry": attrs.industry if attrs else "", "region": attrs.region if attrs else "",
        }
        found.append(Recipient(external_userid, lead_id, sender or owners.get(lead.owner_id, ""), fields))
    return found


async def tracked_links(item: ContentItem, campaign: Campaign, recipients: list[Recipient], now: datetime) -> dict[str, str]:
    """Each recipient's tracked-link token for the item (the same one every rotation)."""
    tokens: dict[str, str] = {}
    for start in range(0, len(recipients), CHUNK):
        chunk = recipients[start:start + CHUNK]
        existing = await TrackedLink.filter(item=item, campaign=campaign, recipient__in=[r.recipient for r in chunk]) \
            .values_list("recipient", "token")
        tokens.update(existing)
        new = [TrackedLink(token=new_token(), item=item, campaign=campaign, lead_id=r.lead_id, recipient=r.recipient,
                           created_at=now) for r in chunk if r.recipient not in tokens]
        await TrackedLink.bulk_create(new, batch_size=CHUNK)
        tokens.update((link.recipient, link.token) for link in new)
    return tokens


def new_token() -> str:
    """An unguessable link token (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)
