"""Customers ask in 微信客服: a vague question gets choices, a number picks one, anything else
is a new question, and an unknown one a polite fallback (feature harness: typed events in,
replies and rows out)."""
from models import FaqHit
from tests.support.faq import open_hours, store_test_faq


async def test_a_vague_question_gets_choices_and_the_number_picks_one(feature_harness, clock):
    await store_test_faq()
    open_hours(clock)

    question = await feature_harness.say("多少钱？", customer="wmLI")
    answer = await feature_harness.say("2", customer="wmLI")

    assert question == "您是想问：\n1. 有价格表吗？\n2. 运费怎么算？\n请回复序号，例如“1”。"
    assert answer == "单笔满 3000 元包邮。"
    hit = await FaqHit.get()
    assert (hit.outcome, hit.chosen_entry_id) == ("clarify", "freight")
    assert await FaqHit.all().count() == 1  # the choice is not a new question


async def test_a_reply_that_is_not_a_number_is_a_new_question(feature_harness, clock):
    await store_test_faq()
    open_hours(clock)

    await feature_harness.say("多少钱？", customer="wmLI")
    answer = await feature_harness.say("能开专票吗", customer="wmLI")

    assert answer.startswith("可以开 13% 增值税专用发票")


async def test_an_unknown_question_gets_a_polite_fallback_offering_a_human_and_is_flagged(feature_harness, clock):
    await store_test_faq()
    open_hours(clock)

    answer = await feature_harness.say("你们老板喜欢打高尔夫吗", customer="wmZHAO")

    assert "抱歉" in answer and "人工" in answer
    hit = await FaqHit.get()
    assert hit.outcome == "miss" and hit.review == "open"
