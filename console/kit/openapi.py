"""The OpenAPI 3 document, generated from the endpoints registered on the Console."""
from __future__ import annotations

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


def _operation(ep: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": ep.operation_id or f"{ep.method.lower()}_{ep.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
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
        op["responses"][str(ep.status)] = {
            "description": "Success",
            "content": {"application/json": {"schema": dict(ep.response or {"type": "object"})}},
        }
    statuses = dict(ERROR_STATUSES)
    if ep.body is not None:
        statuses[415] = "The body is not application/json"
    for status in ep.extra_statuses:
        statuses.setdefault(status, {409: "Names something that does not exist"}.get(status, "Refused"))
    for status, text in sorted(statuses.items()):
        op["responses"][str(status)] = {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return op


def openapi_document(endpoints: Iterable[Endpoint], *, title: str = "Siyu API", version: str = "1") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.path, {})[ep.method.lower()] = _operation(ep)
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
