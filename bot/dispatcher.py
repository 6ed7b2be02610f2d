"""Routers, filters, middlewares and the dispatcher, after aiogram 3.

- Each feature module owns a :class:`Router` and registers handlers on it with filters; a
  feature's routers form a tree (``include_router``) whose order is written down, not the
  accident of which module was imported first.
- The :class:`Dispatcher` holds the feature routers, outer middlewares (around the whole
  dispatch: dedup, lead resolution, behaviour logging) and inner middlewares (around a matched
  handler: timing).
- A handler is an async function; its first parameter receives the typed event, every other
  parameter is filled by name from the dispatch data (services, the lead, the responder...).
- One user's events run one at a time and in order; different users run concurrently.
- An exception in a handler goes to the error handler, which logs it; serving goes on.
"""
from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Mapping

from bot.events import ChatKind, Event, Message, TextMessage

log = logging.getLogger(__name__)

Data = dict[str, Any]
Handler = Callable[..., Awaitable[Any]]
NextHandler = Callable[[Event, Data], Awaitable[Any]]
Middleware = Callable[[NextHandler, Event, Data], Awaitable[Any]]
FilterResult = bool | Mapping[str, Any] | None
Filter = Callable[[Event, Data], FilterResult | Awaitable[FilterResult]]
ErrorHandler = Callable[[Event, BaseException, Data], Awaitable[None]]

UNHANDLED = object()  # returned when no handler matched


# --- filters ------------------------------------------------------------------------------


def text(
    *,
    equals: str | Iterable[str] | None = None,
    contains: str | Iterable[str] | None = None,
    regex: str | re.Pattern[str] | None = None,
    ignore_case: bool = True,
) -> Filter:
    """Match a TextMessage by exact text, substring or regex. A regex match is passed to the
    handler as ``match``."""

    def as_set(v: str | Iterable[str] | None) -> tuple[str, ...]:
        if v is None:
            return ()
        items = (v,) if isinstance(v, str) else tuple(v)
        return tuple(i.casefold() if ignore_case else i for i in items)

    exact, parts = as_set(equals), as_set(contains)
    pattern = re.compile(regex, re.IGNORECASE if ignore_case else 0) if isinstance(regex, str) else regex

    def check(event: Event, data: Data) -> FilterResult:
        if not isinstance(event, TextMessage):
            return False
        content = event.content.strip()
        folded = content.casefold() if ignore_case else content
        if exact and folded not in exact:
            return False
        if parts and not any(p in folded for p in parts):
            return False
        if pattern is not None:
            m = pattern.search(content)
            return {"match": m} if m else False
        return True

    return check


def chat(*kinds: ChatKind | str) -> Filter:
    """Match messages from these chat kinds."""
    wanted = {ChatKind(k) for k in kinds}

    def check(event: Event, data: Data) -> bool:
        return isinstance(event, Message) and event.chat in wanted

    return check


def platform(*names: str) -> Filter:
    wanted = set(names)

    def check(event: Event, data: Data) -> bool:
        return event.platform in wanted

    return check


def state(*states: Any) -> Filter:
    """Match the user's dialog state: a ``bot.dialogs.State`` or its name (``None`` = no
    dialog in progress), read through the event's dialog context (``dialog``)."""
    wanted = {None if s is None else str(s) for s in states}

    async def check(event: Event, data: Data) -> FilterResult:
        dialog = data.get("dialog")
        current = await dialog.state() if dialog is not None else None
        return current in wanted

    return check


def customers_only(event: Event, data: Data) -> bool:
    """Match events whose sender is a customer (they carry an identity)."""
    return event.identity is not None


# --- routing ------------------------------------------------------------------------------


@dataclass
class HandlerSpec:
    callback: Handler
    event_types: tuple[type[Event], ...]
    filters: tuple[Filter, ...]
    params: tuple[str, ...] = field(init=False)
    takes_kwargs: bool = field(init=False)

    def __post_init__(self) -> None:
        sig = inspect.signature(self.callback)
        names = list(sig.parameters)
        self.params = tuple(names[1:])
        self.takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())

    async def check(self, event: Event, data: Data) -> Data | None:
        if not isinstance(event, self.event_types):
            return None
        extra: Data = {}
        for flt in self.filters:
            result = flt(event, {**data, **extra} if extra else data)
            if inspect.isawaitable(result):
                result = await result
            if not result:
                return None
            if isinstance(result, Mapping):
                extra.update(result)
        return extra

    async def call(self, event: Event, data: Data) -> Any:
        if self.takes_kwargs:
            return await self.callback(event, **data)
        missing = [p for p in self.params if p not in data]
        if missing:
            raise TypeError(f"handler {self.callback.__qualname__} asks for {missing}, which the dispatcher does not provide")
        return await self.callback(event, **{p: data[p] for p in self.params})


