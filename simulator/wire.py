"""The simulator's wire, for API-client tests: every HTTP request as it arrived, and scripted
transport faults that answer a call before the platform sees it.

``sim.wire.calls("wecom/message/send")`` lists the requests to one API (method, query, JSON
body, arrival time on the clock). ``sim.wire.script(api, *answers)`` answers the next calls to
``api`` with, in order: a ``str`` as an HTML page (a proxy's error page), an ``int`` as that
HTTP status, ``STALL`` as no answer at all (until ``release()``), and anything else as that
JSON (a dict the test chose, a list...). Errcode answers the platform itself gives belong to
``sim.api.faults``; these are the failures of the network and the gateways in front of it.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from aiohttp import web

from bot.clock import Clock

STALL = object()


@dataclass(frozen=True)
class WireRequest:
    method: str
    api: str  # "wecom/message/send", "wechat/token"
    query: Mapping[str, str]
    body: Any  # the parsed JSON body, or None
    at: float  # clock time it arrived


@dataclass
class Wire:
    clock: Clock
    requests: list[WireRequest] = field(default_factory=list)
    _scripts: dict[str, list[Any]] = field(default_factory=dict)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def script(self, api: str, *answers: Any) -> None:
        """Answer the next calls to ``api`` with ``answers`` (see the module docstring)."""
        self._scripts.setdefault(api, []).extend(answers)

    def calls(self, api: str) -> list[WireRequest]:
        return [r for r in self.requests if r.api == api]

    def release(self) -> None:
        """Let stalled calls end (the server's cleanup)."""
        self._released.set()

    def record(self, method: str, api: str, query: Mapping[str, str], body: bytes | None) -> None:
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = body
        self.requests.append(WireRequest(method, api, dict(query), parsed, self.clock.time()))

    async def scripted(self, api: str) -> web.StreamResponse | None:
        """The scripted answer to this call of ``api``, or None to let the platform answer."""
        queue = self._scripts.get(api)
        if not queue:
            return None
        answer = queue.pop(0)
        if answer is STALL:
            await self._released.wait()
            return web.Response(status=504)
        if isinstance(answer, int):
            return web.Response(status=answer, text="upstream trouble")
        if isinstance(answer, str):
            return web.Response(text=answer, content_type="text/html")
        return web.json_response(answer)
