"""Lead queries shared by the console pages, the API and staff commands: search, filters,
the viewer's scope (sales see only their own leads), JSON shapes, CSV and changes."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any, Callable, Iterable, Protocol, cast

from tortoise.expressions import Q, Subquery
from tortoise.fields import CharField
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import BehaviourEvent, Channel, Lead, LeadIdentity, LeadTag, WeComMember

STATUSES = ("active", "mql", "sql", "customer", "nurture", "lost")
EDITABLE = ("name", "company", "status")
MAX_TAGS, MAX_TAG_LENGTH = 50, 64
CHANNEL_CODE_LENGTH = cast(CharField, Channel._meta.fields_map["code"]).max_length


class Viewer(Protocol):
    """Who looks at leads (a staff user, an API token, a staff member in the chat): sales see
    only the leads they own, by their WeCom userid."""

    @property
    def own_leads_only(self) -> bool: ...

    @property
    def wecom_userid(self) -> str | None: ...


class LeadChangeError(ValueError):
    """A lead change was refused; ``field`` names the offending input. ``conflict`` is true
    when the input is well-formed but names something that does not exist. ``str()`` is the
    English message; ``msgid`` and ``values`` translate it (a refusal, as the console shows)."""

    def __init__(self, field_name: str, message: str, *, conflict: bool = False, msgid: str = "", **values: object) -> None:
        super().__init__(message)
        self.field = field_name
        self.conflict = conflict
        self.msgid = msgid
        self.values = values


@dataclass(frozen=True)
class LeadFilter:
    """What the lead list is narrowed to. Every part is optional."""

    q: str = ""  # name, company, tag, channel name or code, or an identity value
    tag: str = ""
    channel: str = ""  # channel code
    status: str = ""
    owner: str = ""  # WeCom userid of the owner
    created_from: date | None = None
    created_to: date | None = None


def scoped_leads(viewer: Viewer) -> QuerySet[Lead]:
    """Every lead the viewer may see."""
    if viewer.own_leads_only:
        return Lead.filter(owner__userid=viewer.wecom_userid or "\0none")
    return Lead.all()


def owned_rows(viewer: Viewer, lead: str = "lead") -> Q:
    """A filter keeping the rows (FAQ questions, events, ...) whose lead, through the relation
    ``lead``, the viewer may see: everything, or for sales only their own leads' rows (rows of
    no lead are no one's, so hidden)."""
    if not viewer.own_leads_only:
        return Q()
    return Q(**{f"{lead}__owner__userid": viewer.wecom_userid or "\0none"})


def filtered_leads(viewer: Viewer, flt: LeadFilter) -> QuerySet[Lead]:
    """The viewer's leads narrowed by ``flt``, newest first."""
    qs = scoped_leads(viewer)
    if flt.q.strip():
        qs = qs.filter(_search(flt.q.strip()))
    if flt.tag:
        qs = qs.filter(id__in=Subquery(LeadTag.filter(name=flt.tag).values_list("lead_id", flat=True)))
    if flt.channel:
        qs = qs.filter(Q(first_channel__code=flt.channel) | Q(last_channel__code=flt.channel))
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.owner:
        qs = qs.filter(owner__userid=flt.owner)
    if flt.created_from:
        qs = qs.filter(created_at__gte=datetime.combine(flt.created_from, time.min, timezone.utc))
    if flt.created_to:
        qs = qs.filter(created_at__lt=datetime.combine(flt.created_to, time.max, timezone.utc))
    return qs.order_by("-created_at", "-id")


def _search(term: str) -> Q:
    """Name or company contains ``term``, or a tag or channel name contains it, or it is a
    channel code or an identity value."""
    tags = LeadTag.filter(name__icontains=term).values_list("lead_id", flat=True)
    idents = LeadIdentity.filter(value=term).values_list("lead_id", flat=True)
    first = Lead.filter(_channel_is(term, "first_channel")).values_list("id", flat=True)
    last = Lead.filter(_channel_is(term, "last_channel")).values_list("id", flat=True)
    return (
        Q(name__icontains=term) | Q(company__icontains=term)
        | Q(id__in=Subquery(tags)) | Q(id__in=Subquery(idents))
        | Q(id__in=Subquery(first)) | Q(id__in=Subquery(last))
    )


def _channel_is(term: str, relation: str) -> Q:
    match = Q(**{f"{relation}__name__icontains": term})
    if len(term) <= CHANNEL_CODE_LENGTH:  # a longer term is no code (and the ORM refuses to compare it)
        match |= Q(**{f"{relation}__code": term})
    return match


async def visible_lead(viewer: Viewer, lead_id: int) -> Lead | None:
    """The lead if it exists and the viewer may see it."""
    return await scoped_leads(viewer).filter(id=lead_id).first()


async def tags_of(leads: Iterable[Lead]) -> dict[int, list[str]]:
    ids = [lead.id for lead in leads]
    out: dict[int, list[str]] = {i: [] for i in ids}
    for row in await LeadTag.filter(lead_id__in=ids).order_by("name"):
        out[row.lead_id].append(row.name)
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def leads_json(leads: list[Lead]) -> list[dict[str, Any]]:
    """List items: the lead's own fields, tags, channels and owner."""
    await Lead.fetch_for_list(leads, "first_channel", "last_channel", "owner")
    tags = await tags_of(leads)
    ids = await _first_identities(leads)
    return [{**_lead_fields(lead, tags[lead.id]), "display_name": lead.name or ids.get(lead.id, f"#{lead.id}")}
            for lead in leads]


