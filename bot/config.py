"""Settings: one frozen object built once from ``SIYU_*`` environment variables and an
optional TOML file. A missing or invalid value stops start-up with a message naming it."""
from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlparse

from models.encrypted import DataKeyError, DataKeys

PREFIX = "SIYU_"
PROJECT_DIR = Path(__file__).resolve().parent.parent


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where SQLite databases live unless told otherwise: ``$SIYU_DATA_DIR``, else ``data/`` in
    the project directory (never the current directory, so every command finds the same one)."""
    environ = os.environ if environ is None else environ
    return Path(environ.get(PREFIX + "DATA_DIR") or PROJECT_DIR / "data")


def default_database_url(name: str = "siyu.db", environ: Mapping[str, str] | None = None) -> str:
    return f"sqlite://{data_dir(environ) / name}"


class ConfigError(ValueError):
    """A configuration value is missing or invalid; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    redis_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    secret_key: str = ""
    data_keys: str = ""  # <id>:<key>,… newest first: personal data and shared access tokens are encrypted with them
    public_url: str = ""  # how staff reach this server (console links); default http://host:port
    company_name: str = ""  # the company customers talk to (welcome, privacy policy title)
    callback_max_skew: int = 300
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or networks),
    # so that per-address limits see the real client; empty: the peer address is the client.
    trusted_proxies: str = ""
    # WeCom self-built app
    wecom_corp_id: str = ""
    wecom_agent_id: int = 0
    wecom_secret: str = ""
    wecom_contact_secret: str = ""
    wecom_archive_secret: str = ""  # 会话内容存档 Secret (archiving consent checks, the SDK's Init)
    wecom_archive_sdk: str = ""  # path to the deployer's libWeWorkFinanceSdk_C.so
    wecom_archive_keys: str = ""  # VERSION:PATH,… of the RSA private keys for the archive
    wecom_token: str = ""
    wecom_aes_key: str = ""
    wecom_api_base: str = "https://qyapi.weixin.qq.com"
    # WeCom 智能机器人
    wecom_bot_token: str = ""
    wecom_bot_aes_key: str = ""
    # WeChat official account
    wechat_app_id: str = ""
    wechat_secret: str = ""
    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_api_base: str = "https://api.weixin.qq.com"
    # FAQ semantic scorer (off unless a folder with model.onnx and tokenizer.json is given)
    faq_encoder: str = ""
    faq_encoder_pooling: str = "mean"  # mean | cls (BGE-style models)
    faq_encoder_budget_ms: int = 15  # past it, a question is answered from the lexical score

    @property
    def base_url(self) -> str:
        """The server's public address, for links sent to staff."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """``trusted_proxies`` parsed (ValueError when one is not an address or network)."""
        return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def wecom_enabled(self) -> bool:
        """The WeCom app callback is mounted only when its credentials are set."""
        return bool(self.wecom_corp_id and self.wecom_token and self.wecom_aes_key)

    @property
    def wecom_bot_enabled(self) -> bool:
        return bool(self.wecom_bot_token and self.wecom_bot_aes_key)

    @property
    def wechat_enabled(self) -> bool:
        return bool(self.wechat_app_id and self.wechat_token)

    def env_name(self, field_name: str) -> str:
        return PREFIX + field_name.upper()


def _field_types() -> dict[str, type]:
    return {f.name: (int if f.type in ("int", int) else str) for f in fields(Settings)}


def _coerce(name: str, raw: Any, kind: type) -> Any:
    var = PREFIX + name.upper()
    if kind is int:
        if isinstance(raw, bool):
            raise ConfigError(f"{var} must be a whole number, got {raw!r}")
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ConfigError(f"{var} must be a whole number, got {raw!r}") from None
    if not isinstance(raw, (str, int)):
        raise ConfigError(f"{var} must be a string, got {raw!r}")
    return str(raw).strip()


def _check_aes_key(var: str, value: str) -> None:
    if not value:
        return
    if len(value) != 43:
        raise ConfigError(f"{var} must be the 43-character EncodingAESKey, got {len(value)} characters")
    try:
        key = base64.b64decode(value + "=", validate=True)
    except binascii.Error:
        raise ConfigError(f"{var} is not valid base64") from None
    if len(key) != 32:
        raise ConfigError(f"{var} does not decode to a 32-byte AES key")


def _check_url(var: str, value: str, schemes: tuple[str, ...]) -> None:
    if value and urlparse(value).scheme not in schemes:
        raise ConfigError(f"{var} must start with one of {', '.join(s + '://' for s in schemes)}, got {value!r}")


def validate(settings: Settings) -> Settings:
    """Check cross-field rules; raise ConfigError naming the offending variable."""
    env = settings.env_name
    if not 0 < settings.port < 65536:
        raise ConfigError(f"{env('port')} must be between 1 and 65535, got {settings.port}")
    if settings.callback_max_skew < 0:
        raise ConfigError(f"{env('callback_max_skew')} must be 0 (off) or a positive number of seconds")
    try:
        settings.proxy_networks  # noqa: B018 - parsing the networks is the check
    except ValueError as exc:
        raise ConfigError(f"{env('trusted_proxies')} must list IP addresses or networks: {exc}") from None
    _check_url(env("database_url"), settings.database_url, ("sqlite", "postgres", "asyncpg", "psycopg"))
    _check_url(env("redis_url"), settings.redis_url, ("redis", "rediss", "unix"))
    if settings.data_keys:
        try:
            DataKeys.parse(settings.data_keys)
        except DataKeyError as exc:
            raise ConfigError(str(exc)) from None
    _check_url(env("public_url"), settings.public_url, ("http", "https"))
    _check_url(env("wecom_api_base"), settings.wecom_api_base, ("http", "https"))
    _check_url(env("wechat_api_base"), settings.wechat_api_base, ("http", "https"))
    for name in ("wecom_aes_key", "wecom_bot_aes_key", "wechat_aes_key"):
        _check_aes_key(env(name), getattr(settings, name))
    if settings.wecom_token and not settings.wecom_aes_key:
        raise ConfigError(f"{env('wecom_aes_key')} is required when {env('wecom_token')} is set")
    if settings.wecom_token and not settings.wecom_corp_id:
        raise ConfigError(f"{env('wecom_corp_id')} is required when {env('wecom_token')} is set")
    if settings.wecom_bot_token and not settings.wecom_bot_aes_key:
        raise ConfigError(f"{env('wecom_bot_aes_key')} is required when {env('wecom_bot_token')} is set")
    if settings.wechat_token and not settings.wechat_app_id:
        raise ConfigError(f"{env('wechat_app_id')} is required when {env('wechat_token')} is set")
    return settings


def load_settings(
    environ: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings from a TOML file (keys without the prefix, lower case), then the
    environment (which wins), then explicit overrides (which win over both)."""
    environ = os.environ if environ is None else environ
    types = _field_types()
    values: dict[str, Any] = {}
    if config_file:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        for key, raw in data.items():
            name = key.lower().removeprefix("siyu_")
            if name not in types:
                raise ConfigError(f"config file {path}: unknown setting {key!r}")
            values[name] = _coerce(name, raw, types[name])
    for name, kind in types.items():
        var = PREFIX + name.upper()
        if var in environ:
            values[name] = _coerce(name, environ[var], kind)
    for name, raw in overrides.items():
        if name not in types:
            raise ConfigError(f"unknown setting {name!r}")
        values[name] = _coerce(name, raw, types[name])
    values.setdefault("database_url", default_database_url(environ=environ))
    return validate(Settings(**values))
