"""``main.py push create|status|pause|resume|cancel``: a marketer's campaign from a file."""
import asyncio
import json

import pytest

import main
from bot.database import connect, disconnect
from models import Campaign, Lead, LeadIdentity, LeadTag, Segment

from tests.support.pushes import CAMPAIGN


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite://{tmp_path}/cli.db"
    monkeypatch.setenv("SIYU_DATABASE_URL", url)
    return url


def in_db(url, job):
    async def run():
        await connect(url)
        try:
            return await job()
        finally:
            await disconnect()

    return asyncio.run(run())


async def _seed():
    await Segment.create(name="化工客户", rules={"tag": "化工"})
    lead = await Lead.create(name="王工")
    await LeadIdentity.create(lead=lead, kind="external_userid", value="wmWang")
    await LeadTag.create(lead=lead, name="化工")


def run(argv, capsys):
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_create_prints_the_id_last_and_status_reports_progress(cli_db, tmp_path, capsys):
    in_db(cli_db, _seed)
    file = tmp_path / "campaign.yaml"
    file.write_text(CAMPAIGN, encoding="utf-8")
    code, out, err = run(["push", "create", str(file)], capsys)
    assert code == 0, err
    campaign_id = int(out.strip().splitlines()[-1])
    code, out, _ = run(["push", "status", str(campaign_id), "--json"], capsys)
    assert json.loads(out) == {"id": campaign_id, "state": "scheduled", "planned": 0, "sent": 0, "confirmed": 0,
                               "failed": 0, "opened": 0}
    assert run(["push", "pause", str(campaign_id)], capsys)[:2] == (0, f"campaign {campaign_id}: paused\n")
    assert run(["push", "resume", str(campaign_id)], capsys)[:2] == (0, f"campaign {campaign_id}: scheduled\n")
    assert run(["push", "cancel", str(campaign_id)], capsys)[:2] == (0, f"campaign {campaign_id}: cancelled\n")
    code, _, err = run(["push", "resume", str(campaign_id)], capsys)
    assert code == 1 and "is cancelled; it cannot resume" in err
    code, out, _ = run(["push", "status", str(campaign_id)], capsys)
    assert "cancelled" in out and "[" in out


@pytest.mark.parametrize("change, message", [
    (("schedule: now", 'schedule: {cron: "0 0 30 2 *"}'), "never fires"),
    (("[化工客户]", "[汽车客户]"), "no segment named '汽车客户'"),
    (("{{ name }}", "{{ nickname }}"), "uses {{ nickname }}"),
    (("message:", "mesage:"), "line 4: unknown key `mesage`"),
])
def test_a_broken_campaign_file_is_refused_and_changes_nothing(cli_db, tmp_path, capsys, change, message):
    in_db(cli_db, _seed)
    file = tmp_path / "campaign.yaml"
    file.write_text(CAMPAIGN.replace(*change), encoding="utf-8")
    code, out, err = run(["push", "create", str(file)], capsys)
    assert code == 2 and out == "" and "refused, nothing was changed" in err and message in err
    assert in_db(cli_db, lambda: Campaign.all().count()) == 0


def test_an_empty_segment_is_refused(cli_db, tmp_path, capsys):
    async def seed():
        await Segment.create(name="化工客户", rules={"tag": "化工"})

    in_db(cli_db, seed)
    file = tmp_path / "campaign.yaml"
    file.write_text(CAMPAIGN, encoding="utf-8")
    code, _, err = run(["push", "create", str(file)], capsys)
    assert code == 2 and "the segment is empty" in err


def test_status_of_an_unknown_campaign(cli_db, capsys):
    code, _, err = run(["push", "status", "99"], capsys)
    assert code == 1 and "no campaign 99" in err
