"""Support staff turn what customers actually ask into answers: a miss goes to the review
inbox, similar misses are one cluster, one action answers the next customer."""
from handlers.faq import review
from models import FaqEntryRecord, FaqHit
from tests.support.faq import open_hours, store_test_faq

KF = "wkKF0001"


async def ask(harness, customer, text):
    await harness.sim.kf_customer_text(KF, customer, text)
    await harness.settle()
    return harness.sim.received(customer)[-1]["text"]


async def test_a_cluster_of_misses_becomes_a_new_entry_the_next_customer_gets(harness, clock):
    await store_test_faq()
    open_hours(clock)
    assert "抱歉" in await ask(harness, "wmA", "支持货到付款吗")
    assert "抱歉" in await ask(harness, "wmB", "可以货到付款吗？")
    assert "抱歉" in await ask(harness, "wmC", "你们公司在哪个城市")

    clusters = await review.inbox()
    cod = next(c for c in clusters if "货到付款" in c.key)
    assert cod.size == 2
    prefill = review.prefill(cod)
    await review.create_entry(cod.hit_ids, {
        "id": "cash-on-delivery", "category": "service_delivery", **prefill,
        "answer": "暂不支持货到付款，可对公转账或在线支付。"}, "user:support1")

    assert await ask(harness, "wmD", "能货到付款吗") == "暂不支持货到付款，可对公转账或在线支付。"
    assert {c.key for c in await review.inbox()} == {"你们公司在哪个城市"}
    assert (await FaqEntryRecord.get(id="cash-on-delivery")).updated_by == "user:support1"


async def test_a_miss_attached_as_a_variant_answers_that_wording_from_then_on(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await ask(harness, "wmA", "寄到工地要几天")
    [cluster] = await review.inbox()

    await review.attach_variants(cluster.hit_ids, "ship-lead-time", "user:support1")

    assert await ask(harness, "wmB", "寄到工地要几天") == "现货订单付款后 1–2 个工作日发货。"
    assert "寄到工地要几天" in (await FaqEntryRecord.get(id="ship-lead-time")).variants
    assert (await FaqHit.get(id=cluster.hit_ids[0])).review == "variant"
