"""Similar questions are grouped so one review action resolves them all."""
from types import SimpleNamespace

from handlers.faq.review import cluster_hits, prefill, similar


def hit(n, normalised, raw=None, outcome="miss", candidates=(), feedback="none", chosen=None, signals=()):
    return SimpleNamespace(id=n, normalised_query=normalised, raw_query=raw or normalised, outcome=outcome,
                           candidates=list(candidates), feedback=feedback, chosen_entry_id=chosen, signals=list(signals))


def test_different_wordings_of_one_question_are_one_cluster():
    assert similar("支持货到付款", "可以货到付款")
    assert similar("你们几点下班", "你们几点下班")
    assert not similar("运费多少", "价格多少")
    assert not similar("发票", "发货")


def test_clusters_come_biggest_first_with_their_questions_and_the_likeliest_entry():
    clusters = cluster_hits([
        hit(1, "支持货到付款", "支持货到付款吗？", candidates=[["pay", 42.0]]),
        hit(2, "公司在哪里"),
        hit(3, "可以货到付款", "可以货到付款吗", candidates=[["pay", 45.0]], feedback="negative",
            signals=["asked_again"]),
    ])

    assert [c.size for c in clusters] == [2, 1]
    first = clusters[0].as_dict()
    assert first["hit_ids"] == [1, 3] and first["suggested_entry"] == "pay" and first["negative"] == 1
    assert first["signals"] == {"asked_again": 1}  # inferred from the next message, shown as such
    assert prefill(clusters[0]) == {"question": "支持货到付款吗？", "variants": ["可以货到付款吗"], "answer": "", "category": "other"}


def test_empty_questions_cluster_together_instead_of_failing():
    clusters = cluster_hits([hit(1, "", "👍"), hit(2, "", "🙏")])
    assert [c.size for c in clusters] == [2]


def test_the_entry_a_customer_picked_after_a_clarify_question_is_the_one_suggested():
    [cluster] = cluster_hits([hit(1, "多少钱", outcome="clarify", candidates=[["price", 80.0], ["freight", 75.0]], chosen="freight")])
    assert cluster.as_dict()["suggested_entry"] == "freight"


def test_nonsense_is_not_pre_filled_with_an_entry():
    [cluster] = cluster_hits([hit(1, "我家猫会不会飞", candidates=[["moq", 4.0], ["pay", 3.0]])])
    assert cluster.as_dict()["suggested_entry"] is None
