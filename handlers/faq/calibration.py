"""This deployment's calibration: labelled questions from the review log, the estimated
wrong-answer rate of the thresholds in use, and applying new thresholds.

A question is labelled when staff reviewed it: marked correct (its entry was right), attached
it to an entry (that entry was right) or created an entry / ignored it (no entry answered it
when it was asked). Its stored candidates are replayed by ``faq.calibration``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from faq import DEFAULT_THRESHOLDS, Example, MatchThresholds, Measured, measure
from faq.calibration import MIN_EXAMPLES
from models import FaqHit, FaqSettings

# How the shipped default did on the dev split of the real benchmark (see faq/decision.py).
SHIPPED_ESTIMATE = {"source": "benchmark", "examples": 726, "answer_rate": 6.6, "wrong_rate": 3.3, "wrong_upper": 5.2}
EXAMPLE_LIMIT = 20_000


@dataclass(frozen=True)
class Calibration:
    """The thresholds in use and where they came from."""

    thresholds: MatchThresholds
    source: str  # "default" (shipped) or "review" (applied from this review log)
    applied_at: str | None = None
    applied_by: str = ""
    budget: float | None = None


async def labelled_examples(limit: int = EXAMPLE_LIMIT) -> list[Example]:
    """The reviewed questions, newest first, as calibration examples."""
    rows = await FaqHit.filter(right_entry_id__isnull=False).order_by("-id").limit(limit).values_list(
        "candidates", "right_entry_id")
    return [Example(tuple((str(e), float(s)) for e, s in candidates or ()), right or None) for candidates, right in rows]


async def current() -> Calibration:
    row = await FaqSettings.get_or_none(id=1)
    stored = row.calibration if row is not None and isinstance(row.calibration, dict) else {}
    if not stored.get("thresholds"):
        return Calibration(DEFAULT_THRESHOLDS, "default")
    return Calibration(MatchThresholds.from_dict(stored["thresholds"]), "review", stored.get("applied_at"),
                       stored.get("applied_by", ""), stored.get("budget"))


def rates(measured: Measured) -> dict[str, Any]:
    """A measured setting as percentages for pages, the API and the CLI."""
    return {"examples": measured.in_scope + measured.out_of_scope, "in_scope": measured.in_scope,
            "answer_rate": round(100 * measured.answer_rate, 1), "wrong_rate": round(100 * measured.answered_wrong, 1),
            "wrong_upper": round(100 * measured.wrong_upper, 1), "clarify_rate": round(100 * measured.clarified, 1),
            "out_of_scope_answered": round(100 * measured.out_of_scope_answered, 1)}


async def estimate() -> dict[str, Any]:
    """The estimated wrong-answer rate of the thresholds in use: from the review log when it has
    enough labelled questions, else what the shipped calibration measured on real data."""
    calibration = await current()
    examples = await labelled_examples()
    if sum(e.label is not None for e in examples) < MIN_EXAMPLES:
        return {**SHIPPED_ESTIMATE, "calibration": calibration.source, "labelled": len(examples),
                "needed": MIN_EXAMPLES}
    return {**rates(measure(examples, calibration.thresholds)), "source": "review",
            "calibration": calibration.source, "labelled": len(examples), "needed": MIN_EXAMPLES}


async def apply(thresholds: MatchThresholds | None, by: str, budget: float | None, now: datetime,
                measured: Measured | None = None) -> None:
    """Use ``thresholds`` from now on (None: back to the shipped default); every process's
    index picks it up with the settings change."""
    value = {} if thresholds is None else {
        "thresholds": thresholds.as_dict(), "budget": budget, "applied_at": now.isoformat(), "applied_by": by[:64],
        "measured": rates(measured) if measured else None}
    row = await FaqSettings.get_or_none(id=1)
    if row is None:
        await FaqSettings.create(id=1, calibration=value, updated_by=by[:64])
    else:
        row.calibration, row.updated_by = value, by[:64]
        await row.save(update_fields=["calibration", "updated_by", "updated_at"])
