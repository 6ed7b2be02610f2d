"""The actor behind a request: a signed-in staff user or an API token."""
from __future__ import annotations

from dataclasses import dataclass

from console.access.permissions import Role, allowed, sees_own_leads_only


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "token" | "cli" (the command line on the server)
    id: int
    name: str
    role: Role
    wecom_userid: str | None = None
    language: str = "zh"

    @property
    def label(self) -> str:
        """How the audit log names this actor: ``user:alice``, ``token:3:ci`` or ``cli``."""
        if self.kind == "token":
            return f"token:{self.id}:{self.name}"
        return "cli" if self.kind == "cli" else f"user:{self.name}"

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    @property
    def own_leads_only(self) -> bool:
        return sees_own_leads_only(self.role)


COMMAND_LINE = Actor("cli", 0, "cli", Role.ADMIN)
