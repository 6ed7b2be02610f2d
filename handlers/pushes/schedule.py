"""When pushes go out, pure: schedules (now, at a time, cron in Asia/Shanghai), quiet hours,
the per-lead frequency cap across campaigns and WeCom's monthly mass-send cap."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

CHINA = ZoneInfo("Asia/Shanghai")
# 同一个企业每个自然月内仅可针对一个客户/客户群发送4条消息 (add_msg_template, 企业群发).
WECOM_MONTHLY_MASS_SENDS = 4
CRON_HORIZON = timedelta(days=366 * 5)  # a cron with no run within five years never fires


class ScheduleError(ValueError):
    """A schedule that cannot run; the message says why."""


@dataclass(frozen=True)
class Schedule:
    """``kind`` is now, at or cron; ``at`` for at, ``cron`` for cron (minute hour day month weekday)."""

    kind: str
    at: datetime | None = None
    cron: str = ""

    @classmethod
    def parse(cls, raw: object, now: datetime) -> "Schedule":
        """From a campaign file: ``now``, ``{at: 2026-12-08T09:00}`` (China time unless it says
        otherwise) or ``{cron: "0 9 * * MON"}``."""
        if raw in (None, "now"):
            return cls("now")
        if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("at", "cron"):
            raise ScheduleError("schedule is `now`, {at: <time>} or {cron: <expression>}")
        (kind, value), = raw.items()
        if kind == "at":
            at = _as_china_time(value)
            if at <= now:
                raise ScheduleError(f"schedule.at {at.isoformat()} is in the past")
            return cls("at", at=at)
        schedule = cls("cron", cron=str(value).strip())
        if schedule.next_run(now) is None:
            raise ScheduleError(f"schedule.cron {value!r} never fires")
        return schedule

    def first_run(self, now: datetime) -> datetime:
        return now if self.kind == "now" else self.at if self.kind == "at" else self.next_run(now)

    def next_run(self, after: datetime) -> datetime | None:
        """The next run strictly after ``after`` (None once a one-off schedule has run)."""
        if self.kind != "cron":
            return None
        try:
            runs = CronSim(self.cron, after.astimezone(CHINA).replace(second=0, microsecond=0))
            run = next(runs)
        except StopIteration:
            return None
        except CronSimError as exc:
            if "day-of-month" in str(exc):  # e.g. 30 February: a valid field that no date matches
                raise ScheduleError(f"schedule.cron {self.cron!r} never fires: no such day in those months") from None
            raise ScheduleError(f"schedule.cron {self.cron!r} is not a cron expression: {exc}") from None
        if run <= after:
            run = next(runs)
        return run.astimezone(timezone.utc) if run - after <= CRON_HORIZON else None


def _as_china_time(value: object) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise ScheduleError(f"schedule.at {value!r} is not a time like 2026-12-08T09:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class QuietHours:
    """No pushes between ``start`` and ``end`` China time (may span midnight, e.g. 21:00-08:00)."""

    start: time
    end: time

    @classmethod
    def parse(cls, raw: object) -> "QuietHours | None":
        if raw in (None, "", "none"):
            return None
        try:
            start, end = (time.fromisoformat(p.strip()) for p in str(raw).split("-"))
        except ValueError:
            raise ScheduleError(f"quiet_hours {raw!r} is not a range like 21:00-08:00") from None
        if start == end:
            raise ScheduleError("quiet_hours: start and end are the same time")
        return cls(start, end)

    def contains(self, moment: datetime) -> bool:
        clock = moment.astimezone(CHINA).time()
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself outside quiet hours, else when they end."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(CHINA)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(timezone.utc)


def month_start(moment: datetime) -> datetime:
    """The start of ``moment``'s calendar month in China time (WeCom counts per natural month)."""
    local = moment.astimezone(CHINA)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


@dataclass(frozen=True)
class FrequencyCap:
    """At most ``count`` pushes to one lead within ``days`` days, across all campaigns."""

    count: int
    days: int

    @classmethod
    def parse(cls, raw: object) -> "FrequencyCap | None":
        if raw is None:
            return None
        if not isinstance(raw, dict) or set(raw) != {"count", "days"} or not all(
                isinstance(raw[k], int) and not isinstance(raw[k], bool) and raw[k] >= 1 for k in raw):
            raise ScheduleError("frequency_cap is {count: <n>, days: <d>} with whole numbers >= 1")
        return cls(raw["count"], raw["days"])


def over_caps(previous: Iterable[datetime], now: datetime, cap: FrequencyCap | None) -> str:
    """Why one more push to a recipient at ``now`` breaks a cap (``""`` when it does not), given
    the times of the pushes it already has: WeCom's monthly mass-send cap, then the lead cap."""
    times = list(previous)
    this_month = month_start(now)
    if sum(1 for t in times if t >= this_month) >= WECOM_MONTHLY_MASS_SENDS:
        return "monthly_cap"
    if cap and sum(1 for t in times if t > now - timedelta(days=cap.days)) >= cap.count:
        return "frequency_cap"
    return ""
