"""Lead scoring: behaviour points with daily caps and decay, fit points, grades, the MQL rule,
explanations, and incremental scoring that agrees with a full rescore."""
from datetime import datetime, timedelta, timezone

import pytest

from leads.scoring import (
    BehaviourRule, EngagementState, MqlRule, ScoringRules, Touch, decay, engagement, explain, grade,
    mql_reason, score,
)
from leads.scoring_file import ScoringFileError, parse_scoring_rules

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
RULES = ScoringRules(
    behaviour=(
        BehaviourRule("contact.added", 5, "添加企业微信"),
        BehaviourRule("faq.asked", 2, "咨询问题", daily_cap=4),
        BehaviourRule("faq.asked", 20, "询价", keywords=("报价", "价格"), intent=True),
        BehaviourRule("content.downloaded", 15, "下载白皮书"),
    ),
    fit={"industry": {"新材料": 20, "汽车": 15}, "role": {"决策者": 20}, "crm_match": {"existing_account": 10}},
    half_life_days=30,
    mql=MqlRule(min_score=60, fit_grades=("A", "B"), intent_within_days=14),
)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def test_points_halve_every_half_life():
    assert decay(16, timedelta(days=30), 30) == pytest.approx(8)
    assert decay(16, timedelta(days=60), 30) == pytest.approx(4)
    assert decay(16, timedelta(days=60), None) == 16


def test_a_day_earns_at_most_the_daily_cap_of_a_rule():
    touches = [Touch("faq.asked", ago(0) - timedelta(minutes=i), {"query": "有现货吗"}) for i in range(5)]
    assert engagement(RULES, touches, NOW) == pytest.approx(4, rel=0.001)
    next_day = touches + [Touch("faq.asked", ago(-0.5), {"query": "有现货吗"})]
    assert engagement(RULES, next_day, ago(-0.5)) == pytest.approx(4 + 2, rel=0.01)


def test_an_intent_question_earns_the_better_rule_and_makes_an_mql():
    asked = Touch("faq.asked", ago(2), {"query": "这个型号的报价是多少"})
    result = score(RULES, [asked], {}, NOW)
    assert [c.rule.label for c in result.contributions] == ["询价"]
    assert mql_reason(RULES, result, NOW) == "高意向行为：询价"
    assert mql_reason(RULES, result, ago(-30)) is None  # the intent is too old by then


def test_score_and_fit_together_make_an_mql():
    touches = [Touch("contact.added", ago(1))] + [Touch("content.downloaded", ago(1) + timedelta(hours=i)) for i in range(4)]
    profile = {"industry": "新材料", "role": "决策者"}
    result = score(RULES, touches, profile, NOW)
    assert result.fit == 40 and result.grade == "A1"
    assert mql_reason(RULES, result, NOW).startswith("评分 ")
    weak_fit = score(RULES, touches, {"industry": "餐饮"}, NOW)
    assert weak_fit.grade == "D1" and mql_reason(RULES, weak_fit, NOW) is None


def test_grades_run_from_a1_to_d4():
    assert grade(RULES, 61, 41) == "A1"
    assert grade(RULES, 31, 26) == "B2"
    assert grade(RULES, 11, 10) == "C3"
    assert grade(RULES, 0, 0) == "D4"


def test_every_point_is_explained_with_its_decay():
    touches = [Touch("content.downloaded", datetime(2026, 11, 22, 10, tzinfo=timezone.utc))]
    (line,) = [c.describe() for c in explain(RULES, touches, NOW)]
    assert line == "+15 下载白皮书 2026-11-22，衰减后 11"


def test_incremental_scoring_agrees_with_a_full_rescore():
    touches = [
        Touch("contact.added", ago(20)),
        *[Touch("faq.asked", ago(3) + timedelta(minutes=i), {"query": "发货"}) for i in range(6)],
        Touch("faq.asked", ago(1), {"text": "价格表发我"}),
        Touch("content.downloaded", ago(0.2)),
        Touch("message.text", ago(0.1)),  # no rule pays for it
    ]
    state = EngagementState()
    for touch in touches:
        state.add(RULES, touch)
    restored = EngagementState.from_json(state.to_json())
    assert restored.value(RULES, NOW) == pytest.approx(engagement(RULES, touches, NOW))
    assert restored.last_intent_at == ago(1)


def test_a_late_touch_counts_as_decayed():
    state = EngagementState()
    state.add(RULES, Touch("contact.added", ago(0)))
    state.add(RULES, Touch("content.downloaded", ago(30)))
    assert state.value(RULES, NOW) == pytest.approx(5 + 7.5)


RULE_FILE = """\
half_life_days: 30
behaviour:
  - {kind: contact.added, points: 5, label: 添加企业微信}
  - {kind: faq.asked, points: 20, label: 询价, keywords: [报价, 价格], intent: true}
  - {kind: faq.asked, points: 2, daily_cap: 6}
fit:
  industry: {新材料: 20}
  crm_match: {existing_account: 10}
grades: {engagement: [50, 25, 10], fit: [40, 20, 10]}
mql: {min_score: 50, fit_grades: [A], intent_within_days: 7}
"""
KINDS = {"contact.added", "faq.asked", "content.opened"}


def test_a_rule_file_reads_into_rules():
    rules = parse_scoring_rules(RULE_FILE, KINDS)
    assert [r.label or r.kind for r in rules.behaviour] == ["添加企业微信", "询价", "faq.asked"]
    assert rules.behaviour[1].intent and rules.behaviour[2].daily_cap == 6
    assert rules.fit["industry"] == {"新材料": 20}
    assert rules.engagement_grades == (50, 25, 10)
    assert rules.mql == MqlRule(50, ("A",), 7)


def test_a_bad_rule_file_lists_every_problem_with_its_line():
    bad = RULE_FILE.replace("contact.added", "contact.scaned").replace("daily_cap: 6", "daly_cap: 6")
    bad = bad.replace("[50, 25, 10]", "[10, 25, 50]") + "wat: 1\n"
    with pytest.raises(ScoringFileError) as caught:
        parse_scoring_rules(bad, KINDS)
    messages = [str(p) for p in caught.value.problems]
    assert messages[0].startswith("line 3: unknown behaviour kind 'contact.scaned'")
    assert any(m.startswith("line 5: unknown key 'daly_cap'") for m in messages)
    assert any(m.startswith("line 9: grades.engagement must be three falling numbers") for m in messages)
    assert any(m.startswith("line 11: unknown key 'wat'") for m in messages)


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("behaviour: [", "invalid YAML"),
    ("fit: {}", "'behaviour' is missing"),
    ("behaviour:\n  - {kind: faq.asked}", "needs 'points'"),
    ("behaviour:\n  - {kind: faq.asked, points: lots}", "must be a number"),
])
def test_broken_rule_files_are_refused_clearly(text, message):
    with pytest.raises(ScoringFileError, match=message):
        parse_scoring_rules(text, KINDS)
