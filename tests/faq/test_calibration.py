"""The decision is calibrated: answer within a wrong-answer budget, offer choices when a strong
match has close rivals, miss otherwise; thresholds come from labelled questions."""
from pathlib import Path

import pytest

from faq import (
    ANSWER, CLARIFY, DEFAULT_THRESHOLDS, MISS, Example, FaqEntry, FaqIndex, MatchThresholds, calibrate, decide,
    measure, parse_faq_file, parse_synonyms, sweep,
)
from faq.calibration import wilson_upper

DEMO_FAQ = Path(__file__).resolve().parents[2] / "content" / "demo" / "faq.yaml"
DEMO_PARAPHRASES = {
    "ship-lead-time": ["什么时候发货？", "請問什麼時候發貨", "多久能发货呀", "付款后几天发货", "下单后多久发出"],
}


def test_a_strong_match_with_a_close_rival_is_offered_as_a_choice_never_a_miss():
    thresholds = MatchThresholds(answer=50, margin=15, margin_ratio=0.0, clarify=30, clarify_window=15)
    close = decide((("ship", 74.0), ("holiday", 64.0), ("invoice", 20.0)), thresholds)
    assert (close.outcome, close.choices) == (CLARIFY, ("ship", "holiday"))
    assert decide((("ship", 74.0), ("holiday", 40.0)), thresholds).outcome == ANSWER
    assert decide((("ship", 40.0), ("holiday", 35.0)), thresholds).outcome == CLARIFY
    assert decide((("ship", 25.0), ("holiday", 24.0)), thresholds).outcome == MISS


@pytest.fixture(scope="module")
def demo_index():
    return FaqIndex.build(parse_faq_file(DEMO_FAQ.read_text(encoding="utf-8"), "yaml"))


def test_every_demo_question_and_its_paraphrases_get_an_answer_or_a_choice(demo_index):
    asked = [(q, e.id) for e in demo_index.entries for q in (e.question, *e.variants)]
    asked += [(q, entry_id) for entry_id, questions in DEMO_PARAPHRASES.items() for q in questions]
    for question, entry_id in asked:
        found = demo_index.match(question)
        assert found.outcome in (ANSWER, CLARIFY), question
        assert found.entry_id == entry_id or entry_id in found.choices, question


def test_the_readme_question_is_answered_or_offered_with_the_shipping_entry(demo_index):
    for question in ("什么时候发货？", "請問什麼時候發貨"):
        found = demo_index.match(question)
        assert found.outcome != MISS and "ship-lead-time" in (found.entry_id, *found.choices)


def _examples():
    """Clear leaders are right; close calls are wrong half the time; low scores are out of scope."""
    right = [Example(((f"e{i}", 80.0), ("x", 30.0)), f"e{i}") for i in range(150)]
    close = [Example((("a", 60.0), ("b", 55.0)), "b" if i % 2 else "a") for i in range(40)]
    noise = [Example((("a", 22.0), ("b", 20.0)), None) for _ in range(150)]
    return right + close + noise


def test_calibration_answers_clear_leaders_and_keeps_wrong_answers_within_the_budget():
    best = calibrate(_examples(), budget=0.05)
    assert best is not None
    assert best.answered_right == pytest.approx(150 / 190)
    assert best.answered_wrong == 0 and best.wrong_upper <= 0.05
    assert decide((("e1", 80.0), ("x", 30.0)), best.thresholds).outcome == ANSWER
    assert decide((("a", 60.0), ("b", 55.0)), best.thresholds).outcome == CLARIFY
    assert decide((("a", 22.0), ("b", 20.0)), best.thresholds).outcome == MISS


def test_a_calibrated_setting_never_turns_a_strong_match_into_a_miss():
    strays = [Example((("a", 90.0), ("b", 88.0)), None) for _ in range(150)]  # out of scope, yet scored high
    best = calibrate(_examples() + strays)
    assert best is not None and best.thresholds.clarify <= best.thresholds.answer


def test_a_looser_setting_shows_its_wrong_answers_in_the_sweep():
    rows = sweep(_examples())
    loose = measure(_examples(), MatchThresholds(answer=50, margin=0, margin_ratio=0, clarify=50))
    assert loose.answered_wrong == pytest.approx(20 / 190)
    assert len(rows) > 50 and all(0 <= r.wrong_upper <= 1 for r in rows)


def test_too_few_labelled_questions_keep_the_calibration_in_use():
    assert calibrate(_examples()[:10]) is None


def test_the_estimate_is_an_upper_bound_that_narrows_with_more_evidence():
    assert wilson_upper(0, 10) > wilson_upper(0, 1000) > 0
    assert wilson_upper(5, 100) > 0.05


def test_stored_thresholds_ignore_unknown_or_broken_values():
    stored = MatchThresholds.from_dict({"answer": 60, "margin": "x", "evil": 1})
    assert stored.answer == 60 and stored.margin == DEFAULT_THRESHOLDS.margin
    assert MatchThresholds.from_dict(stored.as_dict()) == stored


def test_domain_synonyms_make_a_companys_words_match():
    entries = [FaqEntry(id="lead", question="发货时间是多久？", answer="1–2 天"),
               FaqEntry(id="pay", question="怎么付款？", answer="对公转账")]
    groups, problems = parse_synonyms("发货时间 = 交期 = 货期\n\n付款，打款")
    assert problems == [] and groups == [["发货时间", "交期", "货期"], ["付款", "打款"]]
    plain, with_synonyms = FaqIndex.build(entries), FaqIndex.build(entries, synonyms=groups)
    assert plain.match("交期多久").outcome == MISS
    assert with_synonyms.match("交期多久").entry_id == "lead"
    assert with_synonyms.match("貨期是多久").entry_id == "lead"


def test_a_broken_synonym_line_is_named():
    _, problems = parse_synonyms("交期\n发货 = ！！")
    assert problems[0].startswith("line 1") and problems[1].startswith("line 2")
