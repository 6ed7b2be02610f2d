"""Hand-off deadlines in working time, pure: an MQL handed over on Friday evening with a
24-hour SLA is due on Tuesday evening, not on Saturday."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class WorkingCalendar(Protocol):
    """Business hours: open ``opens``–``closes`` on working days, in ``zone``."""

    opens: time
    closes: time

    @property
    def zone(self) -> ZoneInfo: ...

    def is_workday(self, day: date) -> bool: ...


def add_working_hours(start: datetime, hours: float, calendar: WorkingCalendar | None) -> datetime:
    """The moment ``hours`` of working time after ``start`` (plain hours without a calendar)."""
    if calendar is None:
        return start + timedelta(hours=hours)
    left = timedelta(hours=hours)
    moment = start.astimezone(calendar.zone)
    for _ in range(3660):  # ten years of days, a bound for calendars with no working day
        day = moment.date()
        if calendar.is_workday(day):
            opens = datetime.combine(day, calendar.opens, calendar.zone)
            closes = datetime.combine(day, calendar.closes, calendar.zone)
            begin = max(moment, opens)
            if begin < closes:
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
        moment = datetime.combine(day + timedelta(days=1), time(0), calendar.zone)
    raise ValueError("the calendar has no working time")
