"""A lead's standing, stored: its score kept up to date one behaviour event at a time (in the
transaction that writes the event), its lifecycle stage with the history of every move, the
versions of the scoring rules and the full rescore a new version starts.

The arithmetic is ``leads.scoring`` (pure); this module reads and writes the rows around it.
"""
from __future__ import annotations

import math
from functools import lru_cache
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields import JSONField

from bot.clock import Clock
from bot.database import default_client
from leads.companies import company_key
from leads.kinds import BEHAVIOUR_KINDS, kind_label
from leads.lifecycle import STAGES, StageChange as Move, check_move, time_in_stages
from leads.scoring import (
    EngagementState, Score, ScoringRules, Touch, fit, grade, mql_reason, score,
)
from leads.scoring_file import parse_scoring_rules
from models import BehaviourEvent, Handoff, Lead, LeadProfile, LeadScore, ScoringRuleSet, StageChange

# A recycled lead qualifies again only on touches this long after it was recycled.
RECYCLE_QUIET = timedelta(days=30)
RULES_CHECK_SECONDS = 30.0
# The lead list's coarse status, kept in step with the stage.
STAGE_STATUS = {"new": "active", "engaged": "active", "mql": "mql", "sql": "sql", "opportunity": "sql",
                "customer": "customer", "recycled": "nurture", "lost": "lost"}
STAGE_LABELS = {"new": "新线索", "engaged": "互动中", "mql": "MQL", "sql": "SQL", "opportunity": "商机",
                "customer": "客户", "recycled": "培育池", "lost": "已流失"}


class ScoredRow(Protocol):
    """A behaviour-log row as scoring reads it."""

    lead_id: int | None
    kind: str
    occurred_at: datetime
    payload: dict[str, Any]


# --- rule versions ------------------------------------------------------------------------


def rules_from(rule_set: ScoringRuleSet | None) -> ScoringRules:
    """The rules of a stored version (no version: no rules, nothing scores)."""
    if rule_set is None:
        return ScoringRules()
    return replace(parse_scoring_rules(rule_set.source, BEHAVIOUR_KINDS), version=rule_set.version)


async def current_rule_set(client: BaseDBAsyncClient | None = None) -> ScoringRuleSet | None:
    return await ScoringRuleSet.all().using_db(client or default_client()).order_by("-version").first()


async def save_rule_set(text: str, *, author: str, now: datetime) -> ScoringRuleSet:
    """Store ``text`` as the next version, after checking it whole against the known
    behaviour kinds (raises ``ScoringFileError`` listing every problem; nothing is stored)."""
    parse_scoring_rules(text, BEHAVIOUR_KINDS)
    latest = await current_rule_set()
    return await ScoringRuleSet.create(version=(latest.version if latest else 0) + 1, source=text, author=author,
                                       created_at=now)


# --- fit ----------------------------------------------------------------------------------


def fit_profile(lead: Lead, profile: LeadProfile | None) -> dict[str, str]:
    """The facts fit points are given for; the region falls back to the company name's."""
    region = (profile.region if profile else "") or _company_region(lead.company or "")
    if profile is None:
        return {"region": region, "crm_match": "new"}
    return {"industry": profile.industry, "region": region, "company_size": profile.company_size,
            "role": profile.role, "crm_match": profile.crm_match}


@lru_cache(maxsize=4096)
def _company_region(company: str) -> str:
    return company_key(company).region if company else ""


# --- stage moves ----------------------------------------------------------------------------


async def move_stage(standing: LeadScore, to: str, *, by: str, reason: str, at: datetime,
                     client: BaseDBAsyncClient | None = None) -> StageChange:
    """Move a lead to stage ``to`` (raises ``StageError`` when the lifecycle forbids it),
    recording who or what moved it and why; the lead's list status follows."""
    client = client or default_client()
    check_move(standing.stage, to)
    change = await StageChange.create(lead_id=standing.lead_id, from_stage=standing.stage, to_stage=to, by=by,
                                      reason=reason[:255], at=at, using_db=client)
    standing.stage, standing.stage_since = to, at
    if to == "mql":
        standing.mql_at = at
    await LeadScore.filter(id=standing.id).using_db(client).update(stage=to, stage_since=at, mql_at=standing.mql_at)
    await Lead.filter(id=standing.lead_id).using_db(client).update(status=STAGE_STATUS[to])
    return change


