"""The review inbox: misses, low-confidence and negatively rated answers, with similar
questions clustered so one action resolves many. Actions: attach as a variant of an entry,
create an entry from a cluster, mark correct, ignore. Plus statistics and a CSV export."""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from faq import FaqEntry, entry_from_record, normalise
from handlers.faq.store import all_entries, save_entries
from leads.queries import Viewer, owned_rows
from models import FaqEntryRecord, FaqHit, FaqSuggestion

LOW_CONFIDENCE = 40.0  # an answer scored below this is reviewed too
SUGGEST_FLOOR = 34.0  # a best candidate scored below this is not offered as the likely entry (nonsense stays blank)
CLUSTER_SIMILARITY = 70  # rapidfuzz ratio between normalised questions in one cluster
BIGRAM_OVERLAP = 0.6  # or this share of the shorter question's character pairs in common
ACTIONS = ("attach", "create", "correct", "ignore")
REVIEWED = {"attach": "variant", "create": "created", "correct": "correct", "ignore": "ignored"}
INBOX_LIMIT = 2000
CHINA = ZoneInfo("Asia/Shanghai")


class ReviewError(ValueError):
    """A review action that cannot be done; nothing was changed."""


def needs_review() -> Q:
    return Q(review="open") & (
        Q(outcome__in=("miss", "clarify")) | Q(feedback="negative") | (Q(outcome="answer") & Q(score__lt=LOW_CONFIDENCE))
    )


@dataclass
class Cluster:
    """Similar questions; ``key`` is the most frequent normalised form."""

    key: str
    hit_ids: list[int] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    candidates: Counter = field(default_factory=Counter)
    negative: int = 0
    signals: Counter = field(default_factory=Counter)  # inferred unhappiness: asked_again | said_wrong | asked_human

    @property
    def size(self) -> int:
        return len(self.hit_ids)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "size": self.size, "hit_ids": self.hit_ids,
            "queries": list(dict.fromkeys(self.queries))[:10],
            "outcomes": dict(self.outcomes), "negative": self.negative, "signals": dict(self.signals),
            "suggested_entry": self.candidates.most_common(1)[0][0] if self.candidates else None,
        }


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similar(a: str, b: str, similarity: int = CLUSTER_SIMILARITY) -> bool:
    """Whether two normalised questions ask the same thing: close as strings, or sharing
    most of the shorter one's character pairs (支持货到付款 ≈ 可以货到付款)."""
    if a == b or fuzz.ratio(a, b) >= similarity:
        return True
    pa, pb = _bigrams(a), _bigrams(b)
    shared = len(pa & pb)
    return shared >= 2 and shared / min(len(pa), len(pb)) >= BIGRAM_OVERLAP


def likeliest_entry(hit: FaqHit, floor: float = SUGGEST_FLOOR) -> str | None:
    """The entry a clarify reply picked or the bot answered with, else the best candidate when it
    scored at least ``floor``: a question the FAQ barely resembles suggests nothing."""
    if hit.chosen_entry_id:
        return hit.chosen_entry_id
    if hit.candidates and float(hit.candidates[0][1]) >= floor:
        return hit.candidates[0][0]
    return None


def cluster_hits(hits: Sequence[FaqHit], similarity: int = CLUSTER_SIMILARITY,
                 floor: float = SUGGEST_FLOOR) -> list[Cluster]:
    """Greedy clustering by similarity of the normalised questions, biggest cluster first."""
    clusters: list[Cluster] = []
    for hit in hits:
        form = hit.normalised_query  # empty for emoji and punctuation: one cluster to ignore at once
        home = next((c for c in clusters if similar(form, c.key, similarity)), None)
        if home is None:
            home = Cluster(form)
            clusters.append(home)
        home.hit_ids.append(hit.id)
        home.queries.append(hit.raw_query)
        home.outcomes[hit.outcome] += 1
        home.negative += hit.feedback == "negative"
        home.signals.update(hit.signals or ())
        likeliest = likeliest_entry(hit, floor)
        if likeliest:
            home.candidates[likeliest] += 1
    return sorted(clusters, key=lambda c: (-c.size, c.key))


def _scoped(viewer: Viewer | None) -> Q:
    """The questions ``viewer`` may read (None: the system, every question)."""
    return owned_rows(viewer) if viewer is not None else Q()


