"""Branching: a detractor is asked why, a promoter what they like, a passive what to improve;
contact details only after consent; mapped answers become tags and profile fields."""
from pathlib import Path

from surveys import mapped_updates, next_question, parse_definition, path

DEMO = Path(__file__).parents[2] / "demo" / "surveys"
NPS = parse_definition((DEMO / "nps.yaml").read_text())


def test_a_detractor_is_asked_why():
    assert path(NPS, {"score": 3}) == ["score", "why_low", "industry", "phone"]


def test_a_passive_is_asked_what_to_improve():
    assert path(NPS, {"score": 7}) == ["score", "improve", "industry", "phone"]


def test_a_promoter_is_asked_what_they_value():
    assert path(NPS, {"score": 10}) == ["score", "best", "industry", "phone"]


def test_contact_details_are_asked_only_after_consent():
    assert path(NPS, {"score": 10}, consented=False) == ["score", "best", "industry"]


def test_the_next_question_follows_the_answer_just_given():
    assert next_question(NPS, "score", {"score": 6}).id == "why_low"
    assert next_question(NPS, "phone", {"score": 6}) is None


def test_a_branch_to_the_end_finishes_the_survey():
    survey = parse_definition(
        "key: s\ntitle: t\nquestions:\n"
        "  - id: buyer\n    kind: single\n    text: 您参与采购决策吗？\n    options: [是, 否]\n"
        "    branch: [{if: {equals: 否}, goto: end}]\n"
        "  - id: budget\n    kind: text\n    text: 预算？\n"
    )
    assert path(survey, {"buyer": "否"}) == ["buyer"]
    assert path(survey, {"buyer": "是"}) == ["buyer", "budget"]


def test_answers_become_tags_and_profile_fields():
    tags, profile = mapped_updates(NPS, {"score": 10, "best": ["交期"], "industry": "energy", "phone": "13800138000"})
    assert tags == ["NPS推荐者", "新能源"]
    assert profile == {"industry": "新能源", "phone": "13800138000"}


def test_a_skipped_answer_sets_nothing():
    assert mapped_updates(NPS, {"score": 5, "industry": None}) == (["NPS贬损者"], {})
