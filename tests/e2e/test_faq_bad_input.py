"""Odd messages get a clear outcome and nothing is lost."""

from models import BehaviourEvent, FaqHit
from tests.support.faq import open_hours, store_test_faq

KF = "wkKF0001"


async def ask(harness, customer, text):
    await harness.sim.kf_customer_text(KF, customer, text)
    await harness.settle()
    received = harness.sim.received(customer)
    return received[-1]["text"] if received else None


async def test_an_emoji_only_message_is_a_logged_miss_with_the_fallback(harness, clock):
    await store_test_faq()
    open_hours(clock)

    answer = await ask(harness, "wmA", "👍👍🙏")

    assert answer.startswith("抱歉")
    hit = await FaqHit.get()
    assert (hit.raw_query, hit.normalised_query, hit.outcome) == ("👍👍🙏", "", "miss")


async def test_an_empty_message_is_a_logged_miss(harness, clock):
    await store_test_faq()
    open_hours(clock)

    answer = await ask(harness, "wmA", "   ")

    assert answer.startswith("抱歉")
    assert (await FaqHit.get()).outcome == "miss"


async def test_a_huge_message_is_matched_on_its_start_and_kept_whole_in_the_behaviour_log(harness, clock):
    await store_test_faq()
    open_hours(clock)
    huge = "满多少包邮？" + "啊" * 1900

    answer = await ask(harness, "wmA", huge)

    assert answer == "单笔满 3000 元包邮。"  # a keyword rule
    hit = await FaqHit.get()
    assert hit.raw_query == huge and len(hit.normalised_query) <= 500
    inbound = await BehaviourEvent.get(kind="message.text")
    assert inbound.payload["text"] == huge


async def test_with_no_faq_at_all_every_question_is_a_polite_miss(harness, clock):
    open_hours(clock)

    answer = await ask(harness, "wmA", "多久发货")

    assert answer.startswith("抱歉") and (await FaqHit.get()).outcome == "miss"
