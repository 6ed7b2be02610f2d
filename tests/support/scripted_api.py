"""A small, strict stand-in for the WeCom/WeChat API servers: it issues access tokens that
expire on the test clock, checks them on every call with the documented errcodes (41001
missing, 40014 invalid, 42001 expired), records each request, and answers from a script
so a test can make a call meet -1, 45009, 45033, an HTML page or silence."""
from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.clock import Clock

CORP_ID = "ww-test-corp"
APP_SECRET = "app-secret"
CONTACT_SECRET = "contact-secret"
APP_ID = "wx-test-app"
WECHAT_SECRET = "wechat-secret"
SECRETS = {CORP_ID: {APP_SECRET, CONTACT_SECRET}, APP_ID: {WECHAT_SECRET}}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float  # test clock time the request arrived


@dataclass
class FakePlatform:
    clock: Clock
    expires_in: int = 7200
    requests: list[Recorded] = field(default_factory=list)
    scripts: dict[str, list[Any]] = field(default_factory=dict)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (secret, expires_at)
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))
    stalled: asyncio.Event = field(default_factory=asyncio.Event)

    def script(self, path: str, *answers: Any) -> None:
        """Answer the next calls to ``path`` with these (dicts as JSON, ``str`` as an HTML
        page, an int as that HTTP status, ``"stall"`` as no answer at all)."""
        self.scripts.setdefault(path, []).extend(answers)

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def expire_all_tokens(self) -> None:
        self.tokens = {t: (s, self.clock.time() - 1) for t, (s, _) in self.tokens.items()}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        parsed = json.loads(body.decode("utf-8")) if body else None
        self.requests.append(Recorded(request.method, request.path, dict(request.query), parsed, self.clock.time()))
        scripted = self._next_scripted(request.path)
        if scripted is not None:
            return await self._scripted(scripted)
        if request.path in ("/cgi-bin/gettoken", "/cgi-bin/token"):
            return web.json_response(self._issue(request.query))
        problem = self._check_token(request.query.get("access_token"))
        if problem:
            return web.json_response(problem)
        return web.json_response({"errcode": 0, "errmsg": "ok", **self._extras(request.path, parsed)})

    def _next_scripted(self, path: str) -> Any:
        queue = self.scripts.get(path)
        return queue.pop(0) if queue else None

    async def _scripted(self, answer: Any) -> web.StreamResponse:
        if answer == "stall":
            await self.stalled.wait()
        if isinstance(answer, int):
            return web.Response(status=answer, text="upstream trouble")
        if isinstance(answer, str):
            return web.Response(text=answer, content_type="text/html")
        return web.json_response(answer)

    def _issue(self, query) -> dict:
        app_id = query.get("corpid") or query.get("appid")
        secret = query.get("corpsecret") or query.get("secret")
        if secret not in SECRETS.get(app_id, ()):
            return {"errcode": 40001, "errmsg": "invalid credential"}
        token = f"token-{next(self._serial)}"
        self.tokens[token] = (secret, self.clock.time() + self.expires_in)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.expires_in}

    def _check_token(self, token: str | None) -> dict | None:
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        if token not in self.tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if self.clock.time() >= self.tokens[token][1]:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def secret_of(self, token: str) -> str:
        return self.tokens[token][0]

    @staticmethod
    def _extras(path: str, body: Any) -> dict:
        if path == "/cgi-bin/qrcode/create":
            return {"ticket": "gQH47joAAAAAAAAAASxo+/=", "url": "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}
        if path.endswith("add_contact_way") or path.endswith("add_join_way"):
            return {"config_id": "42b34949e138eb6e027c123cba77fAAA"}
        return {}
