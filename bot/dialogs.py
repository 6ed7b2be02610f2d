"""Multi-step dialogs (surveys, sign-up) as explicit state machines persisted in the database,
so a restart or a second process continues where the user left off."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models import DialogState


@dataclass(frozen=True)
class DialogSnapshot:
    state: str
    data: dict[str, Any] = field(default_factory=dict)


class Dialogs:
    """Read and move a user's dialog state (keyed by the event's user_key)."""

    async def get(self, user_key: str) -> DialogSnapshot | None:
        row = await DialogState.get_or_none(user_key=user_key)
        return DialogSnapshot(row.state, dict(row.data)) if row else None

    async def set(self, user_key: str, state: str, data: dict[str, Any] | None = None) -> None:
        await DialogState.update_or_create(
            defaults={"state": state, "data": data or {}}, user_key=user_key
        )

    async def clear(self, user_key: str) -> None:
        await DialogState.filter(user_key=user_key).delete()
