"""NPS arithmetic and results per question."""
from pathlib import Path

import pytest

from surveys import category, nps_of, nps_of_counts, parse_definition, question_results

DEMO = Path(__file__).parents[2] / "demo" / "surveys"


@pytest.mark.parametrize("score, kind", [(10, "promoter"), (9, "promoter"), (8, "passive"), (7, "passive"), (6, "detractor"), (0, "detractor")])
def test_categories(score, kind):
    assert category(score) == kind


def test_nps_is_percent_promoters_minus_percent_detractors():
    result = nps_of([10, 9, 9, 8, 7, 6, 3, 10, 10, 0])  # 5 promoters, 2 passives, 3 detractors
    assert (result.responses, result.promoters, result.passives, result.detractors) == (10, 5, 2, 3)
    assert result.nps == 20.0


def test_the_95_percent_interval_narrows_with_more_responses():
    # p = 0.5, d = 0.3: var = 0.8 − 0.04 = 0.76; n = 100 → margin 1.96 × √0.0076 ≈ 17.1
    small = nps_of_counts(50, 20, 30)
    assert (small.nps, small.ci_low, small.ci_high) == (20.0, 2.9, 37.1)
    large = nps_of_counts(5000, 2000, 3000)
    assert (large.ci_low, large.ci_high) == (18.3, 21.7)


def test_unanimous_answers_have_no_spread_and_no_answers_no_score():
    assert nps_of([10, 10]).as_dict() == {"responses": 2, "promoters": 2, "passives": 0, "detractors": 0, "nps": 100.0, "ci95": [100.0, 100.0]}
    assert nps_of([]).nps is None


def test_results_per_question():
    survey = parse_definition((DEMO / "nps.yaml").read_text())
    answers = [
        {"score": 10, "best": ["交期", "技术支持"], "industry": "energy"},
        {"score": 3, "why_low": "交期慢", "industry": None, "phone": "13800138000"},
        {"score": 8, "improve": "price"},
    ]
    by_id = {q["id"]: q for q in question_results(survey, answers)}

    assert by_id["score"]["answered"] == 3 and by_id["score"]["nps"]["nps"] == 0.0
    assert by_id["score"]["distribution"][10] == {"value": 10, "count": 1} and by_id["score"]["mean"] == 7.0
    assert by_id["best"]["distribution"][0] == {"value": "交期", "label": "交期", "count": 1, "share": 1.0}
    assert (by_id["industry"]["answered"], by_id["industry"]["skipped"]) == (1, 1)
    assert by_id["why_low"]["texts"] == ["交期慢"]
    assert by_id["phone"] == {"id": "phone", "kind": "contact", "text": by_id["phone"]["text"], "answered": 1, "skipped": 0}
