"""Demo data: the yearly NPS survey with a year of answers (last year's wave too, for the
trend) and the content-preference poll, answered by demo customers."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from models import Lead, Survey, SurveyResponse, SurveyWave

from surveys import first_question, next_question

from .store import definition_of, import_survey

DEMO_DIR = Path(__file__).parents[2] / "demo" / "surveys"
SCORES_THIS_YEAR = [10] * 9 + [9] * 8 + [8] * 6 + [7] * 4 + [6] * 2 + [5, 4, 3, 2]  # about +35
SCORES_LAST_YEAR = [10] * 6 + [9] * 6 + [8] * 7 + [7] * 6 + [6] * 4 + [5, 4, 3, 2, 0]  # about +13
WHY_LOW = ["交期经常延误", "售后响应太慢", "报价不透明", "样品和批量品质不一致", "技术文档太少"]


async def seed_surveys(now: datetime, customers: int = 160) -> list[Survey]:
    """Import the demo surveys and answer them as ``customers`` demo leads over the past year."""
    nps = (await import_survey((DEMO_DIR / "nps.yaml").read_text(encoding="utf-8"))).survey
    poll = (await import_survey((DEMO_DIR / "content-poll.yaml").read_text(encoding="utf-8"))).survey
    rng = random.Random(2026)
    leads = [await Lead.create(name=f"演示客户{i:03d}", company=f"演示公司{i % 40:02d}") for i in range(customers)]
    last_year = await SurveyWave.create(survey=nps, name=str(now.year - 1), opens_at=now - timedelta(days=730),
                                        closes_at=now - timedelta(days=365))
    this_year = await SurveyWave.get(survey=nps, name=definition_of(nps).wave)
    poll_wave = await SurveyWave.get(survey=poll, name=definition_of(poll).wave)
    rows = []
    for lead in leads:
        for wave, scores, back in ((this_year, SCORES_THIS_YEAR, 0), (last_year, SCORES_LAST_YEAR, 365)):
            if rng.random() < 0.8:
                rows.append(_response(nps, wave, lead, _nps_answers(rng, rng.choice(scores)), now - timedelta(days=back + rng.uniform(1, 360)), rng))
        if rng.random() < 0.5:
            answers = {"topics": sorted(rng.sample(["cases", "whitepaper", "specs", "live"], rng.randint(1, 3))),
                       "format": rng.choice(["图文", "短视频", "短视频", "直播", "PDF 下载"]), "rating": rng.choice([3, 4, 4, 5, None])}
            rows.append(_response(poll, poll_wave, lead, answers, now - timedelta(days=rng.uniform(1, 60)), rng))
    await SurveyResponse.bulk_create(rows)
    for survey in (nps, poll):
        _check_paths(survey, [r.answers for r in rows if r.survey_id == survey.id])
    return [nps, poll]


def _nps_answers(rng: random.Random, score: int) -> dict:
    answers: dict = {"score": score}
    if score <= 6:
        answers["why_low"] = rng.choice(WHY_LOW)
    elif score >= 9:
        answers["best"] = sorted(rng.sample(["交期", "产品质量", "售后服务", "技术支持"], rng.randint(1, 2)))
    else:
        answers["improve"] = rng.choice(["delivery", "quality", "service", "price", "price"])
    answers["industry"] = rng.choice(["manufacturing", "energy", "electronics", "other", None])
    return answers


def _response(survey: Survey, wave: SurveyWave, lead: Lead, answers: dict, started: datetime, rng: random.Random) -> SurveyResponse:
    finished = rng.random() < 0.9
    kept = answers if finished else dict(list(answers.items())[:1])
    return SurveyResponse(
        survey_id=survey.id, wave_id=wave.id, lead_id=lead.id, answers=kept, status="completed" if finished else "cancelled",
        source=rng.choice(["chat", "chat", "h5"]), platform="wecom_kf", started_at=started,
        updated_at=started + timedelta(minutes=2), completed_at=started + timedelta(minutes=2) if finished else None,
        current="" if finished else list(answers)[1],
    )


def _check_paths(survey: Survey, answer_sets: list[dict]) -> None:
    """Demo answers follow the survey's branches (a seed that drifted from the file fails loudly)."""
    definition = definition_of(survey)
    for answers in answer_sets:
        visited, question = set(), first_question(definition, consented=False)
        while question is not None and question.id in answers:
            visited.add(question.id)
            question = next_question(definition, question.id, answers, consented=False)
        if visited != set(answers):
            raise AssertionError(f"demo answers off the survey's path: {answers}")
