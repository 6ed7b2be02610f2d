"""The Console: pages under /console, the API under /api (with its OpenAPI document), and the
one registry through which the console's pages and the features add a navigation section, a
page and an API endpoint."""
from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import jinja2
from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from console.kit.api import ApiError, api_route, endpoint_view
from console.kit.i18n import Catalogue
from console.kit.openapi import openapi_document
from console.access.permissions import PERMISSIONS
from console.kit.registry import DashboardPanel, Endpoint, EndpointHandler, Page, PageHandler, Param, Section
from console.kit.web import console_route, page_view, render_message, section_view

HERE = Path(__file__).parent


class Console:
    """Holds the registry (sections, pages, endpoints), the message catalogue and the
    templates. Create it with :func:`mount_console`; register before the app starts."""

    def __init__(self, app: web.Application, settings: Settings, clock: Clock) -> None:
        self.app = app
        self.settings = settings
        self.clock = clock
        self.secret = _secret(settings)
        self.catalogue = Catalogue()
        self.sections: list[Section] = []  # the navigation, as the pages' owners add it
        self.pages: list[Page] = []
        self.endpoints: list[Endpoint] = []
        self.dashboard_panels: list[DashboardPanel] = []
        self._loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(HERE / "templates")])
        self.templates = jinja2.Environment(loader=self._loader, autoescape=True)

    # --- registration -----------------------------------------------------------------

    def add_templates(self, directory: str | Path) -> None:
        """Let pages render templates from ``directory`` (they extend ``layout.html``)."""
        self._loader.loaders.append(jinja2.FileSystemLoader(directory))

    def add_section(self, key: str, title: str, permission: str, *, last: bool = False) -> None:
        """A navigation entry, after those added before it; ``last`` keeps it after every
        other (settings)."""
        _check_permission(permission)
        if any(s.key == key for s in self.sections):
            raise ValueError(f"section {key!r} exists")
        at = len(self.sections) if last else next((i for i, s in enumerate(self.sections) if s.last), len(self.sections))
        self.sections.insert(at, Section(key, title, permission, last))

    def add_page(
        self,
        path: str,
        handler: PageHandler,
        *,
        template: str,
        section: str,
        title: str,
        permission: str,
        methods: Iterable[str] = ("GET",),
        name: str = "",
    ) -> Page:
        """Serve ``handler`` at ``/console{path}`` for actors holding ``permission``; the
        first page of a section is its navigation link. POST forms are CSRF-checked."""
        _check_permission(permission)
        if not any(s.key == section for s in self.sections):
            raise ValueError(f"unknown section {section!r}")
        page = Page(path, handler, template, section, title, permission, tuple(methods), name)
        self.pages.append(page)
        view = console_route(self, page_view(self, page))
        for method in page.methods:
            self.app.router.add_route(method, "/console" + path, view)
        return page

    def add_dashboard_panel(self, template: str, provide, *, permission: str) -> None:
        """A feature's card on the dashboard, after the ones registered before it."""
        _check_permission(permission)
        self.dashboard_panels.append(DashboardPanel(template, provide, permission))

    def add_route(self, method: str, path: str, handler) -> None:
        """A console route outside the page registry (sign-in), with sessions and CSRF."""
        self.app.router.add_route(method, "/console" + path, console_route(self, handler))

    def add_endpoint(
        self,
        method: str,
        path: str,
        handler: EndpointHandler,
        *,
        permission: str,
        summary: str,
        tag: str,
        params: Iterable[Param] = (),
        body: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        status: int = 200,
        extra_statuses: Iterable[int] = (),
    ) -> Endpoint:
        """Serve ``handler`` at ``/api/v1{path}`` for tokens holding ``permission``, and
        describe it in the OpenAPI document."""
        _check_permission(permission)
        endpoint = Endpoint(method.upper(), path, handler, permission, summary, tag, tuple(params), body, response, status, extra_statuses=tuple(extra_statuses))
        self.endpoints.append(endpoint)
        self.app.router.add_route(endpoint.method, "/api/v1" + path, api_route(endpoint_view(self, endpoint)))
        return endpoint

    # --- reading ----------------------------------------------------------------------

    def section_link(self, key: str) -> str:
        first = next((p for p in self.pages if p.section == key and "{" not in p.path), None)
        return "/console" + (first.path if first else f"/section/{key}")

    def openapi(self) -> dict[str, Any]:
        return openapi_document(self.endpoints)

    def t(self, lang: str, msgid: str, **values: object) -> str:
        return self.catalogue.translate(lang, msgid, **values)

    def allowed_methods(self, api_path: str) -> set[str]:
        """Methods registered for an /api/v1 path (for 405 answers)."""
        out = set()
        for ep in self.endpoints:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(ep.path))
            if re.fullmatch(pattern, api_path):
                out.add(ep.method)
        return out


def _check_permission(permission: str) -> None:
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}; add it to console.access.permissions")


def _secret(settings: Settings) -> bytes:
    """The key for CSRF tokens: derived from SIYU_SECRET_KEY, or random per process."""
    if settings.secret_key:
        return hashlib.sha256(b"siyu-console-csrf:" + settings.secret_key.encode()).digest()
    return secrets.token_bytes(32)


def mount_console(app: web.Application, settings: Settings, *, clock: Clock,
                  pages: Iterable[Callable[[Console], None]] = ()) -> Console:
    """Mount the console (/console), the API (/api/v1, /api/openapi.json, /api/docs) and the
    static assets on ``app``, with ``pages`` registering the console's own pages first;
    returns the Console for features to register on."""
    console = Console(app, settings, clock)
    app.router.add_get("/console", _to_console)
    app.router.add_static("/console/static", HERE / "static")
    app.router.add_get("/api/openapi.json", api_route(_openapi_json(console)))
    app.router.add_get("/api/docs", api_route(_api_docs(console)))
    console.add_route("GET", "/section/{key}", section_view(console))
    for register in pages:
        register(console)
    console.add_route("*", "/{tail:.*}", _console_not_found)
    app.router.add_route("*", "/api/{tail:.*}", api_route(_api_fallback(console)))
    return console


def _openapi_json(console: Console):
    async def view(request: web.Request) -> web.Response:
        return web.json_response(console.openapi())

    return view


def _api_docs(console: Console):
    """A readable page of the API, rendered from the same document."""

    async def view(request: web.Request) -> web.Response:
        html = console.templates.get_template("api_docs.html").render(spec=console.openapi())
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    return view


async def _to_console(request: web.Request) -> web.Response:
    raise web.HTTPFound("/console/")


async def _console_not_found(request: web.Request) -> web.Response:
    """Any other /console path: a friendly 404 (more specific routes always win)."""
    return render_message(request, "error.not_found", status=404)


def _api_fallback(console: Console):
    """Any other /api path: 404, or 405 naming the allowed methods, in the error shape."""

    async def view(request: web.Request) -> web.Response:
        path = request.path.removeprefix("/api/v1")
        allowed = console.allowed_methods(path) if request.path.startswith("/api/v1/") else set()
        if allowed:
            raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed here", {"Allow": ", ".join(sorted(allowed))})
        raise ApiError(404, "not_found", f"no API endpoint at {request.path}")

    return view
