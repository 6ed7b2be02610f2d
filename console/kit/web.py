"""The page runtime: sessions, language, CSRF on every form, sign-in redirects, permission
checks, and rendering a page into the layout."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping
from urllib.parse import quote

from aiohttp import web

from console.access import audit
from console.access.accounts import user_actor
from console.access.actors import Actor
from console.kit.i18n import LANGUAGES, pick_language
from console.kit.registry import Page
from console.access.sessions import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, csrf_token, csrf_valid, session_user, set_cookie

if TYPE_CHECKING:
    from console.kit.app import Console

LANG_COOKIE = "siyu_lang"
ACTOR: web.RequestKey[Actor | None] = web.RequestKey("siyu_actor", object)  # type: ignore[arg-type]
LANG: web.RequestKey[str] = web.RequestKey("siyu_lang", str)
CSRF_SEED: web.RequestKey[str] = web.RequestKey("siyu_csrf_seed", str)
CONSOLE: web.RequestKey["Console"] = web.RequestKey("siyu_console", object)  # type: ignore[arg-type]
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class PageContext:
    """What a page handler receives besides the request."""

    request: web.Request
    actor: Actor
    console: "Console"
    lang: str

    @property
    def clock(self):
        return self.console.clock

    def t(self, msgid: str, **values: object) -> str:
        return self.console.t(self.lang, msgid, **values)

    def refusal(self, error: Exception) -> str:
        """A refused request's message in the page's language."""
        return self.console.catalogue.refusal(self.lang, error)

    async def form(self) -> Mapping[str, Any]:
        return await self.request.post()

    async def audit(self, action: str, **entry: Any) -> None:
        """Record a change made from this page in the audit log."""
        await audit.record(self.actor, action, at=self.console.clock.now(), **entry)


def console_route(console: "Console", handler):
    """Wrap a console handler: session, language, CSRF check of every form, friendly 404."""

    async def view(request: web.Request) -> web.StreamResponse:
        return await _serve(console, request, handler)

    return view


async def _serve(console: "Console", request: web.Request, handler) -> web.StreamResponse:
    request[CONSOLE] = console
    seed = request.cookies.get(CSRF_COOKIE)
    new_seed = None if seed else secrets.token_urlsafe(24)
    request[CSRF_SEED] = seed or new_seed
    user = await session_user(request.cookies.get(SESSION_COOKIE), console.clock)
    request[ACTOR] = user_actor(user) if user else None
    request[LANG] = pick_language(request.query.get("lang"), request.cookies.get(LANG_COOKIE), user.language if user else None)
    if request.method not in SAFE_METHODS:
        form = await request.post()
        if not csrf_valid(console.secret, seed, form.get(CSRF_FIELD)):
            response = render_message(request, "error.csrf", status=403)
            return _finish(request, response, new_seed)
    try:
        response = await handler(request)
    except web.HTTPNotFound:
        response = render_message(request, "error.not_found", status=404)
    return _finish(request, response, new_seed)


def _finish(request: web.Request, response: web.StreamResponse, new_seed: str | None) -> web.StreamResponse:
    if new_seed and not response.prepared:
        set_cookie(response, request, CSRF_COOKIE, new_seed, max_age=None)
    if request.query.get("lang") in LANGUAGES and not response.prepared:
        set_cookie(response, request, LANG_COOKIE, request.query["lang"], max_age=365 * 86400)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def base_context(request: web.Request, **extra: Any) -> dict[str, Any]:
    """What every template gets: translation, actor, navigation, CSRF token, language."""
    console = request[CONSOLE]
    lang = request.get(LANG, "zh")
    actor: Actor | None = request.get(ACTOR)
    nav = []
    if actor is not None:
        for section in console.sections:
            pages = [p for p in console.pages if p.section == section.key]
            if any(actor.can(p.permission) for p in pages) or (not pages and actor.can(section.permission)):
                nav.append({"key": section.key, "title": console.t(lang, section.title), "href": console.section_link(section.key)})
    return {
        "t": lambda msgid, **v: console.t(lang, msgid, **v),
        "lang": lang,
        "languages": LANGUAGES,
        "actor": actor,
        "nav": nav,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(console.secret, request[CSRF_SEED]),
        "request_path": request.path,
        **extra,
    }


def render(request: web.Request, template: str, context: Mapping[str, Any], *, status: int = 200) -> web.Response:
    html = request[CONSOLE].templates.get_template(template).render(base_context(request, **context))
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def render_message(request: web.Request, msgid: str, *, status: int) -> web.Response:
    return render(request, "message.html", {"title": msgid, "message": msgid}, status=status)


def page_number(query) -> int:
    """The ``page`` query parameter, from 1 (bad values mean 1)."""
    raw = query.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


def redirect(location: str) -> web.Response:
    """A 303 redirect (after a form post, the browser follows it with GET)."""
    return web.Response(status=303, headers={"Location": location})


def to_login(request: web.Request) -> web.Response:
    target = request.path_qs if request.method == "GET" else "/console/"
    return redirect("/console/login?next=" + quote(target, safe=""))


def page_view(console: "Console", page: Page):
    """The aiohttp handler of one registered page."""

    async def view(request: web.Request) -> web.StreamResponse:
        actor = request[ACTOR]
        if actor is None:
            return to_login(request)
        if not actor.can(page.permission):
            return render_message(request, "error.forbidden", status=403)
        ctx = PageContext(request, actor, console, request[LANG])
        result = await page.handler(request, ctx)
        if isinstance(result, web.StreamResponse):
            return result
        return render(request, page.template, {"title": page.title, "section": page.section, **result})

    return view


def section_view(console: "Console"):
    """A navigation section no feature has added a page to yet."""

    async def view(request: web.Request) -> web.StreamResponse:
        actor = request[ACTOR]
        if actor is None:
            return to_login(request)
        key = request.match_info["key"]
        section = next((s for s in console.sections if s.key == key), None)
        if section is None:
            return render_message(request, "error.not_found", status=404)
        if not actor.can(section.permission):
            return render_message(request, "error.forbidden", status=403)
        return render(request, "message.html", {"title": section.title, "section": key, "message": "section.empty"})

    return view
