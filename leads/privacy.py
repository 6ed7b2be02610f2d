"""A person's data across every table (PIPL): where it is, how erasure treats each personal
field, and the export of all of it (the right of access).

Every text or JSON column of every model is declared here, either in ``HOLDINGS`` (the rows
that belong to a person and what erasure does to each personal field) or in ``NOT_PERSONAL``;
a test fails when a model gains a column that is in neither."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import reduce
from operator import or_
from typing import Any, Callable

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import (
    AuditEntry, BehaviourEvent, ChannelTouch, ConsentRecord, CrmContact, DialogState, FaqHit, FaqSuggestion,
    GroupMembership, Handoff, KfConversation, Lead, LeadAttributes, LeadIdentity, LeadProfile, LeadTag, PushDelivery,
    SurveyLeadUpdate, SurveyResponse, TrackedLink,
)

MESSAGE_KEYS = ("text", "name", "content", "title", "description", "answer", "answers")


class Erasure(StrEnum):
    CLEAR = "clear"  # emptied, the row stays (counts stay right)
    DELETE = "delete"  # the whole row goes
    STRIP = "strip"  # a JSON payload loses its message and name keys
    KEEP = "keep"  # a pseudonymous platform id, kept so a stop (unsubscribe) is honoured


@dataclass(frozen=True)
class Person:
    """A lead and the identifiers their data is found by elsewhere."""

    lead: Lead
    identities: tuple[str, ...]
    phone: str
    email: str


@dataclass(frozen=True)
class Holding:
    """A model holding a person's rows, found by ``rows``; ``fields`` are its personal columns."""

    model: type[Model]
    fields: dict[str, Erasure]
    rows: Callable[[Person], QuerySet]


def _any(*parts: Q) -> Q:
    return reduce(or_, parts, Q(pk__in=[]))


def _by_identity(person: Person, column: str, *, suffix: bool = False) -> Q:
    """Rows whose ``column`` is one of the person's platform ids (or, for user keys like
    ``wecom_kf:wkKF:wm123``, ends with one)."""
    if suffix:
        return _any(*(Q(**{f"{column}__endswith": ":" + value}) for value in person.identities),
                    _within(column, person))
    return _within(column, person)


def _within(column: str, person: Person) -> Q:
    within: dict[str, Any] = {f"{column}__in": list(person.identities)}
    return Q(**within)


def _contacts(person: Person) -> QuerySet:
    match = [Q(phone=person.phone)] if person.phone else []
    match += [Q(email=person.email)] if person.email else []
    return CrmContact.filter(_any(*match))