async def standing_of(lead_id: int, client: BaseDBAsyncClient | None = None) -> LeadScore:
    """The lead's standing row, created (stage new) on first need."""
    client = client or default_client()
    found = await LeadScore.filter(lead_id=lead_id).using_db(client).first()
    if found is not None:
        return found
    lead = await Lead.get(id=lead_id, using_db=client)
    return await LeadScore.create(lead_id=lead_id, stage_since=lead.created_at, using_db=client)


# --- incremental scoring ----------------------------------------------------------------------


class Scorer:
    """Scores each new behaviour event in the transaction that writes it: the lead's stored
    engagement state gets the touch, its grade is recomputed, and a lead crossing the MQL rule
    moves to MQL with a waiting hand-off. ``on_mql`` hears of those leads after the commit."""

    def __init__(self, clock: Clock, on_mql: Callable[[list[int]], None] | None = None) -> None:
        self.clock = clock
        self.rules = ScoringRules()
        self.on_mql = on_mql
        self._checked_at = -math.inf

    async def refresh(self, client: BaseDBAsyncClient | None = None, *, force: bool = False) -> ScoringRules:
        """Pick up a new rule version (another process may have imported one); looks at most
        every RULES_CHECK_SECONDS unless forced."""
        now = self.clock.monotonic()
        if not force and now - self._checked_at < RULES_CHECK_SECONDS:
            return self.rules
        self._checked_at = now
        client = client or default_client()
        latest = await ScoringRuleSet.all().using_db(client).order_by("-version").values_list("version", flat=True)
        version = latest[0] if latest else 0
        if version != self.rules.version:
            self.rules = rules_from(await ScoringRuleSet.get(version=version, using_db=client)) if version else ScoringRules()
        return self.rules

    async def score_rows(self, client: BaseDBAsyncClient, rows: Sequence[ScoredRow]) -> list[int]:
        """Add ``rows`` to their leads' scores inside the caller's transaction; the ids of the
        leads that became MQLs."""
        rules = await self.refresh(client)
        by_lead: dict[int, list[Touch]] = {}
        for row in rows:
            if row.lead_id is None:
                continue
            touch = Touch(row.kind, row.occurred_at, row.payload)
            if rules.rule_for(touch) is not None:
                by_lead.setdefault(row.lead_id, []).append(touch)
        if not by_lead:
            return []
        standings = {s.lead_id: s for s in await LeadScore.filter(lead_id__in=list(by_lead))
                     .using_db(client).select_for_update()}
        await self._create_missing(client, rules, [i for i in by_lead if i not in standings], standings)
        updates, advances = [], []
        for lead_id, touches in by_lead.items():
            standing = standings[lead_id]
            result, now = self._add(rules, standing, touches)
            updates.append(standing)
            advances.append((standing, result, now))
        await store_scores(client, updates)
        return [s.lead_id for s, result, now in advances if await self._advance(client, rules, s, result, now)]

    def committed(self, qualified: list[int]) -> None:
        if qualified and self.on_mql is not None:
            self.on_mql(qualified)

    async def _create_missing(self, client: BaseDBAsyncClient, rules: ScoringRules, lead_ids: list[int],
                              standings: dict[int, LeadScore]) -> None:
        if not lead_ids:
            return
        leads = {lead.id: lead for lead in await Lead.filter(id__in=lead_ids).using_db(client)}
        profiles = {p.lead_id: p for p in await LeadProfile.filter(lead_id__in=lead_ids).using_db(client)}
        for lead_id in lead_ids:
            lead = leads.get(lead_id)
            if lead is None:
                continue
            fit_points, _ = fit(rules, fit_profile(lead, profiles.get(lead_id)))
            standings[lead_id] = await LeadScore.create(
                lead_id=lead_id, fit=fit_points, rules_version=rules.version, stage_since=lead.created_at,
                using_db=client)

    @staticmethod
    def _add(rules: ScoringRules, standing: LeadScore, touches: list[Touch]) -> tuple[Score, datetime]:
        state = EngagementState.from_json(standing.state)
        earned = [c for touch in sorted(touches, key=lambda t: t.at) if (c := state.add(rules, touch))]
        now = max(t.at for t in touches)
        engagement = state.value(rules, now)
        standing.engagement, standing.total = engagement, engagement + standing.fit
        standing.grade = grade(rules, engagement, standing.fit)
        standing.state, standing.rules_version, standing.updated_at = state.to_json(), rules.version, now
        return Score(engagement, standing.fit, standing.grade, tuple(earned), last_intent_at=state.last_intent_at), now

    async def _advance(self, client: BaseDBAsyncClient, rules: ScoringRules, standing: LeadScore,
                       result: Score, now: datetime) -> bool:
        """Move new → engaged, and engaged/new/recycled → MQL (with a waiting hand-off)."""
        why = mql_reason(rules, result, now)
        quiet = standing.stage != "recycled" or standing.stage_since is None or now - standing.stage_since >= RECYCLE_QUIET
        if why and quiet and standing.stage in ("new", "engaged", "recycled"):
            await move_stage(standing, "mql", by="scoring", reason=why, at=now, client=client)
            await Handoff.create(lead_id=standing.lead_id, why=why[:255], created_at=now, using_db=client)
            return True
        engaged_at = rules.engagement_grades[2]
        if standing.stage == "new" and result.engagement >= engaged_at:
            await move_stage(standing, "engaged", by="scoring",
                             reason=f"互动分 {round(result.engagement)} ≥ {round(engaged_at)}", at=now, client=client)
        return False


