"""JSON Schemas for the API: a checker for the subset request bodies use (object,
properties, required, additionalProperties, string, integer, boolean, array, enum, nullable,
maxLength, maxItems), the one serialiser of responses (:func:`to_json`), and the shapes every
endpoint shares (errors, pages of items). Each owner declares its resources' request and
response schemas side by side."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Mapping

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


DATETIME = {"type": "string", "format": "date-time"}


def to_json(schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` as ``schema`` describes it, the one way responses are written: an object
    takes each of its properties from the key (of a mapping) or attribute (of a row or
    record) of that name, leaving out one the value lacks; dates and times become ISO 8601;
    nothing outside the schema goes out."""
    if value is None:
        return None
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        out = {}
        for name, sub in schema["properties"].items():
            if isinstance(value, Mapping):
                if name in value:
                    out[name] = to_json(sub, value[name])
            elif hasattr(value, name):
                out[name] = to_json(sub, getattr(value, name))
        return out
    if kind == "array":
        return [to_json(schema.get("items", {}), item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
