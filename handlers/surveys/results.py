"""A survey's results and its export, read from the stored responses."""
from __future__ import annotations

import csv
import io
from typing import Any

from models import Survey, SurveyResponse, SurveyWave
from surveys import NPS, nps_of_counts, question_results
from surveys.nps import category

from .responses import COMPLETED
from .store import definition_of

STATUS_LABELS = {"in_progress": "进行中", "completed": "已完成", "cancelled": "已退出", "expired": "已过期", "full": "名额已满"}


async def survey_results(survey: Survey, wave: str | None = None) -> dict[str, Any]:
    """{"id", "key", "title", "wave", "responses", "completed", "nps", "ci95", "promoters",
    "passives", "detractors", "questions": [...]} over every response (finished or not) of
    the wave (default: all waves). The NPS counts the score question's answers."""
    definition = definition_of(survey)
    rows = SurveyResponse.filter(survey_id=survey.id)
    if wave is not None:
        rows = rows.filter(wave__name=wave)
    found = await rows.values_list("status", "answers")
    answer_sets = [a or {} for _, a in found]
    nps_question = definition.nps_question
    counts = {"promoter": 0, "passive": 0, "detractor": 0}
    if nps_question is not None:
        for answers in answer_sets:
            score = answers.get(nps_question.id)
            if isinstance(score, int):
                counts[category(score)] += 1
    nps = nps_of_counts(counts["promoter"], counts["passive"], counts["detractor"])
    return {
        "id": survey.id, "key": survey.key, "title": survey.title, "wave": wave,
        "responses": len(found), "completed": sum(1 for s, _ in found if s == COMPLETED),
        "nps": nps.nps, "ci95": [nps.ci_low, nps.ci_high],
        "promoters": nps.promoters, "passives": nps.passives, "detractors": nps.detractors,
        "questions": question_results(definition, answer_sets),
    }


async def export_csv(survey: Survey) -> str:
    """One row per response, one column per question, UTF-8 with a BOM (Excel opens it)."""
    definition = definition_of(survey)
    waves = dict(await SurveyWave.filter(survey_id=survey.id).values_list("id", "name"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["response_id", "wave", "lead_id", "status", "source", "started_at", "completed_at",
                     *(q.id for q in definition.questions), *(["nps_category"] if definition.nps_question else [])])
    async for response in SurveyResponse.filter(survey_id=survey.id).order_by("id"):
        answers = response.answers or {}
        row = [response.id, waves.get(response.wave_id, ""), response.lead_id or "", STATUS_LABELS.get(response.status, response.status),
               response.source, response.started_at.isoformat(), response.completed_at.isoformat() if response.completed_at else ""]
        row += [_cell(definition.question(q.id), answers.get(q.id)) for q in definition.questions]
        if definition.nps_question:
            score = answers.get(definition.nps_question.id)
            row.append(category(score) if isinstance(score, int) else "")
        writer.writerow(row)
    return "\ufeff" + out.getvalue()


def _cell(question, value: Any) -> str:
    if value is None:
        return ""
    labels = {o.value: o.label for o in question.options}
    if isinstance(value, list):
        return "、".join(labels.get(v, v) for v in value)
    return str(labels.get(value, value)) if question.kind != NPS else str(value)
