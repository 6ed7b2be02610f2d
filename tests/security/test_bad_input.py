"""Bad input gets a 400 that says why, never a 500: numbers, long searches, deep nesting,
lone surrogates, huge integers, absurd report periods, nested YAML, archiving twice."""
from __future__ import annotations

import pytest

from bot.platforms.payloads import PayloadError, parse_json
from console.kit.schemas import SchemaError, check_body
from faq import FaqFileError, parse_faq_file
from models import Channel
from tests.support.console import bearer

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
async def api(full_console, two_reps, aiohttp_client, clock):
    from console.access.tokens import create_token

    app, _ = full_console
    client = await aiohttp_client(app)
    _, secret = await create_token("robust", "admin", clock=clock)
    client.auth_headers = bearer(secret)
    return client


def test_the_schema_checker_knows_numbers_and_the_range_a_database_stores():
    check_body({"type": "number"}, 12.5)
    check_body({"type": "number"}, 3)
    for bad in ("12.5", True, float("nan"), 1e300):
        with pytest.raises(SchemaError):
            check_body({"type": "number", "maximum": 1e12}, bad)
    check_body({"type": "integer"}, 2**63 - 1)
    with pytest.raises(SchemaError):
        check_body({"type": "integer"}, 2**63)
    with pytest.raises(SchemaError):
        check_body({"type": "string"}, "王\ud800")


async def test_bodies_that_used_to_fail_with_500_are_400s(api, two_reps):
    auth = {**api.auth_headers, "Content-Type": "application/json"}
    lead = two_reps.wang.id
    cases = [
        ("POST", "/api/v1/channels", '{"code": "c1", "name": "展", "cost": "a lot"}'),
        ("PATCH", f"/api/v1/leads/{lead}", DEEP),
        ("PATCH", f"/api/v1/leads/{lead}", '{"name": "王\\ud800工"}'),
        ("PUT", "/api/v1/faq/groups/g1", '{"answers_per_minute": 3, "x\\u0000y": 1}'),  # stored in the audit log
        ("POST", "/api/v1/faq/inbox/actions", '{"action": "ignore", "hit_ids": [9223372036854775808]}'),
        ("POST", "/api/v1/faq/import", '{"format": "yaml", "content": "' + "[" * 5000 + '"}'),
        ("POST", "/api/v1/faq/import", '{"format": "jsonl", "content": "' + "[" * 5000 + '"}'),
    ]
    for method, path, body in cases:
        response = await api.request(method, path, data=body.encode("utf-8", "surrogatepass"), headers=auth)
        assert response.status == 400, (path, body[:60], await response.text())
    assert (await Channel.filter(code="c1").count()) == 0


async def test_a_long_search_and_absurd_report_periods_are_answered(api):
    long = await api.get("/api/v1/leads", params={"q": "x" * 100}, headers=api.auth_headers)
    assert long.status == 200
    for method in ("GET", "DELETE"):
        no_code = await api.request(method, "/api/v1/channels/" + "c" * 31, headers=api.auth_headers)
        assert no_code.status == 400
    for start, end in (("0001-01-01", "9999-12-31"), ("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")):
        response = await api.get("/api/v1/channels/report", params={"from": start, "to": end}, headers=api.auth_headers)
        assert response.status == 400, (start, end)
        assert (await response.json())["error"]["code"] == "invalid_period"


async def test_the_console_report_page_says_the_period_is_wrong(full_console, two_reps, aiohttp_client):
    from tests.support.console import sign_in

    app, _ = full_console
    client = await aiohttp_client(app)
    await sign_in(client, "admin1")
    page = await client.get("/console/channels", params={"from": "0001-01-01", "to": "9999-12-31"})
    csv = await client.get("/console/channels/report.csv", params={"from": "0001-01-01", "to": "9999-12-31"},
                           allow_redirects=False)
    assert page.status == 200 and "at most" in await page.text()
    assert csv.status == 303


def test_deeply_nested_callback_json_is_a_payload_error_not_a_crash():
    with pytest.raises(PayloadError):
        parse_json(DEEP)


def test_nested_yaml_or_json_lines_are_refused_as_file_problems():
    for text, fmt in (("[" * 5000, "yaml"), ("- " * 3000 + "x", "yaml"), ("[" * 100_000, "jsonl")):
        with pytest.raises(FaqFileError):
            parse_faq_file(text, fmt)


async def test_archiving_a_channel_twice_answers_204_both_times(api, two_reps):
    first = await api.delete(f"/api/v1/channels/{two_reps.expo.code}", headers=api.auth_headers)
    second = await api.delete(f"/api/v1/channels/{two_reps.expo.code}", headers=api.auth_headers)
    assert first.status == second.status == 204
    assert (await Channel.get(id=two_reps.expo.id)).archived


async def test_a_way_wecom_deleted_already_counts_as_deleted(db):
    from bot.api.errors import ApiError as PlatformApiError
    from handlers.onboarding.channels import ChannelService

    class GoneWeCom:
        async def del_contact_way(self, config_id):
            raise PlatformApiError(41044, "invalid config_id", "del_contact_way")

    channel = await Channel.create(code="gone", name="已删", config_id="cfg-1")
    service = ChannelService(wecom=GoneWeCom())
    await service.archive(channel)
    assert (await Channel.get(id=channel.id)).archived
