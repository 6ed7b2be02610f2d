"""How a customer's message is matched: rules first, then fuzzy similarity, with three outcomes."""
import pytest

from faq import ANSWER, CLARIFY, MISS, FaqIndex, KeywordRule, MatchThresholds, decide, resolve_choice
from faq.entries import FaqEntry


def test_a_close_paraphrase_is_answered(index):
    found = index.match("请问付款后几天能发货呀？")
    assert (found.outcome, found.entry_id) == (ANSWER, "ship-lead-time")
    assert found.candidates[0][0] == "ship-lead-time"
    assert found.score >= MatchThresholds().answer


@pytest.mark.parametrize(
    "query",
    [
        "付款后几天能发货",
        "付款後幾天能發貨",  # traditional characters
        "付款后几天能发货？？",  # punctuation
        "您好，请问付款后几天能发货呢",  # filler words
        "付款后　几天能发货？！",  # full-width space and punctuation
    ],
)
def test_written_variants_hit_the_same_entry(index, query):
    assert index.match(query).entry_id == "ship-lead-time"


def test_numbers_in_chinese_or_full_width_hit_the_same_entry(index):
    assert index.match("付款后三天能发货吗").entry_id == "ship-lead-time"
    assert index.match("付款后３天能发货吗").entry_id == "ship-lead-time"
    assert index.match("耐温一百五十度可以吗").candidates[0][0] == "temperature"


def test_keyword_rules_answer_first_and_highest_priority_wins():
    entries = (
        FaqEntry(id="general", question="发货时间", answer="a", rules=(KeywordRule("contains", "发货", 1),)),
        FaqEntry(id="holiday", question="节假日安排", answer="b", rules=(KeywordRule("contains", "国庆发货", 9),)),
    )
    index = FaqIndex.build(entries)
    assert index.match("国庆发货吗").entry_id == "holiday"
    assert index.match("什么时候发货").entry_id == "general"
    hit = index.match("国庆发货吗")
    assert (hit.outcome, hit.score, hit.rule.priority) == (ANSWER, 100.0, 9)


def test_exact_and_regex_rules(index):
    assert index.match("退订！").entry_id == "unsubscribe"
    assert index.match("退订", chat_kind="single").rule.kind == "exact"
    assert index.match("別再給我發了").rule.kind == "regex"
    assert index.match("我想转人工").entry_id == "human-agent"


def test_entry_scope_limits_where_it_answers(index):
    assert index.match("退订", chat_kind="single").entry_id == "unsubscribe"
    assert index.match("退订", chat_kind="group").entry_id != "unsubscribe"


def test_inactive_entries_never_answer(index):
    found = index.match("旧的促销活动还有吗")
    assert found.outcome == MISS
    assert "retired" not in [entry_id for entry_id, _ in found.candidates]


def test_close_candidates_ask_the_customer_to_choose(index):
    found = index.match("幾天發貨？")
    assert found.outcome == CLARIFY
    assert found.entry_id is None
    assert set(found.choices) == {"ship-lead-time", "transit-time"}
    assert resolve_choice("2", found.choices) == found.choices[1]


@pytest.mark.parametrize(("reply", "chosen"), [("1", "a"), ("２", "b"), ("第三个", "c"), ("选2", "b"), ("3.", "c")])
def test_clarify_replies_resolve_to_the_offered_entry(reply, chosen):
    assert resolve_choice(reply, ("a", "b", "c")) == chosen


@pytest.mark.parametrize("reply", ["4", "0", "好的", "", "12"])
def test_replies_that_do_not_pick_a_choice_resolve_to_nothing(reply):
    assert resolve_choice(reply, ("a", "b", "c")) is None


def test_out_of_scope_questions_are_missed(index):
    for query in ("今天天气怎么样", "帮我写一首诗", "比特币现在多少钱"):
        assert index.match(query).outcome == MISS, query


@pytest.mark.parametrize(
    "query", ["", "   ", "😀😀🎉", "你好！", "？？？", "x" * 100_000, "发" * 5_000, "\ud800", "\x00\u200b", None]
)
def test_odd_input_is_a_clear_miss_never_an_error(index, query):
    found = index.match(query)
    assert found.outcome == MISS
    assert found.entry_id is None


def test_decision_needs_a_clear_margin_to_answer():
    thresholds = MatchThresholds(answer=50, margin=5, margin_ratio=0.0, clarify=40, clarify_window=10, clear_answer=101)
    assert decide((("a", 80.0), ("b", 60.0)), thresholds).outcome == ANSWER
    close = decide((("a", 80.0), ("b", 78.0), ("c", 75.0), ("d", 74.0)), thresholds)
    assert (close.outcome, close.choices) == (CLARIFY, ("a", "b", "c"))
    assert decide((("a", 45.0),), thresholds).outcome == CLARIFY  # plausible: offered alone to confirm
    assert decide((("a", 35.0),), thresholds).outcome == MISS
    assert decide((), thresholds).outcome == MISS


def test_a_new_index_reflects_changed_entries(entries):
    changed = tuple(e for e in entries if e.id != "moq")
    assert FaqIndex.build(entries).match("起订量多少").entry_id == "moq"
    assert FaqIndex.build(changed).match("起订量多少").entry_id != "moq"
