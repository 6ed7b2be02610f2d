"""Answers are understood the way people type them; anything else gets a hint, never a
dead end."""
from pathlib import Path

import pytest

from surveys import Invalid, Parsed, is_cancel, parse_answer, parse_definition, reserved_elsewhere

DEMO = Path(__file__).parents[2] / "demo" / "surveys"
NPS = parse_definition((DEMO / "nps.yaml").read_text())
POLL = parse_definition((DEMO / "content-poll.yaml").read_text())


def answer(survey, question_id, text):
    return parse_answer(survey.question(question_id), text)


@pytest.mark.parametrize("typed, score", [
    ("9", 9), ("九", 9), ("9分", 9), ("打9分", 9), ("十分", 10), ("10", 10), ("0", 0), ("零分", 0),
    ("我给8分", 8), ("７", 7), ("打 9 分", 9), ("9分吧", 9), ("满分", 10), ("8。", 8), ("给个十分", 10),
])
def test_an_nps_score_is_read_in_every_usual_form(typed, score):
    assert answer(NPS, "score", typed) == Parsed(score)


@pytest.mark.parametrize("typed", ["11", "-1", "一百", "很好", "😀", "", "9 10", "x" * 10_000])
def test_an_impossible_score_gets_a_hint(typed):
    result = answer(NPS, "score", typed)
    assert isinstance(result, Invalid) and "0 到 10" in result.hint


def test_an_out_of_range_score_says_why():
    assert answer(NPS, "score", "11").hint.startswith("分数只能在 0 到 10 之间。")


@pytest.mark.parametrize("typed, value", [
    ("2", "quality"), ("第二个", "quality"), ("产品质量", "quality"), ("质量", "quality"), ("价格", "price"),
    ("售后", "service"), ("售后服务吧", "service"), ("交期。", "delivery"), ("quality", "quality"), ("４", "price"),
])
def test_a_single_choice_by_number_text_or_a_near_miss(typed, value):
    assert answer(NPS, "improve", typed) == Parsed(value)


def test_a_fuzzy_near_miss_of_an_option_is_understood():
    assert answer(POLL, "format", "短视屏") == Parsed("短视频")  # a typo
    assert answer(POLL, "format", "pdf下载") == Parsed("PDF 下载")


@pytest.mark.parametrize("typed", ["5", "0", "不知道", "🙂"])
def test_a_choice_that_is_no_option_gets_a_hint(typed):
    assert answer(NPS, "improve", typed) == Invalid("请回复选项的序号（1–4）或选项文字。")


@pytest.mark.parametrize("typed, values", [
    ("1 3", ["cases", "specs"]), ("1、3", ["cases", "specs"]), ("1,3", ["cases", "specs"]), ("1，3", ["cases", "specs"]),
    ("3 1", ["cases", "specs"]), ("客户案例和直播与线下活动", ["cases", "live"]), ("2", ["whitepaper"]), ("1 1", ["cases"]),
])
def test_several_choices_in_one_reply(typed, values):
    assert answer(POLL, "topics", typed) == Parsed(values)


@pytest.mark.parametrize("typed", ["1 2 3 4", "1 9", "都行"])
def test_too_many_or_unknown_choices_get_a_hint(typed):
    result = answer(POLL, "topics", typed)
    assert isinstance(result, Invalid) and "可选 1–3 项" in result.hint


def test_a_rating_reads_numbers_and_stars():
    assert answer(POLL, "rating", "4") == Parsed(4)
    assert answer(POLL, "rating", "五星") == Parsed(5)
    assert answer(POLL, "rating", "★★★") == Parsed(3)
    assert isinstance(answer(POLL, "rating", "6"), Invalid)


def test_an_optional_question_can_be_skipped_a_required_one_cannot():
    assert answer(POLL, "rating", "跳过") == Parsed(None)
    result = answer(NPS, "score", "跳过")
    assert isinstance(result, Invalid) and result.hint.startswith("这道题需要回答哦。")


def test_free_text_keeps_what_was_written_within_its_limit():
    assert answer(NPS, "why_low", "  交期总是延误 😞 ") == Parsed("交期总是延误 😞")
    too_long = answer(NPS, "why_low", "慢" * 10_000)
    assert isinstance(too_long, Invalid) and "10000 字" in too_long.hint and "1000 字" in too_long.hint


def test_contact_details_are_checked():
    assert answer(NPS, "phone", "138 0013 8000") == Parsed("13800138000")
    assert answer(NPS, "phone", "021-62345678") == Parsed("021-62345678")
    assert answer(NPS, "phone", "12345") == Invalid("请回复手机号（11 位）或座机号。")


@pytest.mark.parametrize("typed, cancels", [("退出", True), ("不答了", True), (" 退出。", True), ("退出登录怎么弄", False)])
def test_cancel_words(typed, cancels):
    assert is_cancel(typed) is cancels


def test_the_words_other_features_answer_are_recognised_as_typed():
    assert all(reserved_elsewhere(word) for word in ("同意", "同意。", "退订", "TD", "td", "删除我的信息"))
    assert not reserved_elsewhere("不同意") and not reserved_elsewhere("同意新政策")
