"""The actor behind a request: a signed-in staff user or an API token."""
from __future__ import annotations

from dataclasses import dataclass

from console.permissions import Role, allowed, sees_own_leads_only


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "token"
    id: int
    name: str
    role: Role
    wecom_userid: str | None = None
    language: str = "zh"

    @property
    def label(self) -> str:
        """How the audit log names this actor, e.g. ``user:alice`` or ``token:3:ci``."""
        return f"user:{self.name}" if self.kind == "user" else f"token:{self.id}:{self.name}"

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    @property
    def own_leads_only(self) -> bool:
        return sees_own_leads_only(self.role)
