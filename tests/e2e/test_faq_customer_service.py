"""Customers ask in 微信客服 and the official account: instant answers, a clarify question,
a polite fallback, hand-over to a human with the context."""
from dataclasses import replace

from models import BehaviourEvent, FaqHit
from tests.support.faq import open_hours, store_test_faq

KF = "wkKF0001"


def texts(harness, user):
    return [m["text"] for m in harness.sim.received(user)]


async def ask_kf(harness, customer, text):
    await harness.sim.kf_customer_text(KF, customer, text, name="王工")
    await harness.settle()
    return texts(harness, customer)[-1] if texts(harness, customer) else None


async def test_a_customer_in_customer_service_gets_the_answer_at_once_and_it_is_logged(harness, clock):
    await store_test_faq()
    open_hours(clock)

    answer = await ask_kf(harness, "wmWANG", "请问下单以后多久能发货呀？")

    assert answer == "现货订单付款后 1–2 个工作日发货。"
    hit = await FaqHit.get()
    assert (hit.outcome, hit.chosen_entry_id, hit.platform, hit.chat_kind) == ("answer", "ship-lead-time", "wecom_kf", "single")
    assert hit.raw_query == "请问下单以后多久能发货呀？" and hit.normalised_query and hit.lead_id
    assert hit.candidates[0][0] == "ship-lead-time" and hit.latency_ms >= 0
    event = await BehaviourEvent.get(kind="faq.asked")
    assert event.lead_id == hit.lead_id and event.payload["entry_id"] == "ship-lead-time"
    assert event.payload["category"] == "service_delivery"


async def test_asking_for_a_human_hands_the_conversation_over_with_its_context(harness, clock):
    await store_test_faq()
    open_hours(clock)
    faq = harness.bot.services["faq"]
    faq.options = replace(faq.options, kf_servicers={KF: "zhangsan"})

    await ask_kf(harness, "wmWANG", "运费怎么算")
    reply = await ask_kf(harness, "wmWANG", "转人工")

    assert reply.startswith("好的，正在为您转接人工客服")
    session = harness.sim.state.kf_accounts[KF].sessions["wmWANG"]
    assert (session.service_state, session.servicer_userid) == (3, "zhangsan")
    [note] = texts(harness, "zhangsan")
    assert "微信客服" in note and "运费怎么算" in note
    hit = await FaqHit.get()
    assert hit.feedback == "negative" and "asked_human" in hit.signals

    await harness.sim.kf_servicer_text(KF, "zhangsan", "wmWANG", "您好，我是张三")
    before = len(texts(harness, "wmWANG"))
    await ask_kf(harness, "wmWANG", "满多少包邮")
    assert len(texts(harness, "wmWANG")) == before  # the receptionist answers now, not the bot


async def test_outside_business_hours_the_fallback_says_when_a_human_replies(harness, clock):
    await store_test_faq()  # the clock starts at 06:13 China time

    answer = await ask_kf(harness, "wmNIGHT", "你们老板喜欢打高尔夫吗")

    assert "非工作时间" in answer and "今天 09:00" in answer


