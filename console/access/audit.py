"""The audit log: every change made by a staff user or API token."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from console.access.actors import Actor
from models import AuditEntry


async def record(
    actor: Actor,
    action: str,
    *,
    at: datetime,
    target_type: str = "",
    target_id: str | int = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. ``before``/``after`` are JSON-able snapshots of what changed."""
    return await AuditEntry.create(
        actor=actor.label,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=before,
        after=after,
        at=at,
    )