async def inbox(limit: int = INBOX_LIMIT, floor: float = SUGGEST_FLOOR, viewer: Viewer | None = None) -> list[Cluster]:
    hits = await FaqHit.filter(needs_review() & _scoped(viewer)).order_by("-id").limit(limit)
    return cluster_hits(hits, floor=floor)


async def _mark(hit_ids: Iterable[int], review: str, by: str, right_entry_id: str = "") -> int:
    """Close the questions and label them for calibration: ``right_entry_id`` answers them
    ("" when no entry did when they were asked)."""
    return await FaqHit.filter(id__in=list(hit_ids)).update(review=review, reviewed_by=by[:64], right_entry_id=right_entry_id)


async def _hits(hit_ids: Sequence[int]) -> list[FaqHit]:
    if not hit_ids:
        raise ReviewError("choose at least one question")
    rows = await FaqHit.filter(id__in=list(hit_ids))
    if len(rows) != len(set(hit_ids)):
        raise ReviewError("some of these questions no longer exist")
    return rows


async def attach_variants(hit_ids: Sequence[int], entry_id: str, by: str) -> FaqEntry:
    """Add the questions as variants of an entry (each new wording once); the next customer
    asking like this gets that entry's answer."""
    rows = await _hits(hit_ids)
    record = await FaqEntryRecord.get_or_none(id=entry_id)
    if record is None:
        raise ReviewError(f"no FAQ entry {entry_id!r}")
    seen = {normalise(t) for t in [record.question, *record.variants]}
    variants = list(record.variants)
    for row in rows:
        text = row.raw_query.strip()[:500]
        form = normalise(text)
        if form and form not in seen:
            seen.add(form)
            variants.append(text)
    entry = _valid({**record_fields(record), "variants": variants})
    async with in_transaction():
        await save_entries([entry], by)
        await _mark(hit_ids, REVIEWED["attach"], by, entry_id)
    return entry


async def create_entry(hit_ids: Sequence[int], record: dict, by: str) -> FaqEntry:
    """A new entry from a cluster (question and variants pre-filled from it by the page)."""
    await _hits(hit_ids)
    if not isinstance(record, dict):
        raise ReviewError("the entry must be an object")
    if await FaqEntryRecord.exists(id=str(record.get("id", "")).strip()):
        raise ReviewError(f"an entry with id {record.get('id')!r} exists; attach the questions to it instead")
    entry = _valid(record)
    async with in_transaction():
        await save_entries([entry], by)
        await _mark(hit_ids, REVIEWED["create"], by)
    return entry


async def close_hits(hit_ids: Sequence[int], action: str, by: str) -> int:
    """mark correct (what the bot did was right: its answer, or its miss) / ignore (no entry
    answers it)."""
    rows = await _hits(hit_ids)
    if action != "correct":
        return await _mark(hit_ids, REVIEWED[action], by)
    async with in_transaction():
        for entry_id in {row.chosen_entry_id or "" for row in rows}:
            await _mark([r.id for r in rows if (r.chosen_entry_id or "") == entry_id], REVIEWED[action], by, entry_id)
    return len(rows)


SUGGESTED_VARIANTS = 20


async def suggested_variants(entry_id: str, floor: float = SUGGEST_FLOOR, limit: int = SUGGESTED_VARIANTS) -> list[dict[str, Any]]:
    """Open questions the bot missed or clarified where ``entry_id`` was among the top three
    candidates, scored at least ``floor``: likely new wordings of the entry, best first, one per
    wording."""
    rows = await FaqHit.filter(Q(review="open") & Q(outcome__in=("miss", "clarify"))).order_by("-id").limit(INBOX_LIMIT)
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        score = next((float(s) for e, s in (row.candidates or [])[:3] if e == entry_id), None)
        if score is None or score < floor:
            continue
        item = found.setdefault(row.normalised_query, {"query": row.raw_query, "score": score, "hit_ids": []})
        item["hit_ids"].append(row.id)
        item["score"] = max(item["score"], score)
    return sorted(found.values(), key=lambda item: (-len(item["hit_ids"]), -item["score"]))[:limit]


def prefill(cluster: Cluster) -> dict[str, Any]:
    """A new entry's fields pre-filled from a cluster."""
    queries = list(dict.fromkeys(q.strip() for q in cluster.queries if q.strip()))
    return {"question": queries[0] if queries else "", "variants": queries[1:20], "answer": "", "category": "other"}


