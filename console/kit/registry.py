"""What feature modules register on the Console: navigation sections, pages, API endpoints."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping

from aiohttp import web

PageHandler = Callable[..., Awaitable[Mapping[str, Any] | web.StreamResponse]]
EndpointHandler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Section:
    """A navigation entry. Its link is the first page registered in it."""

    key: str
    title: str  # message id
    permission: str
    last: bool = False  # stays after every other section


@dataclass(frozen=True)
class Page:
    """A console page at ``/console{path}``. The handler gets ``(request, ctx: PageContext)``
    and returns the template context (rendered into ``template`` inside the layout) or a
    response (e.g. a redirect after a form post)."""

    path: str
    handler: PageHandler
    template: str
    section: str
    title: str  # message id
    permission: str
    methods: tuple[str, ...] = ("GET",)
    name: str = ""


@dataclass(frozen=True)
class DashboardPanel:
    """A card on the dashboard (the marketer's first screen): ``provide(ctx)`` returns the
    template's context, ``template`` renders it (a fragment, not a page); shown to actors
    holding ``permission``."""

    template: str
    provide: Callable[..., Awaitable[Mapping[str, Any]]]
    permission: str


@dataclass(frozen=True)
class Param:
    """A query or path parameter of an API endpoint."""

    name: str
    type: str = "string"  # string | integer | boolean | date
    description: str = ""
    required: bool = False
    location: str = "query"  # query | path
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    max_length: int | None = None  # for strings

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "format": "date"} if self.type == "date" else {"type": self.type}
        if self.type == "string" and not self.enum:
            out["pattern"] = "^[^\\u0000]*$"  # no database stores NUL in text
        if self.enum:
            out["enum"] = list(self.enum)
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.default is not None:
            out["default"] = self.default
        return out


@dataclass(frozen=True)
class Endpoint:
    """An API operation at ``/api/v1{path}``. The handler gets ``(call: ApiCall)`` and
    returns JSON-able data (sent with ``status``) or a response."""

    method: str
    path: str
    handler: EndpointHandler
    permission: str
    summary: str
    tag: str
    params: tuple[Param, ...] = ()
    body: Mapping[str, Any] | None = None  # JSON Schema of the request body
    response: Mapping[str, Any] | None = None  # JSON Schema of the success body
    status: int = 200
    operation_id: str = ""
    extra_statuses: tuple[int, ...] = field(default=())
