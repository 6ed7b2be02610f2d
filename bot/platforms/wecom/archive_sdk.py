"""The production chat-archive source: WeCom's 会话内容存档 SDK (libWeWorkFinanceSdk_C.so), called
through its documented C interface with ctypes, loaded from the deployer's copy
(``SIYU_WECOM_ARCHIVE_SDK``). Nothing here is downloaded or bundled.

Doc facts relied on (WeWorkFinanceSdk_C.h and the 会话内容存档 guide):
- ``NewSdk`` → handle; ``Init(sdk, corpid, secret)`` with the 会话内容存档 Secret; ``DestroySdk``.
- ``GetChatData(sdk, seq, limit ≤ 1000, proxy, passwd, timeout, Slice_t*)`` fills the slice with
  JSON ``{"errcode", "errmsg", "chatdata": [{"seq", "msgid", "publickey_ver",
  "encrypt_random_key", "encrypt_chat_msg"}]}``.
- ``encrypt_random_key`` is base64 of the message key encrypted with the company's RSA public key
  of version ``publickey_ver`` (PKCS#1 v1.5); the private key decrypts it, then
  ``DecryptData(key, encrypt_chat_msg, Slice_t*)`` gives the message JSON (msgid, action, from,
  tolist, roomid, msgtime, msgtype, text.content).
- ``GetMediaData(sdk, indexbuf, sdkfileid, proxy, passwd, timeout, MediaData_t*)`` returns a
  file in chunks: pass ``outindexbuf`` back until ``is_finish``.
- Slices and media data are allocated by the SDK and freed with ``FreeSlice``/``FreeMediaData``.
- Return codes 10000–10011 (below); 0 is success.
"""
from __future__ import annotations

import asyncio
import base64
import ctypes
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.platforms.wecom.archive import PULL_LIMIT, ArchivedMessage, ConsentSource

log = logging.getLogger(__name__)

SDK_ERRORS = {
    10000: "参数错误，请求参数错误",
    10001: "网络错误，网络请求错误",
    10002: "数据解析失败",
    10003: "系统失败",
    10004: "密钥错误导致加密失败",
    10005: "fileid错误",
    10006: "解密失败",
    10007: "找不到消息加密版本的私钥，需要重新传入私钥对",
    10008: "解析encrypt_key出错",
    10009: "ip非法",
    10010: "数据过期",
    10011: "证书错误",
}
MEDIA_CHUNK_LIMIT = 10_000  # chunks read for one file before giving up (a broken index)


class ArchiveSdkError(RuntimeError):
    """The SDK returned a non-zero code (or the library or a key could not be used)."""

    def __init__(self, code: int, call: str, detail: str = "") -> None:
        self.code = code
        meaning = SDK_ERRORS.get(code, "unknown error")
        super().__init__(f"{call} failed: {code} {meaning}{': ' + detail if detail else ''}")


