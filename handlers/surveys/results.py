"""A survey's results and its export, read from the stored responses."""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from bot.database import default_client
from models import Survey, SurveyResponse, SurveyWave
from surveys import NPS, Tally, question_results, tally_answers
from surveys.definition import CONTACT, TEXT
from surveys.nps import category

from .responses import COMPLETED
from .store import definition_of

TEXT_LIMIT = 200  # the latest free texts listed per question
STATUS_LABELS = {"in_progress": "进行中", "completed": "已完成", "cancelled": "已退出", "expired": "已过期", "full": "名额已满"}


async def survey_results(survey: Survey, wave: str | None = None) -> dict[str, Any]:
    """{"id", "key", "title", "wave", "responses", "completed", "nps", "ci95", "promoters",
    "passives", "detractors", "questions": [...]} over every response (finished or not) of
    the wave (default: all waves). The NPS counts the score question's answers."""
    definition = definition_of(survey)
    wave_id = None
    if wave is not None:
        found_wave = await SurveyWave.get_or_none(survey_id=survey.id, name=wave)
        wave_id = found_wave.id if found_wave else -1
    client = default_client()
    if client.capabilities.dialect == "postgres":
        statuses, tallies = await _counted_by_postgres(client, definition, survey.id, wave_id)
    else:
        rows = SurveyResponse.filter(survey_id=survey.id)
        found = await (rows.filter(wave_id=wave_id) if wave_id is not None else rows).values_list("status", "answers")
        statuses = Counter(status for status, _ in found)
        tallies = tally_answers(definition, (a or {} for _, a in found))
    questions = question_results(definition, tallies=tallies)
    nps_question = definition.nps_question
    nps = next((q["nps"] for q in questions if nps_question and q["id"] == nps_question.id), None) or {}
    return {
        "id": survey.id, "key": survey.key, "title": survey.title, "wave": wave,
        "responses": sum(statuses.values()), "completed": statuses.get(COMPLETED, 0),
        "nps": nps.get("nps"), "ci95": nps.get("ci95", [None, None]),
        "promoters": nps.get("promoters", 0), "passives": nps.get("passives", 0), "detractors": nps.get("detractors", 0),
        "questions": questions,
    }


async def _counted_by_postgres(client: Any, definition: Any, survey_id: int, wave_id: int | None) -> tuple[Counter, dict[str, Tally]]:
    """Counts grouped by PostgreSQL in one pass over the answers (jsonb_each): a row per
    distinct answer instead of one per response; free texts only counted there, the latest
    listed (bench/survey_results.py)."""
    where, params = "r.survey_id = $1", [survey_id]
    if wave_id is not None:
        where, params = where + " AND r.wave_id = $2", [survey_id, wave_id]
    n = len(params) + 1
    questions = {q.id: q for q in definition.questions}
    written = [q.id for q in definition.questions if q.kind in (TEXT, CONTACT)]
    tallies = {qid: Tally() for qid in questions}
    _, found = await client.execute_query(f"SELECT r.status, COUNT(*) FROM survey_response r WHERE {where} GROUP BY 1", params)
    statuses = Counter({row[0]: row[1] for row in found})
    _, found = await client.execute_query(
        "SELECT e.key, CASE WHEN e.key = ANY($%d::text[]) THEN to_jsonb(e.value = 'null'::jsonb) ELSE e.value END, COUNT(*) "
        "FROM survey_response r, jsonb_each(r.answers) e WHERE %s GROUP BY 1, 2" % (n, where), [*params, written])
    for key, value, count in found:
        question = questions.get(key)
        if question is None:
            continue  # an answer to a question since removed from the survey
        value = json.loads(value) if isinstance(value, str) else value
        if key in written:
            value = None if value else "…"  # grouped by whether it was skipped
        tallies[key].add(question, value, count)
    for qid in (q for q in written if questions[q].kind == TEXT):
        _, found = await client.execute_query(
            f"SELECT r.answers->>${n} FROM survey_response r WHERE {where} AND r.answers ? ${n} "
            f"AND r.answers->${n} <> 'null'::jsonb ORDER BY r.id DESC LIMIT {TEXT_LIMIT}", [*params, qid])
        tallies[qid].texts = [row[0] for row in reversed(found)]
    return statuses, tallies


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