class Router:
    """A feature's handlers. Handlers are tried in registration order, then the included
    routers' in the order they were included; the first whose event type and filters all
    match handles the event."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: list[HandlerSpec] = []
        self.sub_routers: list[Router] = []

    def include_router(self, *routers: Router) -> Router:
        """Include sub-routers (tried after this router's own handlers, in this order)."""
        for router in routers:
            if router is self or router in self.tree():
                raise ValueError(f"router {router.name} is already in {self.name}")
            self.sub_routers.append(router)
        return self

    def tree(self) -> list[Router]:
        """This router and every included router, in the order their handlers are tried."""
        return [self, *(r for sub in self.sub_routers for r in sub.tree())]

    def on(self, *event_types: type[Event], filters: Iterable[Filter] = ()) -> Callable[[Handler], Handler]:
        """Register a handler for these event types, with filters."""
        types = event_types or (Event,)

        def register(callback: Handler) -> Handler:
            if not inspect.iscoroutinefunction(callback):
                raise TypeError(f"handler {callback.__qualname__} must be async")
            self.handlers.append(HandlerSpec(callback, types, tuple(filters)))
            return callback

        return register

    def message(self, *filters: Filter) -> Callable[[Handler], Handler]:
        """Shorthand for text messages."""
        return self.on(TextMessage, filters=filters)


class UserSerializer:
    """One user's events one at a time, in arrival order; other users concurrently."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def run(self, key: str, job: Callable[[], Awaitable[Any]]) -> Any:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:  # asyncio.Lock wakes waiters first-in first-out
                return await job()
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


async def log_error(event: Event, error: BaseException, data: Data) -> None:
    log.error("handler failed for %s %s", type(event).__name__, event.dedup_key, exc_info=error)


class Dispatcher:
    """Routes typed events through middlewares to the first matching handler."""

    def __init__(self, services: Mapping[str, Any] | None = None, error_handler: ErrorHandler = log_error) -> None:
        self.routers: list[Router] = []
        self.outer: list[Middleware] = []
        self.inner: list[Middleware] = []
        self.services: dict[str, Any] = dict(services or {})
        self.error_handler = error_handler
        self.serializer = UserSerializer()
        self._chains: dict[tuple, NextHandler] = {}  # built once per middleware list, not per event

    def include(self, *routers: Router) -> None:
        """Add router trees, flattened once here (so routing walks one list); include
        sub-routers before the tree is added."""
        for router in routers:
            self.routers.extend(router.tree())

    def outer_middleware(self, mw: Middleware) -> Middleware:
        self.outer.append(mw)
        return mw

    def inner_middleware(self, mw: Middleware) -> Middleware:
        self.inner.append(mw)
        return mw

    async def feed(self, event: Event, **extra: Any) -> Any:
        """Handle one event (in its user's order). Returns the handler's result, or UNHANDLED.
        Errors are passed to the error handler and re-raised for the transport only when
        ``raise_errors`` is in extra."""
        data: Data = {**self.services, **extra, "event": event}
        return await self.serializer.run(event.user_key, lambda: self._dispatch(event, data))

    async def _dispatch(self, event: Event, data: Data) -> Any:
        try:
            return await self._chain(self.outer, self._route)(event, data)
        except Exception as exc:  # noqa: BLE001 - the error handler decides; serving goes on
            await self.error_handler(event, exc, data)
            if data.get("raise_errors"):
                raise
            return UNHANDLED

    async def _route(self, event: Event, data: Data) -> Any:
        for router in self.routers:
            for spec in router.handlers:
                extra = await spec.check(event, data)
                if extra is None:
                    continue
                merged = {**data, **extra, "handler": spec}
                return await self._chain(self.inner, spec.call)(event, merged)
        log.info("no handler for %s (%s)", type(event).__name__, event.dedup_key)
        return UNHANDLED

    def _chain(self, middlewares: list[Middleware], last: NextHandler) -> NextHandler:
        """``last`` wrapped in ``middlewares``, built once for each middleware list."""
        key = (last, *middlewares)
        chain = self._chains.get(key)
        if chain is None:
            chain = last
            for mw in reversed(middlewares):
                chain = _wrap(mw, chain)
            self._chains[key] = chain
        return chain


def _wrap(mw: Middleware, nxt: NextHandler) -> NextHandler:
    return functools.partial(mw, nxt)  # no coroutine of its own: one frame less per await
