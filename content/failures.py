"""Templates that failed while being sent: recorded for their authors, shown where they edit
the template, cleared when they save it again (after the save's test-render passed)."""
from __future__ import annotations

import logging
from datetime import datetime

from models import TemplateFailure

log = logging.getLogger(__name__)


async def record_failure(owner: str, message: str, at: datetime) -> None:
    """Remember the latest failure of ``owner``'s template (never raises: the customer's
    fallback text matters more than the record)."""
    try:
        row = await TemplateFailure.get_or_none(owner=owner[:128])
        if row is None:
            await TemplateFailure.create(owner=owner[:128], message=message[:2000], last_at=at)
        else:
            row.message, row.count, row.last_at = message[:2000], row.count + 1, at
            await row.save(update_fields=["message", "count", "last_at"])
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("could not record the template failure of %s", owner)


async def failure_of(owner: str) -> TemplateFailure | None:
    return await TemplateFailure.get_or_none(owner=owner[:128])


async def clear_failure(owner: str) -> None:
    await TemplateFailure.filter(owner=owner[:128]).delete()
