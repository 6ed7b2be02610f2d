"""`python main.py survey import|results|export`: the marketer's commands."""
import asyncio
import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.database import connect, disconnect
from main import main
from models import Lead, Survey, SurveyResponse, SurveyWave

DEMO = Path(__file__).parents[2] / "demo" / "surveys"
WHEN = datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite://{tmp_path}/cli.db"
    monkeypatch.setenv("SIYU_DATABASE_URL", url)
    return url


def seed_responses(url: str, answer_sets: list[tuple[str, dict]]) -> None:
    async def run():
        await connect(url)
        try:
            survey = await Survey.get(key="nps")
            wave = await SurveyWave.get(survey=survey)
            for status, answers in answer_sets:
                lead = await Lead.create(name="客户")
                await SurveyResponse.create(survey=survey, wave=wave, lead=lead, status=status, answers=answers,
                                            started_at=WHEN, updated_at=WHEN, completed_at=WHEN if status == "completed" else None)
        finally:
            await disconnect()

    asyncio.run(run())


def test_import_prints_the_survey_id_alone_on_the_last_line(database, capsys):
    assert main(["survey", "import", str(DEMO / "nps.yaml")]) == 0
    first = capsys.readouterr().out.splitlines()
    assert main(["survey", "import", str(DEMO / "nps.yaml")]) == 0
    again = capsys.readouterr().out.splitlines()

    assert first[-1].isdigit() and again[-1] == first[-1]
    assert first[0] == "created survey 'nps', wave '2026'" and again[0] == "updated survey 'nps', wave '2026'"


def test_a_file_with_problems_changes_nothing_and_names_each_problem(database, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text((DEMO / "nps.yaml").read_text().replace("goto: why_low", "goto: why").replace("  - id: best", "  - id: best\n    colour: red"))

    assert main(["survey", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "refused, nothing changed" in err
    assert "line 43: question 'best': unknown key 'colour'" in err and "branches to 'why', which is no question" in err
    assert main(["survey", "results", "nps", "--json"]) == 1
    assert "no survey 'nps'" in capsys.readouterr().err


def test_results_as_json(database, capsys):
    main(["survey", "import", str(DEMO / "nps.yaml")])
    survey_id = capsys.readouterr().out.splitlines()[-1]
    seed_responses(database, [
        ("completed", {"score": 10, "best": ["交期"], "industry": "energy"}),
        ("completed", {"score": 9, "best": ["技术支持"]}),
        ("completed", {"score": 2, "why_low": "交期慢"}),
        ("in_progress", {"score": 8}),
    ])

    assert main(["survey", "results", survey_id, "--json"]) == 0
    results = json.loads(capsys.readouterr().out)

    assert {k: results[k] for k in ("id", "responses", "completed", "nps", "promoters", "passives", "detractors")} == {
        "id": int(survey_id), "responses": 4, "completed": 3, "nps": 25.0, "promoters": 2, "passives": 1, "detractors": 1}
    assert results["ci95"][0] < 25.0 < results["ci95"][1]
    assert [q["id"] for q in results["questions"]] == ["score", "why_low", "improve", "best", "industry", "phone"]
    assert results["questions"][1]["texts"] == ["交期慢"]


def test_export_is_one_row_per_response_in_utf8_with_a_bom(database, capsysbinary):
    main(["survey", "import", str(DEMO / "nps.yaml")])
    seed_responses(database, [("completed", {"score": 10, "best": ["交期", "技术支持"], "industry": "energy"})])
    capsysbinary.readouterr()

    assert main(["survey", "export", "nps", "--format", "csv"]) == 0
    raw = capsysbinary.readouterr().out
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["response_id", "wave", "lead_id", "status"] and rows[0][-1] == "nps_category"
    row = dict(zip(rows[0], rows[1]))
    assert (row["wave"], row["status"], row["score"], row["best"], row["industry"], row["nps_category"]) == (
        "2026", "已完成", "10", "交期、技术支持", "新能源", "promoter")


def test_the_demo_company_has_a_year_of_nps_answers_and_a_content_poll(database, capsys):
    from handlers.surveys.seed import seed_surveys

    async def run():
        await connect(database)
        try:
            await seed_surveys(datetime(2026, 12, 7, tzinfo=timezone.utc))
        finally:
            await disconnect()

    asyncio.run(run())
    assert main(["survey", "results", "nps", "--json", "--wave", "2026"]) == 0
    this_year = json.loads(capsys.readouterr().out)
    assert main(["survey", "results", "nps", "--json", "--wave", "2025"]) == 0
    last_year = json.loads(capsys.readouterr().out)
    assert main(["survey", "results", "content-poll", "--json"]) == 0
    poll = json.loads(capsys.readouterr().out)

    assert this_year["responses"] > 100 and this_year["nps"] > last_year["nps"]
    assert poll["responses"] > 50 and poll["questions"][0]["distribution"][0]["count"] > 0


def test_link_prints_a_customers_signed_page_address(database, monkeypatch, capsys):
    from handlers.surveys.links import LinkSigner

    main(["survey", "import", str(DEMO / "nps.yaml")])
    survey_id = int(capsys.readouterr().out.splitlines()[-1])
    asyncio.run(_make_lead(database))
    assert main(["survey", "link", "nps", "--lead", "1"]) == 2  # no secret: a link would not survive
    monkeypatch.setenv("SIYU_SECRET_KEY", "s" * 32)
    monkeypatch.setenv("SIYU_PUBLIC_URL", "https://siyu.example.com")
    capsys.readouterr()

    assert main(["survey", "link", "nps", "--lead", "1", "--days", "7"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://siyu.example.com/s/")
    claim = LinkSigner("s" * 32).check(url.rsplit("/", 1)[1], datetime.now(timezone.utc))
    assert (claim.survey_id, claim.lead_id) == (survey_id, 1)


async def _make_lead(url):
    await connect(url)
    try:
        await Lead.create(name="王工")
    finally:
        await disconnect()


def test_a_survey_text_that_cannot_render_is_refused_before_anything_changes(database, tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    poll = (DEMO / "content-poll.yaml").read_text(encoding="utf-8")
    broken.write_text(poll.replace("thank_you: 谢谢！", "thank_you: 谢谢 {{ customer_name "), encoding="utf-8")

    assert main(["survey", "import", str(broken)]) == 2
    assert "thank_you: template does not parse" in capsys.readouterr().err
    assert main(["survey", "results", "content-poll", "--json"]) == 1
