"""Safe parsing of callback bodies.

Callback XML never needs a DTD, so any ``<!DOCTYPE``/``<!ENTITY`` is refused before the parser
runs (an entity bomb costs a byte scan, not gigabytes); the expat handlers refuse them again in
case an encoding trick hides them from the scan. Everything wrong raises PayloadError, which
the transports answer with 400.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping
from xml.parsers import expat

from bot.events import Platform

MAX_DEPTH = 8
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class PayloadError(ValueError):
    """The body is not a well-formed, acceptable callback payload."""


def _refuse(*_args: Any) -> None:
    raise PayloadError("DTD and entity declarations are not accepted")


class _TreeBuilder:
    """Turns ``<xml><A>1</A><B><Item>x</Item><Item>y</Item></B></xml>`` into
    ``{"A": "1", "B": {"Item": ["x", "y"]}}``; repeated tags become lists."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, dict[str, Any], list[str]]] = []
        self.root: dict[str, Any] | None = None

    def start(self, tag: str, _attrs: dict[str, str]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise PayloadError("XML nested too deeply")
        self.stack.append((tag, {}, []))

    def text(self, data: str) -> None:
        if self.stack:
            self.stack[-1][2].append(data)

    def end(self, _tag: str) -> None:
        tag, children, texts = self.stack.pop()
        value: Any = children if children else "".join(texts).strip()
        if not self.stack:
            self.root = children
            return
        siblings = self.stack[-1][1]
        if tag in siblings:
            existing = siblings[tag]
            siblings[tag] = existing + [value] if isinstance(existing, list) else [existing, value]
        else:
            siblings[tag] = value


def parse_xml(body: bytes | str) -> dict[str, Any]:
    """Parse a flat-ish callback XML document into a dict of the root's children."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if _DECLARATION.search(raw):
        _refuse()
    builder = _TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        raise PayloadError(f"malformed XML: {exc}") from None
    if builder.root is None:
        raise PayloadError("empty XML document")
    return builder.root


def parse_json(body: bytes | str) -> dict[str, Any]:
    """Parse a JSON object; anything else (array, number, broken text) is a PayloadError."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PayloadError(f"malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise PayloadError("JSON body must be an object")
    return data


def as_list(value: Any) -> list[Any]:
    """A repeated XML element as a list, whether it appeared once, many times or not at all."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def text_of(xml: Mapping[str, Any], key: str) -> str:
    """A text element of a parsed callback ('' when absent or not text)."""
    value = xml.get(key, "")
    return value if isinstance(value, str) else ""


def event_base(xml: Mapping[str, Any], platform: Platform) -> dict[str, Any]:
    """The fields every typed event takes from a parsed XML callback."""
    return {"platform": platform, "create_time": as_int(xml.get("CreateTime")), "raw": xml}
