"""Who may read or change what: the one permission matrix of the console, the API and the
staff commands. Sales read and change only the leads assigned to them (``Lead.owner``)."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MARKETER = "marketer"
    SUPPORT = "support"
    SALES = "sales"


# Permission names are "<area>.<read|write|...>". Feature modules use the ones of their area.
PERMISSIONS: dict[str, str] = {
    "dashboard.read": "see the dashboard",
    "leads.read": "list and open leads",
    "leads.write": "change a lead's tags and fields",
    "leads.export": "export the lead list as CSV",
    "events.read": "list behaviour events",
    "channels.read": "see channels and their QR codes",
    "channels.write": "create and change channels",
    "faq.read": "see the FAQ",
    "faq.write": "change FAQ entries",
    "content.read": "see content and pushes",
    "content.write": "create content and schedule pushes",
    "surveys.read": "see surveys and their answers",
    "surveys.write": "create and change surveys",
    "staff.read": "list staff users",
    "staff.write": "create staff users and change their roles",
    "tokens.read": "list API tokens",
    "tokens.write": "create and revoke API tokens",
    "audit.read": "read the audit log",
    "settings.write": "change settings",
}

MATRIX: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(PERMISSIONS),
    Role.MARKETER: frozenset({
        "dashboard.read", "leads.read", "leads.write", "leads.export", "events.read",
        "channels.read", "channels.write", "faq.read", "faq.write",
        "content.read", "content.write", "surveys.read", "surveys.write",
    }),
    Role.SUPPORT: frozenset({
        "dashboard.read", "leads.read", "leads.write", "events.read",
        "channels.read", "faq.read", "faq.write", "content.read", "surveys.read",
    }),
    Role.SALES: frozenset({
        "dashboard.read", "leads.read", "leads.write", "events.read",
        "channels.read", "faq.read", "content.read",
    }),
}

# Roles that see only the leads they own.
OWN_LEADS_ONLY: frozenset[Role] = frozenset({Role.SALES})


def parse_role(value: str) -> Role:
    """The Role named ``value``; ValueError naming the valid roles otherwise."""
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r}; choose one of {', '.join(r.value for r in Role)}") from None


def allowed(role: Role | str, permission: str) -> bool:
    """Whether ``role`` holds ``permission``; an unknown permission is an error, so a typo
    cannot open a door."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return permission in MATRIX[Role(role)]


def sees_own_leads_only(role: Role | str) -> bool:
    return Role(role) in OWN_LEADS_ONLY


def matrix_markdown() -> str:
    """The matrix as a Markdown table (the README's copy is checked against it)."""
    roles = list(Role)
    lines = ["| permission | " + " | ".join(r.value for r in roles) + " |", "|---|" + "---|" * len(roles)]
    for name, meaning in PERMISSIONS.items():
        marks = " | ".join("✓" if name in MATRIX[r] else "" for r in roles)
        lines.append(f"| `{name}` ({meaning}) | {marks} |")
    return "\n".join(lines)
