"""Business hours, the texts around answers, and how replies read as feedback."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from handlers.faq.hours import BusinessHours
from handlers.faq.texts import (
    asks_for_human, clarify_text, fallback_text, is_negative_feedback, outside_hours_note, render_answer,
)

CHINA = ZoneInfo("Asia/Shanghai")
HOURS = BusinessHours(holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}), workdays=frozenset({date(2026, 9, 27)}))


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=CHINA)


def test_open_on_working_days_within_hours_only():
    assert HOURS.is_open(at(2026, 9, 30, 10))  # a Wednesday
    assert not HOURS.is_open(at(2026, 9, 30, 18))  # closing time
    assert not HOURS.is_open(at(2026, 10, 1, 10))  # a holiday
    assert not HOURS.is_open(at(2026, 10, 3, 10))  # a Saturday
    assert HOURS.is_open(at(2026, 9, 27, 10))  # a Sunday made a working day (调休)


def test_next_opening_skips_evenings_weekends_and_holidays():
    assert HOURS.next_open(at(2026, 9, 30, 20)) == at(2026, 10, 5, 9)  # after 10-01, 10-02 and the weekend
    assert HOURS.next_open(at(2026, 9, 29, 7)) == at(2026, 9, 29, 9)
    assert HOURS.next_open(at(2026, 9, 29, 11)) == at(2026, 9, 29, 11)


def test_outside_hours_the_customer_is_told_when_a_human_replies():
    now = at(2026, 9, 29, 20).astimezone(timezone.utc)
    assert outside_hours_note(HOURS, now) == "现在是非工作时间（周一至周五 09:00–18:00，法定节假日除外），人工客服将于明天 09:00起回复您。"
    assert outside_hours_note(HOURS, at(2026, 9, 29, 10)) == ""
    assert "人工" in fallback_text(HOURS, at(2026, 9, 29, 10), can_hand_over=True)
    assert "同事会尽快回复" in fallback_text(HOURS, at(2026, 9, 29, 10), can_hand_over=False)


def test_requests_for_a_human_are_recognised_but_words_that_merely_contain_it_are_not():
    for text in ("人工", "转人工", "人工客服！", "我要找人工", "真人客服", "转人工吧"):
        assert asks_for_human(text), text
    for text in ("人工智能是什么", "客服在吗", "发货"):
        assert not asks_for_human(text), text


def test_negative_feedback_is_a_short_reply_not_a_question_that_contains_the_word():
    for text in ("没用", "不对。", "答非所问", "不是这个"):
        assert is_negative_feedback(text), text
    for text in ("不对外销售吗", "这个有用吗", "对的"):
        assert not is_negative_feedback(text), text


def test_answer_templates_fill_in_the_customer_and_never_fail():
    assert render_answer("{{ customer_name }}您好，营业时间 {{ business_hours }}", {"customer_name": "王工", "business_hours": "9-18"}) == "王工您好，营业时间 9-18"
    assert render_answer("您好{{ missing }}！", {}) == "您好！"
    assert render_answer("您好 {% if x %}", {}) == "您好"
    assert render_answer("x{{ ''.__class__.__mro__[1].__subclasses__() }}", {}) == "x"  # sandboxed


def test_the_clarify_question_numbers_the_choices():
    assert clarify_text(["发货时间", "运费"]) == "您是想问：\n1. 发货时间\n2. 运费\n请回复序号，例如“1”。"
    assert BusinessHours(opens=time(8, 30), weekdays=frozenset({0, 2, 4})).describe() == "周一、周三、周五 08:30–18:00，法定节假日除外"
