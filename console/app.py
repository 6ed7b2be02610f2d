"""The Console: the console pages under /console, the API under /api, and the one registry
through which feature modules add a page (with its navigation section) and an API endpoint."""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any, Iterable, Mapping

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from console.api import api_errors, endpoint_view
from console.i18n import Catalogue
from console.openapi import openapi_document
from console.permissions import PERMISSIONS
from console.registry import Endpoint, EndpointHandler, Page, PageHandler, Param, Section
from console.web import console_middleware, page_view, section_view

HERE = Path(__file__).parent
CONSOLE_KEY: web.AppKey["Console"] = web.AppKey("siyu_console", object)  # type: ignore[arg-type]

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
    template loaders. Create it with :func:`setup_console`."""

    def __init__(self, settings: Settings, clock: Clock, console_app: web.Application, api_app: web.Application) -> None:
        self.settings = settings
        self.clock = clock
        self.secret = _secret(settings)
        self.catalogue = Catalogue()
        self.sections: list[Section] = list(DEFAULT_SECTIONS)
        self.pages: list[Page] = []
        self.endpoints: list[Endpoint] = []
        self.console_app = console_app
        self.api_app = api_app
        self._loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(HERE / "templates")])

    # --- registration -----------------------------------------------------------------

    def add_templates(self, directory: str | Path) -> None:
        """Let pages render templates from ``directory`` (they extend ``layout.html``)."""
        self._loader.loaders.append(jinja2.FileSystemLoader(directory))

    def add_section(self, key: str, title: str, permission: str) -> None:
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
        for method in page.methods:
            self.console_app.router.add_route(method, path, page_view(self, page), name=(name or None) if method == page.methods[0] else None)
        return page

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
        self.api_app.router.add_route(endpoint.method, "/v1" + path, endpoint_view(self, endpoint))
        return endpoint

    # --- reading ----------------------------------------------------------------------

    def section_link(self, key: str) -> str:
        first = next((p for p in self.pages if p.section == key and "{" not in p.path), None)
        return "/console" + (first.path if first else f"/section/{key}")

    def openapi(self) -> dict[str, Any]:
        return openapi_document(self.endpoints)

    def t(self, lang: str, msgid: str, **values: object) -> str:
        return self.catalogue.translate(lang, msgid, **values)


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

    console_app = web.Application(middlewares=[console_middleware])
    api_app = web.Application(middlewares=[api_errors])
    console = Console(settings, clock, console_app, api_app)
    console_app[CONSOLE_KEY] = console
    api_app[CONSOLE_KEY] = console
    for sub in (console_app, api_app):
        aiohttp_jinja2.setup(sub, loader=console._loader, autoescape=True)
    console_app.router.add_static("/static", HERE / "static", name="static")
    console_app.router.add_get("/section/{key}", section_view(console))
    views.register(console)
    endpoints.register(console)
    app.router.add_get("/console", _to_console)
    app.add_subapp("/console", console_app)
    app.add_subapp("/api", api_app)
    return console


async def _to_console(request: web.Request) -> web.Response:
    raise web.HTTPFound("/console/")
