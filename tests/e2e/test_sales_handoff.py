"""An MQL reaches a sales rep inside WeCom as a button card; the rep accepts or rejects it
there (or with /accept, /reject), the card is updated, and an unanswered MQL reminds the rep,
then the manager, then goes back to the public pool."""
from datetime import timedelta
from pathlib import Path

import pytest

from leads.standing import save_rule_set
from models import Handoff, Lead, LeadScore, SalesRep, StageChange
from simulator import payloads

RULES = (Path(__file__).parents[2] / "content" / "demo" / "scoring.yaml").read_text(encoding="utf-8")


@pytest.fixture
async def sales(harness, clock):
    await save_rule_set(RULES, author="test", now=clock.now())
    await SalesRep.create(userid="zhangsan", name="张三", regions=["江苏", "苏州"], manager_userid="lisi")
    return harness.bot.services["handoffs"]


async def asks_for_a_quote(harness, sales, name="王工") -> Lead:
    lead = await Lead.create(name=name, company="苏州华创材料有限公司")
    await harness.bot.behaviour.record_behaviour(lead=lead, kind="faq.asked", direction="inbound", platform="wecom_kf",
                                                 payload={"query": "PA66 报价多少"})
    await sales.drain()
    return lead


def app_texts(harness, userid):
    return [m["text"] for m in harness.sim.received(userid)]


async def test_a_quote_request_sends_the_rep_a_card_and_accepting_makes_an_sql(harness, sales, clock):
    lead = await asks_for_a_quote(harness, sales)

    handoff = await Handoff.get(lead_id=lead.id)
    assert (handoff.status, handoff.rep_userid, handoff.assigned_why) == ("offered", "zhangsan", "负责该地区")
    card = harness.sim.state.app_cards[handoff.task_id]
    assert card.userids == ["zhangsan"] and card.card["card_type"] == "button_interaction"
    assert card.card["sub_title_text"] == "高意向行为：询价"
    assert [b["key"] for b in card.card["button_list"]] == ["accept", "reject:no_budget", "reject:not_fit", "reject:unreachable"]
    assert (await Lead.get(id=lead.id).prefetch_related("owner")).owner.userid == "zhangsan"

    pressed = await harness.sim.staff_presses_card_button("zhangsan", handoff.task_id, "accept")
    await harness.settle()

    assert pressed.callback.status == 200
    assert (await LeadScore.get(lead_id=lead.id)).stage == "sql"
    handoff = await Handoff.get(id=handoff.id)
    assert (handoff.status, handoff.answered_by) == ("accepted", "zhangsan")
    assert card.replaced_name == "已接受"
    assert f"已接受线索 #{lead.id}，阶段变为 SQL。" in app_texts(harness, "zhangsan")
    last = await StageChange.filter(lead_id=lead.id).order_by("-id").first()
    assert (last.to_stage, last.by, last.reason) == ("sql", "zhangsan", "销售接受 MQL")


async def test_a_press_for_a_lead_already_taken_gets_a_clear_answer_and_changes_nothing(harness, sales, clock):
    lead = await asks_for_a_quote(harness, sales)
    handoff = await Handoff.get(lead_id=lead.id)
    await harness.sim.staff_presses_card_button("zhangsan", handoff.task_id, "accept")
    await harness.settle()
    # A late second press (sent before the card was greyed out on the phone) arrives.
    clock.advance(5)
    sim = harness.sim
    late = payloads.app_card_event(sim.credentials.corp_id, sim.credentials.agent_id, sim.now(), "zhangsan",
                                   "reject:not_fit", handoff.task_id, "button_interaction", "rc-stale")
    response = await sim.sender.post(sim.envelope(sim.app_channel, late))
    await harness.settle()

    assert response.status == 200
    assert (await LeadScore.get(lead_id=lead.id)).stage == "sql"
    assert (await Handoff.get(id=handoff.id)).status == "accepted"
    assert app_texts(harness, "zhangsan")[-1].startswith(f"线索 #{lead.id} 已处理（已接受，zhangsan），这次操作没有改动任何内容。")


async def test_rejecting_with_a_reason_sends_the_lead_back_to_nurture(harness, sales, clock):
    lead = await asks_for_a_quote(harness, sales)
    handoff = await Handoff.get(lead_id=lead.id)

    await harness.sim.staff_presses_card_button("zhangsan", handoff.task_id, "reject:no_budget")
    await harness.settle()

    standing = await LeadScore.get(lead_id=lead.id)
    assert standing.stage == "recycled"
    assert (await Handoff.get(id=handoff.id)).reject_reason == "暂无预算"
    assert harness.sim.state.app_cards[handoff.task_id].replaced_name == "已拒绝：暂无预算"
    assert (await Lead.get(id=lead.id)).owner_id is None


