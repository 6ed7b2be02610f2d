"""Personal data at rest: a tortoise text field stored encrypted (AES-256-GCM from
``cryptography``), keyed hashes for exact lookups of encrypted values (phone, e-mail, platform
ids), and the key ring they use.

Keys come from ``SIYU_DATA_KEYS``: comma-separated ``<key id>:<32 bytes, urlsafe base64>``,
newest first. The first key encrypts and hashes; every key decrypts, so a new key is added in
front and ``python main.py keys rotate`` re-encrypts every stored value (and recomputes the
hashes) before the old key is dropped. Stored values read ``enc1:<key id>:<nonce+ciphertext>``;
a value without that prefix is legacy plaintext, read as is and encrypted by the next rotation.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Any, Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tortoise import fields
from tortoise.models import Model

PREFIX = "enc1:"
ENV = "SIYU_DATA_KEYS"


class DataKeyError(ValueError):
    """The key ring is missing, malformed, or lacks the key a stored value names."""


def new_key() -> str:
    """A fresh key in the form SIYU_DATA_KEYS takes (without its id)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True)
class DataKeys:
    """The key ring: ``(key id, key)`` pairs, the first one current."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, text: str) -> "DataKeys":
        keys = []
        for part in (p.strip() for p in text.split(",") if p.strip()):
            kid, sep, encoded = part.partition(":")
            try:
                key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except ValueError:
                key = b""
            if not sep or not kid.isalnum() or len(key) != 32:
                raise DataKeyError(f"{ENV}: each key is <id>:<32 bytes in urlsafe base64>; {kid or part[:8]!r} is not")
            keys.append((kid, key))
        if not keys:
            raise DataKeyError(f"{ENV} holds no key; create one with 'python main.py keys new'")
        if len({kid for kid, _ in keys}) != len(keys):
            raise DataKeyError(f"{ENV}: key ids must differ")
        return cls(tuple(keys))

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[0]

    def encrypt(self, plain: str) -> str:
        kid, key = self.current
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(key).encrypt(nonce, plain.encode("utf-8"), kid.encode())
        return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # legacy plaintext, encrypted by the next rotation
        kid, _, encoded = stored[len(PREFIX):].partition(":")
        key = dict(self.keys).get(kid)
        if key is None:
            raise DataKeyError(f"a stored value needs key {kid!r}, which {ENV} no longer holds")
        raw = base64.urlsafe_b64decode(encoded)
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], kid.encode()).decode("utf-8")
        except InvalidTag:
            raise DataKeyError(f"a stored value does not decrypt with key {kid!r} (tampered or wrong key)") from None

    def is_current(self, stored: str | None) -> bool:
        return stored is None or stored.startswith(f"{PREFIX}{self.current[0]}:")

    def lookup_hash(self, value: str) -> str:
        """The keyed hash (HMAC-SHA256 with the current key) stored beside an encrypted value
        so it can be found by exact match without being readable."""
        return hmac.new(self.current[1], b"lookup:" + value.encode("utf-8"), hashlib.sha256).hexdigest()


_ring: DataKeys | None = None


def use_keys(keys: DataKeys | None) -> None:
    """Set the process's key ring (at start-up, from settings; tests set their own)."""
    global _ring  # the one process-wide setting a field can reach; set once at start-up
    _ring = keys


def keys_in_use() -> DataKeys:
    if _ring is None:
        text = os.environ.get(ENV, "")
        if not text:
            raise DataKeyError(f"set {ENV} to store personal data (create a key with 'python main.py keys new')")
        use_keys(DataKeys.parse(text))
    assert _ring is not None
    return _ring


class EncryptedTextField(fields.TextField):
    """A text column stored encrypted; reads give the plain text. It cannot be searched in
    the database: pair it with a :func:`lookup_hash` column where exact lookups are needed."""

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if value is None or (isinstance(value, str) and value.startswith(PREFIX)):
            return value
        return keys_in_use().encrypt(str(value))

    def to_python_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return keys_in_use().decrypt(value)
        return value


def lookup_hash(value: str) -> str:
    """The keyed hash of ``value`` with the current key ("" for an empty value)."""
    return keys_in_use().lookup_hash(value) if value else ""


def encrypted_fields(model: type[Model]) -> list[str]:
    return [name for name, field in model._meta.fields_map.items() if isinstance(field, EncryptedTextField)]


async def rotate(models: Iterable[type[Model]], hashes: dict[type[Model], dict[str, str]] | None = None) -> int:
    """Re-encrypt every encrypted value not under the current key (and legacy plaintext), and
    recompute the keyed hashes (``hashes[model] = {hash column: source column}``); returns
    the rows rewritten. Run after putting a new key first in SIYU_DATA_KEYS."""
    ring, rewritten = keys_in_use(), 0
    for model in models:
        names, hashed = encrypted_fields(model), (hashes or {}).get(model, {})
        if not names and not hashed:
            continue
        pk = model._meta.pk_attr
        for raw in await model.all().values(*dict.fromkeys([pk, *names, *hashed.values()])):
            changes: dict[str, Any] = {}
            for name in names:
                if raw[name] is not None and not ring.is_current(raw[name]):
                    changes[name] = ring.encrypt(ring.decrypt(raw[name]))
            for hash_column, source in hashed.items():
                plain = ring.decrypt(raw[source]) if isinstance(raw[source], str) else ""
                changes[hash_column] = ring.lookup_hash(plain) if plain else ""
            if changes:
                await model.filter(**{pk: raw[pk]}).update(**changes)
                rewritten += 1
    return rewritten
