"""The hit log: every FAQ decision stored with what was asked and what the bot did, and the
customer's follow-up counted as negative feedback (asked again within a minute, said
没用/不对, asked for a human)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz

from faq import FaqMatch
from models import FaqHit, Lead

ASKED_AGAIN, SAID_WRONG, ASKED_HUMAN = "asked_again", "said_wrong", "asked_human"
SIGNALS = (ASKED_AGAIN, SAID_WRONG, ASKED_HUMAN)
SIMILAR_QUERY = 60  # rapidfuzz ratio of normalised queries that reads as the same question


async def log_hit(
    found: FaqMatch, *, lead: Lead | None, platform: str, chat_kind: str, chat_id: str, user_key: str,
    asked_at: datetime, latency_ms: float,
) -> FaqHit:
    """Store one decision. ``chat_kind`` is single or group (a customer group is a group on
    the archive platform)."""
    return await FaqHit.create(
        raw_query=found.query[:4000],
        normalised_query=found.normalised[:500],
        lead=lead,
        chat_kind="single" if chat_kind == "single" else "group",
        chat_id=chat_id[:128],
        candidates=[[entry_id, score] for entry_id, score in found.candidates],
        outcome=found.outcome,
        chosen_entry_id=found.entry_id,
        score=found.score,
        latency_ms=round(latency_ms, 3),
        platform=platform,
        user_key=user_key[:255],
        asked_at=asked_at,
    )


async def last_hit(user_key: str, now: datetime, within: timedelta) -> FaqHit | None:
    """The user's latest decision, if it is recent enough to be what they react to."""
    hit = await FaqHit.filter(user_key=user_key[:255]).order_by("-id").first()
    if hit is None or hit.asked_at is None or now - hit.asked_at > within:
        return None
    return hit


async def add_signal(hit: FaqHit, signal: str) -> None:
    """Count a negative signal on a hit (once per kind); it goes back into the review inbox."""
    if signal in hit.signals:
        return
    hit.signals = [*hit.signals, signal]
    hit.feedback = "negative"
    fields = ["signals", "feedback"]
    if hit.review == "correct":
        hit.review = "open"
        fields.append("review")
    await hit.save(update_fields=fields)


def same_question(previous: FaqHit, found: FaqMatch) -> bool:
    """Whether a new question repeats the previous one (its entry is among the candidates
    again, or the wording is close): the earlier answer did not help."""
    if previous.outcome not in ("answer", "clarify"):
        return False
    ids = {entry_id for entry_id, _ in found.candidates}
    if previous.chosen_entry_id and previous.chosen_entry_id in ids:
        return True
    return fuzz.ratio(previous.normalised_query, found.normalised) >= SIMILAR_QUERY


def hit_summary(hit: FaqHit) -> dict[str, Any]:
    """A hit as the console and the API show it."""
    return {
        "id": hit.id,
        "query": hit.raw_query,
        "normalised": hit.normalised_query,
        "lead_id": hit.lead_id,
        "platform": hit.platform,
        "chat_kind": hit.chat_kind,
        "chat_id": hit.chat_id,
        "outcome": hit.outcome,
        "entry_id": hit.chosen_entry_id,
        "score": hit.score,
        "candidates": hit.candidates,
        "latency_ms": hit.latency_ms,
        "signals": hit.signals,
        "review": hit.review,
        "asked_at": hit.asked_at.isoformat() if hit.asked_at else None,
    }
