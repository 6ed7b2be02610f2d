"""The FAQ entries in the database and the index built from them. The index is rebuilt when
the entries change (an edit, an import, a review action, in this process or another), so no
restart is needed."""
from __future__ import annotations

import logging
from typing import Iterable

from tortoise.transactions import in_transaction

from faq import FaqEntry, FaqIndex, entry_from_record, entry_to_record
from content.failures import clear_failure
from models import FaqEntryRecord

log = logging.getLogger(__name__)
RECORD_FIELDS = ("category", "question", "variants", "keywords", "rules", "answer", "scope", "active")


def answer_owner(entry_id: str) -> str:
    """How an entry's answer template is named in the template-failure record."""
    return f"faq:{entry_id}"


def record_entry(row: FaqEntryRecord) -> FaqEntry | None:
    """The FaqEntry a stored row describes (None, logged, if the row is invalid)."""
    entry, problems = entry_from_record({"id": row.id, **{f: getattr(row, f) for f in RECORD_FIELDS}}, test_render=False)
    if problems:
        log.warning("FAQ entry %s left out of the index: %s", row.id, "; ".join(problems))
    return entry


def entry_fields(entry: FaqEntry) -> dict:
    """The row fields for an entry."""
    record = entry_to_record(entry)
    record.setdefault("rules", [])
    return {f: record[f] for f in RECORD_FIELDS}


async def all_entries(active_only: bool = False) -> list[FaqEntry]:
    query = FaqEntryRecord.filter(active=True) if active_only else FaqEntryRecord.all()
    rows = await query.order_by("id")
    return [entry for entry in map(record_entry, rows) if entry is not None]


async def save_entries(entries: Iterable[FaqEntry], by: str) -> dict[str, int]:
    """Create or update entries by id, in one transaction (all or nothing). Unchanged entries
    are left alone, so importing the same file twice changes nothing."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with in_transaction():
        for entry in entries:
            fields = entry_fields(entry)
            row = await FaqEntryRecord.get_or_none(id=entry.id)
            if row is None:
                await FaqEntryRecord.create(id=entry.id, updated_by=by, **fields)
                counts["created"] += 1
            elif {f: getattr(row, f) for f in RECORD_FIELDS} == fields:
                counts["unchanged"] += 1
                continue
            else:
                row.update_from_dict({**fields, "updated_by": by})
                await row.save()
                counts["updated"] += 1
            await clear_failure(answer_owner(entry.id))  # saved after passing its test-render
    return counts


SIGNATURE_SQL = (
    "SELECT COUNT(*) AS n, SUM(CASE WHEN active THEN 1 ELSE 0 END) AS active, MAX(updated_at) AS last FROM faq_entry"
)


class FaqStore:
    """Holds the current index; ``index()`` rebuilds it when the stored entries changed
    (their number, how many are active, or the latest ``updated_at``: every save sets it)."""

    def __init__(self) -> None:
        self._index: FaqIndex | None = None
        self._signature: tuple | None = None

    async def _current_signature(self) -> tuple:
        """One aggregate query, so checking for changes stays cheap on every message."""
        rows = await FaqEntryRecord._meta.db.execute_query_dict(SIGNATURE_SQL)
        row = rows[0]
        return row["n"], row["active"] or 0, str(row["last"])

    async def index(self) -> FaqIndex:
        signature = await self._current_signature()
        if self._index is None or signature != self._signature:
            self._index = FaqIndex.build(await all_entries(active_only=True))
            self._signature = signature
        return self._index

    def invalidate(self) -> None:
        self._index = None
