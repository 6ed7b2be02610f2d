"""Sequences (SOP): a lead who came through the expo code gets day 0 and day 3 steps, unless
they replied, became an MQL or unsubscribed meanwhile."""
from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.pushes.campaign_file import CampaignFileError
from handlers.pushes.sequences import create_sequence, load_sequence
from models import BehaviourEvent, LeadAttributes, LeadProfile, SequenceEnrollment

from tests.support.pushes import add_customers, recipients_called

SOP = """\
name: 展会新客培育
start: {channel: expo2026-a12}
steps:
  - day: 0
    text: "{{ name }}您好，感谢来到展位。"
  - day: 3
    text: 案例分享：密封改造把漏液率降到 0.05%。
"""


@pytest.mark.parametrize("change, message", [
    (("start: {channel: expo2026-a12}", "start: {weather: sunny}"), "start: one of"),
    (("  - day: 3", "  - day: -1"), "steps[1].day"),
    (("{{ name }}", "{{ nickname }}"), "steps[0].text: uses {{ nickname }}"),
    (("name: 展会新客培育", "name: 展会新客培育\nbudget: 100"), "unknown key `budget`"),
])
def test_a_broken_sequence_file_is_refused(change, message):
    with pytest.raises(CampaignFileError, match=message.replace("[", r"\[").replace("]", r"\]").replace("{", r"\{").replace("}", r"\}")):
        load_sequence(SOP.replace(*change))


async def _came_through_expo(lead, clock):
    await BehaviourEvent.create(lead=lead, kind="contact.added", direction="inbound", platform="wecom",
                                occurred_at=clock.now(), payload={"state": "expo2026-a12"})


async def test_steps_follow_the_start_and_a_reply_an_mql_or_an_unsubscribe_stops_them(db, sim, clock, dispatcher):
    early = await add_customers(sim, 1, prefix="wmOld")
    await _came_through_expo(early[0], clock)  # before the sequence existed: not started
    await create_sequence(SOP)
    leads = await add_customers(sim, 4)
    for lead in leads:
        await _came_through_expo(lead, clock)
    await dispatcher.run_until_idle()
    assert sorted(recipients_called(sim)) == ["wm00000", "wm00001", "wm00002", "wm00003"]

    clock.advance(3600)
    await BehaviourEvent.create(lead=leads[1], kind="message.text", direction="inbound", platform="wecom",
                                occurred_at=clock.now(), payload={"text": "请发报价"})
    await LeadAttributes.create(lead=leads[2], stage="mql")
    await LeadProfile.create(lead=leads[3], unsubscribed_at=clock.now())
    clock.advance(3 * 24 * 3600)
    await dispatcher.run_until_idle()
    day3 = [c.payload["external_userid"] for c in sim.state.calls("wecom/externalcontact/add_msg_template")
            if "案例分享" in c.payload["text"]["content"]]
    assert day3 == [["wm00000"]]
    reasons = dict(await SequenceEnrollment.all().values_list("lead_id", "reason"))
    assert reasons == {leads[0].id: "", leads[1].id: "reply", leads[2].id: "mql", leads[3].id: "unsubscribe"}
    assert await SequenceEnrollment.get(lead=leads[0]).values_list("state", flat=True) == "done"
    clock.advance(timedelta(days=7).total_seconds())
    await dispatcher.run_until_idle()
    assert len(recipients_called(sim)) == 5  # nothing more, nothing twice


def test_the_demo_sequence_file_is_valid():
    from pathlib import Path

    spec = load_sequence((Path(__file__).resolve().parents[2] / "content" / "demo" / "sequence.yaml").read_text("utf-8"))
    assert [s["day"] for s in spec["steps"]] == [0, 3, 7] and spec["start"] == {"channel": "expo2026-a12"}
