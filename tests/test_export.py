"""`python main.py export events` writes the behaviour log, each row standing on its own."""
import csv
import io
import json
from datetime import datetime, timezone

from leads.behaviour import BehaviourLog
from leads.export import export_events
from models import Channel, Lead, LeadIdentity


async def seed(clock):
    channel = await Channel.create(code="expo", name="展会")
    lead = await Lead.create(first_channel=channel, last_channel=channel)
    await LeadIdentity.create(lead=lead, kind="external_userid", value="wmCUST")
    log = BehaviourLog(clock)
    await log.record_behaviour(lead=lead, kind="contact.added", direction="inbound", payload={"state": "expo"})
    clock.advance(3600)
    await log.record_behaviour(lead=lead, kind="message.text", direction="inbound", payload={"text": "报价单"})
    return lead


async def test_jsonl_rows_carry_identities_and_channel(db, clock):
    await seed(clock)
    out = io.StringIO()
    assert await export_events(out) == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[1]["external_userid"] == "wmCUST" and rows[1]["channel"] == "expo"
    assert rows[1]["payload"] == {"text": "报价单"}


async def test_csv_and_since_filter(db, clock):
    await seed(clock)
    out = io.StringIO()
    since = datetime.fromtimestamp(clock.time() - 60, tz=timezone.utc)
    assert await export_events(out, since=since, fmt="csv") == 1
    assert out.getvalue().startswith("\ufeffid,occurred_at,kind")  # Excel on Chinese Windows needs the BOM
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert row["kind"] == "message.text" and json.loads(row["payload"]) == {"text": "报价单"}


async def test_unknown_format_is_refused(db):
    try:
        await export_events(io.StringIO(), fmt="xml")
    except ValueError as exc:
        assert "jsonl or csv" in str(exc)
    else:
        raise AssertionError("xml accepted")
