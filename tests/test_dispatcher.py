"""Routers, filters, dependency injection and middlewares, without a server."""
import pytest

from bot.dialogs import DatabaseDialogStorage, State, StatesGroup, dialog_middleware
from bot.dispatcher import UNHANDLED, Dispatcher, Router, chat, state, text
from bot.events import ChatKind, Platform, TextMessage


def msg(content: str, chat_kind: ChatKind = ChatKind.SINGLE, sender: str = "u1") -> TextMessage:
    return TextMessage(
        platform=Platform.WECOM_BOT, create_time=1, msg_id=content + sender, sender=sender,
        content=content, chat=chat_kind,
    )


async def test_first_matching_handler_wins_and_gets_only_the_services_it_names():
    router = Router("r")
    calls = []

    @router.message(text(equals="价格"))
    async def price(event, catalogue):
        calls.append(("price", catalogue))

    @router.message()
    async def fallback(event):
        calls.append(("fallback", event.content))

    dp = Dispatcher(services={"catalogue": "2026 价目表", "unused": object()})
    dp.include(router)
    await dp.feed(msg("价格"))
    await dp.feed(msg("别的"))
    assert calls == [("price", "2026 价目表"), ("fallback", "别的")]


async def test_regex_filter_passes_the_match_and_chat_filter_selects_groups():
    router = Router("r")
    got = []

    @router.on(TextMessage, filters=[chat(ChatKind.GROUP), text(regex=r"订单\s*(\d+)")])
    async def order(event, match):
        got.append(match.group(1))

    dp = Dispatcher()
    dp.include(router)
    assert await dp.feed(msg("订单 42")) is UNHANDLED  # a 1:1 chat does not match
    await dp.feed(msg("订单 42", ChatKind.GROUP))
    assert got == ["42"]


async def test_middlewares_wrap_the_dispatch_outer_first_then_inner():
    router = Router("r")
    trace = []

    @router.message()
    async def handler(event):
        trace.append("handler")
        return "done"

    dp = Dispatcher()
    dp.include(router)

    @dp.outer_middleware
    async def outer(nxt, event, data):
        trace.append("outer")
        return await nxt(event, data)

    @dp.inner_middleware
    async def inner(nxt, event, data):
        trace.append("inner")
        return await nxt(event, data)

    assert await dp.feed(msg("hi")) == "done"
    assert trace == ["outer", "inner", "handler"]


async def test_a_middleware_added_after_events_were_handled_wraps_the_next_ones():
    router = Router("r")
    trace = []

    @router.message()
    async def handler(event):
        trace.append(f"handler {event.content}")

    dp = Dispatcher()
    dp.include(router)
    await dp.feed(msg("first"))

    @dp.outer_middleware
    async def late(nxt, event, data):
        trace.append("late")
        return await nxt(event, data)

    await dp.feed(msg("second"))
    assert trace == ["handler first", "late", "handler second"]


async def test_a_handler_asking_for_an_unknown_service_is_reported_not_silently_skipped(caplog):
    router = Router("r")

    @router.message()
    async def needs(event, nonexistent):
        pass

    dp = Dispatcher()
    dp.include(router)
    assert await dp.feed(msg("x")) is UNHANDLED
    assert "nonexistent" in caplog.text


def test_sync_handlers_are_refused_at_registration():
    router = Router("r")
    with pytest.raises(TypeError):
        router.message()(lambda event: None)


async def test_dialog_state_is_persisted_and_routes_the_next_message(db, clock):
    class Nps(StatesGroup, flow="nps"):
        score = State()

    router = Router("survey")
    answers = []

    @router.message(text(equals="调研"))
    async def start(event, dialog):
        await dialog.goto(Nps.score)

    @router.message(state(Nps.score))
    async def score(event, dialog):
        answers.append(event.content)
        await dialog.clear()

    dp = Dispatcher()
    dp.outer_middleware(dialog_middleware(DatabaseDialogStorage(), clock))
    dp.include(router)
    await dp.feed(msg("调研"))
    await dp.feed(msg("9"))
    assert await dp.feed(msg("10")) is UNHANDLED  # the dialog ended
    assert answers == ["9"]
