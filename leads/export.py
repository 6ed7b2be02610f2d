"""Writing the behaviour log out, each row standing on its own: it carries the lead's platform
identities and channel code, not just internal ids."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import datetime
from typing import IO, Any, AsyncIterator

from models import BehaviourEvent, LeadIdentity

COLUMNS = (
    "id", "occurred_at", "kind", "direction", "platform", "actor", "lead_id",
    "external_userid", "openid", "unionid", "channel", "payload",
)
PAGE = 1000


async def _identities(lead_ids: set[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = defaultdict(dict)
    if lead_ids:
        for row in await LeadIdentity.filter(lead_id__in=lead_ids).order_by("id"):
            found[row.lead_id].setdefault(row.kind, row.value)
    return found


async def event_rows(since: datetime | None = None) -> AsyncIterator[dict[str, Any]]:
    """Behaviour events, oldest first, as flat dicts (paged, so any size streams)."""
    last_id = 0
    while True:
        query = BehaviourEvent.filter(id__gt=last_id).order_by("id").limit(PAGE).select_related("channel")
        if since is not None:
            query = query.filter(occurred_at__gte=since)
        page = await query
        if not page:
            return
        idents = await _identities({e.lead_id for e in page if e.lead_id})
        for e in page:
            ids = idents.get(e.lead_id or 0, {})
            yield {
                "id": e.id,
                "occurred_at": e.occurred_at.isoformat(),
                "kind": e.kind,
                "direction": e.direction,
                "platform": e.platform,
                "actor": e.actor,
                "lead_id": e.lead_id,
                "external_userid": ids.get("external_userid", ""),
                "openid": ids.get("openid", ""),
                "unionid": ids.get("unionid", ""),
                "channel": e.channel.code if e.channel else "",
                "payload": e.payload,
            }
        last_id = page[-1].id


async def export_events(out: IO[str], *, since: datetime | None = None, fmt: str = "jsonl") -> int:
    """Write events as JSON lines or CSV (UTF-8 with a BOM, as Excel on Chinese Windows needs
    to read it; the columns are the JSON keys); returns the number of rows."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown format {fmt!r}: use jsonl or csv")
    writer = csv.DictWriter(out, fieldnames=COLUMNS) if fmt == "csv" else None
    if writer:
        out.write("\ufeff")
        writer.writeheader()
    count = 0
    async for row in event_rows(since):
        if writer:
            writer.writerow({**row, "payload": json.dumps(row["payload"], ensure_ascii=False)})
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
