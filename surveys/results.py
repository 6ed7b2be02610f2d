"""Results per question from the stored answers: distributions, NPS, free-text lists.

Answers are first counted per question (``Tally``): from answer documents in Python
(``tally_answers``) or by the database (grouped counts, see handlers/surveys/results.py);
``question_results`` turns the tallies into the summaries the console and the CLI show.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from surveys.definition import MULTIPLE, NPS, SCALES, SINGLE, TEXT, Question, SurveyDefinition
from surveys.nps import nps_of_counts


@dataclass
class Tally:
    """One question's answers counted: ``counts`` per scale point or option value (each option
    of a multiple choice counted), ``texts`` the latest free texts (oldest first)."""

    answered: int = 0
    skipped: int = 0
    counts: Counter = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)

    def add(self, question: Question, value: Any, times: int = 1) -> None:
        """Count ``value`` (None: skipped) ``times`` times."""
        if value is None:
            self.skipped += times
            return
        self.answered += times
        if question.kind in SCALES or question.kind in (SINGLE, MULTIPLE):
            for item in value if isinstance(value, list) else [value]:
                self.counts[item] += times


def tally_answers(definition: SurveyDefinition, answer_sets: Iterable[Mapping[str, Any]], *,
                  text_limit: int = 200) -> dict[str, Tally]:
    """Tallies from answer documents ({question id: value})."""
    tallies = {q.id: Tally() for q in definition.questions}
    for answers in answer_sets:
        for question in definition.questions:
            if question.id in answers:
                value = answers[question.id]
                tallies[question.id].add(question, value)
                if question.kind == TEXT and value is not None:
                    tallies[question.id].texts.append(str(value))
    for tally in tallies.values():
        del tally.texts[:-text_limit]
    return tallies


def question_results(definition: SurveyDefinition, answer_sets: Iterable[Mapping[str, Any]] | None = None, *,
                     tallies: Mapping[str, Tally] | None = None, text_limit: int = 200) -> list[dict[str, Any]]:
    """One summary per question: ``answered``, ``skipped`` and, by kind, the count of each scale
    point or option (``distribution``), the mean (scales), the NPS, or the latest free texts.
    Contact details are counted, never listed. Give answer documents or ready tallies."""
    if tallies is None:
        tallies = tally_answers(definition, answer_sets or (), text_limit=text_limit)
    return [_summary(q, tallies.get(q.id) or Tally()) for q in definition.questions]


def _summary(question: Question, tally: Tally) -> dict[str, Any]:
    summary: dict[str, Any] = {"id": question.id, "kind": question.kind, "text": question.text,
                               "answered": tally.answered, "skipped": tally.skipped}
    counts = tally.counts
    if question.kind in SCALES:
        low, high = SCALES[question.kind]
        summary["distribution"] = [{"value": n, "count": counts.get(n, 0)} for n in range(low, high + 1)]
        scored = sum(counts.get(n, 0) for n in range(low, high + 1))
        summary["mean"] = round(sum(n * counts.get(n, 0) for n in range(low, high + 1)) / scored, 2) if scored else None
        if question.kind == NPS:
            summary["nps"] = nps_of_counts(sum(counts.get(n, 0) for n in (9, 10)), sum(counts.get(n, 0) for n in (7, 8)),
                                           sum(counts.get(n, 0) for n in range(0, 7))).as_dict()
    elif question.kind in (SINGLE, MULTIPLE):
        summary["distribution"] = [
            {"value": o.value, "label": o.label, "count": counts.get(o.value, 0),
             "share": round(counts.get(o.value, 0) / tally.answered, 4) if tally.answered else 0.0}
            for o in question.options
        ]
    elif question.kind == TEXT:
        summary["texts"] = list(tally.texts)
    return summary
