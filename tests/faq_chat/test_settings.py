"""Staff set business hours, holidays, hand-over targets and group answering in the console."""
from datetime import date

import pytest

from handlers.faq.service import FaqOptions
from handlers.faq.options import SettingsError, clean_settings, options_with, save_settings
from models import FaqGroupSetting, FaqSettings
from tests.support.console import bearer, csrf_of, sign_in


def test_settings_are_checked_before_anything_is_saved():
    with pytest.raises(SettingsError, match="opens must be a time"):
        clean_settings({"opens": "9am"})
    with pytest.raises(SettingsError, match="closes must be after opens"):
        clean_settings({"opens": "18:00", "closes": "09:00"})
    with pytest.raises(SettingsError, match="not a date"):
        clean_settings({"holidays": ["10月1日"]})
    with pytest.raises(SettingsError, match="weekdays"):
        clean_settings({"weekdays": [7]})
    assert clean_settings({"weekdays": [4, 0, 0]})["weekdays"] == "0,4"


async def test_stored_settings_become_the_hours_the_bot_answers_with(db):
    await save_settings({"opens": "08:30", "closes": "17:30", "weekdays": [0, 1, 2, 3, 4, 5],
                         "holidays": [{"date": "2026-10-01", "name": "国庆节"}], "kf_servicers": {"wkKF0001": "zhangsan"},
                         "notify_userids": ["lisi"]}, "user:admin1")

    options = options_with(FaqOptions(), await FaqSettings.get(id=1))

    assert options.hours.describe() == "周一至周六 08:30–17:30，法定节假日除外"
    assert date(2026, 10, 1) in options.hours.holidays and options.hours.holiday_names[date(2026, 10, 1)] == "国庆节"
    assert options.kf_servicers == {"wkKF0001": "zhangsan"} and options.notify_userids == ("lisi",)
    assert options_with(FaqOptions(), None) == FaqOptions()


async def test_the_settings_page_saves_hours_holidays_and_groups(faq_console, staff):
    await sign_in(faq_console, "support1")
    html = await (await faq_console.get("/console/faq/settings")).text()

    saved = await faq_console.post("/console/faq/settings", allow_redirects=False, data=[
        ("csrf_token", csrf_of(html)), ("opens", "09:00"), ("closes", "17:00"), ("weekday", "0"), ("weekday", "1"),
        ("holidays", "2026-10-01 国庆节\n2026-10-02"), ("workdays", ""), ("kf_servicers", "wkKF0001:zhangsan"),
        ("notify_userids", "lisi，wangwu"), ("groups", "wrInternal01 2 unmentioned\n")])
    bad = await faq_console.post("/console/faq/settings", allow_redirects=False, data={
        "csrf_token": csrf_of(html), "opens": "25:00", "closes": "17:00"})

    assert saved.status == 303 and saved.headers["Location"].endswith("saved=1")
    row = await FaqSettings.get(id=1)
    assert (row.closes, row.weekdays, row.notify_userids) == ("17:00", "0,1", ["lisi", "wangwu"])
    assert [d["date"] for d in row.holidays] == ["2026-10-01", "2026-10-02"]
    group = await FaqGroupSetting.get(chat_id="wrInternal01")
    assert (group.answers_per_minute, group.answer_without_mention) == (2, True)
    assert "opens" in bad.headers["Location"] and (await FaqSettings.get(id=1)).opens == "09:00"


async def test_the_api_reads_and_changes_settings_and_group_answering(faq_console, staff):
    _, tokens = staff
    auth = bearer(tokens["support"])

    changed = await faq_console.put("/api/v1/faq/settings", headers=auth, json={"opens": "10:00", "closes": "19:00"})
    refused = await faq_console.put("/api/v1/faq/settings", headers=auth, json={"opens": "10:00", "closes": "08:00"})
    group = await faq_console.put("/api/v1/faq/groups/wrInternal01", headers=auth,
                                  json={"answer_without_mention": True, "answers_per_minute": 1})

    assert (await changed.json())["opens"] == "10:00"
    assert refused.status == 400 and (await (await faq_console.get("/api/v1/faq/settings", headers=auth)).json())["closes"] == "19:00"
    assert (await group.json()) == {"chat_id": "wrInternal01", "answer_without_mention": True, "answers_per_minute": 1}
