"""The Console: the console pages under /console, the API under /api, and the one registry
through which feature modules add a page (with its navigation section) and an API endpoint."""
from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path
from typing import Any, Iterable, Mapping

import jinja2
from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from console.api import ApiError, api_route, endpoint_view
from console.i18n import Catalogue
from console.openapi import openapi_document
from console.permissions import PERMISSIONS
from console.registry import DashboardPanel, Endpoint, EndpointHandler, Page, PageHandler, Param, Section
from console.web import console_route, page_view, render_message, section_view

HERE = Path(__file__).parent

DEFAULT_SECTIONS = (
    Section("dashboard", "nav.dashboard", "dashboard.read"),
    Section("leads", "nav.leads", "leads.read"),
    Section("channels", "nav.channels", "channels.read"),
    Section("faq", "nav.faq", "faq.read"),
    Section("content", "nav.content", "content.read"),
    Section("surveys", "nav.surveys", "surveys.read"),
    Section("settings", "nav.settings", "staff.read"),
)


class Console:
    """Holds the registry (sections, pages, endpoints), the message catalogue and the
    templates. Create it with :func:`setup_console`; register before the app starts."""

    def __init__(self, app: web.Application, settings: Settings, clock: Clock) -> None:
        self.app = app
        self.settings = settings
        self.clock = clock
        self.secret = _secret(settings)
        self.catalogue = Catalogue()
        self.sections: list[Section] = list(DEFAULT_SECTIONS)
        self.pages: list[Page] = []
        self.endpoints: list[Endpoint] = []
        self.dashboard_panels: list[DashboardPanel] = []
        self._loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(HERE / "templates")])
        self.templates = jinja2.Environment(loader=self._loader, autoescape=True)

    # --- registration -----------------------------------------------------------------

    def add_templates(self, directory: str | Path) -> None:
        """Let pages render templates from ``directory`` (they extend ``layout.html``)."""
        self._loader.loaders.append(jinja2.FileSystemLoader(directory))

    def add_section(self, key: str, title: str, permission: str) -> None:
        """A new navigation entry (placed before settings)."""
        _check_permission(permission)
        if any(s.key == key for s in self.sections):
            raise ValueError(f"section {key!r} exists")
        self.sections.insert(len(self.sections) - 1, Section(key, title, permission))

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
        raise ValueError(f"unknown permission {permission!r}; add it to console.permissions")


def _secret(settings: Settings) -> bytes:
    """The key for CSRF tokens: derived from SIYU_SECRET_KEY, or random per process."""
    if settings.secret_key:
        return hashlib.sha256(b"siyu-console-csrf:" + settings.secret_key.encode()).digest()
    return secrets.token_bytes(32)


def setup_console(app: web.Application, settings: Settings, *, clock: Clock) -> Console:
    """Mount the console (/console), the API (/api/v1, /api/openapi.json, /api/docs) and the
    static assets on ``app``; returns the Console for feature modules to register on."""
    from console import endpoints, views

    console = Console(app, settings, clock)
    app.router.add_get("/console", _to_console)
    app.router.add_static("/console/static", HERE / "static")
    console.add_route("GET", "/section/{key}", section_view(console))
    views.register(console)
    endpoints.register(console)
    console.add_route("*", "/{tail:.*}", _console_not_found)
    app.router.add_route("*", "/api/{tail:.*}", api_route(_api_fallback(console)))
    return console


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
