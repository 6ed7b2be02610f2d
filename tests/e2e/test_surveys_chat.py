"""A customer answers a survey in 微信客服 or the official account: one question at a time,
answers as people type them, hints instead of dead ends, an FAQ question in between, 退出,
a restart in the middle, one reminder, the closing time."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.app import BOT, create_app
from simulator.simulator import CallbackUrls
from handlers.surveys.store import import_survey
from main import features, lead_wiring
from models import BehaviourEvent, DialogState, Lead, LeadProfile, LeadTag, SurveyLeadUpdate, SurveyResponse
from tests.support.faq import open_hours, store_test_faq

KF = "wkKF0001"
NPS_FILE = (Path(__file__).parents[2] / "demo" / "surveys" / "nps.yaml").read_text()


async def import_nps(closes: datetime | None = None) -> None:
    """The demo NPS survey, open now (the fake clock is in 2023), closing at ``closes``."""
    text = NPS_FILE.replace("opens: 2026-01-01T00:00:00+08:00\n", "")
    text = text.replace("closes: 2027-01-01T00:00:00+08:00\n", f"closes: {closes.isoformat()}\n" if closes else "")
    await import_survey(text)


def texts(harness, user):
    return [m["text"] for m in harness.sim.received(user)]


async def say(harness, customer, text):
    """The customer writes in 微信客服 a few seconds after the last message; the bot's last reply."""
    harness.bot.clock.advance(5)
    before = len(texts(harness, customer))
    await harness.sim.kf_customer_text(KF, customer, text, name="王工")
    await harness.settle()
    new = texts(harness, customer)[before:]
    return new[-1] if new else None


async def test_a_promoter_answers_the_nps_survey_and_the_answers_become_lead_data(harness):
    await import_nps()

    first = await say(harness, "wmWANG", "满意度调查")
    assert first.startswith("您好！占用您 1 分钟") and "1. 您有多大可能把我们推荐给同事或朋友？" in first
    assert "请回复 0–10 的数字（0 = 完全不可能，10 = 非常可能）" in first

    second = await say(harness, "wmWANG", "打9分")
    assert second.startswith("2. 您最认可我们哪些方面？（可多选）\n1. 交期\n2. 产品质量")

    third = await say(harness, "wmWANG", "1、4")
    assert third.startswith("3. 您所在的行业是？") and "（选填，回复“跳过”可略过）" in third

    done = await say(harness, "wmWANG", "新能源")
    assert done == "感谢您的反馈！我们会认真阅读每一条意见。"  # no consent: the phone question is not asked

    response = await SurveyResponse.get()
    assert response.status == "completed" and response.completed_at is not None
    assert response.answers == {"score": 9, "best": ["交期", "技术支持"], "industry": "energy"}
    answered = await BehaviourEvent.filter(kind="survey.answered").order_by("id")
    assert [e.payload["question"] for e in answered] == ["score", "best", "industry"]
    assert all(e.lead_id == response.lead_id for e in answered)
    assert await BehaviourEvent.filter(kind="survey.completed", lead_id=response.lead_id).count() == 1
    assert {t.name for t in await LeadTag.filter(lead_id=response.lead_id)} == {"NPS推荐者", "新能源"}
    update = await SurveyLeadUpdate.get(kind="profile")
    assert (update.name, update.value, update.response_id) == ("industry", "新能源", response.id)
    assert not await DialogState.exists()


async def test_a_detractor_is_asked_why_and_a_wrong_answer_gets_a_hint_and_the_question_again(harness):
    await import_nps()
    await say(harness, "wmLI", "满意度调查")

    for wrong in ("很好", "😀", "11"):
        reply = await say(harness, "wmLI", wrong)
        assert "请回复 0 到 10 之间的一个数字" in reply and reply.endswith("请回复 0–10 的数字（0 = 完全不可能，10 = 非常可能）")
    why = await say(harness, "wmLI", "3分")
    assert why.startswith("2. 很抱歉没让您满意。")

    too_long = await say(harness, "wmLI", "慢" * 10_000)
    assert "超过了 1000 字的上限" in too_long and "2. 很抱歉没让您满意。" in too_long
    await say(harness, "wmLI", "交期总是延误")

    response = await SurveyResponse.get()
    assert response.answers == {"score": 3, "why_low": "交期总是延误"} and response.status == "in_progress"
    assert {t.name for t in await LeadTag.filter(lead_id=response.lead_id)} == {"NPS贬损者"}