class FinanceSdk:
    """The SDK's C functions, typed; one initialised handle per instance. Blocking: call it
    from a worker thread (:class:`SdkArchive` does)."""

    def __init__(self, library: str | Path, corp_id: str, secret: str) -> None:
        try:
            self._lib = ctypes.CDLL(str(library))
        except OSError as exc:
            raise ArchiveSdkError(10003, "loading the SDK", f"{library}: {exc}") from exc
        self._declare()
        self._sdk = self._lib.NewSdk()
        if not self._sdk:
            raise ArchiveSdkError(10003, "NewSdk")
        code = self._lib.Init(self._sdk, corp_id.encode(), secret.encode())
        if code:
            self.close()
            raise ArchiveSdkError(code, "Init")

    def _declare(self) -> None:
        lib, p, c = self._lib, ctypes.c_void_p, ctypes.c_char_p
        signatures: dict[str, tuple[Any, list[Any]]] = {
            "NewSdk": (p, []),
            "Init": (ctypes.c_int, [p, c, c]),
            "DestroySdk": (None, [p]),
            "GetChatData": (ctypes.c_int, [p, ctypes.c_ulonglong, ctypes.c_uint, c, c, ctypes.c_int, p]),
            "DecryptData": (ctypes.c_int, [c, c, p]),
            "GetMediaData": (ctypes.c_int, [p, c, c, c, c, ctypes.c_int, p]),
            "NewSlice": (p, []),
            "FreeSlice": (None, [p]),
            "GetContentFromSlice": (p, [p]),
            "GetSliceLen": (ctypes.c_int, [p]),
            "NewMediaData": (p, []),
            "FreeMediaData": (None, [p]),
            "GetOutIndexBuf": (p, [p]),
            "GetData": (p, [p]),
            "GetIndexLen": (ctypes.c_int, [p]),
            "GetDataLen": (ctypes.c_int, [p]),
            "IsMediaDataFinish": (ctypes.c_int, [p]),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes

    def close(self) -> None:
        if self._sdk:
            self._lib.DestroySdk(self._sdk)
            self._sdk = None

    def chat_data(self, seq: int, limit: int, *, proxy: str = "", password: str = "", timeout: int = 10) -> dict[str, Any]:
        """The page of encrypted records after ``seq``, as the SDK's JSON."""
        raw = self._with_slice("GetChatData", lambda out: self._lib.GetChatData(
            self._sdk, seq, limit, proxy.encode(), password.encode(), timeout, out))
        answer = json.loads(raw)
        if answer.get("errcode"):
            raise ArchiveSdkError(int(answer["errcode"]), "GetChatData", str(answer.get("errmsg", "")))
        return answer

    def decrypt(self, message_key: str, encrypted: str) -> dict[str, Any]:
        """One record's message JSON, decrypted with its (RSA-decrypted) key."""
        raw = self._with_slice("DecryptData", lambda out: self._lib.DecryptData(
            message_key.encode(), encrypted.encode(), out))
        return json.loads(raw)

    def media(self, sdk_file_id: str, *, proxy: str = "", password: str = "", timeout: int = 10) -> bytes:
        """A whole media file, read chunk by chunk."""
        chunks, index = [], b""
        for _ in range(MEDIA_CHUNK_LIMIT):
            media = self._lib.NewMediaData()
            try:
                code = self._lib.GetMediaData(self._sdk, index, sdk_file_id.encode(), proxy.encode(),
                                              password.encode(), timeout, media)
                if code:
                    raise ArchiveSdkError(code, "GetMediaData", sdk_file_id)
                chunks.append(ctypes.string_at(self._lib.GetData(media), self._lib.GetDataLen(media)))
                if self._lib.IsMediaDataFinish(media):
                    return b"".join(chunks)
                index = ctypes.string_at(self._lib.GetOutIndexBuf(media), self._lib.GetIndexLen(media))
            finally:
                self._lib.FreeMediaData(media)
        raise ArchiveSdkError(10003, "GetMediaData", f"{sdk_file_id}: no end after {MEDIA_CHUNK_LIMIT} chunks")

    def _with_slice(self, call: str, run: Any) -> bytes:
        out = self._lib.NewSlice()
        try:
            code = run(out)
            if code:
                raise ArchiveSdkError(code, call)
            return ctypes.string_at(self._lib.GetContentFromSlice(out), self._lib.GetSliceLen(out))
        finally:
            self._lib.FreeSlice(out)


class MessageKeys:
    """The company's RSA private keys by ``publickey_ver`` (WeCom lets a company rotate them;
    older messages keep their version)."""

    def __init__(self, pems: Mapping[int, bytes]) -> None:
        self._keys: dict[int, rsa.RSAPrivateKey] = {}
        for version, pem in pems.items():
            key = serialization.load_pem_private_key(pem, password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError(f"archive key version {version} is not an RSA private key")
            self._keys[int(version)] = key

    @classmethod
    def from_spec(cls, spec: str) -> "MessageKeys":
        """From ``SIYU_WECOM_ARCHIVE_KEYS``: ``VERSION:PATH`` pairs separated by commas."""
        pems = {}
        for part in filter(None, (item.strip() for item in spec.split(","))):
            version, _, path = part.partition(":")
            if not version.isdigit() or not path:
                raise ValueError(f"archive key {part!r}: expected VERSION:PATH, e.g. 3:/etc/siyu/archive_v3.pem")
            pems[int(version)] = Path(path).read_bytes()
        return cls(pems)

    def message_key(self, version: int, encrypted_b64: str) -> str:
        key = self._keys.get(int(version))
        if key is None:
            raise ArchiveSdkError(10007, "decrypting encrypt_random_key", f"no private key of version {version}")
        try:
            return key.decrypt(base64.b64decode(encrypted_b64), padding.PKCS1v15()).decode()
        except ValueError as exc:
            raise ArchiveSdkError(10008, "decrypting encrypt_random_key", str(exc)) from exc


def is_customer(sender: str) -> bool:
    """External contacts' ids start with wo/wm (customers) — staff userids do not."""
    return sender.startswith(("wo", "wm"))


@dataclass
class SdkArchive:
    """ArchiveSource over the SDK: pulls and decrypts in a worker thread; consent comes from
    ``consent`` (an ApiConsent over the 获取会话同意情况 APIs). A record that cannot be
    decrypted is logged and skipped — its seq still advances, as retrying cannot fix it."""

    sdk: FinanceSdk
    keys: MessageKeys
    consent: ConsentSource
    name: str = "wecom-sdk"
    proxy: str = ""
    proxy_password: str = ""
    timeout: int = 10

    async def pull(self, since_seq: int, limit: int = PULL_LIMIT) -> Sequence[ArchivedMessage]:
        return await asyncio.to_thread(self._pull, since_seq, min(limit, PULL_LIMIT))

    def _pull(self, since_seq: int, limit: int) -> list[ArchivedMessage]:
        page = self.sdk.chat_data(since_seq, limit, proxy=self.proxy, password=self.proxy_password, timeout=self.timeout)
        messages = []
        for record in page.get("chatdata", []):
            try:
                key = self.keys.message_key(record["publickey_ver"], record["encrypt_random_key"])
                messages.append(archived(record["seq"], self.sdk.decrypt(key, record["encrypt_chat_msg"])))
            except (ArchiveSdkError, KeyError, ValueError) as exc:
                log.error("archive record seq %s skipped: %s", record.get("seq"), exc)
                messages.append(ArchivedMessage(int(record.get("seq", since_seq)), str(record.get("msgid", "")),
                                                "", "undecryptable", "", 0, action="skip"))
        return messages

    async def aclose(self) -> None:
        """Destroy the SDK handle (the app's cleanup)."""
        self.sdk.close()

    def media(self, sdk_file_id: str) -> bytes:
        return self.sdk.media(sdk_file_id, proxy=self.proxy, password=self.proxy_password, timeout=self.timeout)

    async def check_room_agree(self, room_id: str) -> dict[str, str]:
        return await self.consent.check_room_agree(room_id)

    async def check_single_agree(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        return await self.consent.check_single_agree(pairs)


def archived(seq: int, message: Mapping[str, Any]) -> ArchivedMessage:
    """An ArchivedMessage from a decrypted record (``switch`` records carry no sender list)."""
    msg_type = str(message.get("msgtype", ""))
    body = message.get(msg_type) if isinstance(message.get(msg_type), dict) else {}
    sender = str(message.get("from", ""))
    return ArchivedMessage(
        seq=int(seq),
        msg_id=str(message.get("msgid", "")),
        sender=sender,
        msg_type=msg_type,
        content=str(body.get("content", "")) if msg_type == "text" else "",
        msg_time_ms=int(message.get("msgtime") or message.get("time") or 0),
        room_id=str(message.get("roomid", "")),
        to=tuple(message.get("tolist") or ()),
        action=str(message.get("action", "send")),
        sender_is_customer=is_customer(sender),
    )


def sdk_archive(settings: Any, consent: ConsentSource) -> SdkArchive | None:
    """The SDK source a deployment configured (``SIYU_WECOM_ARCHIVE_SDK`` and
    ``SIYU_WECOM_ARCHIVE_KEYS``, with the 会话内容存档 Secret), or None when it configured none."""
    if not settings.wecom_archive_sdk:
        return None
    missing = [settings.env_name(name) for name in ("wecom_corp_id", "wecom_archive_secret", "wecom_archive_keys")
               if not getattr(settings, name)]
    if missing:
        raise ValueError(f"{settings.env_name('wecom_archive_sdk')} is set, so set {', '.join(missing)} too")
    sdk = FinanceSdk(settings.wecom_archive_sdk, settings.wecom_corp_id, settings.wecom_archive_secret)
    return SdkArchive(sdk, MessageKeys.from_spec(settings.wecom_archive_keys), consent)