SCORE_COLUMNS = ("engagement", "fit", "total", "grade", "state", "rules_version", "updated_at")
_encode_state = cast(JSONField, LeadScore._meta.fields_map["state"]).encoder


async def store_scores(client: BaseDBAsyncClient, standings: Sequence[LeadScore]) -> None:
    """Write the score columns of ``standings`` in one statement run for every row (an ORM
    update per row cost more than the scoring itself)."""
    if not standings:
        return
    if client.capabilities.dialect == "sqlite":
        marks = [f'"{c}"=?' for c in SCORE_COLUMNS]
        where = '"id"=?'
    else:
        marks = [f'"{c}"=${i + 1}' for i, c in enumerate(SCORE_COLUMNS)]
        where = f'"id"=${len(SCORE_COLUMNS) + 1}'
    sql = f'UPDATE "lead_score" SET {", ".join(marks)} WHERE {where}'
    await client.execute_many(sql, [[s.engagement, s.fit, s.total, s.grade, _encode_state(s.state), s.rules_version,
                                     s.updated_at, s.id] for s in standings])


# --- full rescore ---------------------------------------------------------------------------


async def rescore_all(rule_set: ScoringRuleSet, now: datetime, *, batch: int = 2000,
                      progress: Callable[[int, int], None] | None = None) -> int:
    """Rescore every lead under ``rule_set`` from the whole behaviour log, in batches of
    leads, recording progress on the rule set's row. Stages are not moved: a lead moves on
    its next event. Returns how many leads were scored."""
    rules = rules_from(rule_set)
    kinds = sorted({rule.kind for rule in rules.behaviour})
    keyworded = {rule.kind for rule in rules.behaviour if rule.keywords}
    total = await Lead.all().count()
    rule_set.rescore_total, rule_set.rescore_done, rule_set.rescored_at = total, 0, None
    await rule_set.save(update_fields=["rescore_total", "rescore_done", "rescored_at"])
    done, last_id = 0, 0
    while True:
        leads = await Lead.filter(id__gt=last_id).order_by("id").limit(batch)
        if not leads:
            break
        last_id = leads[-1].id
        await _rescore_batch(rules, leads, kinds, keyworded, now)
        done += len(leads)
        rule_set.rescore_done = done
        await rule_set.save(update_fields=["rescore_done"])
        if progress is not None:
            progress(done, total)
    rule_set.rescored_at = now
    await rule_set.save(update_fields=["rescored_at"])
    return done


