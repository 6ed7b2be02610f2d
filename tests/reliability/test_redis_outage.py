"""Redis is a shortcut for deduplication, never a requirement: when it goes away the bot
keeps recording every event exactly once through the database's unique key, says so in the
log and on /healthz, and uses Redis again once it is back. A key reaches Redis only after its
event is committed, so an event whose write failed is never taken for a duplicate."""
import asyncio
from collections import Counter

from tests.reliability.test_acknowledgement import FAST, message_ids, redeliver_until_acknowledged, stored_times


async def health(bot) -> dict:
    resp = await bot.client.get("/healthz")
    assert resp.status == 200
    return await resp.json()


async def test_with_redis_unreachable_every_event_is_recorded_once_through_the_database(db, make_wecom_bot, closed_port,
                                                                                        caplog):
    bot = await make_wecom_bot(redis_url=f"redis://127.0.0.1:{closed_port}/0", **FAST)
    msgs = message_ids(10)
    first = await asyncio.gather(*(bot.deliver(m) for m in msgs))
    again = await asyncio.gather(*(bot.deliver(m) for m in msgs))  # WeCom's retries: duplicates
    await bot.bot.drain()

    assert first == again == [200] * 10
    assert await stored_times(msgs) == Counter({m: 1 for m in msgs})
    assert Counter(bot.handled) == Counter({m: 1 for m in msgs})
    assert "Redis unavailable" in caplog.text and "database's unique key alone" in caplog.text
    status = await health(bot)
    assert status["dedup"] == "database" and status["redis"].startswith("unavailable")


async def test_redis_going_away_mid_stream_and_coming_back_loses_and_repeats_nothing(db, make_wecom_bot, redis_proxy,
                                                                                    clock):
    bot = await make_wecom_bot(redis_url=f"redis://127.0.0.1:{redis_proxy.port}/0", **FAST)
    before, during, after = message_ids(5), message_ids(5), message_ids(5)
    assert await asyncio.gather(*(bot.deliver(m) for m in before)) == [200] * 5
    assert (await health(bot))["dedup"] == "redis+database"

    await redis_proxy.cut()
    assert await asyncio.gather(*(bot.deliver(m) for m in during + before)) == [200] * 10
    assert (await health(bot))["dedup"] == "database"

    await redis_proxy.restore()
    clock.advance(10)  # past the pause before Redis is tried again
    assert await asyncio.gather(*(bot.deliver(m) for m in after + during)) == [200] * 10
    assert (await health(bot))["dedup"] == "redis+database"
    await bot.bot.drain()

    every = before + during + after
    assert await stored_times(every) == Counter({m: 1 for m in every})
    assert Counter(bot.handled) == Counter({m: 1 for m in every})


async def test_an_event_whose_write_failed_is_not_taken_for_a_duplicate_on_retry(broken_db, make_wecom_bot, redis_proxy):
    bot = await make_wecom_bot(redis_url=f"redis://127.0.0.1:{redis_proxy.port}/0", **FAST)
    msgs = message_ids(6)
    await broken_db.fail()
    assert 200 not in await asyncio.gather(*(bot.deliver(m) for m in msgs))
    await broken_db.mend()
    await redeliver_until_acknowledged(bot)
    await bot.bot.drain()
    assert await stored_times(msgs) == Counter({m: 1 for m in msgs})
    assert Counter(bot.handled) == Counter({m: 1 for m in msgs})
