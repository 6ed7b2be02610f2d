"""Staff ask the 智能机器人 in internal groups; customer groups are read through the chat
archive and answered by the group owner with one click."""
from bot.events import ChatKind, Platform, TextMessage, UnknownEvent
from bot.responder import Responder
from simulator.archive import SimulatorArchive
from models import FaqGroupSetting, FaqHit, FaqSuggestion
from tests.support.faq import open_hours, store_test_faq

GROUP = "wrInternal01"


def shown(harness, chat):
    return [m["text"] for m in harness.sim.received(chat)]


async def test_the_robot_answers_when_mentioned_in_an_internal_group(harness, clock):
    await store_test_faq()
    open_hours(clock)

    await harness.sim.staff_bot_text("zhangsan", "客户问满多少包邮", chat_id=GROUP)
    await harness.settle()

    assert shown(harness, GROUP) == ["单笔满 3000 元包邮。"]
    hit = await FaqHit.get()
    assert (hit.platform, hit.chat_kind, hit.chat_id, hit.lead_id) == ("wecom_bot", "group", GROUP, None)


async def test_a_staff_member_asks_the_robot_in_a_single_chat(harness, clock):
    await store_test_faq()
    open_hours(clock)

    await harness.sim.staff_bot_text("lisi", "样品收费吗")
    await harness.settle()

    assert shown(harness, "lisi") == ["标准品可免费寄样，运费到付。"]


async def test_the_robot_never_floods_a_group(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await FaqGroupSetting.create(chat_id=GROUP, answers_per_minute=2)

    for _ in range(3):
        await harness.sim.staff_bot_text("zhangsan", "满多少包邮", chat_id=GROUP)
    clock.advance(61)
    await harness.sim.staff_bot_text("zhangsan", "满多少包邮", chat_id=GROUP)
    await harness.settle()

    assert len(shown(harness, GROUP)) == 3
    assert await FaqHit.filter(chat_id=GROUP).count() == 4  # every question is still logged


def _unmentioned(text, n):
    return TextMessage(platform=Platform.WECOM_BOT, create_time=1, msg_id=f"unmentioned{n}", sender="zhangsan",
                       chat=ChatKind.GROUP, chat_id=GROUP, content=text, mentioned_bot=False)


async def test_without_a_mention_only_a_keyword_rule_hit_answers_and_only_where_the_group_allows_it(harness, clock):
    await store_test_faq()
    open_hours(clock)

    async def say(text, n):
        responder = Responder(None, passive=True)
        await harness.bot.pipeline.deliver(_unmentioned(text, n), responder)
        return [t for _, t in responder.sent]

    assert await say("包邮吗", 1) == []  # the group has not allowed it
    await FaqGroupSetting.create(chat_id=GROUP, answer_without_mention=True)
    assert await say("包邮吗", 2) == ["单笔满 3000 元包邮。"]  # a keyword rule
    assert await say("能开专票吗", 3) == []  # a fuzzy match is not enough without a mention


async def customer_group(harness):
    harness.sim.add_group("wrCustomers01", "华东客户交流群", "zhangsan")
    await harness.sim.join_group("wmWANG", "wrCustomers01", name="王工")
    await harness.sim.join_group("wmLI", "wrCustomers01", name="李经理")
    await harness.settle()
    source = SimulatorArchive(harness.sim)
    harness.bot.services["faq"].archive_source = source
    return source


async def test_a_customer_group_question_becomes_a_one_click_suggestion_for_the_group_owner(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await customer_group(harness)

    harness.sim.group_text("wrCustomers01", "wmWANG", "请问满多少包邮？")
    clock.advance(3)
    notify = UnknownEvent(platform=Platform.WECOM, create_time=int(clock.time()), type_name="event:msgaudit_notify")
    await harness.bot.pipeline.deliver(notify, Responder(None, passive=False))
    await harness.settle()

    [notice] = shown(harness, "zhangsan")
    assert "请问满多少包邮？" in notice and "建议回复：单笔满 3000 元包邮。" in notice
    suggestion = await FaqSuggestion.get()
    assert (suggestion.chat_id, suggestion.staff_userid, suggestion.status) == ("wrCustomers01", "zhangsan", "open")
    assert suggestion.answer == "单笔满 3000 元包邮。" and suggestion.latency_ms == 3000.0
    hit = await FaqHit.get()
    assert (hit.platform, hit.chat_kind, hit.chosen_entry_id) == ("archive", "group", "freight")
    assert hit.lead_id is not None


async def test_messages_of_customers_who_did_not_agree_to_archiving_are_never_processed(harness, clock):
    await store_test_faq()
    open_hours(clock)
    source = await customer_group(harness)
    source.set_agreement("wmLI", "Disagree")

    harness.sim.group_text("wrCustomers01", "wmLI", "满多少包邮")
    harness.sim.group_text("wrCustomers01", "zhangsan", "大家好")
    delivered = await harness.bot.services["faq"].pull_archive(harness.bot.pipeline)
    await harness.settle()

    assert delivered == 0
    assert await FaqHit.all().count() == 0 and await FaqSuggestion.all().count() == 0


async def test_the_archive_resumes_after_the_last_message_it_processed(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await customer_group(harness)
    faq = harness.bot.services["faq"]

    harness.sim.group_text("wrCustomers01", "wmWANG", "满多少包邮")
    first = await faq.pull_archive(harness.bot.pipeline)
    harness.sim.group_text("wrCustomers01", "wmWANG", "能开专票吗")
    faq.archive_source = SimulatorArchive(harness.sim)  # as after a restart
    second = await faq.pull_archive(harness.bot.pipeline)
    await harness.settle()

    assert (first, second) == (1, 1)
    assert await FaqSuggestion.all().count() == 2


async def test_a_staff_member_asks_the_wecom_app(harness, clock):
    await store_test_faq()
    open_hours(clock)

    await harness.sim.staff_app_text("lisi", "能开专票吗")
    await harness.settle()

    assert shown(harness, "lisi") == ["可以开 13% 增值税专用发票，下单时填写开票信息即可。"]
    assert (await FaqHit.get()).platform == "wecom"


async def test_the_time_from_question_to_suggestion_is_in_the_statistics(harness, clock):
    from handlers.faq.review import statistics

    await store_test_faq()
    open_hours(clock)
    await customer_group(harness)
    harness.sim.group_text("wrCustomers01", "wmWANG", "满多少包邮")
    clock.advance(15)  # the next pull
    await harness.bot.services["faq"].pull_archive(harness.bot.pipeline)
    await harness.settle()

    stats = await statistics(clock.now(), days=1)

    assert stats["suggestions"]["count"] == 1 and stats["suggestions"]["latency_ms_p50"] == 15000.0


async def test_a_vague_customer_group_question_offers_the_owner_each_likely_answer(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await customer_group(harness)

    harness.sim.group_text("wrCustomers01", "wmWANG", "多少钱？")
    await harness.bot.services["faq"].pull_archive(harness.bot.pipeline)
    await harness.settle()

    [notice] = shown(harness, "zhangsan")
    assert "建议回复 1：价格表请联系客户经理获取" in notice and "建议回复 2：单笔满 3000 元包邮。" in notice
    assert await FaqSuggestion.filter(chat_id="wrCustomers01", status="open").count() == 2
