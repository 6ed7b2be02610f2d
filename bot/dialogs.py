"""Multi-step dialogs (FAQ clarification, hand-over, surveys) as explicit finite-state
machines, persisted (database by default, Redis optional) so a restart or a second process
continues where the user left off. After aiogram 3's FSM.

A flow declares its states once::

    class Nps(StatesGroup, flow="nps"):
        score = State()
        reason = State()

handlers filter on them (``state(Nps.score)``, see ``bot.dispatcher``) and receive the
user's :class:`DialogContext` as ``dialog``: ``await dialog.goto(Nps.reason, ttl=600)``,
``await dialog.update(score=9)``, ``await dialog.data()``, ``await dialog.clear()``. A state
given a ``ttl`` expires on the app's clock: afterwards the user is in no dialog.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Protocol

from bot.clock import Clock
from bot.dispatcher import Data, NextHandler
from bot.events import Event
from models import DialogState


class State:
    """One named state of a flow (``flow.attribute``), declared on a :class:`StatesGroup`."""

    def __init__(self) -> None:
        self.name = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<State {self.name}>"


class StatesGroup:
    """The states of one flow: ``class Faq(StatesGroup, flow="faq"): clarify = State()``."""

    flow = ""
    states: tuple[State, ...] = ()

    def __init_subclass__(cls, flow: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.flow = flow or cls.__name__.lower()
        found = tuple(v for v in vars(cls).values() if isinstance(v, State))
        for declared in found:
            declared.name = f"{cls.flow}.{declared.attribute}"
        cls.states = found


StateLike = State | str


def state_name(value: StateLike | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class DialogRecord:
    """A user's place in a dialog: the state, its data, and when it expires (clock seconds)."""

    state: str
    data: dict[str, Any] = field(default_factory=dict)
    expires_at: float | None = None


class DialogStorage(Protocol):
    """Where dialog records live, keyed by the event's user key."""

    async def load(self, key: str) -> DialogRecord | None: ...

    async def save(self, key: str, record: DialogRecord) -> None: ...

    async def delete(self, key: str) -> None: ...


class DatabaseDialogStorage:
    """Dialog records in the ``dialog_state`` table (the default)."""

    async def load(self, key: str) -> DialogRecord | None:
        row = await DialogState.get_or_none(user_key=key)
        return DialogRecord(row.state, dict(row.data), row.expires_at) if row else None

    async def save(self, key: str, record: DialogRecord) -> None:
        await DialogState.update_or_create(
            defaults={"state": record.state, "data": record.data, "expires_at": record.expires_at}, user_key=key
        )

    async def delete(self, key: str) -> None:
        await DialogState.filter(user_key=key).delete()


class RedisDialogStorage:
    """Dialog records in Redis (one JSON value per user), for deployments sharing one Redis."""

    KEEP = 30 * 86400  # seconds an untouched record stays (expiry itself is on the app's clock)

    def __init__(self, redis: Any, prefix: str = "siyu:dialog:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def load(self, key: str) -> DialogRecord | None:
        raw = await self.redis.get(self.prefix + key)
        if raw is None:
            return None
        value = json.loads(raw)
        return DialogRecord(value["state"], value.get("data") or {}, value.get("expires_at"))

    async def save(self, key: str, record: DialogRecord) -> None:
        value = {"state": record.state, "data": record.data, "expires_at": record.expires_at}
        await self.redis.set(self.prefix + key, json.dumps(value, ensure_ascii=False), ex=self.KEEP)

    async def delete(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)


_UNREAD = object()


class DialogContext:
    """One user's dialog for the event being handled. Reads the storage at most once per
    event; every change is written at once."""

    def __init__(self, storage: DialogStorage, key: str, clock: Clock) -> None:
        self.storage = storage
        self.key = key
        self.clock = clock
        self._record: Any = _UNREAD

    async def record(self) -> DialogRecord | None:
        """The current record; an expired one is deleted and reads as no dialog."""
        if self._record is _UNREAD:
            record = await self.storage.load(self.key)
            if record is not None and record.expires_at is not None and record.expires_at <= self.clock.time():
                await self.storage.delete(self.key)
                record = None
            self._record = record
        return self._record

    async def state(self) -> str | None:
        """The current state's name, or None outside any dialog."""
        record = await self.record()
        return record.state if record else None

    async def data(self) -> dict[str, Any]:
        record = await self.record()
        return dict(record.data) if record else {}

    async def get(self, name: str, default: Any = None) -> Any:
        return (await self.data()).get(name, default)

    async def goto(self, state: StateLike, *, data: dict[str, Any] | None = None,
                   ttl: float | timedelta | None = None) -> None:
        """Move to ``state`` (keeping the data unless ``data`` replaces it); with ``ttl`` the
        state expires that long from now."""
        current = await self.record()
        seconds = ttl.total_seconds() if isinstance(ttl, timedelta) else ttl
        record = DialogRecord(
            str(state),
            dict(data) if data is not None else (dict(current.data) if current else {}),
            self.clock.time() + seconds if seconds is not None else None,
        )
        await self._write(record)

    async def update(self, **values: Any) -> dict[str, Any]:
        """Merge ``values`` into the data (in the current state); returns the new data."""
        current = await self.record()
        if current is None:
            raise LookupError("no dialog in progress: goto a state first")
        record = replace(current, data={**current.data, **values})
        await self._write(record)
        return dict(record.data)

    async def clear(self) -> None:
        """End the dialog."""
        await self.storage.delete(self.key)
        self._record = None

    async def _write(self, record: DialogRecord) -> None:
        await self.storage.save(self.key, record)
        self._record = record


def dialog_middleware(storage: DialogStorage, clock: Clock):
    """Outer middleware: the user's :class:`DialogContext` as ``dialog``, for state filters
    and handlers."""

    async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
        data["dialog"] = DialogContext(storage, event.user_key, clock)
        return await handler(event, data)

    return middleware
