"""Small pure pieces: the chart, languages, the schema checker, the demo admin."""
from __future__ import annotations

import pytest

from console.access.accounts import create_demo_admin
from console.kit.chart import bar_chart_svg
from console.kit.i18n import pick_language
from console.access.passwords import verify_password
from console.kit.schemas import SchemaError, check_body
from console.pages.schemas import LEAD_PATCH
from models import StaffUser


def test_the_chart_has_one_bar_per_day_scaled_to_the_busiest():
    svg = bar_chart_svg([("11-01", 0), ("11-02", 5), ("11-03", 10)], title="events <per day>")
    assert svg.count('<rect class="bar"') == 3
    assert 'height="0.0"' in svg and "events &lt;per day&gt;" in svg


def test_the_chart_of_an_empty_period_draws_flat_bars():
    assert bar_chart_svg([("11-01", 0)], title="t").count('height="0.0"') == 1


def test_chinese_is_the_default_language():
    assert pick_language(None, "", None) == "zh"
    assert pick_language("en", "zh") == "en"
    assert pick_language("fr", "en-US") == "en"


@pytest.mark.parametrize("body, message", [
    ({"tags": ["a", 3]}, "body.tags[1] must be a string"),
    ({"status": "hot"}, "body.status must be one of"),
    ({"owner": None, "x": 1}, "unknown fields: x"),
    ({"name": "a\x00b"}, "body.name must match"),
    ({"tags": ["ok\u0000"]}, "body.tags[0] must match"),
])
def test_the_schema_checker_names_the_offending_field(body, message):
    with pytest.raises(SchemaError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_body(LEAD_PATCH, body)


async def test_the_demo_admin_is_created_once_with_a_printable_password(db, clock):
    username, password = await create_demo_admin(clock)
    assert verify_password((await StaffUser.get(username=username)).password_hash, password)
    assert await create_demo_admin(clock) is None


def test_a_final_dollar_means_the_very_end_as_in_json_schema():
    from console.pages.schemas import STAFF_USER_CREATE

    body = {"username": "alice\n", "role": "admin", "password": "a long passphrase"}
    with pytest.raises(SchemaError, match="username"):
        check_body(STAFF_USER_CREATE, body)
    with pytest.raises(SchemaError, match="password"):
        check_body(STAFF_USER_CREATE, {**body, "username": "alice", "password": "a long passphrase\n"})
