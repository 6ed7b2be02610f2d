"""Multi-step dialogs are finite-state machines: a flow declares its states, handlers filter
on them and move the user with the injected dialog context; states persist (database or
Redis) and expire on the app's clock."""
import uuid

import pytest

from bot.dialogs import DatabaseDialogStorage, DialogContext, RedisDialogStorage, State, StatesGroup, dialog_middleware
from bot.dispatcher import UNHANDLED, Dispatcher, Router, state, text
from bot.events import ChatKind, Platform, TextMessage


def msg(content: str) -> TextMessage:
    return TextMessage(platform=Platform.WECOM_BOT, create_time=1, msg_id=content, sender="u1", content=content,
                       chat=ChatKind.SINGLE)


class Nps(StatesGroup, flow="nps"):
    score = State()
    reason = State()


def survey(clock, storage) -> tuple[Dispatcher, list]:
    router = Router("nps")
    said = []

    @router.message(text(equals="调研"))
    async def start(event, dialog):
        await dialog.goto(Nps.score, data={"asked": "nps"}, ttl=600)
        said.append("0-10?")

    @router.message(state(Nps.score))
    async def score(event, dialog):
        await dialog.update(score=int(event.content))
        await dialog.goto(Nps.reason)
        said.append("why?")

    @router.message(state(Nps.reason))
    async def reason(event, dialog):
        said.append(await dialog.data() | {"reason": event.content})
        await dialog.clear()

    dp = Dispatcher()
    dp.outer_middleware(dialog_middleware(storage, clock))
    dp.include(router)
    return dp, said


def test_a_flow_names_its_states():
    assert (Nps.flow, Nps.score.name, Nps.reason.name) == ("nps", "nps.score", "nps.reason")
    assert Nps.states == (Nps.score, Nps.reason)


async def test_a_flow_walks_its_states_with_its_data(db, clock):
    dp, said = survey(clock, DatabaseDialogStorage())

    for line in ("调研", "9", "交期准"):
        await dp.feed(msg(line))

    assert said == ["0-10?", "why?", {"asked": "nps", "score": 9, "reason": "交期准"}]
    assert await dp.feed(msg("10")) is UNHANDLED


async def test_a_state_expires_on_the_clock(db, clock):
    dp, said = survey(clock, DatabaseDialogStorage())
    await dp.feed(msg("调研"))

    clock.advance(601)

    assert await dp.feed(msg("9")) is UNHANDLED
    assert await DialogContext(DatabaseDialogStorage(), msg("x").user_key, clock).state() is None


async def test_dialogs_survive_a_restart_in_the_database(db, clock):
    dp, _ = survey(clock, DatabaseDialogStorage())
    await dp.feed(msg("调研"))

    restarted, said = survey(clock, DatabaseDialogStorage())
    await restarted.feed(msg("7"))

    assert said == ["why?"]


async def test_update_outside_a_dialog_is_an_error(db, clock):
    with pytest.raises(LookupError):
        await DialogContext(DatabaseDialogStorage(), "u", clock).update(x=1)


async def test_redis_can_hold_the_dialogs(clock):
    import redis.asyncio as aioredis

    client = aioredis.from_url("redis://127.0.0.1:6379/0")
    try:
        await client.ping()
    except Exception:
        await client.aclose()
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"siyu-test:{uuid.uuid4().hex}:"
    try:
        dp, said = survey(clock, RedisDialogStorage(client, prefix=prefix))
        for line in ("调研", "9", "交期准"):
            await dp.feed(msg(line))
        assert said[-1] == {"asked": "nps", "score": 9, "reason": "交期准"}
        assert await client.keys(prefix + "*") == []
    finally:
        await client.aclose()
