"""Callback signatures and WXBizMsgCrypt AES, on wechatpy's cipher.

One class serves WeCom (receive id = CorpID), the WeCom 智能机器人 (receive id = "" for an
internal bot), WeChat official accounts in ``aes`` mode (receive id = AppID) and the
simulator, which plays the platform's side. Signatures are compared in constant time,
which wechatpy's own ``check_signature`` does not do.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string

from wechatpy.crypto import PrpCrypto


class CallbackSecurityError(Exception):
    """A callback failed verification; the message says why (never the secrets)."""


def sha1_signature(*parts: str) -> str:
    """SHA1 over the sorted, concatenated parts, the scheme of every WeCom/WeChat callback."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signatures_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("ascii", "replace"), (given or "").encode("ascii", "replace"))


def random_nonce(length: int = 10) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def verify_plain_signature(token: str, signature: str, timestamp: str, nonce: str) -> None:
    """Official account plaintext mode: signature = sha1(sort(token, timestamp, nonce))."""
    if not signatures_match(sha1_signature(token, timestamp, nonce), signature):
        raise CallbackSecurityError("signature mismatch")


class CallbackCrypto:
    """msg_signature = sha1(sort(token, timestamp, nonce, encrypt)); AES-256-CBC with the
    EncodingAESKey, IV = its first 16 bytes, PKCS#7 to 32-byte blocks, and the plaintext
    framed as random(16) + length(4, network order) + message + receive id."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.receive_id = receive_id
        self._key = base64.b64decode(encoding_aes_key + "=")
        if len(self._key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return sha1_signature(self.token, timestamp, nonce, encrypt)

    def verify(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        if not signatures_match(self.signature(timestamp, nonce, encrypt), signature):
            raise CallbackSecurityError("msg_signature mismatch")

    def decrypt(self, encrypt: str) -> str:
        """Decrypt a verified ciphertext; raise CallbackSecurityError on any corruption or a
        receive id that is not ours."""
        try:
            plain = PrpCrypto(self._key).decrypt(encrypt, self.receive_id)
        except (ValueError, binascii.Error, UnicodeDecodeError, IndexError, TypeError) as exc:
            raise CallbackSecurityError(f"cannot decrypt: {type(exc).__name__}") from None
        except Exception as exc:  # wechatpy raises InvalidAppIdException for a foreign receive id
            raise CallbackSecurityError(f"cannot decrypt: {type(exc).__name__}") from None
        return plain

    def verify_and_decrypt(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        self.verify(signature, timestamp, nonce, encrypt)
        return self.decrypt(encrypt)

    def encrypt(self, plain: str, timestamp: str, nonce: str) -> tuple[str, str]:
        """Encrypt ``plain``; returns (encrypt, msg_signature)."""
        encrypt = PrpCrypto(self._key).encrypt(plain, self.receive_id).decode("ascii")
        return encrypt, self.signature(timestamp, nonce, encrypt)

    def encrypted_xml(self, plain: str, timestamp: str, nonce: str) -> str:
        """The XML envelope of an encrypted passive reply (and of a platform callback)."""
        encrypt, signature = self.encrypt(plain, timestamp, nonce)
        return (
            f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp>"
            f"<Nonce><![CDATA[{nonce}]]></Nonce></xml>"
        )

    def encrypted_json(self, plain: str, timestamp: str, nonce: str) -> dict[str, str]:
        """The JSON envelope of an encrypted 智能机器人 reply."""
        encrypt, signature = self.encrypt(plain, timestamp, nonce)
        return {"encrypt": encrypt, "msgsignature": signature, "timestamp": int(timestamp), "nonce": nonce}