HOLDINGS: tuple[Holding, ...] = (
    Holding(Lead, {"name": Erasure.CLEAR, "company": Erasure.CLEAR}, lambda p: Lead.filter(id=p.lead.id)),
    Holding(LeadProfile, {"phone": Erasure.CLEAR, "email": Erasure.CLEAR, "role": Erasure.CLEAR,
                          "industry": Erasure.CLEAR, "region": Erasure.CLEAR, "company_size": Erasure.CLEAR},
            lambda p: LeadProfile.filter(lead_id=p.lead.id)),
    Holding(LeadIdentity, {"value": Erasure.KEEP}, lambda p: LeadIdentity.filter(lead_id=p.lead.id)),
    Holding(LeadTag, {"name": Erasure.DELETE}, lambda p: LeadTag.filter(lead_id=p.lead.id)),
    Holding(ConsentRecord, {}, lambda p: ConsentRecord.filter(lead_id=p.lead.id)),
    Holding(ChannelTouch, {}, lambda p: ChannelTouch.filter(lead_id=p.lead.id)),
    Holding(BehaviourEvent, {"payload": Erasure.STRIP, "actor": Erasure.KEEP},
            lambda p: BehaviourEvent.filter(lead_id=p.lead.id)),
    Holding(FaqHit, {"raw_query": Erasure.CLEAR, "normalised_query": Erasure.CLEAR, "user_key": Erasure.CLEAR,
                     "chat_id": Erasure.CLEAR},
            lambda p: FaqHit.filter(Q(lead_id=p.lead.id) | _by_identity(p, "user_key", suffix=True))),
    Holding(FaqSuggestion, {"question": Erasure.CLEAR, "customer": Erasure.CLEAR, "chat_id": Erasure.CLEAR},
            lambda p: FaqSuggestion.filter(Q(hit__lead_id=p.lead.id) | _by_identity(p, "customer"))),
    Holding(GroupMembership, {"external_userid": Erasure.KEEP},
            lambda p: GroupMembership.filter(Q(lead_id=p.lead.id) | _by_identity(p, "external_userid"))),
    Holding(KfConversation, {"external_userid": Erasure.KEEP}, lambda p: KfConversation.filter(_by_identity(p, "external_userid"))),
    Holding(DialogState, {"user_key": Erasure.DELETE, "data": Erasure.DELETE},
            lambda p: DialogState.filter(_by_identity(p, "user_key", suffix=True))),
    Holding(CrmContact, {"name": Erasure.DELETE, "phone": Erasure.DELETE, "email": Erasure.DELETE}, _contacts),
    Holding(AuditEntry, {"before": Erasure.CLEAR, "after": Erasure.CLEAR},
            lambda p: AuditEntry.filter(target_type="lead", target_id=str(p.lead.id))),
    Holding(LeadAttributes, {"industry": Erasure.CLEAR, "region": Erasure.CLEAR, "company_size": Erasure.CLEAR},
            lambda p: LeadAttributes.filter(lead_id=p.lead.id)),
    Holding(PushDelivery, {"text": Erasure.CLEAR, "recipient": Erasure.KEEP},  # a push rendered with the name
            lambda p: PushDelivery.filter(lead_id=p.lead.id)),
    Holding(TrackedLink, {"recipient": Erasure.KEEP}, lambda p: TrackedLink.filter(lead_id=p.lead.id)),
    Holding(SurveyResponse, {"answers": Erasure.CLEAR, "user_key": Erasure.CLEAR, "recipient": Erasure.KEEP},
            lambda p: SurveyResponse.filter(lead_id=p.lead.id)),  # free texts and contact answers go
    Holding(SurveyLeadUpdate, {"value": Erasure.DELETE}, lambda p: SurveyLeadUpdate.filter(lead_id=p.lead.id)),
    Holding(Handoff, {"reject_reason": Erasure.CLEAR}, lambda p: Handoff.filter(lead_id=p.lead.id)),  # a rep's words
)

# Text and JSON columns that hold no customer's personal data, by model.
NOT_PERSONAL: dict[str, frozenset[str]] = {name: frozenset(cols.split()) for name, cols in {
    "Lead": "status consent_version",
    "LeadIdentity": "kind",
    "LeadProfile": "lost_reason crm_match",  # a reason code naming the staff member
    "BehaviourEvent": "kind direction platform",
    "FaqHit": "chat_kind candidates outcome chosen_entry_id feedback platform signals review reviewed_by right_entry_id",
    "FaqSuggestion": "chat_kind staff_userid entry_id answer status",  # the answer is the FAQ's text
    "GroupMembership": "chat_id state",
    "KfConversation": "open_kfid",
    "DialogState": "state",
    "ConsentRecord": "action policy_version source",
    "ChannelTouch": "state platform staff_userid welcome_code welcome",
    "AuditEntry": "actor action target_type target_id",  # staff, not customers
    # Marketing's own material and settings (content, campaigns, segments, sequences, rules).
    "Campaign": "name state chat_type spec created_by",
    "ContentItem": "slug kind title summary cover body url miniprogram tags industry product_line owner",
    "Segment": "name rules",
    "Sequence": "name spec state",
    "ScoringRuleSet": "source author",
    # Delivery and lifecycle bookkeeping: states, codes and platform task ids.
    "LeadAttributes": "stage",
    "PushDelivery": "sender attachments digest state reason batch msgid",
    "PushTask": "msgid sender chat_type state reminded",
    "SequenceEnrollment": "state reason",
    "TrackedLink": "token",
    "LeadScore": "grade state stage",
    "StageChange": "from_stage to_stage by reason",  # reasons are rule texts (“评分 65 ≥ 60”)
    "Handoff": "status why rep_userid assigned_why response_code task_id answered_by",
    "Deal": "external_id name status",  # the CRM's deal, a company matter
    "SalesRep": "userid name regions industries manager_userid",  # staff, not customers
    "FaqEmbedding": "entry_id phrasing_hash model_id",  # vectors of the FAQ's own phrasings
    "Survey": "key title source keywords",
    "SurveyWave": "name",
    "SurveyResponse": "status current source platform open_kfid",
    "SurveyLeadUpdate": "kind name",  # which tag or field; the value goes with the row
    # Staff and the organisation (not customers): sign-in, tokens, WeCom members.
    "StaffUser": "username display_name role password_hash wecom_userid language",
    "StaffSession": "token_hash",
    "ApiToken": "name role token_hash prefix created_by",
    "LoginAttempt": "username remote",
    "WeComMember": "userid name",
    # Configuration, content and platform bookkeeping.
    "Channel": "code name kind welcome_template config_id qr_url",
    "ChannelSettings": "platform staff backup_userid tags groups group_keyword attachments wechat_ticket",
    "CorpTagRecord": "tag_id name group_id group_name",
    "CrmAccount": "name normalised owner",  # companies
    "CustomerGroup": "chat_id name owner_userid",
    "GroupJoinWay": "config_id qr_code chat_ids state template_id",
    "FaqEntryRecord": "id category question variants keywords rules answer scope updated_by",
    "FaqGroupSetting": "chat_id",
    "FaqSettings": "opens closes weekdays holidays workdays kf_servicers notify_userids updated_by synonyms calibration",
    "TemplateFailure": "owner message",
    "ProcessedCallback": "key",
    "KfCursor": "open_kfid cursor",
    "ArchiveCursor": "source",
}.items()}


