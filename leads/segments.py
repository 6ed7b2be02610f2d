"""Segments: filters over leads as a small tree, parsed from what a marketer writes and
compiled to ONE SQL query (SQLite or PostgreSQL). Pure: no database here.

A filter is a mapping with one key. ``all``/``any`` take a list of filters, ``not`` one;
the leaves are::

    tag: 化工            channel: expo-2026        stage: mql
    industry: 化工       region: 江苏              company_size: 200-999
    in_group: wrGroup001  consented: true           active_within_days: 30
    opened: pp-whitepaper                           not_opened: pp-whitepaper

A leaf's value may be a list: any of them matches. Every segment reaches only active leads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Sequence, Union

ATTRIBUTE_LEAVES = ("stage", "industry", "region", "company_size")
COMPANY_SIZES = ("1-49", "50-199", "200-999", "1000+")
STAGES = ("lead", "mql", "sql", "customer")


class SegmentError(ValueError):
    """A filter that does not describe a segment; the message says where."""


@dataclass(frozen=True)
class Leaf:
    """One condition: ``field`` is one of the leaf names, ``values`` any of which matches."""

    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class All:
    parts: tuple["Filter", ...]


@dataclass(frozen=True)
class Any_:
    parts: tuple["Filter", ...]


@dataclass(frozen=True)
class Not:
    part: "Filter"


Filter = Union[Leaf, All, Any_, Not]

_LIST_LEAVES = ("tag", "channel", "in_group", "opened", "not_opened", *ATTRIBUTE_LEAVES)
LEAVES = (*_LIST_LEAVES, "consented", "active_within_days")


def parse(raw: Any, where: str = "segment") -> Filter:
    """The filter tree of ``raw`` (a mapping as YAML or JSON gives it)."""
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise SegmentError(f"{where}: a filter is a mapping with exactly one key, e.g. {{tag: 化工}}; got {raw!r}")
    (key, value), = raw.items()
    here = f"{where}.{key}"
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise SegmentError(f"{here}: needs a non-empty list of filters")
        parts = tuple(parse(p, f"{here}[{i}]") for i, p in enumerate(value))
        return All(parts) if key == "all" else Any_(parts)
    if key == "not":
        return Not(parse(value, here))
    if key == "consented":
        if not isinstance(value, bool):
            raise SegmentError(f"{here}: must be true or false")
        return Leaf(key, (value,))
    if key == "active_within_days":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SegmentError(f"{here}: must be a whole number of days >= 1")
        return Leaf(key, (value,))
    if key not in _LIST_LEAVES:
        raise SegmentError(f"{here}: unknown filter; use one of {', '.join(('all', 'any', 'not', *LEAVES))}")
    values = tuple(value) if isinstance(value, list) else (value,)
    if not values or not all(isinstance(v, (str, int)) and not isinstance(v, bool) and str(v) for v in values):
        raise SegmentError(f"{here}: needs a name or a list of names")
    values = tuple(str(v) for v in values)
    if key == "stage" and not set(values) <= set(STAGES):
        raise SegmentError(f"{here}: stage is one of {', '.join(STAGES)}")
    if key == "company_size" and not set(values) <= set(COMPANY_SIZES):
        raise SegmentError(f"{here}: company_size is one of {', '.join(COMPANY_SIZES)}")
    return Leaf(key, values)


# --- compiling -------------------------------------------------------------------------------

_EXISTS = {
    "tag": 'SELECT 1 FROM "lead_tag" t WHERE t."lead_id" = l."id" AND t."name" IN ({})',
    "channel": ('SELECT 1 FROM "channel" c WHERE c."code" IN ({}) AND (c."id" = l."first_channel_id" OR EXISTS '
                '(SELECT 1 FROM "channel_touch" ct WHERE ct."lead_id" = l."id" AND ct."channel_id" = c."id"))'),
    "in_group": ('SELECT 1 FROM "group_membership" g WHERE g."lead_id" = l."id" AND g."left_at" IS NULL '
                 'AND g."chat_id" IN ({})'),
    "opened": ('SELECT 1 FROM "tracked_link" k JOIN "content_item" i ON i."id" = k."item_id" WHERE '
               'k."lead_id" = l."id" AND k."first_opened_at" IS NOT NULL AND i."slug" IN ({})'),
    **{name: f'SELECT 1 FROM "lead_attributes" a WHERE a."lead_id" = l."id" AND a."{name}" IN ({{}})'
       for name in ATTRIBUTE_LEAVES},
}
_CONSENTED = ('(l."consent_at" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "lead_profile" p WHERE p."lead_id" = l."id" '
              'AND (p."unsubscribed_at" IS NOT NULL OR p."erased_at" IS NOT NULL)))')
_ACTIVE = ('EXISTS (SELECT 1 FROM "behaviour_event" e WHERE e."lead_id" = l."id" AND e."direction" = \'inbound\' '
           'AND e."occurred_at" >= ?)')


@dataclass(frozen=True)
class Query:
    """SQL with ``?`` placeholders (``for_dialect`` numbers them for PostgreSQL) and its values."""

    sql: str
    params: tuple[Any, ...]

    def for_dialect(self, dialect: str) -> str:
        if dialect == "sqlite":
            return self.sql
        pieces = self.sql.split("?")
        return pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))


def where(node: Filter, now: datetime) -> Query:
    """The condition on lead ``l`` that ``node`` describes; ``now`` anchors 'last active'."""
    if isinstance(node, (All, Any_)):
        parts = [where(p, now) for p in node.parts]
        joiner = " AND " if isinstance(node, All) else " OR "
        return Query("(" + joiner.join(p.sql for p in parts) + ")", tuple(v for p in parts for v in p.params))
    if isinstance(node, Not):
        inner = where(node.part, now)
        return Query(f"NOT {inner.sql}", inner.params)
    if node.field == "consented":
        return Query(_CONSENTED if node.values[0] else f"NOT {_CONSENTED}", ())
    if node.field == "active_within_days":
        return Query(_ACTIVE, (now - timedelta(days=node.values[0]),))
    if node.field == "not_opened":
        return where(Not(Leaf("opened", node.values)), now)
    marks = ", ".join("?" * len(node.values))
    return Query(f"EXISTS ({_EXISTS[node.field].format(marks)})", node.values)


def members_query(node: Filter, now: datetime, *, count: bool = False, limit: int | None = None) -> Query:
    """One query for the ids of the segment's active leads (or their number)."""
    cond = where(node, now)
    head = 'SELECT COUNT(*) AS n' if count else 'SELECT l."id"'
    sql = f'{head} FROM "lead" l WHERE l."status" = \'active\' AND {cond.sql}'
    if not count:
        sql += ' ORDER BY l."id"'
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return Query(sql, cond.params)


def union(nodes: Sequence[Filter]) -> Filter:
    """The leads of any of ``nodes`` (a campaign's audience of several segments)."""
    return nodes[0] if len(nodes) == 1 else Any_(tuple(nodes))
