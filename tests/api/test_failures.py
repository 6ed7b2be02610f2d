"""When the platform is busy, limited, slow or broken: bounded retries with exponential
backoff on the test clock, then a clear ApiError; client-side rate limiting per API."""
from __future__ import annotations

import pytest

from bot.api import ApiError, MemoryTokenStore, PathRateLimiter, Rate, RateLimited, RetryPolicy, SystemBusy, TransportError
from bot.platforms.wecom.client import WeComClient
from bot.api.ratelimit import TokenBucket

SEND = "/cgi-bin/message/send"
BUSY = {"errcode": -1, "errmsg": "system busy"}
FREQ = {"errcode": 45009, "errmsg": "api freq out of limit"}
CONCURRENT = {"errcode": 45033, "errmsg": "api concurrent out of limit"}


@pytest.fixture
def wecom(settings, session, clock):
    return WeComClient(settings, session, clock, token_store=MemoryTokenStore())


@pytest.mark.parametrize("answer", [BUSY, FREQ, CONCURRENT], ids=["busy", "45009", "45033"])
async def test_a_busy_or_limited_call_is_retried_with_growing_delays(wecom, platform, clock, answer):
    platform.script(SEND, answer, answer)
    result = await wecom.send_app_text("zhangsan", "hi")
    assert result["errcode"] == 0
    assert clock.slept == [1.0, 2.0]
    assert len(platform.calls(SEND)) == 3


@pytest.mark.parametrize(
    "answer, error", [(BUSY, SystemBusy), (FREQ, RateLimited), (CONCURRENT, RateLimited)], ids=["busy", "45009", "45033"]
)
async def test_retries_stop_after_four_attempts_with_an_api_error(wecom, platform, clock, answer, error):
    platform.script(SEND, *[answer] * 10)
    with pytest.raises(error) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert caught.value.errcode == answer["errcode"]
    assert caught.value.api == SEND
    assert clock.slept == [1.0, 2.0, 4.0]
    assert len(platform.calls(SEND)) == 4


async def test_the_retry_policy_is_adjustable(settings, session, clock, platform):
    wecom = WeComClient(
        settings, session, clock, token_store=MemoryTokenStore(), retry=RetryPolicy(attempts=6, base_delay=0.5, max_delay=3)
    )
    platform.script(SEND, *[BUSY] * 10)
    with pytest.raises(SystemBusy):
        await wecom.send_app_text("zhangsan", "hi")
    assert clock.slept == [0.5, 1.0, 2.0, 3.0, 3.0]


async def test_token_fetch_is_retried_when_busy(wecom, platform, clock):
    platform.script("/cgi-bin/gettoken", BUSY)
    await wecom.send_app_text("zhangsan", "hi")
    assert clock.slept == [1.0]
    assert len(platform.calls("/cgi-bin/gettoken")) == 2


async def test_other_errors_are_not_retried(wecom, platform, clock):
    platform.script(SEND, {"errcode": 40003, "errmsg": "invalid userid"})
    with pytest.raises(ApiError) as caught:
        await wecom.send_app_text("nobody", "hi")
    assert (caught.value.errcode, caught.value.errmsg) == (40003, "invalid userid")
    assert str(caught.value) == "/cgi-bin/message/send: errcode 40003: invalid userid"
    assert clock.slept == []


async def test_the_rate_limiter_spaces_calls_to_one_api(settings, session, clock, platform):
    limiter = PathRateLimiter(clock, default=Rate(per_second=100, burst=100), per_path={SEND: Rate(per_second=2, burst=2)})
    wecom = WeComClient(settings, session, clock, token_store=MemoryTokenStore(), limiter=limiter)
    for i in range(5):
        await wecom.send_app_text("zhangsan", f"message {i}")
    assert clock.slept == [0.5, 0.5, 0.5]


def test_calls_at_the_same_moment_queue_behind_each_other(clock):
    bucket = TokenBucket(Rate(per_second=2, burst=1), clock)
    assert [bucket.reserve() for _ in range(4)] == [0.0, 0.5, 1.0, 1.5]


async def test_the_rate_limiter_refills_over_time(clock):
    limiter = PathRateLimiter(clock, default=Rate(per_second=1, burst=2))
    await limiter.acquire("/a")
    await limiter.acquire("/a")
    clock.advance(10)
    await limiter.acquire("/a")
    await limiter.acquire("/a")
    await limiter.acquire("/b")
    assert clock.slept == []
    await limiter.acquire("/a")
    assert clock.slept == [1.0]


def test_a_retry_policy_needs_at_least_one_attempt():
    with pytest.raises(ValueError, match="attempts >= 1"):
        RetryPolicy(attempts=0)


def test_a_rate_must_be_positive():
    with pytest.raises(ValueError, match="per_second"):
        Rate(per_second=0)


async def test_a_call_without_answer_times_out_with_an_api_error(settings, session, clock, platform):
    wecom = WeComClient(settings, session, clock, token_store=MemoryTokenStore(), timeout=0.05)
    await wecom.get_external_contact("wmABC")
    platform.script(SEND, "stall")
    with pytest.raises(TransportError) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert caught.value.errcode is None
    assert "no answer within 0.05 s" in str(caught.value)


async def test_a_non_json_answer_is_an_api_error(wecom, platform):
    platform.script(SEND, "<html>gateway</html>")
    with pytest.raises(TransportError) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert "not JSON (HTTP 200, text/html)" in str(caught.value)
    assert "<html>gateway" in str(caught.value)


async def test_an_http_error_is_an_api_error(wecom, platform):
    platform.script(SEND, 502)
    with pytest.raises(TransportError, match="HTTP 502 Bad Gateway"):
        await wecom.send_app_text("zhangsan", "hi")


async def test_a_json_answer_that_is_not_an_object_is_an_api_error(wecom, platform):
    platform.script(SEND, [1, 2])
    with pytest.raises(TransportError, match="not an object"):
        await wecom.send_app_text("zhangsan", "hi")


async def test_an_unreachable_platform_is_an_api_error_without_the_token(settings, session, clock):
    from dataclasses import replace

    wecom = WeComClient(replace(settings, wecom_api_base="http://127.0.0.1:9"), session, clock, token_store=MemoryTokenStore())
    with pytest.raises(TransportError) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert caught.value.api == "/cgi-bin/gettoken"
    assert "request failed" in str(caught.value)
    assert "app-secret" not in str(caught.value)


async def test_text_is_sent_as_utf8_without_unicode_escapes(wecom, platform, session):
    await wecom.send_app_text("zhangsan", "你好")
    assert platform.calls(SEND)[0].body["text"] == {"content": "你好"}
