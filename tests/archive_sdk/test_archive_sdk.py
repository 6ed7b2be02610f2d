"""The production chat-archive source, against a stub shared library with the SDK's C functions:
records are pulled after a seq, their keys RSA-decrypted by key version, messages decrypted,
media read in chunks, errors named, every SDK object freed; and the puller delivers consenting
customers' messages from the persisted seq."""
import base64
import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bot.platforms.wecom.archive import ArchivePuller
from bot.platforms.wecom.archive_sdk import ArchiveSdkError, FinanceSdk, MessageKeys, SdkArchive
from models import ArchiveCursor

STUB = Path(__file__).with_name("stub_finance_sdk.c")
pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to build the stub SDK")


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sdk") / "libWeWorkFinanceSdk_C.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(out), str(STUB)], check=True)
    return out


@pytest.fixture(scope="module")
def rsa_keys():
    return {version: rsa.generate_private_key(public_exponent=65537, key_size=2048) for version in (2, 3)}


def pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def record(seq: int, message: dict, public_key, version: int, message_key: str = "k3y-0f-msg") -> str:
    plain = json.dumps(message, ensure_ascii=False).encode()
    cipher = bytes(b ^ message_key.encode()[i % len(message_key)] for i, b in enumerate(plain)).hex()
    wrapped = base64.b64encode(public_key.encrypt(message_key.encode(), padding.PKCS1v15())).decode()
    return f"{seq}\t" + json.dumps({"seq": seq, "msgid": message["msgid"], "publickey_ver": version,
                                    "encrypt_random_key": wrapped, "encrypt_chat_msg": cipher})


def text(msgid: str, sender: str, content: str, room: str = "", to=("zhangsan",)) -> dict:
    return {"msgid": msgid, "action": "send", "from": sender, "tolist": list(to), "roomid": room,
            "msgtime": 1765000000000, "msgtype": "text", "text": {"content": content}}


