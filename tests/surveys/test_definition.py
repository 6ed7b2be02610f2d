"""A survey file is checked completely before anything is stored: every problem at once,
each with its line."""
from datetime import timedelta
from pathlib import Path

import pytest

from surveys import SurveyFileError, parse_definition

DEMO = Path(__file__).parents[2] / "demo" / "surveys"

BASE = """\
key: poll
title: 小调查
questions:
{questions}
"""


def problems(questions: str, base: str = BASE) -> list[str]:
    with pytest.raises(SurveyFileError) as caught:
        parse_definition(base.format(questions=questions))
    return caught.value.problems


def test_the_demo_surveys_are_valid():
    nps = parse_definition((DEMO / "nps.yaml").read_text())
    poll = parse_definition((DEMO / "content-poll.yaml").read_text())

    assert [q.id for q in nps.questions] == ["score", "why_low", "improve", "best", "industry", "phone"]
    assert nps.wave == "2026" and nps.quota == 5000 and nps.reminder_after.total_seconds() == 86400
    assert nps.opens.isoformat() == "2026-01-01T00:00:00+08:00" and nps.keywords == ("满意度调查", "NPS调查")
    assert poll.question("format").options[0].value == "图文"  # a plain option is its own value


def test_an_unknown_key_is_named_with_its_line_and_a_suggestion():
    found = problems("  - id: a\n    kind: nps\n    text: 打分\n    brnach: []\n")
    assert found == ["line 7: question 'a': unknown key 'brnach' (did you mean 'branch'?)"]


def test_a_branch_to_nowhere_and_an_unreachable_question_are_refused():
    found = problems(
        "  - id: a\n    kind: nps\n    text: 打分\n    branch:\n      - if: {at_most: 6}\n        goto: why\n    next: end\n"
        "  - id: b\n    kind: text\n    text: 为什么\n"
    )
    assert any("line 4: question 'a': branches to 'why', which is no question" in p for p in found)
    assert "line 11: question 'b': unreachable (no path from the first question leads here)" in found


def test_duplicate_option_values_are_refused():
    found = problems("  - id: a\n    kind: single\n    text: 选\n    options: [甲, 乙, 甲]\n")
    assert found == ["line 7: question 'a' option 3: duplicate option value '甲'"]


def test_jumping_back_is_refused_so_every_path_ends():
    found = problems("  - id: a\n    kind: rating\n    text: 打分\n  - id: b\n    kind: text\n    text: 说说\n    next: a\n")
    assert found == ["line 7: question 'b': jumps back to 'a'; jumps must go forward so every path ends"]


def test_every_problem_is_reported_at_once():
    found = problems(
        "  - id: a\n    kind: smiley\n    text: 打分\n"
        "  - id: b\n    kind: nps\n    text: 打分\n    tags:\n      - if: {at_least: 11}\n        tag: 推荐者\n"
        "  - id: c\n    kind: contact\n    text: 电话\n"
        "  - id: c\n    kind: single\n    text: 选\n    options: [甲]\n",
        base="key: Bad Key\ntitle: 小调查\ncloses: 明天\nquestions:\n{questions}",
    )
    assert found == [
        "line 1: survey: 'key' must be lower-case letters, digits, - or _ (at most 64), e.g. nps-2026",
        "line 3: survey: 'closes' must be an ISO date or time, e.g. 2026-12-31T23:59:59+08:00",
        "line 6: question 'a': 'kind' must be one of nps, single, multiple, rating, text, contact",
        "line 12: question 'b' tag rule: 11 is outside the scale 0–10",
        "line 14: question 'c': contact questions need 'field': one of name, company, role, phone, email",
        "line 17: question 'c': the id appears twice",
        "line 20: question 'c': 'options' must list at least two choices",
    ]


def test_a_branch_on_an_option_that_does_not_exist_is_refused():
    found = problems(
        "  - id: a\n    kind: single\n    text: 选\n    options: [甲, 乙]\n    branch:\n      - if: {equals: 丙}\n        goto: b\n"
        "  - id: b\n    kind: text\n    text: 说说\n"
    )
    assert found == ["line 9: question 'a' branch: '丙' is not one of the options (乙, 甲)"]


def test_not_yaml_is_a_clear_error():
    with pytest.raises(SurveyFileError) as caught:
        parse_definition("key: [unclosed\n")
    assert caught.value.problems[0].startswith("line 2: not valid YAML")


def test_closing_before_opening_is_refused():
    found = problems("  - id: a\n    kind: nps\n    text: 打分\n",
                     base="key: poll\ntitle: t\nopens: 2026-02-01\ncloses: 2026-01-01\nquestions:\n{questions}")
    assert found == ["line 4: survey: 'closes' must be after 'opens'"]


def test_the_readme_example_is_a_valid_survey():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### Marketer: surveys", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert parse_definition(example).key == "nps"


def test_after_joining_is_a_duration():
    text = (DEMO / "content-poll.yaml").read_text(encoding="utf-8")
    assert parse_definition(text.replace("wave:", "after_joining: 7d\nwave:")).after_joining == timedelta(days=7)
    with pytest.raises(SurveyFileError, match="'after_joining' must be a duration"):
        parse_definition(text.replace("wave:", "after_joining: soon\nwave:"))
