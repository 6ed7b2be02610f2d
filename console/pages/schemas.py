"""The request and response schemas of the console's own API resources: leads, behaviour
events, staff users, tokens and audit entries. Responses are written from them with
:func:`console.kit.schemas.to_json`, so the OpenAPI document says what is sent."""
from __future__ import annotations

from console.access.tokens import NAME_PATTERN
from console.kit.schemas import DATETIME, NO_NUL, nullable

CHANNEL_REF = nullable({
    "type": "object",
    "required": ["id", "code", "name"],
    "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}},
})

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
            "items": {
                "type": "object",
                "properties": {"kind": {"type": "string"}, "value": {"type": "string"}, "created_at": DATETIME},
            },
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