async def test_a_follower_of_the_official_account_gets_the_answer_in_the_reply(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await harness.sim.wechat_follow("oFOLLOWER")
    await harness.settle()
    before = len(texts(harness, "oFOLLOWER"))

    await harness.sim.wechat_text("oFOLLOWER", "能开专票吗？")
    await harness.settle()

    assert texts(harness, "oFOLLOWER")[before:] == ["可以开 13% 增值税专用发票，下单时填写开票信息即可。"]
    hit = await FaqHit.get()
    assert (hit.platform, hit.outcome, hit.chosen_entry_id) == ("wechat", "answer", "invoice")


async def test_an_official_account_follower_asking_for_a_human_alerts_the_staff_on_duty(harness, clock):
    await store_test_faq()
    open_hours(clock)
    faq = harness.bot.services["faq"]
    faq.options = replace(faq.options, notify_userids=("lisi",))
    await harness.sim.wechat_follow("oFOLLOWER")
    await harness.sim.wechat_text("oFOLLOWER", "样品收费吗")
    await harness.sim.wechat_text("oFOLLOWER", "人工客服")
    await harness.settle()

    assert texts(harness, "oFOLLOWER")[-1].startswith("好的，正在为您转接人工客服")
    [note] = texts(harness, "lisi")
    assert "公众号" in note and "样品收费吗" in note


async def test_negative_feedback_is_counted_on_the_answer_it_follows(harness, clock):
    await store_test_faq()
    open_hours(clock)

    await ask_kf(harness, "wmWANG", "运费怎么算")
    reply = await ask_kf(harness, "wmWANG", "没用")
    clock.advance(20)
    await ask_kf(harness, "wmQIAN", "能开专票吗")
    clock.advance(20)
    await ask_kf(harness, "wmQIAN", "专票能开吗？")

    assert "抱歉没能帮到您" in reply
    freight, invoice, again = await FaqHit.all().order_by("id")
    assert (freight.feedback, freight.signals) == ("negative", ["said_wrong"])
    assert (invoice.feedback, invoice.signals) == ("negative", ["asked_again"])
    assert again.feedback == "none"


async def test_when_a_receptionist_took_the_conversation_in_wecom_the_bot_steps_back(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await ask_kf(harness, "wmWANG", "运费怎么算")
    session = harness.sim.state.kf_accounts[KF].sessions["wmWANG"]
    session.service_state, session.servicer_userid = 3, "zhangsan"  # taken over from the WeCom client

    await ask_kf(harness, "wmWANG", "满多少包邮")
    await ask_kf(harness, "wmWANG", "能开专票吗")

    assert texts(harness, "wmWANG") == ["单笔满 3000 元包邮。"]
    refused = [(r.api, r.errcode) for r in harness.sim.api.rejected]
    assert len(refused) == 1 and refused[0][1] == 95018  # tried once, then asked the state first
    assert any("service_state/get" in entry.api for entry in harness.sim.outbox)


async def test_asking_for_a_human_twice_is_harmless(harness, clock):
    await store_test_faq()
    open_hours(clock)

    await ask_kf(harness, "wmWANG", "人工")
    await ask_kf(harness, "wmWANG", "人工")

    session = harness.sim.state.kf_accounts[KF].sessions["wmWANG"]
    assert session.service_state == 2  # queued for the account's receptionists
    assert texts(harness, "wmWANG") == ["好的，正在为您转接人工客服，请稍候。"]


async def test_holidays_set_in_the_console_shape_the_fallback(harness, clock):
    from handlers.faq.options import save_settings

    await store_test_faq()
    open_hours(clock)  # Wednesday 2023-11-15, 10:00 China time
    await save_settings({"holidays": ["2023-11-15", "2023-11-16"]}, "user:support1")

    answer = await ask_kf(harness, "wmHOLIDAY", "你们老板喜欢打高尔夫吗")

    assert "非工作时间" in answer and "11月17日 09:00" in answer


async def test_an_official_account_follower_asking_for_a_human_with_nobody_on_duty_is_not_promised_a_transfer(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await harness.sim.wechat_follow("oFOLLOWER")

    await harness.sim.wechat_text("oFOLLOWER", "人工")
    await harness.settle()

    assert texts(harness, "oFOLLOWER")[-1] == "好的，已记录您的需求，同事会尽快回复您。"


async def test_a_number_sent_long_after_the_choices_is_not_taken_as_a_choice(harness, clock):
    await store_test_faq()
    open_hours(clock)

    await ask_kf(harness, "wmLI", "多少钱？")
    clock.advance(3600)
    answer = await ask_kf(harness, "wmLI", "2")

    assert answer.startswith("抱歉")
    assert (await FaqHit.filter(outcome="clarify").first()).chosen_entry_id is None