def personal_fields() -> dict[str, set[str]]:
    """Every personal column, by model name."""
    out: dict[str, set[str]] = {}
    for holding in HOLDINGS:
        out.setdefault(holding.model.__name__, set()).update(holding.fields)
    return out


async def person_of(lead: Lead) -> Person:
    identities = tuple(str(v) for v in await LeadIdentity.filter(lead_id=lead.id).values_list("value", flat=True))
    profile = await LeadProfile.get_or_none(lead_id=lead.id)
    return Person(lead, identities, profile.phone if profile else "", profile.email if profile else "")


async def erase_person(lead: Lead) -> dict[str, int]:
    """Erase the person's data from every holding, in one transaction; returns the rows
    touched per model."""
    person = await person_of(lead)
    touched: dict[str, int] = {}
    async with in_transaction():
        for holding in HOLDINGS:
            rules = set(holding.fields.values())
            keys = await holding.rows(person).values_list(holding.model._meta.pk_attr, flat=True)
            rows = holding.model.filter(pk__in=list(keys))
            if Erasure.DELETE in rules:
                touched[holding.model.__name__] = await rows.delete()
            elif Erasure.STRIP in rules:
                touched[holding.model.__name__] = await _strip(holding, rows)
            elif Erasure.CLEAR in rules:
                cleared = {name: _empty(holding.model, name) for name, rule in holding.fields.items() if rule == Erasure.CLEAR}
                touched[holding.model.__name__] = await rows.update(**cleared)
    await lead.refresh_from_db()
    return touched


def _empty(model: type[Model], name: str) -> Any:
    field = model._meta.fields_map[name]
    if isinstance(field, fields.JSONField):
        return {}
    return None if field.null else ""


async def _strip(holding: Holding, rows: QuerySet) -> int:
    count = 0
    keys = [name for name, rule in holding.fields.items() if rule == Erasure.STRIP]
    for row in await rows:
        changed = False
        for key in keys:
            value = getattr(row, key) or {}
            kept = {k: v for k, v in value.items() if k not in MESSAGE_KEYS} if isinstance(value, dict) else {}
            if kept != value:
                setattr(row, key, kept)
                changed = True
        if changed:
            await row.save(update_fields=keys)
            count += 1
    return count


async def export_person(lead: Lead) -> dict[str, Any]:
    """Everything stored about the person, by table, as JSON-able rows."""
    person = await person_of(lead)
    tables: dict[str, list[dict[str, Any]]] = {}
    for holding in HOLDINGS:
        rows = await holding.rows(person).order_by(holding.model._meta.pk_attr).values()
        tables[holding.model._meta.db_table] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return {"lead_id": lead.id, "tables": tables}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value
