"""The FAQ's answering options that staff edit in the console (business hours, holidays,
hand-over targets, group answering; stored as ``FaqSettings``) and how they become the
``FaqOptions`` the FAQ answers with. (App configuration is ``bot.config.Settings``.)"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time
from typing import Any, Mapping

from handlers.faq.hours import BusinessHours
from handlers.faq.service import FaqOptions
from models import FaqSettings

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_DATES = 200


class SettingsError(ValueError):
    """Settings that cannot be saved; nothing was changed."""


def _time(value: str, name: str) -> time:
    found = _TIME.match(str(value).strip())
    if not found:
        raise SettingsError(f"{name} must be a time like 09:00")
    return time(int(found.group(1)), int(found.group(2)))


def _dates(items: Any, name: str) -> list[dict[str, str]]:
    """``[{"date", "name"}]`` from a list of such mappings or of ISO dates."""
    if not isinstance(items, list) or len(items) > MAX_DATES:
        raise SettingsError(f"{name} must be a list of at most {MAX_DATES} dates")
    out = []
    for item in items:
        raw, label = (item.get("date"), item.get("name", "")) if isinstance(item, dict) else (item, "")
        try:
            day = date.fromisoformat(str(raw).strip())
        except ValueError:
            raise SettingsError(f"{name}: {raw!r} is not a date like 2026-10-01") from None
        out.append({"date": day.isoformat(), "name": str(label or "")[:20]})
    return sorted(out, key=lambda d: d["date"])


def _weekdays(value: Any) -> str:
    items = value.split(",") if isinstance(value, str) else value
    try:
        days = sorted({int(str(d).strip()) for d in items if str(d).strip()})
    except (TypeError, ValueError):
        raise SettingsError("weekdays must be numbers 0 (Monday) to 6 (Sunday)") from None
    if not days or any(d < 0 or d > 6 for d in days):
        raise SettingsError("weekdays must be numbers 0 (Monday) to 6 (Sunday), at least one")
    return ",".join(map(str, days))


def clean_settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """Checked settings fields from an API body or a parsed form; SettingsError otherwise."""
    opens, closes = _time(data.get("opens", "09:00"), "opens"), _time(data.get("closes", "18:00"), "closes")
    if closes <= opens:
        raise SettingsError("closes must be after opens")
    servicers = data.get("kf_servicers", {})
    notify = data.get("notify_userids", [])
    if not isinstance(servicers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in servicers.items()):
        raise SettingsError("kf_servicers maps a kf account (open_kfid) to a receptionist's userid")
    if not isinstance(notify, list) or not all(isinstance(u, str) and u.strip() for u in notify):
        raise SettingsError("notify_userids must be a list of WeCom userids")
    return {
        "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}", "weekdays": _weekdays(data.get("weekdays", "0,1,2,3,4")),
        "holidays": _dates(data.get("holidays", []), "holidays"), "workdays": _dates(data.get("workdays", []), "workdays"),
        "kf_servicers": {k.strip(): v.strip() for k, v in servicers.items() if k.strip() and v.strip()},
        "notify_userids": [u.strip() for u in notify],
    }


def settings_json(row: FaqSettings | None) -> dict[str, Any]:
    if row is None:
        return {"opens": "09:00", "closes": "18:00", "weekdays": "0,1,2,3,4", "holidays": [], "workdays": [],
                "kf_servicers": {}, "notify_userids": [], "updated_by": "", "updated_at": None}
    return {"opens": row.opens, "closes": row.closes, "weekdays": row.weekdays, "holidays": row.holidays,
            "workdays": row.workdays, "kf_servicers": row.kf_servicers, "notify_userids": row.notify_userids,
            "updated_by": row.updated_by, "updated_at": row.updated_at.isoformat() if row.updated_at else None}


async def save_settings(data: Mapping[str, Any], by: str) -> dict[str, Any]:
    fields = clean_settings(data)
    await FaqSettings.update_or_create(defaults={**fields, "updated_by": by[:64]}, id=1)
    return settings_json(await FaqSettings.get(id=1))


def options_with(base: FaqOptions, row: FaqSettings | None) -> FaqOptions:
    """The FAQ options with the stored settings applied (the base alone when none are stored)."""
    if row is None:
        return base
    holidays = {date.fromisoformat(d["date"]): d.get("name", "") for d in row.holidays}
    hours = BusinessHours(
        opens=_time(row.opens, "opens"), closes=_time(row.closes, "closes"),
        weekdays=frozenset(int(d) for d in row.weekdays.split(",") if d.strip()),
        holidays=frozenset(holidays), workdays=frozenset(date.fromisoformat(d["date"]) for d in row.workdays),
        timezone=base.hours.timezone, holiday_names={d: n for d, n in holidays.items() if n},
    )
    return replace(base, hours=hours, kf_servicers=dict(row.kf_servicers), notify_userids=tuple(row.notify_userids))


def form_settings(form: Mapping[str, Any]) -> dict[str, Any]:
    """Settings from the console form: dates one per line (``2026-10-01 国庆节``), servicers as
    ``wkKF0001:zhangsan`` lines, userids comma-separated."""
    def lines(name: str) -> list[str]:
        return [line.strip() for line in str(form.get(name, "")).replace("\r", "").split("\n") if line.strip()]

    def dated(name: str) -> list[dict[str, str]]:
        return [{"date": line.split()[0], "name": " ".join(line.split()[1:])} for line in lines(name)]

    servicers = dict(line.split(":", 1) for line in lines("kf_servicers") if ":" in line)
    notify = [u.strip() for u in str(form.get("notify_userids", "")).replace("，", ",").split(",") if u.strip()]
    days = form.getall("weekday", []) if hasattr(form, "getall") else str(form.get("weekdays", "")).split(",")
    return {"opens": form.get("opens", ""), "closes": form.get("closes", ""), "weekdays": list(days),
            "holidays": dated("holidays"), "workdays": dated("workdays"), "kf_servicers": servicers,
            "notify_userids": notify}
