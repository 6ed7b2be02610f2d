"""Declarative set-up from YAML, CRM import, and the channel report."""
from datetime import date, timedelta
from pathlib import Path

import pytest

from content.privacy import POLICY_VERSION
from handlers.onboarding.consent import store_profile
from leads.crm_store import import_crm_csv
from handlers.onboarding.report import channel_report, daily_adds, report_csv
from handlers.onboarding.setup_file import SetupFileError, apply_setup, parse_setup
from leads.crm import CrmFileError
from models import Channel, CrmAccount, Lead, LeadProfile
from tests.support.onboarding import channel_service

SETUP = """
channels:
  - code: expo2026-a12
    name: 2026 材料展 A12 展位
    kind: trade_show
    cost: 3000
    staff: [{userid: zhangsan, daily_cap: 200}, lisi]
    tags: [2026材料展]
    welcome_template: 您好，感谢到访{{ channel_name }}！
  - code: web-footer
    name: 官网页脚
    kind: website
    staff: [lisi]
"""
DEMO = Path(__file__).resolve().parents[2] / "content" / "demo" / "channels.yaml"


async def test_a_setup_file_creates_channels_and_a_second_run_changes_nothing(harness):
    service = channel_service(harness)

    first = await apply_setup(SETUP, service)
    ways = dict(harness.sim.state.contact_ways)
    second = await apply_setup(SETUP, service)

    assert first.created == ["expo2026-a12", "web-footer"]
    assert second.unchanged == ["expo2026-a12", "web-footer"] and not second.created and not second.updated
    assert harness.sim.state.contact_ways.keys() == ways.keys()


async def test_a_changed_setup_file_updates_the_channel(harness):
    service = channel_service(harness)
    await apply_setup(SETUP, service)

    result = await apply_setup(SETUP.replace("官网页脚", "官网页脚 2027"), service)

    assert result.updated == ["web-footer"]
    assert (await Channel.get(code="web-footer")).name == "官网页脚 2027"


async def test_one_bad_channel_stops_the_whole_file_before_any_change(harness):
    bad = SETUP + "  - code: this-code-is-far-too-long-for-a-state\n    name: x\n    staff: [zhangsan]\n"

    with pytest.raises(SetupFileError) as refused:
        await apply_setup(bad, channel_service(harness))

    assert "at most 30" in str(refused.value)
    assert await Channel.all().count() == 0 and harness.sim.state.contact_ways == {}


@pytest.mark.parametrize("text", ["channels: [", "just text", "channels:\n  - code: a\n    name: a\n    staff: [x]\n  - code: a\n    name: b\n    staff: [x]\n"])
def test_malformed_setup_files_are_refused(text):
    with pytest.raises(SetupFileError):
        parse_setup(text)


def test_the_demo_channels_file_is_a_valid_setup_file():
    specs = parse_setup(DEMO.read_text(encoding="utf-8"))
    assert len(specs) >= 5 and any(s.groups for s in specs)


async def test_crm_import_classifies_leads_and_a_bad_file_imports_nothing(harness):
    lead = await Lead.create(company="某某材料(苏州)", consent_at=harness.bot.clock.now(), consent_version=POLICY_VERSION)

    with pytest.raises(CrmFileError):
        await import_crm_csv("account,phone\n苏州某某材料有限公司,13800000000\n,\n坏公司,not-a-phone\n")
    assert await CrmAccount.all().count() == 0

    result = await import_crm_csv("account,contact,phone,email,owner\n苏州某某材料有限公司,王工,13800000000,,zhangsan\n")
    assert result.accounts_created == 1 and result.leads_classified == 1
    assert (await LeadProfile.get(lead=lead)).crm_match == "existing_account"

    await store_profile(lead, phone="138-0000-0000")
    assert (await LeadProfile.get(lead=lead)).crm_match == "known_contact"


async def test_the_channel_report_counts_adds_joins_losses_consent_and_cost(harness):
    service = channel_service(harness)
    await apply_setup(SETUP, service)
    expo = await Channel.get(code="expo2026-a12")
    scans = [await harness.sim.scan_contact_way(expo.config_id) for _ in range(3)]
    await harness.settle()
    await harness.sim.kf_customer_text("wkKF0001", scans[0].info["external_userid"], "同意")
    await harness.sim.customer_deletes_staff(scans[1].info["external_userid"], scans[1].info["userid"])
    await harness.settle()

    today = harness.bot.clock.now().date()
    rows = {r.code: r for r in await channel_report(today - timedelta(days=1), today + timedelta(days=1))}

    row = rows["expo2026-a12"]
    assert (row.adds, row.new_leads, row.losses, row.net_growth) == (3, 3, 1, 2)
    assert row.consent_rate == pytest.approx(1 / 3, abs=1e-3)
    assert row.cost_per_new_lead == "1000.00" and row.new_to_crm == 3
    assert rows["web-footer"].adds == 0 and rows["web-footer"].cost_per_new_lead is None
    csv_text = report_csv(list(rows.values()))
    assert csv_text.startswith("\ufeffcode,name") and "expo2026-a12" in csv_text
    assert sum(n for _, n in await daily_adds(expo.id, today - timedelta(days=1), today + timedelta(days=1))) == 3


async def test_a_report_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        await channel_report(date(2026, 11, 2), date(2026, 11, 1))


async def test_the_demo_channels_set_up_on_the_demo_platform_and_a_visitor_joins_a_group(harness):
    from demo.seed import GROUPS
    from models import GroupJoinWay, GroupMembership

    harness.sim.add_staff("wangwu", "王五")
    for chat_id, name in GROUPS.items():
        harness.sim.add_group(chat_id, name, "zhangsan")

    result = await apply_setup(DEMO.read_text(encoding="utf-8"), channel_service(harness))
    assert len(result.created) >= 5

    expo = await Channel.get(code="expo2026-a12")
    scan = await harness.sim.scan_contact_way(expo.config_id, name="陈工")
    await harness.settle()
    await harness.sim.kf_customer_text("wkKF0001", scan.info["external_userid"], "加群")
    await harness.settle()
    way = await GroupJoinWay.get(channel=expo)
    assert way.qr_code in harness.sim.received(scan.info["external_userid"])[-1]["text"]
    await harness.sim.join_group(scan.info["external_userid"], join_way=way.config_id)
    await harness.settle()
    assert (await GroupMembership.get()).channel_id == expo.id
