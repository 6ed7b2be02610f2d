"""WeChat official account (公众号) server API client.

Facts (developers.weixin.qq.com): token from ``/cgi-bin/token?grant_type=client_credential``;
客服消息 ``/cgi-bin/message/custom/send`` within 48 h of the user's last interaction;
带参数二维码 ``/cgi-bin/qrcode/create``: QR_LIMIT_STR_SCENE (permanent, at most 100,000) or
QR_STR_SCENE (temporary, ``expire_seconds`` at most 2592000 = 30 days, 60 s when omitted),
``scene_str`` 1 to 64 characters; the image is at mp.weixin.qq.com/cgi-bin/showqrcode?ticket=
(ticket URL-encoded, no login needed).
获取用户基本信息(UnionID机制) ``GET /cgi-bin/user/info?openid=&lang=`` (lang zh_CN, zh_TW or en):
subscribe (0: not following, nothing else is given), openid, language, subscribe_time, unionid
(only when the account is bound to an open-platform account), remark, tagid_list, subscribe_scene,
qr_scene_str; 40003 for an invalid openid.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bot.config import Settings

from bot.api.errors import WECHAT_TOKEN_CODES
from bot.api.tokens import Credential
from bot.api.transport import ApiTransport

SCENE_STR_MAX = 64
QR_EXPIRE_MAX = 2_592_000
OFFICIAL_API_BASE = "https://api.weixin.qq.com"
SHOWQRCODE_BASE = "https://mp.weixin.qq.com"
USER_INFO_LANGS = ("zh_CN", "zh_TW", "en")


class WeChatClient(ApiTransport):
    """Async client for the official-account APIs Siyu uses."""

    platform = "WeChat"
    required = ("wechat_app_id", "wechat_secret")
    base_url_setting = "wechat_api_base"
    token_path = "/cgi-bin/token"
    token_codes = WECHAT_TOKEN_CODES

    def __init__(self, settings: Settings, *args: Any, **options: Any) -> None:
        super().__init__(settings, *args, **options)
        self.account = Credential("wechat", settings.wechat_app_id, settings.wechat_secret)

    def token_params(self, credential: Credential) -> dict[str, str]:
        return {"grant_type": "client_credential", "appid": credential.app_id, "secret": credential.secret}

    async def send_custom_text(self, openid: str, content: str) -> dict:
        """A customer-service text to a follower who interacted in the last 48 h."""
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        return await self.call("POST", "/cgi-bin/message/custom/send", self.account, payload=payload)

    async def user_info(self, openid: str, lang: str = "zh_CN") -> dict:
        """A follower's basic information, with ``unionid`` when the account is bound to an
        open-platform account."""
        if lang not in USER_INFO_LANGS:
            raise ValueError(f"lang must be one of {', '.join(USER_INFO_LANGS)}, got {lang!r}")
        return await self.call("GET", "/cgi-bin/user/info", self.account, params={"openid": openid, "lang": lang})

    async def create_qrcode(self, scene_str: str, permanent: bool = True, expire_seconds: int | None = None) -> dict:
        """A QR code carrying ``scene_str``; returns ticket, url (and expire_seconds if temporary)."""
        if not 1 <= len(scene_str) <= SCENE_STR_MAX:
            raise ValueError(f"scene_str must be 1 to {SCENE_STR_MAX} characters, got {len(scene_str)}")
        if permanent and expire_seconds is not None:
            raise ValueError("a permanent QR code has no expire_seconds")
        if expire_seconds is not None and not 1 <= expire_seconds <= QR_EXPIRE_MAX:
            raise ValueError(f"expire_seconds must be 1 to {QR_EXPIRE_MAX} (30 days), got {expire_seconds}")
        payload: dict[str, Any] = {
            "action_name": "QR_LIMIT_STR_SCENE" if permanent else "QR_STR_SCENE",
            "action_info": {"scene": {"scene_str": scene_str}},
        }
        if expire_seconds is not None:
            payload["expire_seconds"] = expire_seconds
        return await self.call("POST", "/cgi-bin/qrcode/create", self.account, payload=payload)

    def showqrcode_url(self, ticket: str) -> str:
        """Where the QR code image for ``ticket`` is served (the simulator's own host in tests)."""
        base = SHOWQRCODE_BASE if self.base_url == OFFICIAL_API_BASE else self.base_url
        return f"{base}/cgi-bin/showqrcode?ticket={quote(ticket, safe='')}"
