"""Database connection and schema migrations (Tortoise ORM's own migration engine).

SQLite runs in WAL mode (Tortoise's default pragma) with ``synchronous=NORMAL``: in WAL mode a
commit then needs no fsync (the WAL is synced at checkpoints), the database stays consistent
and a crashed process loses nothing; only a power cut can drop the last commits. A URL that
names ``synchronous`` itself keeps its choice. PostgreSQL through a ``postgres://`` URL.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Generic, Sequence, TextIO, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.context import require_context
from tortoise.exceptions import DBConnectionError
from tortoise.migrations.api.migrate import migrate as run_migrations

log = logging.getLogger(__name__)

MODEL_MODULES = ["models"]
MIGRATIONS_MODULE = "models.migrations"


SQLITE_PRAGMAS = {"synchronous": "NORMAL"}


def with_sqlite_pragmas(database_url: str) -> str:
    """``database_url`` with Siyu's SQLite pragmas as query parameters (Tortoise passes them
    to ``PRAGMA``), unless the URL sets them; other URLs unchanged."""
    if not database_url.startswith("sqlite://") or ":memory:" in database_url:
        return database_url
    query = database_url.split("?", 1)[1] if "?" in database_url else ""
    named = {part.split("=", 1)[0].lower() for part in query.split("&") if part}
    extra = [f"{k}={v}" for k, v in SQLITE_PRAGMAS.items() if k not in named]
    if not extra:
        return database_url
    return database_url + ("&" if query else "?" if "?" not in database_url else "") + "&".join(extra)


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for Siyu's one app, ``models``."""
    return {
        "connections": {"default": with_sqlite_pragmas(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)


async def migrate(database_url: str) -> None:
    """Bring the schema up to date, keeping existing data."""
    _ensure_sqlite_dir(database_url)
    await run_migrations(config=tortoise_config(database_url))
    await Tortoise.close_connections()


async def connect(database_url: str, *, upgrade: bool = True, tell: TextIO | None = None) -> None:
    """Connect (process-wide, so every request task sees it), migrating first by default.
    With ``tell`` (a command's stderr), say which database is used when it is new or empty."""
    path = _sqlite_file(database_url)
    new = path is not None and not path.exists()
    if upgrade:
        await migrate(database_url)
    _ensure_sqlite_dir(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    if tell is not None and (new or await _is_empty()):
        where = path if path is not None else database_url.split("@")[-1]
        print(f"note: using {'a new' if new else 'an empty'} database, {where} (set SIYU_DATABASE_URL or "
              f"--config FILE to use another; the demo writes demo.toml next to its database)", file=tell)


def _sqlite_file(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite://") or ":memory:" in database_url:
        return None
    return Path(database_url.removeprefix("sqlite://").split("?", 1)[0]).resolve()


async def _is_empty() -> bool:
    """No channel, lead or FAQ entry yet: what a command run against the wrong database sees."""
    from models import Channel, FaqEntryRecord, Lead

    for model in (Channel, Lead, FaqEntryRecord):
        if await model.exists():
            return False
    return True


async def disconnect() -> None:
    await Tortoise.close_connections()


# For Tortoise's own CLI when writing a new migration after a model change:
#   tortoise -c bot.database.TORTOISE_ORM makemigrations
TORTOISE_ORM = tortoise_config("sqlite://:memory:")


# --- group commit ---------------------------------------------------------------------------

T = TypeVar("T")
R = TypeVar("R")
Flush = Callable[[list[T]], Awaitable[list[R]]]


class GroupCommit(Generic[T, R]):
    """Writes from concurrent tasks committed together: everything submitted while a flush
    is running goes into the next one, so a busy server commits once per batch instead of
    once per row, and a quiet one writes at once. Each caller awaits its own result, so
    nothing is acknowledged before it is committed.

    ``flush`` gets the batch and returns one result per item, in order. When a batch fails,
    its items are retried one by one, so a bad item fails only its own caller; when the
    database itself failed (down, locked), every caller gets the error at once.
    """

    def __init__(self, flush: Flush, max_batch: int = 256) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._pending: list[tuple[T, asyncio.Future]] = []
        self._worker: asyncio.Task | None = None

    async def submit(self, item: T) -> R:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._worker is None or self._worker.done():
            # A fresh context: the flush must not run inside a caller's transaction.
            self._worker = asyncio.create_task(self._run(), context=contextvars.Context())
        return await future

    async def _run(self) -> None:
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                await self._commit(batch)
        except BaseException as exc:  # cancelled at shutdown: nobody waits for ever
            for _item, future in self._pending:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("write cancelled"))
            self._pending.clear()
            raise

    async def _commit(self, batch: list[tuple[T, asyncio.Future]]) -> None:
        try:
            results = await self._flush([item for item, _future in batch])
        except Exception as exc:  # noqa: BLE001 - handed to the callers
            if len(batch) > 1 and not database_unavailable(exc):
                for one in batch:
                    await self._commit([one])
                return
            for _item, future in batch:
                _settle(future, error=exc)
            return
        for (_item, future), result in zip(batch, results):
            _settle(future, result=result)


_UNAVAILABLE = ("database is locked", "database is busy", "connection", "starting up", "shutting down",
                "terminating", "timeout", "timed out")


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database as a whole failed (unreachable, restarting, locked,
    timed out), not one statement: retrying the batch's items one by one would only wait again."""
    for error in (exc, exc.__cause__, *(a for a in exc.args if isinstance(a, BaseException))):
        if isinstance(error, (OSError, TimeoutError, DBConnectionError)):
            return True
        if error is not None and any(s in str(error).lower() for s in _UNAVAILABLE):
            return True
    return False


def _settle(future: asyncio.Future, *, result: Any = None, error: Exception | None = None) -> None:
    if future.done():  # the caller was cancelled; the write stands
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def in_transaction_now() -> bool:
    """True inside ``in_transaction()``: writes there must join that transaction, not a batch."""
    return isinstance(default_client(), TransactionalDBClient)


def default_client() -> BaseDBAsyncClient:
    """The default connection as this task sees it: a transaction's inside ``in_transaction()``,
    the shared one elsewhere (group-commit flushes run in a fresh context, so they get that).
    Through the context directly, as Tortoise recommends: get_connection() re-imports per call."""
    return require_context().connections.get("default")


def insert_sql(client: BaseDBAsyncClient, table: str, columns: Sequence[str], rows: int, *,
               conflict: str | None = None, returning: str | None = None) -> str:
    """One multi-row INSERT of ``rows`` rows for SQLite or PostgreSQL, optionally skipping
    rows whose ``conflict`` column already holds the value, optionally RETURNING a column."""
    width = len(columns)
    if client.capabilities.dialect == "sqlite":
        groups = ["(" + ",".join("?" * width) + ")"] * rows
    else:
        groups = ["(" + ",".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(rows)]
    names = ",".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES {",".join(groups)}'
    if conflict:
        sql += f' ON CONFLICT ("{conflict}") DO NOTHING'
    if returning:
        sql += f' RETURNING "{returning}"'
    return sql
