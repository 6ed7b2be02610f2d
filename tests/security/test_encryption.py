"""Personal values are stored encrypted (AES-GCM), found by keyed hashes, readable after the
key rotates, and nothing readable is left in the database file."""
from __future__ import annotations

import pytest
from tortoise import Tortoise

from models.encrypted import DataKeyError, DataKeys, lookup_hash, new_key, rotate, use_keys
from tests.security.encrypted_model import Contact

PHONE = "13912345678"


@pytest.fixture
def keys():
    ring = DataKeys.parse(f"k1:{new_key()}")
    use_keys(ring)
    yield ring
    use_keys(None)


@pytest.fixture
async def contacts(tmp_path, keys):
    path = tmp_path / "encrypted.db"
    await Tortoise.init(db_url=f"sqlite://{path}", modules={"models": ["tests.security.encrypted_model"]})
    await Tortoise.generate_schemas()
    yield path
    await Tortoise.close_connections()


def test_values_round_trip_and_each_encryption_differs(keys):
    sealed = keys.encrypt(PHONE)
    assert sealed.startswith("enc1:k1:") and PHONE not in sealed
    assert keys.decrypt(sealed) == PHONE and keys.encrypt(PHONE) != sealed


def test_a_tampered_value_or_a_missing_key_is_an_error_not_garbage(keys):
    sealed = keys.encrypt(PHONE)
    with pytest.raises(DataKeyError):
        keys.decrypt(sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))
    with pytest.raises(DataKeyError):
        DataKeys.parse(f"k2:{new_key()}").decrypt(sealed)


@pytest.mark.parametrize("text", ["", "k1", "k1:short", f"k1:{new_key()},k1:{new_key()}", f"k-1:{new_key()}"])
def test_malformed_key_rings_are_refused(text):
    with pytest.raises(DataKeyError):
        DataKeys.parse(text)


async def test_the_database_file_holds_no_readable_value_and_lookups_use_the_hash(contacts):
    await Contact.create(phone=PHONE, phone_hash=lookup_hash(PHONE))
    assert PHONE.encode() not in contacts.read_bytes()
    found = await Contact.get(phone_hash=lookup_hash(PHONE))
    assert found.phone == PHONE


async def test_rotation_re_encrypts_under_the_new_key_and_rehashes(contacts, keys):
    old = keys
    await Contact.create(phone=PHONE, phone_hash=lookup_hash(PHONE))
    await Contact.create(phone="", note="legacy")
    conn = Tortoise.get_connection("default")  # a value stored before encryption, in plaintext
    await conn.execute_query("UPDATE test_encrypted_contact SET phone = ? WHERE note = 'legacy'", ["13800000000"])

    new = DataKeys.parse(f"k2:{new_key()},{old.keys[0][0]}:{base64_of(old.keys[0][1])}")
    use_keys(new)
    assert await rotate([Contact], {Contact: {"phone_hash": "phone"}}) == 2

    use_keys(DataKeys(new.keys[:1]))  # the old key can go now
    rows = {c.note: c for c in await Contact.all()}
    assert rows[""].phone == PHONE and rows["legacy"].phone == "13800000000"
    assert (await Contact.get(phone_hash=lookup_hash("13800000000"))).note == "legacy"
    stored = await conn.execute_query_dict("SELECT phone FROM test_encrypted_contact")
    assert all(r["phone"].startswith("enc1:k2:") for r in stored)
    assert b"13800000000" not in contacts.read_bytes()


def base64_of(key: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(key).decode()


@pytest.fixture
async def redis():
    import uuid

    import redis.asyncio as aioredis

    client = aioredis.from_url("redis://127.0.0.1:6379/0")
    try:
        await client.ping()
    except Exception:
        await client.aclose()
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    prefix = f"siyu-test:{uuid.uuid4().hex}:"
    yield client, prefix
    found = [k async for k in client.scan_iter(match=prefix + "*")]
    if found:
        await client.delete(*found)
    await client.aclose()


async def test_access_tokens_shared_through_redis_are_sealed(redis):
    from bot.api.tokens import CachedToken, RedisTokenStore

    client, prefix = redis
    ring = DataKeys.parse(f"k1:{new_key()}")
    store = RedisTokenStore(client, prefix, keys=ring)
    await store.set("wecom:corp:abc", CachedToken("ACCESS-TOKEN-VALUE", 123.0), ttl=60)

    raw = await client.get(prefix + "wecom:corp:abc")
    assert b"ACCESS-TOKEN-VALUE" not in raw
    assert await store.get("wecom:corp:abc") == CachedToken("ACCESS-TOKEN-VALUE", 123.0)
    assert await RedisTokenStore(client, prefix).get("wecom:corp:abc") is None  # no keys: fetch its own
    await store.discard("wecom:corp:abc", "ACCESS-TOKEN-VALUE")
    assert await client.get(prefix + "wecom:corp:abc") is None


def test_the_settings_refuse_a_malformed_key_ring():
    from bot.config import ConfigError, load_settings

    with pytest.raises(ConfigError):
        load_settings(environ={"SIYU_DATA_KEYS": "k1:tooshort"})
    assert load_settings(environ={"SIYU_DATA_KEYS": f"k1:{new_key()}"}).data_keys
