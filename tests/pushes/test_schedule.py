"""Schedules, quiet hours and caps: when a push may go out, in China time."""
from datetime import datetime, timedelta, timezone

import pytest

from handlers.pushes.schedule import CHINA, FrequencyCap, QuietHours, Schedule, ScheduleError, over_caps

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)  # 20:00 in Shanghai, a Monday


def test_now_runs_at_once_and_a_time_without_a_zone_is_china_time():
    assert Schedule.parse("now", NOW).first_run(NOW) == NOW
    at = Schedule.parse({"at": "2026-12-08T09:00"}, NOW)
    assert at.first_run(NOW) == datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)
    assert at.next_run(at.first_run(NOW)) is None


def test_a_time_in_the_past_is_refused():
    with pytest.raises(ScheduleError, match="in the past"):
        Schedule.parse({"at": "2026-12-01T09:00"}, NOW)


def test_cron_runs_in_china_time_one_rotation_after_another():
    weekly = Schedule.parse({"cron": "0 9 * * MON"}, NOW)
    first = weekly.first_run(NOW)
    assert first.astimezone(CHINA) == datetime(2026, 12, 14, 9, 0, tzinfo=CHINA)
    assert weekly.next_run(first).astimezone(CHINA) == datetime(2026, 12, 21, 9, 0, tzinfo=CHINA)


@pytest.mark.parametrize("cron, message", [("0 0 30 2 *", "never fires"), ("0 0 31 4 *", "never fires"),
                                           ("every monday", "never fires|not a cron")])
def test_a_cron_that_never_fires_or_does_not_parse_is_refused(cron, message):
    with pytest.raises(ScheduleError, match=message):
        Schedule.parse({"cron": cron}, NOW)


def test_quiet_hours_span_midnight_and_hold_pushes_until_they_end():
    quiet = QuietHours.parse("21:00-08:00")
    evening = datetime(2026, 12, 7, 13, 30, tzinfo=timezone.utc)  # 21:30 Shanghai
    assert quiet.contains(evening) and not quiet.contains(NOW)
    assert quiet.next_allowed(evening).astimezone(CHINA) == datetime(2026, 12, 8, 8, 0, tzinfo=CHINA)
    assert quiet.next_allowed(NOW) == NOW
    with pytest.raises(ScheduleError):
        QuietHours.parse("late")


def test_wecom_allows_four_mass_messages_per_recipient_per_calendar_month():
    this_month = [datetime(2026, 12, d, 2, tzinfo=timezone.utc) for d in (1, 2, 3)]
    assert over_caps(this_month, NOW, None) == ""
    assert over_caps(this_month + [NOW - timedelta(hours=1)], NOW, None) == "monthly_cap"
    # 30 November 23:00 Shanghai is 15:00 UTC: last month, not counted
    last_month = [datetime(2026, 11, 30, 15, tzinfo=timezone.utc)] * 4
    assert over_caps(last_month, NOW, None) == ""
    # 1 December 00:30 Shanghai is still 30 November in UTC: this month
    assert over_caps([datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc)] * 4, NOW, None) == "monthly_cap"


def test_the_frequency_cap_counts_pushes_from_every_campaign_in_its_window():
    cap = FrequencyCap.parse({"count": 2, "days": 7})
    assert over_caps([NOW - timedelta(days=1)], NOW, cap) == ""
    assert over_caps([NOW - timedelta(days=1), NOW - timedelta(days=6)], NOW, cap) == "frequency_cap"
    assert over_caps([NOW - timedelta(days=1), NOW - timedelta(days=8)], NOW, cap) == ""
    with pytest.raises(ScheduleError):
        FrequencyCap.parse({"count": 0, "days": 7})
