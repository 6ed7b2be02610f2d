"""JSON Schemas of the API and a checker for the subset request bodies use (object,
properties, required, additionalProperties, string, integer, boolean, array, enum, nullable,
maxLength, maxItems)."""
from __future__ import annotations

import re
from typing import Any, Mapping

from console.tokens import NAME_PATTERN

NO_NUL = "^[^\\u0000]*$"  # no database stores NUL in text

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


class SchemaError(ValueError):
    """The body does not match the schema; the message names the field."""


_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}


def check_body(schema: Mapping[str, Any], value: Any, where: str = "body") -> None:
    if value is None:
        if schema.get("nullable"):
            return
        raise SchemaError(f"{where} must not be null")
    kind = schema.get("type")
    if kind and (not isinstance(value, _TYPES[kind]) or (kind == "integer" and isinstance(value, bool))):
        raise SchemaError(f"{where} must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}")
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaError(f"{where} must be one of {', '.join(map(str, schema['enum']))}")
    if kind == "string":
        _check_string(schema, value, where)
    if kind == "array":
        if len(value) > schema.get("maxItems", 10**9):
            raise SchemaError(f"{where} must have at most {schema['maxItems']} items")
        for i, item in enumerate(value):
            check_body(schema.get("items", {}), item, f"{where}[{i}]")
    if kind == "object":
        _check_object(schema, value, where)


def _check_string(schema: Mapping[str, Any], value: str, where: str) -> None:
    if len(value) > schema.get("maxLength", 10**9):
        raise SchemaError(f"{where} must have at most {schema['maxLength']} characters")
    if len(value) < schema.get("minLength", 0):
        raise SchemaError(f"{where} must have at least {schema['minLength']} characters")
    if "pattern" in schema and not re.search(ecma_anchors(schema["pattern"]), value):
        raise SchemaError(f"{where} must match {schema['pattern']}")


def ecma_anchors(pattern: str) -> str:
    """JSON Schema patterns are ECMA regexes, whose final ``$`` matches only at the very end;
    Python's would also match before a trailing newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"\Z"
    return pattern


def _check_object(schema: Mapping[str, Any], value: dict, where: str) -> None:
    props = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            raise SchemaError(f"{where}.{name} is required")
    if schema.get("additionalProperties") is False:
        extra = sorted(set(value) - set(props))
        if extra:
            raise SchemaError(f"{where} has unknown fields: {', '.join(extra)}")
    if schema.get("minProperties") and len(value) < schema["minProperties"]:
        raise SchemaError(f"{where} must change at least one field")
    for name, sub in props.items():
        if name in value:
            check_body(sub, value[name], f"{where}.{name}")


def page_of(item: Mapping[str, Any]) -> dict[str, Any]:
    """The schema of a paginated list of ``item``."""
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": item},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


def nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


CHANNEL_REF = nullable({
    "type": "object",
    "required": ["id", "code", "name"],
    "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}},
})
DATETIME = {"type": "string", "format": "date-time"}

LEAD = {
    "type": "object",
    "required": ["id", "name", "company", "status", "tags", "first_channel", "last_channel", "owner", "consent", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "display_name": {"type": "string"},  # the name, else the platform id
        "company": {"type": "string"},
        "status": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "first_channel": CHANNEL_REF,
        "last_channel": CHANNEL_REF,
        "owner": nullable({"type": "object", "properties": {"userid": {"type": "string"}, "name": {"type": "string"}}}),
        "consent": {
            "type": "object",
            "properties": {"given": {"type": "boolean"}, "at": nullable(DATETIME), "version": {"type": "string"}},
        },
        "created_at": DATETIME,
        "updated_at": DATETIME,
        "identities": {
            "type": "array",
            "items": {"type": "object", "properties": {"kind": {"type": "string"}, "value": {"type": "string"}}},
        },
    },
}

LEAD_PATCH = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "name": {"type": "string", "maxLength": 128, "pattern": NO_NUL},
        "company": {"type": "string", "maxLength": 256, "pattern": NO_NUL},
        "status": {"type": "string", "enum": ["active", "mql", "sql", "customer", "nurture", "lost"]},
        "tags": {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 64, "pattern": NO_NUL}},
        "owner": nullable({"type": "string", "maxLength": 64, "pattern": NO_NUL}),
    },
}

EVENT = {
    "type": "object",
    "required": ["id", "kind", "direction", "occurred_at", "payload"],
    "properties": {
        "id": {"type": "integer"},
        "lead_id": nullable({"type": "integer"}),
        "channel_id": nullable({"type": "integer"}),
        "kind": {"type": "string"},
        "direction": {"type": "string"},
        "platform": {"type": "string"},
        "actor": {"type": "string"},
        "occurred_at": DATETIME,
        "payload": {"type": "object"},
    },
}

STAFF_USER = {
    "type": "object",
    "required": ["id", "username", "role", "active"],
    "properties": {
        "id": {"type": "integer"},
        "username": {"type": "string"},
        "display_name": {"type": "string"},
        "role": {"type": "string", "enum": ["admin", "marketer", "support", "sales"]},
        "wecom_userid": nullable({"type": "string"}),
        "active": {"type": "boolean"},
        "created_at": DATETIME,
        "last_login_at": nullable(DATETIME),
    },
}

USERNAME_PATTERN = "^[a-z0-9._@-]{1,64}$"

STAFF_USER_CREATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["username", "role", "password"],
    "properties": {
        "username": {"type": "string", "pattern": USERNAME_PATTERN},
        "role": {"type": "string", "enum": ["admin", "marketer", "support", "sales"]},
        "password": {"type": "string", "minLength": 10, "maxLength": 256, "pattern": "^[^ \\t\\r\\n](.*[^ \\t\\r\\n])?$"},
        "display_name": {"type": "string", "maxLength": 128, "pattern": NO_NUL},
        "wecom_userid": nullable({"type": "string", "maxLength": 64, "pattern": NO_NUL}),
    },
}

STAFF_USER_PATCH = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "role": {"type": "string", "enum": ["admin", "marketer", "support", "sales"]},
        "active": {"type": "boolean"},
        "display_name": {"type": "string", "maxLength": 128, "pattern": NO_NUL},
        "wecom_userid": nullable({"type": "string", "maxLength": 64, "pattern": NO_NUL}),
    },
}

TOKEN = {
    "type": "object",
    "required": ["id", "name", "role", "prefix"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "role": {"type": "string"},
        "prefix": {"type": "string"},
        "created_by": {"type": "string"},
        "created_at": DATETIME,
        "last_used_at": nullable(DATETIME),
        "revoked_at": nullable(DATETIME),
    },
}

TOKEN_CREATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "role"],
    "properties": {
        "name": {"type": "string", "pattern": NAME_PATTERN},
        "role": {"type": "string", "enum": ["admin", "marketer", "support"]},
    },
}

TOKEN_CREATED = {**TOKEN, "required": [*TOKEN["required"], "token"], "properties": {**TOKEN["properties"], "token": {"type": "string"}}}

AUDIT_ENTRY = {
    "type": "object",
    "required": ["id", "actor", "action", "at"],
    "properties": {
        "id": {"type": "integer"},
        "actor": {"type": "string"},
        "action": {"type": "string"},
        "target_type": {"type": "string"},
        "target_id": {"type": "string"},
        "before": {"nullable": True},
        "after": {"nullable": True},
        "at": DATETIME,
    },
}