@pytest.fixture
def archive_dir(tmp_path, monkeypatch, rsa_keys):
    lines = [
        record(5, text("m5", "wmCUSTOMER1", "什么时候发货？", room="wrROOM"), rsa_keys[2].public_key(), 2),
        record(6, text("m6", "zhangsan", "稍等，我查一下", room="wrROOM"), rsa_keys[3].public_key(), 3),
        record(7, text("m7", "wmCUSTOMER2", "价格表发我一下"), rsa_keys[3].public_key(), 3),
        record(8, text("m8", "wmCUSTOMER3", "用旧密钥"), rsa_keys[3].public_key(), 9),
    ]
    (tmp_path / "chatdata.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "file-1").write_bytes(b"%PDF-1.7 a whitepaper of some length")
    monkeypatch.setenv("STUB_ARCHIVE_DIR", str(tmp_path))
    return tmp_path


class Consent:
    async def check_room_agree(self, room_id):
        return {"wmCUSTOMER1": "Agree"}

    async def check_single_agree(self, pairs):
        return {pair: "Disagree" for pair in pairs}


def live_objects(library: Path) -> int:
    return ctypes.CDLL(str(library)).StubLiveObjects()


@pytest.fixture
def archive(library, rsa_keys, archive_dir):
    sdk = FinanceSdk(library, "ww-corp", "archive-secret")
    yield SdkArchive(sdk, MessageKeys({v: pem(k) for v, k in rsa_keys.items()}), Consent())
    sdk.close()
    assert live_objects(library) == 0, "every slice, media buffer and SDK handle is freed"


async def test_records_after_a_seq_are_decrypted_with_their_key_version(archive):
    messages = await archive.pull(5, 100)
    assert [(m.seq, m.msg_id, m.sender, m.content, m.sender_is_customer) for m in messages[:2]] == [
        (6, "m6", "zhangsan", "稍等，我查一下", False),
        (7, "m7", "wmCUSTOMER2", "价格表发我一下", True),
    ]
    assert (messages[2].seq, messages[2].action) == (8, "skip")  # key version 9 is unknown: logged, skipped
    assert [m.seq for m in await archive.pull(0, 2)] == [5, 6]


async def test_media_is_read_chunk_by_chunk_and_a_bad_file_id_is_named(archive):
    assert archive.media("file-1") == b"%PDF-1.7 a whitepaper of some length"
    with pytest.raises(ArchiveSdkError, match="10005 fileid错误"):
        archive.media("no-such-file")


def test_a_wrong_secret_or_a_missing_library_fails_with_the_sdk_meaning(library, tmp_path):
    with pytest.raises(ArchiveSdkError, match="Init failed: 10011 证书错误"):
        FinanceSdk(library, "ww-corp", "wrong-secret")
    with pytest.raises(ArchiveSdkError, match="loading the SDK"):
        FinanceSdk(tmp_path / "missing.so", "ww-corp", "archive-secret")
    assert live_objects(library) == 0


def test_keys_come_from_version_path_pairs(tmp_path, rsa_keys):
    (tmp_path / "v2.pem").write_bytes(pem(rsa_keys[2]))
    keys = MessageKeys.from_spec(f"2:{tmp_path / 'v2.pem'}")
    wrapped = base64.b64encode(rsa_keys[2].public_key().encrypt(b"abc", padding.PKCS1v15())).decode()
    assert keys.message_key(2, wrapped) == "abc"
    with pytest.raises(ArchiveSdkError, match="10007"):
        keys.message_key(3, wrapped)
    with pytest.raises(ValueError, match="expected VERSION:PATH"):
        MessageKeys.from_spec("v2.pem")


class Pipeline:
    def __init__(self):
        self.events = []

    async def deliver(self, event, responder):
        self.events.append(event)


async def test_the_puller_delivers_only_consenting_customers_and_resumes_from_its_seq(db, archive):
    pipeline = Pipeline()
    puller = ArchivePuller(archive, pipeline, limit=2)
    assert await puller.pull() == 1
    assert [(e.msg_id, e.content, e.chat_id) for e in pipeline.events] == [("m5", "什么时候发货？", "wrROOM")]
    assert (await ArchiveCursor.get(source="wecom-sdk")).seq == 8
    assert await puller.pull() == 0  # nothing new after seq 8


def test_a_deployment_configures_the_sdk_source_with_its_library_secret_and_keys(library, rsa_keys, tmp_path):
    from bot.platforms.wecom.archive_sdk import sdk_archive
    from bot.config import Settings

    (tmp_path / "v3.pem").write_bytes(pem(rsa_keys[3]))
    assert sdk_archive(Settings(), Consent()) is None
    with pytest.raises(ValueError, match="SIYU_WECOM_ARCHIVE_KEYS"):
        sdk_archive(Settings(wecom_archive_sdk=str(library), wecom_corp_id="ww", wecom_archive_secret="s"), Consent())
    source = sdk_archive(Settings(wecom_archive_sdk=str(library), wecom_corp_id="ww", wecom_archive_secret="s",
                                  wecom_archive_keys=f"3:{tmp_path / 'v3.pem'}"), Consent())
    source.sdk.close()
    assert source.name == "wecom-sdk"


async def test_the_app_pulls_from_the_sdk_when_a_deployment_configures_it(library, rsa_keys, tmp_path, archive_dir):
    from bot.app import BOT, create_app
    from main import features, lead_wiring
    from simulator.credentials import SimulatorCredentials

    (tmp_path / "v2.pem").write_bytes(pem(rsa_keys[2]))
    settings = SimulatorCredentials().bot_settings("http://127.0.0.1:9", wecom_archive_sdk=str(library),
                                                   wecom_archive_keys=f"2:{tmp_path / 'v2.pem'}")
    app = await create_app(settings, features=features(), manage_database=False, **lead_wiring())
    source = app[BOT].archive_source
    assert isinstance(source, SdkArchive)
    assert [m.msg_id for m in await source.pull(0, 1)] == ["m5"]
    await source.aclose()
    await app[BOT].session.close()
    assert live_objects(library) == 0
