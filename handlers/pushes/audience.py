"""Who a campaign reaches: a segment's members and counts, through one SQL query each."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.database import default_client
from leads.segments import Filter, Query, members_query


def db_value(value: Any, dialect: str) -> Any:
    """A query parameter as the dialect compares it with stored values."""
    if isinstance(value, datetime) and dialect == "sqlite":
        return value.astimezone(timezone.utc).isoformat(sep=" ")  # as Tortoise stores it
    return value


async def run(query: Query) -> list[dict]:
    client = default_client()
    dialect = client.capabilities.dialect
    return await client.execute_query_dict(query.for_dialect(dialect), [db_value(v, dialect) for v in query.params])


async def segment_count(node: Filter, now: datetime) -> int:
    rows = await run(members_query(node, now, count=True))
    return int(rows[0]["n"])


async def segment_members(node: Filter, now: datetime, limit: int | None = None) -> list[int]:
    """Lead ids, in id order."""
    return [r["id"] for r in await run(members_query(node, now, limit=limit))]
