"""A lead's score follows its behaviour as it happens, moves it through the lifecycle with
the reason recorded, and a new rule version rescores everyone with progress."""
from datetime import timedelta
from pathlib import Path

import pytest

from leads.behaviour import BehaviourLog
from leads.scoring_file import ScoringFileError
from leads.standing import Scorer, current_rule_set, rescore_all, save_rule_set, standing_json
from models import Handoff, Lead, LeadProfile, LeadScore, StageChange

RULES = (Path(__file__).parents[2] / "content" / "demo" / "scoring.yaml").read_text(encoding="utf-8")


@pytest.fixture
async def log(db, clock):
    await save_rule_set(RULES, author="test", now=clock.now())
    qualified: list[int] = []
    scorer = Scorer(clock, on_mql=qualified.extend)
    behaviour = BehaviourLog(clock, scorer=scorer)
    behaviour.qualified = qualified
    return behaviour


async def touch(log, lead, kind, **payload):
    await log.record_behaviour(lead=lead, kind=kind, direction="inbound", platform="wecom", payload=payload)


async def test_each_event_adds_its_points_and_caps_hold_per_day(log, clock):
    lead = await Lead.create(name="王工", company="苏州华创材料有限公司")
    await touch(log, lead, "contact.added")
    for _ in range(5):
        await touch(log, lead, "message.text", text="你好")
    standing = await LeadScore.get(lead_id=lead.id)
    assert standing.engagement == pytest.approx(5 + 6)  # messages capped at 6 a day
    assert standing.stage == "engaged"
    [change] = await StageChange.filter(lead_id=lead.id)
    assert (change.from_stage, change.to_stage, change.by) == ("new", "engaged", "scoring")
    assert "互动分 11 ≥ 10" == change.reason


async def test_asking_for_a_quote_makes_an_mql_with_a_waiting_hand_off(log, clock):
    lead = await Lead.create(name="李经理")
    await touch(log, lead, "contact.added")
    await touch(log, lead, "faq.asked", query="这个型号报价多少")
    standing = await LeadScore.get(lead_id=lead.id)
    assert standing.stage == "mql" and standing.mql_at is not None
    [handoff] = await Handoff.filter(lead_id=lead.id)
    assert handoff.status == "waiting" and handoff.why == "高意向行为：询价"
    assert log.qualified == [lead.id]
    assert (await Lead.get(id=lead.id)).status == "mql"
    await touch(log, lead, "faq.asked", query="再问一次报价")
    assert await Handoff.filter(lead_id=lead.id).count() == 1  # already an MQL: no second hand-off


async def test_score_and_fit_together_make_an_mql(log, clock):
    lead = await Lead.create(name="赵总", company="华创")
    await LeadProfile.create(lead_id=lead.id, industry="汽车", region="江苏", company_size="1000+", role="决策人")
    for kind in ("contact.added", "group.joined", "content.downloaded", "event.signed_up", "event.checked_in"):
        await touch(log, lead, kind)
    standing = await LeadScore.get(lead_id=lead.id)
    assert standing.grade[0] == "A" and standing.total >= 60
    assert standing.stage == "mql"
    assert (await Handoff.get(lead_id=lead.id)).why.startswith("评分")


async def test_a_recycled_lead_qualifies_again_only_after_a_quiet_month(log, clock):
    from leads.standing import move_stage, standing_of

    lead = await Lead.create(name="周工")
    await touch(log, lead, "faq.asked", query="报价")
    standing = await standing_of(lead.id)
    await move_stage(standing, "recycled", by="lisi", reason="预算未定", at=clock.now())
    await touch(log, lead, "faq.asked", query="报价单发我")
    assert (await LeadScore.get(lead_id=lead.id)).stage == "recycled"
    clock.advance(timedelta(days=31).total_seconds())
    await touch(log, lead, "faq.asked", query="报价单发我")
    assert (await LeadScore.get(lead_id=lead.id)).stage == "mql"
    assert await Handoff.filter(lead_id=lead.id).count() == 2


async def test_the_lead_page_explains_every_point(log, clock):
    lead = await Lead.create(name="王工")
    await touch(log, lead, "content.downloaded", title="选型白皮书")
    clock.advance(timedelta(days=30).total_seconds())
    rules = await log.scorer.refresh(force=True)
    shown = await standing_json(lead, rules, clock.now())
    assert shown["points"] == ["+15 下载白皮书 2023-11-15，衰减后 8"]
    assert shown["stage"] == "engaged" and shown["stage_label"] == "互动中"
    assert shown["history"][0]["reason"] == "互动分 15 ≥ 10"


async def test_a_new_rule_version_rescores_everyone_with_progress(log, clock):
    leads = [await Lead.create(name=f"客户{i}") for i in range(5)]
    for lead in leads:
        await touch(log, lead, "message.text", text="在吗")
    assert {s.engagement for s in await LeadScore.all()} == {2}
    doubled = RULES.replace("{kind: message.text, points: 2, daily_cap: 6", "{kind: message.text, points: 4, daily_cap: 12")
    rule_set = await save_rule_set(doubled, author="test", now=clock.now())
    seen = []
    assert await rescore_all(rule_set, clock.now(), batch=2, progress=lambda d, t: seen.append((d, t))) == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert {s.engagement for s in await LeadScore.all()} == {4}
    assert {s.rules_version for s in await LeadScore.all()} == {2}
    stored = await current_rule_set()
    assert (stored.version, stored.rescore_done, stored.rescore_total) == (2, 5, 5) and stored.rescored_at


async def test_a_rule_file_with_an_unknown_kind_is_refused_and_nothing_changes(log, clock):
    with pytest.raises(ScoringFileError, match="line 8: unknown behaviour kind 'whitepaper.got'"):
        await save_rule_set(RULES.replace("kind: contact.added", "kind: whitepaper.got"), author="t", now=clock.now())
    assert (await current_rule_set()).version == 1


async def test_the_lead_page_shows_score_grade_stage_and_every_point(aiohttp_client, log, clock):
    from aiohttp import web

    from bot.config import Settings
    from console.pages import setup_console
    from console.access.accounts import create_user
    from tests.support.console import PASSWORD, sign_in

    lead = await Lead.create(name="王工")
    await touch(log, lead, "contact.added")
    await touch(log, lead, "faq.asked", query="报价多少")
    app = web.Application()
    setup_console(app, Settings(secret_key="test-secret"), clock=clock)
    client = await aiohttp_client(app)
    await create_user("admin1", "admin", PASSWORD, clock=clock)
    await sign_in(client, "admin1")
    html = await (await client.get(f"/console/leads/{lead.id}")).text()
    assert "30 分（互动 30 + 匹配 0），等级 D2" in html
    assert "MQL（市场认可）" in html and "达到 MQL：高意向行为：询价" in html
    assert "+25 询价 2023-11-15" in html and "+5 添加企业微信 2023-11-15" in html
    assert "新线索 → MQL（市场认可） · scoring · 高意向行为：询价" in html
