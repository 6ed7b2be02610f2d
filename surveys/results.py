"""Results per question from the stored answers: distributions, NPS, free-text lists."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

from surveys.definition import MULTIPLE, NPS, SCALES, SINGLE, TEXT, SurveyDefinition
from surveys.nps import nps_of


def question_results(definition: SurveyDefinition, answer_sets: Iterable[Mapping[str, Any]], *,
                     text_limit: int = 200) -> list[dict[str, Any]]:
    """One summary per question: ``answered``, ``skipped`` and, by kind, the count of each scale
    point or option (``distribution``), the mean (rating), the NPS, or the latest free texts.
    Contact details are counted, never listed."""
    answer_sets = list(answer_sets)
    summaries = []
    for question in definition.questions:
        given = [a[question.id] for a in answer_sets if question.id in a]
        values = [v for v in given if v is not None]
        summary: dict[str, Any] = {"id": question.id, "kind": question.kind, "text": question.text,
                                   "answered": len(values), "skipped": len(given) - len(values)}
        if question.kind in SCALES:
            low, high = SCALES[question.kind]
            counts = Counter(v for v in values if isinstance(v, int))
            summary["distribution"] = [{"value": n, "count": counts.get(n, 0)} for n in range(low, high + 1)]
            summary["mean"] = round(sum(counts.elements()) / len(values), 2) if values else None
            if question.kind == NPS:
                summary["nps"] = nps_of(v for v in values if isinstance(v, int)).as_dict()
        elif question.kind in (SINGLE, MULTIPLE):
            counts = Counter(v for value in values for v in (value if isinstance(value, list) else [value]))
            summary["distribution"] = [
                {"value": o.value, "label": o.label, "count": counts.get(o.value, 0),
                 "share": round(counts.get(o.value, 0) / len(values), 4) if values else 0.0}
                for o in question.options
            ]
        elif question.kind == TEXT:
            summary["texts"] = [str(v) for v in values[-text_limit:]]
        summaries.append(summary)
    return summaries



