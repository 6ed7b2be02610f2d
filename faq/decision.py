"""From ranked candidates to one of three outcomes: answer, clarify or miss.

``answer``: the best score reaches the answer threshold with a clear margin over the
runner-up. ``clarify``: two or three candidates are close and plausible, so the bot asks
“您是想问：1… 2… 3…” and ``resolve_choice`` maps the reply to an entry. ``miss``: otherwise.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from faq.normalise import numeral_value

ANSWER, CLARIFY, MISS = "answer", "clarify", "miss"
Ranked = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class MatchThresholds:
    """Scores are 0–100. Defaults were tuned on the evaluation set (see docs)."""

    answer: float = 26.0
    margin: float = 3.0  # best − runner-up, in points
    margin_ratio: float = 0.2  # and the runner-up at most (1 − this) × best
    clarify: float = 20.0
    clarify_window: float = 8.0
    max_choices: int = 3


DEFAULT_THRESHOLDS = MatchThresholds()


@dataclass(frozen=True)
class Decision:
    """The outcome, the chosen entry (answer only) and the choices offered (clarify only)."""

    outcome: str
    entry_id: str | None = None
    score: float = 0.0
    choices: tuple[str, ...] = ()


def decide(ranked: Ranked, thresholds: MatchThresholds = DEFAULT_THRESHOLDS) -> Decision:
    """Pick the outcome for candidates ranked best first as ``(entry_id, score)``."""
    if not ranked:
        return Decision(MISS)
    best_id, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    clear = best - runner_up >= thresholds.margin and runner_up <= best * (1 - thresholds.margin_ratio)
    if best >= thresholds.answer and clear:
        return Decision(ANSWER, best_id, best)
    close = [
        entry_id
        for entry_id, score in ranked[: thresholds.max_choices]
        if score >= thresholds.clarify and best - score <= thresholds.clarify_window
    ]
    if len(close) >= 2:
        return Decision(CLARIFY, None, best, tuple(close))
    return Decision(MISS, None, best)


_CHOICE = re.compile(r"^(?:第|选|选择|选第|要|是)?([0-9一二三四五六七八九十]+)(?:个|条|项|号)?$")


def resolve_choice(reply: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The entry a clarify reply like ``2``, ``２``, ``第二个`` or ``选3`` points at, else None."""
    text = "".join(c for c in unicodedata.normalize("NFKC", reply) if unicodedata.category(c)[0] in "LN")
    found = _CHOICE.match(text)
    if not found:
        return None
    number = found.group(1)
    index = int(number) if number.isdigit() else numeral_value(number)
    return choices[index - 1] if index and 1 <= index <= len(choices) else None
