"""Survey results over many responses: ``handlers.surveys.results.survey_results`` (the
console page and `survey results --json`) against a naive baseline in the same run that
reads every response as a model object and counts in Python.

    .venv/bin/python bench/survey_results.py                       # 100,000 responses, PostgreSQL
    .venv/bin/python bench/survey_results.py --database sqlite --responses 20000

A fresh database is created for the run (dropped afterwards on PostgreSQL).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tortoise import Tortoise

from bot.database import tortoise_config

ROOT = Path(__file__).resolve().parents[1]


async def seed(count: int) -> int:
    from handlers.surveys.seed import _nps_answers
    from handlers.surveys.store import import_survey
    from models import Lead, SurveyResponse, SurveyWave

    survey = (await import_survey((ROOT / "demo" / "surveys" / "nps.yaml").read_text(encoding="utf-8"))).survey
    wave = await SurveyWave.get(survey=survey)
    rng, now = random.Random(1), datetime.now(timezone.utc)
    for start in range(0, count, 5000):
        size = min(5000, count - start)
        await Lead.bulk_create([Lead(name=f"客户{start + i}") for i in range(size)])
        first = (await Lead.all().order_by("-id").first()).id - size + 1
        await SurveyResponse.bulk_create([
            SurveyResponse(survey_id=survey.id, wave_id=wave.id, lead_id=first + i, status="completed",
                           answers=_nps_answers(rng, rng.randint(0, 10)), started_at=now - timedelta(days=rng.uniform(0, 365)),
                           updated_at=now, completed_at=now)
            for i in range(size)
        ])
    return survey.id


async def naive(survey_id: int) -> dict:
    """Every response as a model object, counted in Python."""
    from models import SurveyResponse

    counts = {"promoters": 0, "passives": 0, "detractors": 0}
    for response in await SurveyResponse.filter(survey_id=survey_id):
        score = response.answers.get("score")
        if isinstance(score, int):
            counts["promoters" if score >= 9 else "passives" if score >= 7 else "detractors"] += 1
    return counts


async def measure(job, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await job()
        times.append(time.perf_counter() - started)
    return times


async def run(url: str, count: int, rounds: int) -> None:
    from handlers.surveys.results import survey_results
    from models import Survey

    postgres = url.startswith("postgres")
    await Tortoise.init(config=tortoise_config(url), _create_db=postgres)
    try:
        await Tortoise.generate_schemas()
        survey_id = await seed(count)
        survey = await Survey.get(id=survey_id)
        product = await measure(lambda: survey_results(survey), rounds)
        baseline = await measure(lambda: naive(survey_id), rounds)
        results = await survey_results(survey)
        p, b = statistics.median(product), statistics.median(baseline)
        print(f"{count} responses on {url.split('://')[0]}: results {p:.3f} s (median of {rounds}), "
              f"naive baseline {b:.3f} s, ratio {p / b:.2f}; NPS {results['nps']} from {results['responses']} responses; "
              f"target < 1 s: {'met' if p < 1 else 'MISSED'}")
    finally:
        if postgres:
            await Tortoise._drop_databases()
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL (a database is created)")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.database == "postgres":
        url = f"{args.postgres.rstrip('/')}/siyu_bench_{uuid.uuid4().hex[:10]}"
    else:
        url = f"sqlite://{tempfile.mkdtemp()}/bench.db"
    asyncio.run(run(url, args.responses, args.rounds))


if __name__ == "__main__":
    main()
