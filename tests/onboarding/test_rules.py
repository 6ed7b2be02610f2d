"""Pure onboarding rules: receivers under their daily cap, the China-time day, welcome text."""
from datetime import datetime, timezone

from content.privacy import POLICY_VERSION
from handlers.onboarding.receivers import day_start, open_receivers
from handlers.onboarding.welcome import template_values, welcome_text

STAFF = [{"userid": "zhangsan", "daily_cap": 2}, {"userid": "lisi", "daily_cap": 0}]


def test_members_under_their_cap_receive_and_the_backup_takes_over_when_all_are_full():
    assert open_receivers(STAFF, {"zhangsan": 1}, "wangwu") == ("zhangsan", "lisi")
    assert open_receivers(STAFF, {"zhangsan": 2}, "wangwu") == ("lisi",)
    capped = [{"userid": "zhangsan", "daily_cap": 1}]
    assert open_receivers(capped, {"zhangsan": 1}, "wangwu") == ("wangwu",)
    assert open_receivers(capped, {"zhangsan": 1}, "") == ("zhangsan",)


def test_a_day_starts_at_midnight_china_time():
    assert day_start(datetime(2026, 11, 23, 17, 0, tzinfo=timezone.utc)) == datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc)


def test_the_welcome_carries_the_privacy_notice_and_falls_back_from_a_broken_template():
    text = welcome_text("{{ nope }}", name="", channel_name="官网", privacy_url="https://x/privacy")
    assert text.startswith("您好，欢迎关注官网") and POLICY_VERSION in text and "https://x/privacy" in text
    assert "name" in template_values("{{ name }}您好") and "name" not in template_values("您好")