async def test_an_unanswered_mql_reminds_the_rep_then_the_manager_then_returns_to_the_pool(harness, sales, clock):
    lead = await asks_for_a_quote(harness, sales)
    handoff = await Handoff.get(lead_id=lead.id)
    assert await sales.sweep() == {"reminded": 0, "escalated": 0, "returned": 0}

    clock.advance((handoff.due_at - clock.now()).total_seconds() + 60)
    assert await sales.sweep() == {"reminded": 1, "escalated": 0, "returned": 0}
    assert app_texts(harness, "zhangsan")[-1].startswith(f"提醒：MQL 线索 #{lead.id} 已超过处理时限")

    clock.advance(timedelta(days=1).total_seconds())  # a Saturday: no working time passes
    assert (await sales.sweep())["escalated"] == 0
    clock.advance(timedelta(days=2).total_seconds())  # Monday evening: 8 more working hours
    assert (await sales.sweep())["escalated"] == 1
    assert app_texts(harness, "lisi")[-1] == f"升级：张三 未处理 MQL 线索 #{lead.id}（高意向行为：询价）"
    assert (await sales.sweep())["escalated"] == 0  # once

    clock.advance(timedelta(days=7).total_seconds())
    assert (await sales.sweep())["returned"] == 1
    assert (await Handoff.get(id=handoff.id)).status == "returned"
    standing = await LeadScore.get(lead_id=lead.id)
    assert standing.stage == "recycled"
    assert (await Lead.get(id=lead.id)).owner_id is None
    # The send's response_code lives 72 hours: the platform refuses the late update and the
    # card keeps its buttons; a press now gets the clear answer instead.
    assert harness.sim.state.app_cards[handoff.task_id].replaced_name == ""
    await harness.sim.staff_presses_card_button("zhangsan", handoff.task_id, "accept")
    await harness.settle()
    assert app_texts(harness, "zhangsan")[-1].startswith(f"线索 #{lead.id} 已处理（已退回公海")
    assert (await LeadScore.get(lead_id=lead.id)).stage == "recycled"


async def test_reps_work_their_mqls_with_chat_commands(harness, sales, clock):
    from console.access.accounts import create_user

    await create_user("zhangsan", "sales", "correct horse battery", clock=clock, wecom_userid="zhangsan")
    first = await asks_for_a_quote(harness, sales, "王工")
    second = await asks_for_a_quote(harness, sales, "赵总")

    await harness.sim.staff_app_text("zhangsan", "/mine")
    await harness.settle()
    mine = app_texts(harness, "zhangsan")[-1]
    assert mine.startswith("你有 2 条待处理的 MQL：") and f"#{first.id} 王工" in mine and "高意向行为：询价" in mine

    await harness.sim.staff_app_text("zhangsan", f"/reject {second.id}")
    await harness.settle()
    assert app_texts(harness, "zhangsan")[-1] == "拒绝时请写明原因，例如：/reject 12 暂无预算"

    await harness.sim.staff_app_text("zhangsan", f"/reject {second.id} 已有供应商")
    await harness.sim.staff_app_text("zhangsan", f"/accept {first.id}")
    await harness.settle()
    assert (await LeadScore.get(lead_id=first.id)).stage == "sql"
    assert (await LeadScore.get(lead_id=second.id)).stage == "recycled"
    assert (await Handoff.get(lead_id=second.id)).reject_reason == "已有供应商"


async def test_lead_shows_score_grade_stage_and_why(harness, sales, clock):
    from console.access.accounts import create_user

    await create_user("zhangsan", "sales", "correct horse battery", clock=clock, wecom_userid="zhangsan")
    lead = await asks_for_a_quote(harness, sales)

    await harness.sim.staff_app_text("zhangsan", "/lead 王工")
    await harness.settle()

    summary = app_texts(harness, "zhangsan")[-1]
    assert f"#{lead.id} 王工｜苏州华创材料有限公司" in summary
    assert "阶段：MQL　渠道：未知\n评分：27 分（等级 D3）" in summary
    assert "MQL 依据：高意向行为：询价" in summary and "· +25 询价" in summary


async def audit_rows(harness, clock) -> list[tuple[str, str]]:
    """(who, summary) of the console's audit log, newest first, as an admin reads it."""
    import html
    import re

    import aiohttp

    from console.access.accounts import create_user
    from tests.support.console import PASSWORD, csrf_of

    await create_user("boss", "admin", PASSWORD, clock=clock)
    async with aiohttp.ClientSession(harness.bot_url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        token = csrf_of(await (await browser.get("/console/login")).text())
        await browser.post("/console/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
        page = await (await browser.get("/console/settings/audit")).text()
    rows = re.findall(r'<td>([^<]*)</td>\s*<td><span class="summary">([^<]*)</span>', page)
    return [(html.unescape(who), html.unescape(text)) for who, text in rows]


async def test_each_answer_from_the_chat_is_audited_as_a_sentence_naming_the_rep(harness, sales, clock):
    from console.access.accounts import create_user

    await create_user("zhangsan", "sales", "correct horse battery", clock=clock, wecom_userid="zhangsan")
    by_command, by_card = await asks_for_a_quote(harness, sales, "王工"), await asks_for_a_quote(harness, sales, "赵总")

    await harness.sim.staff_app_text("zhangsan", f"/accept {by_command.id}")
    await harness.settle()
    await harness.sim.staff_presses_card_button("zhangsan", (await Handoff.get(lead_id=by_card.id)).task_id,
                                                "reject:no_budget")
    await harness.settle()

    rows = await audit_rows(harness, clock)
    assert rows[:2] == [
        ("张三（企业微信 zhangsan）", f"销售拒绝线索 #{by_card.id}：阶段：MQL（市场认可） → 培育池；原因：暂无预算"),
        ("张三（企业微信 zhangsan）", f"销售接受线索 #{by_command.id}：阶段：MQL（市场认可） → SQL（销售认可）"),
    ]
