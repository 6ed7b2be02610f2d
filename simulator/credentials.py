"""Fixed, valid test credentials shared by the simulator and the bot it drives."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import Settings, load_settings


@dataclass(frozen=True)
class SimulatorCredentials:
    """Every secret the fake platform checks. The AES keys are 43-character EncodingAESKeys
    (base64 of 32 bytes without the trailing '='), as the admin consoles issue them."""

    corp_id: str = "ww5e1f5a1c0ffee000"
    agent_id: int = 1000002
    app_secret: str = "sim-app-secret-0123456789abcdefghijklmnopqrstuv"
    contact_secret: str = "sim-contact-secret-0123456789abcdefghijklmnopq"
    archive_secret: str = "sim-archive-secret-0123456789abcdefghijklmnopq"
    app_token: str = "SimAppToken2026"
    app_aes_key: str = "c2l5dS1zaW11bGF0b3Itd2Vjb20tYXBwLWFlcy1rZXk"
    bot_token: str = "SimBotToken2026"
    bot_aes_key: str = "c2l5dS1zaW11bGF0b3Itd2Vjb20tYm90LWFlcy1rZXk"
    bot_id: str = "aibSimulatorBot0001"
    wechat_app_id: str = "wx5e1f5a1c0ffee000"
    wechat_secret: str = "sim-wechat-secret-0123456789abcdef"
    wechat_token: str = "SimWechatToken2026"
    wechat_aes_key: str = "c2l5dS1zaW11bGF0b3Itd2VjaGF0LW9hLWFlcy1rZXk"
    wechat_original_id: str = "gh_5e1f5a1c0ffe"

    def bot_settings(self, api_base: str, **overrides: Any) -> Settings:
        """Settings for a bot wired to a simulator serving at ``api_base``
        (WeCom under ``/wecom``, WeChat under ``/wechat``)."""
        base = api_base.rstrip("/")
        values: dict[str, Any] = {
            "wecom_corp_id": self.corp_id,
            "wecom_agent_id": self.agent_id,
            "wecom_secret": self.app_secret,
            "wecom_contact_secret": self.contact_secret,
            "wecom_archive_secret": self.archive_secret,
            "wecom_token": self.app_token,
            "wecom_aes_key": self.app_aes_key,
            "wecom_api_base": base + "/wecom",
            "wecom_bot_token": self.bot_token,
            "wecom_bot_aes_key": self.bot_aes_key,
            "wechat_app_id": self.wechat_app_id,
            "wechat_secret": self.wechat_secret,
            "wechat_token": self.wechat_token,
            "wechat_aes_key": self.wechat_aes_key,
            "wechat_api_base": base + "/wechat",
        }
        values.update(overrides)
        return load_settings(environ={}, **values)
