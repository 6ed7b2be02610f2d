"""Calibration: the answer and clarify thresholds that keep wrong answers within a budget.

Input is labelled questions: what the matcher ranked (``(entry_id, score)`` best first) and
the entry that was right, or None when the FAQ has no answer for it (out of scope). For each
setting on a grid the outcome of every question is replayed with ``decide``:

- wrong-answer rate: answers naming the wrong entry, over the in-scope questions;
- out-of-scope answered: out-of-scope questions that got an answer, over those questions;
both are judged by their one-sided 99 % upper confidence bound (Wilson), so a small review log does
not look safer than it is. ``calibrate`` picks the setting that answers the most questions
correctly within the budget, then a lower bar for a leader far ahead of the rest if it stays
within the budget, then the lowest clarify threshold that keeps out-of-scope
questions from being answered *or* offered choices more often than ``choice_budget``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from faq.decision import ANSWER, CLARIFY, DEFAULT_THRESHOLDS, MISS, MatchThresholds, Ranked, decide

DEFAULT_BUDGET = 0.05
CHOICE_BUDGET = 0.20  # out-of-scope questions offered choices (or answered): a choice costs a tap, not trust
ANSWER_GRID = tuple(float(a) for a in range(10, 96))
MARGIN_GRID = tuple((m, r) for m in (0.0, 3.0, 6.0, 10.0, 15.0, 20.0, 25.0) for r in (0.0, 0.2))
CLEAR_GRID = tuple((a, r) for a in (20.0, 25.0, 30.0, 35.0, 40.0) for r in (0.5, 0.6, 0.7, 0.8))
MIN_EXAMPLES = 30  # fewer labelled in-scope questions than this say too little to calibrate on


@dataclass(frozen=True)
class Example:
    """One labelled question: the matcher's ranking and the right entry (None: out of scope)."""

    ranked: Ranked
    label: str | None


@dataclass(frozen=True)
class Measured:
    """What a setting does to the labelled questions (rates are 0–1)."""

    thresholds: MatchThresholds
    in_scope: int
    out_of_scope: int
    answered_right: float
    answered_wrong: float
    wrong_upper: float
    clarified: float
    clarified_right: float
    out_of_scope_answered: float
    out_of_scope_handled: float  # answered or offered choices

    @property
    def answer_rate(self) -> float:
        return self.answered_right + self.answered_wrong


def wilson_upper(part: int, whole: int, z: float = 2.326) -> float:
    """Upper bound of the Wilson score interval of ``part / whole``."""
    if whole == 0:
        return 0.0
    p = part / whole
    centre = p + z * z / (2 * whole)
    spread = z * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole))
    return min(1.0, (centre + spread) / (1 + z * z / whole))


def measure(examples: Sequence[Example], thresholds: MatchThresholds) -> Measured:
    """Replay every labelled question under ``thresholds``."""
    right = wrong = clarified = clarified_right = oos_answered = oos_handled = 0
    in_scope = sum(e.label is not None for e in examples)
    out_of_scope = len(examples) - in_scope
    for example in examples:
        decision = decide(example.ranked, thresholds)
        if example.label is None:
            oos_answered += decision.outcome == ANSWER
            oos_handled += decision.outcome != MISS
        elif decision.outcome == ANSWER:
            right += decision.entry_id == example.label
            wrong += decision.entry_id != example.label
        elif decision.outcome == CLARIFY:
            clarified += 1
            clarified_right += example.label in decision.choices
    n, m = max(in_scope, 1), max(out_of_scope, 1)
    return Measured(thresholds, in_scope, out_of_scope, right / n, wrong / n, wilson_upper(wrong, in_scope),
                    clarified / n, clarified_right / n, oos_answered / m, oos_handled / m)


def _within(measured: Measured, budget: float) -> bool:
    oos_upper = wilson_upper(round(measured.out_of_scope_answered * measured.out_of_scope), measured.out_of_scope)
    return measured.wrong_upper <= budget and oos_upper <= budget


def sweep(examples: Sequence[Example], base: MatchThresholds = DEFAULT_THRESHOLDS) -> list[Measured]:
    """For each answer threshold, the margin that answers most correctly within no budget:
    one row per answer threshold, the widest view of the trade-off (for ``faq calibrate``)."""
    rows = []
    for answer in ANSWER_GRID:
        options = [measure(examples, replace(base, answer=answer, margin=m, margin_ratio=r, clear_answer=101.0,
                                             clarify=min(base.clarify, answer), clarify_window=max(base.clarify_window, m)))
                   for m, r in MARGIN_GRID]
        rows.append(min(options, key=lambda r: (r.wrong_upper, -r.answered_right)))
    return rows


def calibrate(
    examples: Iterable[Example], budget: float = DEFAULT_BUDGET, base: MatchThresholds = DEFAULT_THRESHOLDS,
    choice_budget: float = CHOICE_BUDGET,
) -> Measured | None:
    """The setting with the most right answers whose estimated wrong-answer rate and
    out-of-scope answer rate stay within ``budget``; None when there are too few examples."""
    examples = list(examples)
    if sum(e.label is not None for e in examples) < MIN_EXAMPLES:
        return None
    best: Measured | None = None
    for answer in reversed(ANSWER_GRID):  # on a tie the stricter setting wins
        for margin, ratio in reversed(MARGIN_GRID):
            trial = replace(base, answer=answer, margin=margin, margin_ratio=ratio, clear_answer=101.0,
                            clarify=answer, clarify_window=max(base.clarify_window, margin))
            measured = measure(examples, trial)
            if _within(measured, budget) and (best is None or measured.answered_right > best.answered_right):
                best = measured
    if best is None:
        return None
    for clear_answer, clear_ratio in reversed(CLEAR_GRID):
        if clear_answer >= best.thresholds.answer:
            continue
        measured = measure(examples, replace(best.thresholds, clear_answer=clear_answer, clear_ratio=clear_ratio))
        if _within(measured, budget) and measured.answered_right > best.answered_right:
            best = measured
    chosen = best
    for clarify in range(100, 0, -1):
        measured = measure(examples, replace(best.thresholds, clarify=float(clarify)))
        oos_upper = wilson_upper(round(measured.out_of_scope_handled * measured.out_of_scope), measured.out_of_scope)
        if measured.out_of_scope and oos_upper > max(budget, choice_budget):
            break
        if measured.clarified_right + measured.answered_right >= chosen.clarified_right + chosen.answered_right:
            chosen = measured
    if chosen.thresholds.clarify > chosen.thresholds.answer:  # a strong match is an answer or a choice, never a miss
        chosen = measure(examples, replace(chosen.thresholds, clarify=chosen.thresholds.answer))
    return chosen
