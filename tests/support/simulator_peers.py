"""The simulator's two peers, for the simulator's own tests: a bot-side server that records
the callbacks it receives, and an API caller that fetches tokens and posts as the bot's
client does."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

from simulator import SimulatorCredentials


@dataclass
class Received:
    path: str
    query: dict[str, str]
    body: str


@dataclass
class FakeBot:
    """Records callbacks; ``answer`` decides each response (default: 200 "success");
    ``hang`` makes the first N requests wait forever (a bot slower than the timeout)."""

    received: list[Received] = field(default_factory=list)
    answer: Callable[[Received], web.Response] | None = None
    hang: int = 0
    base_url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        item = Received(request.path, dict(request.query), await request.text())
        self.received.append(item)
        if self.hang > 0:
            self.hang -= 1
            await asyncio.Event().wait()
        return self.answer(item) if self.answer else web.Response(text="success")


class Platform:
    """Calls the fake API over HTTP the way the bot's client does."""

    def __init__(self, client, credentials: SimulatorCredentials) -> None:
        self.client = client
        self.credentials = credentials

    async def wecom_token(self, secret: str | None = None) -> str:
        resp = await self.client.get("/wecom/cgi-bin/gettoken", params={
            "corpid": self.credentials.corp_id, "corpsecret": secret or self.credentials.app_secret})
        return (await resp.json())["access_token"]

    async def wechat_token(self) -> str:
        resp = await self.client.get("/wechat/cgi-bin/token", params={
            "grant_type": "client_credential", "appid": self.credentials.wechat_app_id,
            "secret": self.credentials.wechat_secret})
        return (await resp.json())["access_token"]

    async def post(self, path: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        platform = "wechat" if path.startswith("wechat/") else "wecom"
        token = token or (await self.wechat_token() if platform == "wechat" else await self.wecom_token())
        resp = await self.client.post(f"/{path.split('/', 1)[0]}/cgi-bin/{path.split('/', 1)[1]}",
                                      params={"access_token": token}, json=body)
        assert resp.status == 200
        return await resp.json()

    async def errcode(self, path: str, body: dict[str, Any], token: str | None = None) -> int:
        return (await self.post(path, body, token))["errcode"]

    async def get(self, path: str, params: dict[str, str], token: str | None = None) -> dict[str, Any]:
        token = token or await self.wecom_token()
        resp = await self.client.get(f"/wecom/cgi-bin/{path.split('/', 1)[1]}",
                                     params={"access_token": token, **params})
        return await resp.json()
