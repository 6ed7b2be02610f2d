"""One API call as the rule modules see it, and the field checks they share."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from . import errcodes as E
from .errcodes import PlatformError


@dataclass
class ApiCall:
    api: str  # "wecom/externalcontact/add_contact_way"
    body: dict[str, Any] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    scope: str = ""  # the access token's scope: wecom:app | wecom:contact | wechat

    def get(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default)


def text_len(value: str) -> int:
    """WeCom counts "字符" as characters."""
    return len(value)


def byte_len(value: str) -> int:
    return len(value.encode("utf-8"))


def optional_str(call: ApiCall, name: str, max_chars: int | None = None) -> str:
    value = call.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlatformError(E.INVALID_PARAMETER, f"{name} must be a string")
    if max_chars is not None and text_len(value) > max_chars:
        raise PlatformError(E.PARAMETER_OUT_OF_RANGE, f"{name} exceeds {max_chars} characters")
    return value


def required_str(call: ApiCall, name: str, code: int = E.EMPTY_PARAMETER) -> str:
    value = call.get(name)
    if not isinstance(value, str) or not value:
        raise PlatformError(code, f"{name} is required")
    return value


def str_list(call: ApiCall, name: str, max_items: int | None = None) -> list[str]:
    value = call.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PlatformError(E.INVALID_PARAMETER, f"{name} must be a list of strings")
    if max_items is not None and len(value) > max_items:
        raise PlatformError(E.PARAMETER_OUT_OF_RANGE, f"{name} has more than {max_items} items")
    return list(value)


def int_field(call: ApiCall, name: str, allowed: tuple[int, ...] | None = None, default: int | None = None) -> int:
    value = call.get(name, default)
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise PlatformError(E.INVALID_PARAMETER, f"{name} must be an integer")
    if allowed is not None and value not in allowed:
        raise PlatformError(E.INVALID_PARAMETER, f"{name} must be one of {allowed}")
    return value


def text_content(call: ApiCall, max_bytes: int, required: bool = True) -> str:
    """``text.content`` of a message body."""
    text = call.get("text") or {}
    content = text.get("content", "") if isinstance(text, dict) else ""
    if not isinstance(content, str):
        raise PlatformError(E.INVALID_PARAMETER, "text.content must be a string")
    if required and not content:
        raise PlatformError(E.EMPTY_TEXT)
    if byte_len(content) > max_bytes:
        raise PlatformError(E.CONTENT_TOO_LONG, f"text.content exceeds {max_bytes} bytes")
    return content


CLIENT_MSGID = re.compile(r"^[0-9a-zA-Z_-]{1,32}$")
