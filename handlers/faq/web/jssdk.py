"""What the chat-toolbar page needs to call the WeCom JS-SDK: the app's jsapi ticket and the
``agentConfig`` signature.

Doc facts relied on (developer.work.weixin.qq.com JS-SDK): 获取应用的jsapi_ticket is
``GET /cgi-bin/ticket/get?access_token=…&type=agent_config`` answering ``ticket`` and
``expires_in`` (7200 s; cache it, the call is rate-limited); the signature is the SHA-1 hex of
``jsapi_ticket=T&noncestr=N&timestamp=TS&url=URL`` (the page URL without ``#…``);
``wx.agentConfig`` takes corpid, agentid, timestamp, nonceStr, signature and jsApiList, and
must succeed before ``sendChatMessage``, ``getCurExternalChat`` or ``getCurExternalContact``.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

from bot.api.errors import ApiError
from bot.clock import Clock

log = logging.getLogger(__name__)
TICKET_PATH = "/cgi-bin/ticket/get"
JS_APIS = ("getContext", "getCurExternalChat", "getCurExternalContact", "sendChatMessage")
REFRESH_MARGIN = 300  # seconds before expiry


def js_signature(ticket: str, noncestr: str, timestamp: int, url: str) -> str:
    plain = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url.split('#', 1)[0]}"
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()


class AgentTicket:
    """The app's agent_config jsapi ticket, cached until shortly before it expires."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._ticket = ""
        self._until = 0.0

    async def get(self, wecom: Any) -> str:
        if self._ticket and self.clock.time() < self._until:
            return self._ticket
        answer = await wecom.call("GET", TICKET_PATH, wecom.app, params={"type": "agent_config"})
        self._ticket = str(answer.get("ticket", ""))
        self._until = self.clock.time() + int(answer.get("expires_in", 7200)) - REFRESH_MARGIN
        return self._ticket


async def agent_config(wecom: Any, ticket: AgentTicket, url: str) -> dict[str, Any] | None:
    """The ``wx.agentConfig`` arguments for the page at ``url``; None when WeCom is not
    configured or refuses (the page then offers copying instead)."""
    if wecom is None:
        return None
    try:
        value = await ticket.get(wecom)
    except ApiError as exc:
        log.warning("no jsapi ticket for the chat toolbar: %s", exc)
        return None
    if not value:
        return None
    nonce, stamp = secrets.token_hex(8), int(ticket.clock.time())
    return {"corpid": wecom.app.app_id, "agentid": str(wecom.agent_id), "timestamp": stamp, "nonceStr": nonce,
            "signature": js_signature(value, nonce, stamp, url), "jsApiList": list(JS_APIS)}
