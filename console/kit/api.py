"""The API runtime: bearer-token auth, permission checks, parameter and body parsing, and
one JSON error shape ``{"error": {"code": "...", "message": "..."}}`` for every failure."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

from aiohttp import web

from console.access import audit
from console.access.actors import Actor
from console.kit.registry import Endpoint, Param
from console.kit.schemas import SchemaError, check_body
from console.access.tokens import token_actor

if TYPE_CHECKING:
    from console.kit.app import Console

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An API failure with its HTTP status and machine-readable code."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status, headers=headers)


HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


def api_route(handler):
    """Wrap an API handler so every failure answers in the one JSON error shape."""

    async def view(request: web.Request) -> web.StreamResponse:
        return await _guarded(request, handler)

    return view


async def _guarded(request: web.Request, handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return error_response(exc.status, HTTP_CODES.get(exc.status, "http_error"), exc.reason, headers)
    except Exception:  # noqa: BLE001 - the client gets a clean 500, the log gets the trace
        log.exception("API request %s %s failed", request.method, request.path)
        return error_response(500, "internal_error", "the server failed to handle this request")


@dataclass
class ApiCall:
    """What an endpoint handler receives."""

    request: web.Request
    actor: Actor
    console: "Console"
    params: dict[str, Any]
    body: Any

    @property
    def clock(self):
        return self.console.clock

    async def audit(self, action: str, **entry: Any) -> None:
        """Record a change made through this call in the audit log."""
        await audit.record(self.actor, action, at=self.console.clock.now(), **entry)


async def bearer_actor(request: web.Request, console: "Console") -> Actor:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="siyu"'}
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "unauthorized", "send an API token as 'Authorization: Bearer <token>'", challenge)
    actor = await token_actor(secret.strip(), console.clock)
    if actor is None:
        raise ApiError(401, "invalid_token", "the API token is unknown or revoked", challenge)
    return actor


def parse_param(param: Param, raw: str | None) -> Any:
    if raw is not None and "\x00" in raw:
        raise ApiError(400, "invalid_parameter", f"{param.name} must not contain NUL characters")
    if raw is None or raw == "":
        if param.required:
            raise ApiError(400, "invalid_parameter", f"{param.name} is required")
        return param.default
    try:
        value: Any = _convert(param.type, raw)
    except ValueError:
        raise ApiError(400, "invalid_parameter", f"{param.name} must be a {param.type}, got {raw!r}") from None
    if param.max_length is not None and len(value) > param.max_length:
        raise ApiError(400, "invalid_parameter", f"{param.name} must have at most {param.max_length} characters")
    if param.enum and value not in param.enum:
        raise ApiError(400, "invalid_parameter", f"{param.name} must be one of {', '.join(param.enum)}")
    if (param.minimum is not None and value < param.minimum) or (param.maximum is not None and value > param.maximum):
        raise ApiError(400, "invalid_parameter", f"{param.name} must be between {param.minimum} and {param.maximum}")
    return value


def _convert(kind: str, raw: str) -> Any:
    if kind == "integer":
        if not raw.lstrip("-").isdigit() or len(raw) > 18:
            raise ValueError(raw)
        return int(raw)
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ValueError(raw)
        return raw == "true"
    if kind == "date":
        return date.fromisoformat(raw)
    return raw


async def read_body(request: web.Request, schema: Mapping[str, Any]) -> Any:
    if not request.content_type == "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    try:
        body = json.loads(await request.text())
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", "the body is not valid JSON") from None
    try:
        check_body(schema, body)
    except SchemaError as exc:
        raise ApiError(400, "invalid_body", str(exc)) from None
    return body


def endpoint_view(console: "Console", endpoint: Endpoint):
    """The aiohttp handler of one registered endpoint."""

    async def view(request: web.Request) -> web.StreamResponse:
        actor = await bearer_actor(request, console)
        if not actor.can(endpoint.permission):
            raise ApiError(403, "forbidden", f"this token's role ({actor.role}) lacks {endpoint.permission}")
        params = {}
        for p in endpoint.params:
            source = request.match_info if p.location == "path" else request.query
            params[p.name] = parse_param(p, source.get(p.name))
        body = await read_body(request, endpoint.body) if endpoint.body is not None else None
        result = await endpoint.handler(ApiCall(request, actor, console, params, body))
        if isinstance(result, web.StreamResponse):
            return result
        if endpoint.status == 204:
            return web.Response(status=204)
        return web.json_response(result, status=endpoint.status, dumps=lambda v: json.dumps(v, ensure_ascii=False))

    return view