async def _rescore_batch(rules: ScoringRules, leads: list[Lead], kinds: list[str], keyworded: set[str],
                         now: datetime) -> None:
    ids = [lead.id for lead in leads]
    touches: dict[int, list[Touch]] = {}
    if kinds:
        rows = await (BehaviourEvent.filter(lead_id__in=ids, kind__in=kinds).order_by("occurred_at", "id")
                      .values_list("lead_id", "kind", "occurred_at", "id"))
        payloads = await _payloads(ids, keyworded)
        for lead_id, kind, at, row_id in rows:
            touches.setdefault(lead_id, []).append(Touch(kind, at, payloads.get(row_id, {})))
    profiles = {p.lead_id: p for p in await LeadProfile.filter(lead_id__in=ids)}
    standings = {s.lead_id: s for s in await LeadScore.filter(lead_id__in=ids)}
    changed, created = [], []
    for lead in leads:
        state = EngagementState()
        for touch in touches.get(lead.id, ()):
            state.add(rules, touch)
        engagement = state.value(rules, now)
        fit_points, _ = fit(rules, fit_profile(lead, profiles.get(lead.id)))
        values = {"engagement": engagement, "fit": fit_points, "total": engagement + fit_points,
                  "grade": grade(rules, engagement, fit_points), "state": state.to_json(),
                  "rules_version": rules.version, "updated_at": now}
        standing = standings.get(lead.id)
        if standing is None:
            created.append(LeadScore(lead_id=lead.id, stage_since=lead.created_at, **values))
        else:
            for name, value in values.items():
                setattr(standing, name, value)
            changed.append(standing)
    if created:
        await LeadScore.bulk_create(created)
    if changed:
        await store_scores(default_client(), changed)


async def _payloads(lead_ids: list[int], kinds: set[str]) -> dict[int, dict[str, Any]]:
    """The payloads keyword rules look into (only those kinds' rows are read with them)."""
    if not kinds:
        return {}
    rows = await BehaviourEvent.filter(lead_id__in=lead_ids, kind__in=sorted(kinds)).values_list("id", "payload")
    return {row_id: payload or {} for row_id, payload in rows}


async def refresh_fit(lead: Lead, rules: ScoringRules) -> None:
    """Recompute a lead's fit after its profile changed (engagement stays as it is)."""
    standing = await standing_of(lead.id)
    fit_points, _ = fit(rules, fit_profile(lead, await LeadProfile.get_or_none(lead_id=lead.id)))
    await LeadScore.filter(id=standing.id).update(
        fit=fit_points, total=standing.engagement + fit_points, grade=grade(rules, standing.engagement, fit_points))


# --- explained, for the lead page, the API and the chat -------------------------------------------


async def standing_json(lead: Lead, rules: ScoringRules, now: datetime) -> dict[str, Any]:
    """Score, grade, stage and every point explained, with the stage history."""
    standing = await standing_of(lead.id)
    kinds = sorted({rule.kind for rule in rules.behaviour})
    rows = await BehaviourEvent.filter(lead_id=lead.id, kind__in=kinds).values_list("kind", "occurred_at", "payload") if kinds else []
    profile = await LeadProfile.get_or_none(lead_id=lead.id)
    result = score(rules, [Touch(k, at, p or {}) for k, at, p in rows], fit_profile(lead, profile), now)
    history = await StageChange.filter(lead_id=lead.id).order_by("at", "id")
    spent = time_in_stages(lead.created_at, [Move(h.from_stage, h.to_stage, h.at) for h in history], now)
    return {
        "total": round(result.total), "engagement": round(result.engagement), "fit": round(result.fit),
        "grade": result.grade, "stage": standing.stage, "stage_label": STAGE_LABELS[standing.stage],
        "stage_since": standing.stage_since.isoformat() if standing.stage_since else None,
        "rules_version": rules.version, "mql_reason": mql_reason(rules, result, now),
        "points": [c.describe() for c in reversed(result.contributions)],
        "fit_points": [f"+{round(f.points)} {_fit_label(f.field)}：{f.value}" for f in result.fit_points],
        "history": [{"from": h.from_stage, "to": h.to_stage, "by": h.by, "reason": h.reason, "at": h.at.isoformat()}
                    for h in history],
        "time_in_stages": {stage: round(spent[stage].total_seconds() / 86400, 1) for stage in STAGES if stage in spent},
    }


FIT_LABELS = {"industry": "行业", "region": "地区", "company_size": "公司规模", "role": "采购角色", "crm_match": "CRM 匹配"}


def _fit_label(name: str) -> str:
    return FIT_LABELS.get(name, name)


def explained(json: Mapping[str, Any], limit: int = 5) -> Iterable[str]:
    """The few lines that say why a lead scores what it does (for a chat reply)."""
    yield from json["points"][:limit]
    yield from json["fit_points"]


__all__ = ["BEHAVIOUR_KINDS", "STAGE_LABELS", "Scorer", "current_rule_set", "fit_profile", "kind_label",
           "move_stage", "refresh_fit", "rescore_all", "rules_from", "save_rule_set", "standing_json", "standing_of"]
