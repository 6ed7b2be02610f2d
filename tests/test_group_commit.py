"""Writes made at the same moment are committed together, and still: every caller learns its
own outcome, a bad row fails only its own caller, a claimed event is always a recorded one,
and a write inside a transaction belongs to that transaction."""
import asyncio
import re
from datetime import datetime, timedelta, timezone

import pytest
from tortoise.transactions import in_transaction

from bot.database import GroupCommit, default_client
from bot.dedup import DedupGuard
from bot.events import ChatKind, Platform, TextMessage
from leads.behaviour import BehaviourLog, BehaviourRow
from models import BehaviourEvent, Lead, ProcessedCallback


def staff_text(msg_id: str, sender: str = "zhangsan", content: str = "你好") -> TextMessage:
    return TextMessage(platform=Platform.WECOM, create_time=1_700_000_000, msg_id=msg_id, sender=sender,
                       content=content, chat=ChatKind.SINGLE)


async def test_concurrent_writes_share_batches_and_each_caller_gets_its_own_result():
    batches: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0)
        return [i * 10 for i in items]

    commit = GroupCommit(flush)
    results = await asyncio.gather(*(commit.submit(i) for i in range(100)))
    assert results == [i * 10 for i in range(100)]
    assert len(batches) < 100  # committed together, not one by one


async def test_a_bad_item_fails_only_its_own_caller():
    async def flush(items: list[int]) -> list[int]:
        if 13 in items:
            raise ValueError("row 13 is refused")
        return items

    commit = GroupCommit(flush)
    results = await asyncio.gather(*(commit.submit(i) for i in range(20)), return_exceptions=True)
    assert [r for r in results if isinstance(r, Exception)] == [results[13]]
    assert str(results[13]) == "row 13 is refused"
    assert [r for i, r in enumerate(results) if i != 13] == [i for i in range(20) if i != 13]


async def test_concurrent_rows_get_their_own_ids_and_values(db, clock):
    log = BehaviourLog(clock)
    rows = await asyncio.gather(*(
        log.record_behaviour(lead=None, kind="message.text", direction="inbound", actor=f"u{i}", payload={"n": i})
        for i in range(50)
    ))
    stored = {e.id: e for e in await BehaviourEvent.all()}
    assert len(stored) == 50
    for i, row in enumerate(rows):
        assert stored[row.id].actor == f"u{i}" and stored[row.id].payload == {"n": i}


async def test_a_row_returned_by_a_batch_can_be_updated(db, clock):
    row = await BehaviourLog(clock).record_behaviour(lead=None, kind="message.text", direction="inbound")
    await row.update(payload={"handler_failed": True})
    assert (await BehaviourEvent.get(id=row.id)).payload == {"handler_failed": True}


async def test_one_event_delivered_many_times_at_once_is_claimed_and_recorded_once(db, clock):
    log, guard = BehaviourLog(clock), DedupGuard()
    rows = await asyncio.gather(*(log.record_first(staff_text("m1"), None, guard) for _ in range(6)),
                                *(log.record_first(staff_text(f"other{i}"), None, guard) for i in range(6)))
    assert sum(row is not None for row in rows[:6]) == 1
    assert all(row is not None for row in rows[6:])
    assert await ProcessedCallback.all().count() == 7
    assert await BehaviourEvent.filter(direction="inbound").count() == 7


async def test_claims_and_plain_rows_written_together_each_get_their_own_row(db, clock):
    log, guard = BehaviourLog(clock), DedupGuard()
    results = await asyncio.gather(
        log.record_first(staff_text("m9", content="第一次"), None, guard),
        log.record_behaviour(lead=None, kind="reply.message", direction="outbound", actor="a", payload={"n": 1}),
        log.record_first(staff_text("m9", content="重试"), None, guard),  # the platform's retry
        log.record_behaviour(lead=None, kind="reply.message", direction="outbound", actor="b", payload={"n": 2}),
        log.record_first(staff_text("m10"), None, guard),
    )
    first, reply_a, retry, reply_b, other = results
    assert retry is None and None not in (first, reply_a, reply_b, other)
    stored = {e.id: e for e in await BehaviourEvent.all()}
    assert len(stored) == 4
    assert stored[first.id].payload["text"] == "第一次" and stored[other.id].direction == "inbound"
    assert (stored[reply_a.id].actor, stored[reply_a.id].payload) == ("a", {"n": 1})
    assert (stored[reply_b.id].actor, stored[reply_b.id].payload) == ("b", {"n": 2})


async def test_a_claim_is_never_left_without_its_recorded_event(db, clock, monkeypatch):
    import leads.behaviour

    real_insert = leads.behaviour.insert_rows

    async def refuse_m3(client, rows):
        if any(row.payload.get("text") == "broken" for row in rows):
            raise RuntimeError("the database refused the row")
        return await real_insert(client, rows)

    monkeypatch.setattr(leads.behaviour, "insert_rows", refuse_m3)
    log, guard = BehaviourLog(clock), DedupGuard()
    results = await asyncio.gather(log.record_first(staff_text("m2"), None, guard),
                                   log.record_first(staff_text("m3", content="broken"), None, guard),
                                   return_exceptions=True)
    assert isinstance(results[0], BehaviourRow)
    assert isinstance(results[1], RuntimeError)
    # m3 failed whole: its key is not claimed, so the platform's retry is handled.
    assert {k.key for k in await ProcessedCallback.all()} == {"wecom:msg:m2"}
    assert await BehaviourEvent.all().count() == 1


async def test_dedup_claims_made_at_once_decide_one_winner(db):
    guard = DedupGuard()
    claims = await asyncio.gather(*(guard.claim("wecom:msg:7") for _ in range(10)))
    assert claims.count(True) == 1
    assert await guard.claim("wecom:msg:7") is False


async def test_a_batched_claim_stores_its_time_as_the_orm_does(db):
    before = datetime.now(timezone.utc)
    await asyncio.gather(*(DedupGuard().claim(f"wecom:msg:t{i}") for i in range(3)))
    await ProcessedCallback.create(key="wecom:msg:orm")  # written by the ORM itself
    stored = {c.key: c.created_at for c in await ProcessedCallback.all()}
    assert all(before - timedelta(seconds=1) <= at <= datetime.now(timezone.utc) for at in stored.values())
    if default_client().capabilities.dialect == "sqlite":  # times are text there: one form, so they sort
        raw = await default_client().execute_query_dict("SELECT created_at FROM processed_callback")
        iso_utc = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00")  # isoformat(" ")
        assert all(iso_utc.fullmatch(r["created_at"]) for r in raw)


async def test_writes_inside_a_transaction_roll_back_with_it(db, clock):
    log, guard = BehaviourLog(clock), DedupGuard()
    with pytest.raises(RuntimeError):
        async with in_transaction():
            lead = await Lead.create()
            await log.record_behaviour(lead=lead, kind="note", direction="inbound")
            assert await guard.claim("wecom:msg:tx") is True
            raise RuntimeError("abandon")
    assert await BehaviourEvent.all().count() == 0
    assert await ProcessedCallback.all().count() == 0
