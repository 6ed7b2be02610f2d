"""Business hours and holidays (China time by default): whether a human is at work now, and
when one will next be. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class BusinessHours:
    """Open ``opens``–``closes`` on ``weekdays`` (0 = Monday) except ``holidays``; a date in
    ``workdays`` is open even on a weekend (调休)."""

    opens: time = time(9, 0)
    closes: time = time(18, 0)
    weekdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    timezone: str = "Asia/Shanghai"
    holiday_names: dict[date, str] = field(default_factory=dict, compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self.is_workday(local.date()) and self.opens <= local.time() < self.closes

    def next_open(self, moment: datetime) -> datetime:
        """The next time a human is at work (``moment`` itself when open now)."""
        local = moment.astimezone(self.zone)
        if self.is_open(local):
            return local
        day = local.date()
        if self.is_workday(day) and local.time() < self.opens:
            return datetime.combine(day, self.opens, self.zone)
        for _ in range(366):
            day += timedelta(days=1)
            if self.is_workday(day):
                return datetime.combine(day, self.opens, self.zone)
        return local

    def describe(self) -> str:
        """Like ``周一至周五 09:00–18:00，法定节假日除外`` (no brackets: callers put it in theirs)."""
        days = sorted(self.weekdays)
        if days and days == list(range(days[0], days[-1] + 1)):
            span = f"周{WEEKDAY_NAMES[days[0]]}至周{WEEKDAY_NAMES[days[-1]]}" if len(days) > 1 else f"周{WEEKDAY_NAMES[days[0]]}"
        else:
            span = "、".join(f"周{WEEKDAY_NAMES[d]}" for d in days)
        return f"{span} {self.opens:%H:%M}–{self.closes:%H:%M}，法定节假日除外"

    def upcoming_holidays(self, moment: datetime, limit: int = 5) -> list[str]:
        today = moment.astimezone(self.zone).date()
        days = sorted(d for d in self.holidays if d >= today)[:limit]
        return [f"{d:%m月%d日}" + (f"（{self.holiday_names[d]}）" if d in self.holiday_names else "") for d in days]


def when_text(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """``今天 14:00``, ``明天 09:00`` or ``11月30日 09:00`` (local time)."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    if local.date() == today:
        return f"今天 {local:%H:%M}"
    if local.date() == today + timedelta(days=1):
        return f"明天 {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"
