"""The OpenAPI 3 document, generated from the endpoints registered on the Console."""
from __future__ import annotations

import re
from typing import Any, Iterable

from console.access.permissions import MATRIX, Role
from console.kit.registry import Endpoint
from console.kit.schemas import ERROR

ERROR_STATUSES = {
    400: "Invalid parameter or body",
    401: "Missing, unknown or revoked API token",
    403: "The token's role lacks the permission",
    404: "Not found, or not visible to this token",
}


def _roles_with(permission: str) -> str:
    return ", ".join(r.value for r in Role if permission in MATRIX[r])


# What a ``format`` parameter's choices (or a path's suffix) answer with.
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv", "yaml": "text/plain", "jsonl": "text/plain",
               "png": "image/png", "svg": "image/svg+xml"}


def _success_content(ep: Endpoint) -> dict[str, Any]:
    """The success body's media types: JSON with the response schema, or the files a
    ``format`` parameter (or a ``.csv`` path) chooses."""
    choices = next((p.enum for p in ep.params if p.name == "format" and p.enum), None)
    if ep.path.endswith(".csv"):
        choices = ("csv",)
    types = {MEDIA_TYPES[c] for c in choices or ("json",) if c in MEDIA_TYPES}
    return {t: {"schema": dict(ep.response or {"type": "object"}) if t == "application/json" else {"type": "string"}}
            for t in sorted(types)}


def _operation(ep: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": _operation_id(ep),
        "summary": ep.summary,
        "description": f"Permission `{ep.permission}` (roles: {_roles_with(ep.permission)}).",
        "tags": [ep.tag],
        "parameters": [
            {"name": p.name, "in": p.location, "required": p.required or p.location == "path",
             "description": p.description, "schema": p.schema()}
            for p in ep.params
        ],
        "responses": {},
    }
    if ep.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": dict(ep.body)}}}
    if ep.status == 204:
        op["responses"]["204"] = {"description": "Done"}
    else:
        op["responses"][str(ep.status)] = {"description": "Success", "content": _success_content(ep)}
    statuses = dict(ERROR_STATUSES)
    if ep.body is not None:
        statuses[415] = "The body is not application/json"
    for status in ep.extra_statuses:
        statuses.setdefault(status, {409: "Names something that does not exist"}.get(status, "Refused"))
    for status, text in sorted(statuses.items()):
        op["responses"][str(status)] = {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return op


def _links(created: Endpoint, endpoints: list[Endpoint]) -> dict[str, Any]:
    """OpenAPI links from a create operation (201) to the operations on what it created
    (``/things`` → ``/things/{param}``): the parameter comes from the response's field of
    the same name, else its ``id``. Clients and stateful tests follow them."""
    links: dict[str, Any] = {}
    fields = set((created.response or {}).get("properties", {}))
    for ep in endpoints:
        param = ep.path.removeprefix(created.path + "/")
        if ep is created or not ep.path.startswith(created.path + "/") or not re.fullmatch(r"\{\w+\}", param):
            continue
        name = param[1:-1]
        source = name if name in fields or not fields else "id"
        links[f"{ep.method.lower()}_{name}"] = {
            "operationId": _operation_id(ep), "parameters": {name: f"$response.body#/{source}"}}
    return links


def _operation_id(ep: Endpoint) -> str:
    return ep.operation_id or f"{ep.method.lower()}_{ep.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}"


def openapi_document(endpoints: Iterable[Endpoint], *, title: str = "Siyu API", version: str = "1") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    endpoints = list(endpoints)
    for ep in endpoints:
        paths.setdefault(ep.path, {})[ep.method.lower()] = _operation(ep)
        links = _links(ep, endpoints) if ep.method == "POST" and ep.status == 201 else {}
        if links:
            paths[ep.path][ep.method.lower()]["responses"][str(ep.status)]["links"] = links
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": version,
            "description": "Siyu's REST API. Authenticate with `Authorization: Bearer <token>` "
            "(create one with `python main.py token create --role ROLE --name NAME`). Errors are "
            '`{"error": {"code": "...", "message": "..."}}`. Lists take `page` and `per_page`.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
        "paths": paths,
    }