def record_fields(row: FaqEntryRecord) -> dict[str, Any]:
    """A stored entry's fields in the import-file form."""
    return {"id": row.id, "category": row.category, "question": row.question, "variants": list(row.variants),
            "keywords": list(row.keywords), "rules": list(row.rules), "answer": row.answer,
            "scope": row.scope, "active": row.active}


def _valid(record: dict) -> FaqEntry:
    entry, problems = entry_from_record(record)
    if problems:
        raise ReviewError("; ".join(problems))
    return entry


# --- statistics ------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _counts(rows: Sequence[FaqHit]) -> dict[str, Any]:
    total = len(rows)
    outcome = Counter(r.outcome for r in rows)
    negative = sum(r.feedback == "negative" for r in rows)
    return {
        "asked": total, "answered": outcome["answer"], "clarified": outcome["clarify"], "missed": outcome["miss"],
        "negative": negative, "answer_rate": _rate(outcome["answer"], total), "clarify_rate": _rate(outcome["clarify"], total),
        "miss_rate": _rate(outcome["miss"], total), "negative_rate": _rate(negative, total),
    }


async def statistics(now: datetime, days: int = 30, viewer: Viewer | None = None) -> dict[str, Any]:
    """Rates overall, per day (China time) and per category; top entries and top unanswered
    clusters over the last ``days`` days, of the questions ``viewer`` may read."""
    since = now - timedelta(days=days)
    rows = await FaqHit.filter(_scoped(viewer), asked_at__gte=since).order_by("id")
    entries = await all_entries()
    categories, questions = {e.id: e.category for e in entries}, {e.id: e.question for e in entries}
    per_day: dict[str, list[FaqHit]] = defaultdict(list)
    per_category: dict[str, list[FaqHit]] = defaultdict(list)
    for row in rows:
        per_day[row.asked_at.astimezone(CHINA).date().isoformat()].append(row)
        per_category[categories.get(row.chosen_entry_id or "", "unanswered")].append(row)
    start = since.astimezone(CHINA).date()
    day_list = [(start + timedelta(days=n)).isoformat() for n in range(days + 1)]
    top = Counter(r.chosen_entry_id for r in rows if r.chosen_entry_id)
    unanswered = cluster_hits([r for r in reversed(rows) if r.outcome == "miss"])[:10]
    return {
        "days": days, "total": _counts(rows), "suggestions": await suggestion_stats(since, viewer),
        "per_day": [{"day": d, **_counts(per_day.get(d, []))} for d in day_list],
        "per_category": {c: _counts(r) for c, r in sorted(per_category.items())},
        "top_entries": [{"entry_id": e, "question": questions.get(e, e), "count": n} for e, n in top.most_common(10)],
        "top_unanswered": [{"key": c.key, "size": c.size, "queries": c.as_dict()["queries"][:3]} for c in unanswered],
    }


async def suggestion_stats(since: datetime, viewer: Viewer | None = None) -> dict[str, Any]:
    """One-click suggestions: how many, how many staff sent, and the time from question to
    suggestion (median and 90th percentile, ms)."""
    scope = owned_rows(viewer, "hit__lead") if viewer is not None else Q()
    rows = await FaqSuggestion.filter(scope, suggested_at__gte=since).values_list("status", "latency_ms")
    latencies = sorted(latency for _, latency in rows)

    def pct(share: float) -> float:
        return latencies[min(int(share * len(latencies)), len(latencies) - 1)] if latencies else 0.0

    return {"count": len(rows), "sent": sum(status == "sent" for status, _ in rows),
            "latency_ms_p50": pct(0.5), "latency_ms_p90": pct(0.9)}


CSV_COLUMNS = ("id", "asked_at", "platform", "chat_kind", "chat_id", "lead_id", "query", "normalised", "outcome",
               "entry_id", "score", "candidates", "latency_ms", "feedback", "signals", "review")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formulas in spreadsheets


async def hits_csv(since: datetime | None = None, viewer: Viewer | None = None) -> str:
    query = FaqHit.filter(_scoped(viewer))
    if since is not None:
        query = query.filter(asked_at__gte=since)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in await query.order_by("id"):
        writer.writerow([_cell(v) for v in (
            r.id, r.asked_at.isoformat() if r.asked_at else "", r.platform, r.chat_kind, r.chat_id, r.lead_id,
            r.raw_query, r.normalised_query, r.outcome, r.chosen_entry_id, r.score,
            " ".join(f"{i}:{s}" for i, s in r.candidates), r.latency_ms, r.feedback, " ".join(r.signals), r.review,
        )])
    return out.getvalue()
