"""The audit log: every change made by a staff user, an API token, the command line or a
WeCom member in the chat (commands, card buttons)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from console.access.actors import COMMAND_LINE, Actor
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


async def record_cli(action: str, *, target_type: str = "", target_id: str | int = "", before: Any = None,
                     after: Any = None) -> AuditEntry:
    """A change made from the command line on the server (actor ``cli``)."""
    return await record(COMMAND_LINE, action, at=datetime.now(timezone.utc), target_type=target_type,
                        target_id=target_id, before=before, after=after)


async def record_chat(userid: str, name: str, action: str, *, at: datetime, target_type: str = "",
                      target_id: str | int = "", before: Any = None, after: Any = None) -> AuditEntry:
    """A change a WeCom member made in the chat (actor ``wecom:USERID:NAME``)."""
    return await AuditEntry.create(actor=f"wecom:{userid}:{name}", action=action, target_type=target_type,
                                   target_id=str(target_id), before=before, after=after, at=at)


def who(label: str, t: Callable[..., str]) -> str:
    """An actor label as a person reads it: the user's name, the API token's name, 命令行,
    the WeCom member's name and userid."""
    kind, _, rest = label.partition(":")
    if kind == "user":
        return rest
    if kind == "token":
        return t("audit.by_token", name=rest.partition(":")[2] or rest)
    if kind == "wecom":
        userid, _, name = rest.partition(":")
        return t("audit.by_wecom", name=name or userid, userid=userid)
    return t("audit.by_cli") if kind == "cli" else label


def summary(entry: dict[str, Any], t: Callable[..., str], label: Callable[[str], str | None]) -> str:
    """One sentence for an audit entry: what was done to what, and what changed (field:
    before → after), in the reader's language. ``label(msgid)`` is a message or None."""
    action = label(f"audit.action.{entry['action']}")  # names its object: 修改线索, 归档渠道…
    if action is None:
        action = " ".join(filter(None, (entry["action"], label(f"audit.target.{entry['target_type']}"))))
    target = str(entry["target_id"] or "")
    target = f"#{target}" if target.isdigit() else target if len(target) < 40 else ""
    head = f"{action} {target}".strip()
    changes = _changes(entry["before"], entry["after"], label)
    return head + (t("audit.changes", changes="；".join(changes)) if changes else "")


def _changes(before: Any, after: Any, label: Callable[[str], str | None]) -> list[str]:
    if not isinstance(after, dict):
        return [] if before is None and after is None else [f"{_shown(before)} → {_shown(after)}"]
    before = before if isinstance(before, dict) else {}
    out = []
    for key, value in after.items():
        if key in before and before[key] == value:
            continue
        name = label(f"audit.field.{key}") or key
        shown = _labelled(key, value, label)
        out.append(f"{name}：{_labelled(key, before[key], label)} → {shown}" if key in before else f"{name}：{shown}")
    return out[:8]


def _labelled(key: str, value: Any, label: Callable[[str], str | None]) -> str:
    """A coded value by its label where the catalogue has one (``stage.sql`` → SQL（销售认可）)."""
    return (isinstance(value, str) and value and label(f"{key}.{value}")) or _shown(value)


def _shown(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value[:10]) + ("…" if len(value) > 10 else "")
    if isinstance(value, dict):
        return "、".join(f"{k} {_shown(v)}" for k, v in list(value.items())[:6])
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"