async def _first_identities(leads: list[Lead]) -> dict[int, str]:
    """Each lead's oldest platform id: what a person without a name is shown as."""
    from models import LeadIdentity

    rows = await LeadIdentity.filter(lead_id__in=[lead.id for lead in leads]).order_by("-id").values_list("lead_id", "value")
    return dict(rows)


def _channel_json(channel) -> dict[str, Any] | None:
    return {"id": channel.id, "code": channel.code, "name": channel.name} if channel else None


def _lead_fields(lead: Lead, tags: list[str]) -> dict[str, Any]:
    return {
        "id": lead.id,
        "name": lead.name,
        "company": lead.company,
        "status": lead.status,
        "tags": tags,
        "first_channel": _channel_json(lead.first_channel),
        "last_channel": _channel_json(lead.last_channel),
        "owner": {"userid": lead.owner.userid, "name": lead.owner.name or lead.owner.userid} if lead.owner else None,
        "consent": {"given": lead.consent_at is not None, "at": _iso(lead.consent_at), "version": lead.consent_version},
        "created_at": _iso(lead.created_at),
        "updated_at": _iso(lead.updated_at),
    }


async def lead_json(lead: Lead) -> dict[str, Any]:
    """The 360° view without the timeline: fields, tags, channels, owner, consent, identities."""
    [item] = await leads_json([lead])
    identities = await lead.identities.all().order_by("id")
    item["identities"] = [{"kind": i.kind, "value": i.value, "created_at": _iso(i.created_at)} for i in identities]
    return item


def timeline(lead: Lead) -> QuerySet[BehaviourEvent]:
    """The lead's behaviour, newest first."""
    return BehaviourEvent.filter(lead_id=lead.id).order_by("-occurred_at", "-id")


CSV_COLUMNS = ("id", "name", "company", "status", "tags", "first_channel", "last_channel", "owner", "consent_at", "created_at")


def leads_csv(items: list[dict[str, Any]], t: Callable[[str], str]) -> str:
    """A CSV (UTF-8 with BOM, so spreadsheet programs read Chinese right) of list items, its
    headers and stages in the reader's language (``t`` translates a message id)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([t(f"lead.{column}") for column in CSV_COLUMNS])
    for item in items:
        writer.writerow([
            item["id"], _cell(item["name"]), _cell(item["company"]), t(f"status.{item['status']}"),
            _cell(";".join(item["tags"])),
            _cell((item["first_channel"] or {}).get("name", "")), _cell((item["last_channel"] or {}).get("name", "")),
            _cell((item["owner"] or {}).get("name", "")), item["consent"]["at"] or "", item["created_at"],
        ])
    return out.getvalue()


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- changes ----------------------------------------------------------------------------


def clean_tags(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise LeadChangeError("tags", "tags must be a list of strings")
    tags = sorted({t.strip() for t in raw if t.strip()})
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        raise LeadChangeError("tags", f"at most {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters",
                              msgid="refused.tags", count=MAX_TAGS, length=MAX_TAG_LENGTH)
    return tags


def clean_changes(viewer: Viewer, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate a lead change (fields name, company, status, tags, owner); returns it cleaned."""
    allowed = set(EDITABLE) | {"tags", "owner"}
    unknown = set(changes) - allowed
    if unknown:
        raise LeadChangeError(sorted(unknown)[0], f"these fields cannot be changed: {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for name in ("name", "company"):
        if name in changes:
            value = changes[name]
            limit = 128 if name == "name" else 256
            if not isinstance(value, str) or len(value) > limit:
                raise LeadChangeError(name, f"{name} must be a string of at most {limit} characters",
                                      msgid="refused.field_length", field=name, length=limit)
            out[name] = value.strip()
    if "status" in changes:
        if changes["status"] not in STATUSES:
            raise LeadChangeError("status", f"status must be one of {', '.join(STATUSES)}")
        out["status"] = changes["status"]
    if "tags" in changes:
        out["tags"] = clean_tags(changes["tags"])
    if "owner" in changes:
        if viewer.own_leads_only:
            raise LeadChangeError("owner", "your role cannot reassign leads")
        if changes["owner"] is not None and not isinstance(changes["owner"], str):
            raise LeadChangeError("owner", "owner must be a WeCom userid or null")
        out["owner"] = changes["owner"]
    return out


async def change_lead(lead: Lead, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply cleaned changes; returns (before, after) of the changed fields only."""
    before = await _snapshot(lead, changes)
    owner = await _owner(changes["owner"]) if "owner" in changes else None
    fields = [name for name in EDITABLE if name in changes]
    async with in_transaction():
        for name in fields:
            setattr(lead, name, changes[name])
        if "owner" in changes:
            lead.owner = owner
            fields.append("owner_id")
        if fields:  # only what changed, so concurrent updates of other fields survive
            await lead.save(update_fields=[*fields, "updated_at"])
        if "tags" in changes:
            await LeadTag.filter(lead_id=lead.id).delete()
            await LeadTag.bulk_create([LeadTag(lead_id=lead.id, name=t) for t in changes["tags"]])
    return before, {k: v for k, v in changes.items()}


async def _owner(userid: str | None) -> WeComMember | None:
    if not userid:
        return None
    staff = await WeComMember.get_or_none(userid=userid)
    if staff is None:
        raise LeadChangeError("owner", f"no WeCom staff member {userid!r}", conflict=True, msgid="refused.unknown_owner", userid=userid)
    return staff


async def _snapshot(lead: Lead, changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(lead, name) for name in EDITABLE if name in changes}
    if "tags" in changes:
        out["tags"] = (await tags_of([lead]))[lead.id]
    if "owner" in changes:
        await lead.fetch_related("owner")
        out["owner"] = lead.owner.userid if lead.owner else None
    return out
