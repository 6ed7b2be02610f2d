"""Nothing is acknowledged before it is stored. WeCom and WeChat never retry a callback that
was answered 200, so the 200 goes out only once the event's inbound row and its dedup claim
are committed; while the database is down or stalled past the platform's 5 s deadline the
answer is one that makes the platform retry, and every acknowledged event ends up stored
exactly once after re-delivery. A handler failing after the commit changes nothing for the
platform: the event is stored, the failure is logged."""
import asyncio
import time
import uuid
from collections import Counter

from models import BehaviourEvent, ProcessedCallback

FAST = {"passive_budget": 0.05, "ack_deadline": 0.5}


def message_ids(count: int) -> list[str]:
    run = uuid.uuid4().hex[:8]
    return [f"{run}-{i}" for i in range(count)]


async def redeliver_until_acknowledged(bot, rounds: int = 20) -> None:
    """What WeCom does with a callback that was not answered 200: send it again."""
    for _ in range(rounds):
        missing = bot.unacknowledged()
        if not missing:
            return
        await asyncio.gather(*(bot.deliver(m) for m in missing))
    raise AssertionError(f"never acknowledged: {bot.unacknowledged()}")


async def stored_times(msg_ids: list[str]) -> Counter:
    """How many inbound rows and dedup claims each message has."""
    actors = Counter(await BehaviourEvent.filter(direction="inbound").values_list("actor", flat=True))
    keys = set(await ProcessedCallback.all().values_list("key", flat=True))
    return Counter({m: actors[f"staff-{m}"] for m in msg_ids if f"wecom:msg:{m}" in keys})


async def test_while_the_database_is_down_nothing_is_acknowledged_and_nothing_is_lost(broken_db, make_wecom_bot):
    bot = await make_wecom_bot(**FAST)
    before, during, after = message_ids(5), message_ids(8), message_ids(5)
    assert [await bot.deliver(m) for m in before] == [200] * 5

    await broken_db.fail()
    statuses = await asyncio.gather(*(bot.deliver(m) for m in during))
    assert 200 not in statuses  # not stored, so not acknowledged: the platform retries
    assert set(statuses) <= {503}

    await broken_db.mend()
    assert [await bot.deliver(m) for m in after] == [200] * 5
    await redeliver_until_acknowledged(bot)
    await bot.bot.drain()

    every = before + during + after
    assert await stored_times(every) == Counter({m: 1 for m in every})
    assert Counter(bot.handled) == Counter({m: 1 for m in every})


async def test_a_stall_shorter_than_the_deadline_is_acknowledged_once_committed_not_before(broken_db, make_wecom_bot):
    bot = await make_wecom_bot(passive_budget=0.05, ack_deadline=4.0)
    [msg] = message_ids(1)
    await broken_db.stall()
    delivery = asyncio.create_task(bot.deliver(msg))
    await asyncio.sleep(0.4)  # well past the passive budget
    assert not delivery.done()  # the write is pending: no answer yet
    await broken_db.mend()
    assert await asyncio.wait_for(delivery, 10) == 200
    assert await stored_times([msg]) == Counter({msg: 1})


async def test_a_stall_past_the_deadline_is_not_acknowledged_and_the_retry_is(broken_db, make_wecom_bot):
    bot = await make_wecom_bot(**FAST)
    [msg] = message_ids(1)
    await broken_db.stall()
    started = time.monotonic()
    assert await bot.deliver(msg) == 503
    assert time.monotonic() - started < 2  # answered inside the platform's 5 s, not left hanging
    await broken_db.mend()
    await bot.bot.drain()  # the pending write commits after all
    assert await bot.deliver(msg) == 200  # WeCom's retry: stored already, so acknowledged
    await bot.bot.drain()
    assert await stored_times([msg]) == Counter({msg: 1})
    assert bot.handled == [msg]


async def test_a_handler_failing_after_the_commit_is_logged_and_acknowledged(db, make_wecom_bot, caplog):
    [msg] = message_ids(1)
    bot = await make_wecom_bot(fail_handler_on=msg)
    assert await bot.deliver(msg) == 200  # stored: a retry would change nothing
    await bot.bot.drain()
    assert "handler bug" in caplog.text
    assert await stored_times([msg]) == Counter({msg: 1})