async def test_an_faq_question_in_the_middle_is_answered_and_the_survey_resumes(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await import_nps()
    await say(harness, "wmZHAO", "满意度调查")

    reply = await say(harness, "wmZHAO", "能开专票吗？")
    assert reply.startswith("可以开 13% 增值税专用发票，下单时填写开票信息即可。\n\n（问卷继续）\n1. 您有多大可能")
    assert await BehaviourEvent.filter(kind="faq.asked").count() == 1

    assert (await say(harness, "wmZHAO", "10")).startswith("2. 您最认可我们哪些方面？")


async def test_quitting_keeps_what_was_answered_and_the_keyword_resumes(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await import_nps()
    await say(harness, "wmSUN", "满意度调查")
    await say(harness, "wmSUN", "8")

    bye = await say(harness, "wmSUN", "不答了")
    assert bye == "好的，已退出问卷，您已作答的部分已保存。想继续时回复“满意度调查”即可。"
    response = await SurveyResponse.get()
    assert response.status == "cancelled" and response.answers == {"score": 8}
    assert not await DialogState.exists()
    assert (await say(harness, "wmSUN", "运费怎么算")) == "单笔满 3000 元包邮。"  # the FAQ again, not the survey

    back = await say(harness, "wmSUN", "满意度调查")
    assert back.startswith("欢迎回来，我们接着上次的问题继续：\n\n2. 我们最需要改进哪一方面？")
    assert (await say(harness, "wmSUN", "售后")).startswith("3. 您所在的行业是？")
    assert (await SurveyResponse.get()).answers == {"score": 8, "improve": "service"}


async def test_a_restart_in_the_middle_continues_where_the_customer_left_off(harness, clock, aiohttp_server):
    await import_nps()
    await say(harness, "wmZHOU", "满意度调查")
    await say(harness, "wmZHOU", "7")
    await harness.settle()

    # A new bot process: nothing in memory, the same database and the same platform.
    app = await create_app(harness.bot.settings, clock=clock, manage_database=False, features=features(), **lead_wiring())
    server = await aiohttp_server(app)
    harness.sim.urls = CallbackUrls.under(str(server.make_url("")).rstrip("/"))
    harness.bot = app[BOT]
    reply = await say(harness, "wmZHOU", "价格")

    assert reply.startswith("3. 您所在的行业是？")
    assert (await SurveyResponse.get()).answers == {"score": 7, "improve": "price"}


async def test_an_unfinished_survey_is_reminded_once_after_the_delay(harness, clock):
    await import_nps()
    await say(harness, "wmWU", "满意度调查")
    await say(harness, "wmWU", "9")
    surveys, bot = harness.bot.services["surveys"], harness.bot

    clock.advance(23 * 3600)
    assert (await surveys.sweep(clock, bot.wecom, bot.wechat))["reminded"] == 0
    clock.advance(3600 + 1)
    assert (await surveys.sweep(clock, bot.wecom, bot.wechat))["reminded"] == 1
    clock.advance(24 * 3600)
    assert (await surveys.sweep(clock, bot.wecom, bot.wechat))["reminded"] == 0

    reminder = texts(harness, "wmWU")[-1]
    assert reminder.startswith("您好，「年度客户满意度调查」还差几题就完成了") and "2. 您最认可我们哪些方面？" in reminder
    assert (await say(harness, "wmWU", "2")).startswith("3. 您所在的行业是？")


async def test_the_survey_expires_at_its_closing_time(harness, clock):
    closes = datetime.fromtimestamp(clock.time(), timezone.utc) + timedelta(hours=2)
    await import_nps(closes=closes)
    await say(harness, "wmQIAN", "满意度调查")
    await say(harness, "wmZHENG", "满意度调查")

    clock.advance(3 * 3600)
    assert await say(harness, "wmQIAN", "9") == "这份问卷已经结束了，感谢您的关注。"
    assert (await harness.bot.services["surveys"].sweep(clock))["expired"] == 1  # the other one
    assert await SurveyResponse.filter(status="expired").count() == 2
    assert await say(harness, "wmZHENG", "满意度调查") == "这份问卷已经结束了，感谢您的关注。"


async def test_a_second_response_in_the_same_wave_is_politely_refused(harness):
    await import_nps()
    for text in ("满意度调查", "10", "1", "跳过"):
        await say(harness, "wmFENG", text)

    again = await say(harness, "wmFENG", "满意度调查")

    assert again == "您已参加过本期「年度客户满意度调查」，感谢您的支持！"
    assert await SurveyResponse.all().count() == 1


async def test_contact_details_are_asked_only_after_consent_and_stored_on_the_profile(harness):
    await import_nps()
    await say(harness, "wmCHEN", "同意")
    for text in ("满意度调查", "7", "交期", "跳过"):
        last = await say(harness, "wmCHEN", text)
    assert last.startswith("4. 方便留个电话吗？")
    assert "请回复手机号" in await say(harness, "wmCHEN", "12345")

    assert await say(harness, "wmCHEN", "138 0013 8000") == "感谢您的反馈！我们会认真阅读每一条意见。"
    response = await SurveyResponse.get()
    assert (await LeadProfile.get(lead_id=response.lead_id)).phone == "13800138000"
    events = await BehaviourEvent.filter(kind="survey.answered").order_by("-id").first()
    assert events.payload["value"] == "（已填写）"  # the number stays out of the behaviour log


async def test_an_official_account_follower_answers_in_the_replies(harness):
    await import_nps()
    await harness.sim.wechat_follow("oFAN")
    await harness.settle()

    for text in ("NPS调查", "九分", "1 2", "2"):
        harness.bot.clock.advance(5)
        await harness.sim.wechat_text("oFAN", text)
        await harness.settle()

    assert texts(harness, "oFAN")[-1] == "感谢您的反馈！我们会认真阅读每一条意见。"
    response = await SurveyResponse.get()
    assert response.platform == "wechat" and response.answers == {"score": 9, "best": ["交期", "产品质量"], "industry": "energy"}


AGREEMENT_POLL = """\
key: policy-poll
title: 新交付政策调查
keywords: [政策调查]
wave: "1"
thank_you: 谢谢！
questions:
  - id: agree
    kind: single
    text: 您是否同意新的交付政策？
    options: [同意, 不同意]
"""


async def test_agree_mid_survey_is_the_answer_when_the_question_offers_it(harness):
    await import_survey(AGREEMENT_POLL)
    assert (await say(harness, "wmHAN", "政策调查")).startswith("1. 您是否同意新的交付政策？")

    assert await say(harness, "wmHAN", "同意") == "谢谢！"

    response = await SurveyResponse.get()
    assert response.answers == {"agree": "同意"} and response.status == "completed"
    assert (await Lead.get(id=response.lead_id)).consent_at is None  # not read as consent to the policy


async def test_unsubscribe_mid_survey_goes_to_onboarding_and_the_question_keeps_waiting(harness):
    await import_nps()
    await say(harness, "wmMA", "满意度调查")

    reply = await say(harness, "wmMA", "退订")
    assert reply.startswith("已为您退订")  # the NPS question does not accept it: onboarding's word
    response = await SurveyResponse.get()
    assert (await LeadProfile.get(lead_id=response.lead_id)).unsubscribed_at is not None
    assert response.answers == {} and response.status == "in_progress"

    assert (await say(harness, "wmMA", "9")).startswith("2. 您最认可我们哪些方面？")


async def test_the_thank_you_speaks_to_the_customer_by_name(harness):
    await import_survey(AGREEMENT_POLL.replace("thank_you: 谢谢！", "thank_you: 谢谢{{ customer_name }}！"))
    await say(harness, "wmYANG", "政策调查")
    await Lead.filter(id=(await SurveyResponse.get()).lead_id).update(name="杨工")

    assert await say(harness, "wmYANG", "不同意") == "谢谢杨工！"
