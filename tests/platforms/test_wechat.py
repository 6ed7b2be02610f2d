"""/wechat/callback: the official account in plaintext and safe (aes) mode; subscribe/SCAN
scenes; passive replies (encrypted in safe mode); forged, replayed, oversized and malformed
callbacks refused with nothing delivered."""
import time

import pytest
from aiohttp import web

from bot.config import Settings
from bot.platforms.crypto import CallbackCrypto
from bot.events import AccountEvent, MediaMessage, Platform, TextMessage, UnknownEvent
from bot.platforms.payloads import parse_xml
from bot.platforms.wechat.transport import WeChatTransport
from bot.platforms.wechat.events import parse_wechat
from tests.support.callbacks import BILLION_LAUGHS, DOC_AES_KEY, StubPipeline, encrypted_query, plain_query, xml_envelope

TOKEN = "wechat-token"
APP_ID = "wx49f0ab532d5d035a"
GH = "gh_97417a04a28d"
OPENID = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY"
TEXT = (
    f"<xml><ToUserName><![CDATA[{GH}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[白皮书]]></Content>"
    "<MsgId>{msg_id}</MsgId></xml>"
)


def event_xml(event: str, key: str = "", extra: str = "") -> str:
    return (
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName>"
        f"<CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
        + (f"<EventKey><![CDATA[{key}]]></EventKey>" if key else "") + extra + "</xml>"
    )


# --- parsing the documented samples ------------------------------------------------------------


def test_a_follower_text_message():
    event = parse_wechat(parse_xml(
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName>"
        "<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content>"
        "<MsgId>1234567890123456</MsgId></xml>"))
    assert event == TextMessage(platform=Platform.WECHAT, create_time=1348831860, msg_id="1234567890123456",
                                sender="fromUser", content="this is a test", sender_is_customer=True)
    assert event.identity.value == "fromUser"


def test_an_image_message():
    event = parse_wechat(parse_xml(
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName>"
        "<CreateTime>1348831860</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[this is a url]]></PicUrl>"
        "<MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId></xml>"))
    assert isinstance(event, MediaMessage) and event.msg_type == "image" and event.raw["MediaId"] == "media_id"


@pytest.mark.parametrize(
    "xml, event_type, event_key, scene",
    [
        (event_xml("subscribe", "qrscene_123123", "<Ticket><![CDATA[TICKET]]></Ticket>"), "subscribe", "qrscene_123123", "123123"),
        (event_xml("subscribe"), "subscribe", "", ""),
        (event_xml("SCAN", "SCENE_VALUE", "<Ticket><![CDATA[TICKET]]></Ticket>"), "SCAN", "SCENE_VALUE", "SCENE_VALUE"),
        (event_xml("unsubscribe"), "unsubscribe", "", ""),
        (event_xml("CLICK", "EVENTKEY"), "CLICK", "EVENTKEY", ""),
        (event_xml("VIEW", "www.qq.com"), "VIEW", "www.qq.com", ""),
    ],
)
def test_account_events(xml, event_type, event_key, scene):
    event = parse_wechat(parse_xml(xml))
    assert event == AccountEvent(platform=Platform.WECHAT, create_time=123456789, event_type=event_type,
                                 openid="FromUser", event_key=event_key, scene=scene)


def test_other_events_are_unknown():
    event = parse_wechat(parse_xml(event_xml("LOCATION", extra="<Latitude>23.137466</Latitude>")))
    assert isinstance(event, UnknownEvent) and event.type_name == "event:LOCATION"


# --- over HTTP ------------------------------------------------------------------------------------


class FakeWeChat:
    def __init__(self):
        self.sent = []

    async def send_custom_text(self, openid, content):
        self.sent.append((openid, content))


@pytest.fixture
def pipeline():
    return StubPipeline()


@pytest.fixture
def wechat_api():
    return FakeWeChat()


async def make_client(aiohttp_client, settings, pipeline, api, clock):
    app = web.Application()
    app.router.add_routes(WeChatTransport(settings, pipeline, api, clock).routes())
    return await aiohttp_client(app)


@pytest.fixture
async def plain_client(aiohttp_client, pipeline, wechat_api, clock):
    return await make_client(aiohttp_client, Settings(wechat_app_id=APP_ID, wechat_token=TOKEN), pipeline, wechat_api, clock)


@pytest.fixture
def crypto():
    return CallbackCrypto(TOKEN, DOC_AES_KEY, APP_ID)


@pytest.fixture
async def aes_client(aiohttp_client, pipeline, wechat_api, clock):
    settings = Settings(wechat_app_id=APP_ID, wechat_token=TOKEN, wechat_aes_key=DOC_AES_KEY)
    return await make_client(aiohttp_client, settings, pipeline, wechat_api, clock)


def now(clock) -> str:
    return str(int(clock.time()))


async def plain_post(client, clock, body: str, **overrides):
    params = {**plain_query(TOKEN, now(clock)), "openid": OPENID, **overrides}
    return await client.post("/wechat/callback", params=params, data=body)


async def aes_post(client, crypto, clock, plain: str, **overrides):
    params, encrypt = encrypted_query(crypto, plain, now(clock))
    params = {**plain_query(TOKEN, now(clock), params["nonce"]), **params, "encrypt_type": "aes", **overrides}
    return await client.post("/wechat/callback", params=params, data=xml_envelope(encrypt, to_user=GH))


async def test_url_verification_echoes_echostr(plain_client, clock):
    resp = await plain_client.get("/wechat/callback", params={**plain_query(TOKEN, now(clock)), "echostr": "5837397520"})
    assert resp.status == 200 and await resp.text() == "5837397520"


async def test_a_plaintext_message_is_answered_with_a_plain_xml_reply(plain_client, clock, pipeline):
    pipeline.reply = "白皮书下载链接：…"
    resp = await plain_post(plain_client, clock, TEXT.format(msg_id="m1"))
    assert resp.status == 200
    assert parse_xml(await resp.read()) == {
        "ToUserName": OPENID, "FromUserName": GH, "CreateTime": now(clock), "MsgType": "text", "Content": "白皮书下载链接：…",
    }
    assert pipeline.events[0].content == "白皮书"


async def test_no_answer_is_acknowledged_with_success(plain_client, clock, pipeline):
    resp = await plain_post(plain_client, clock, TEXT.format(msg_id="m1"))
    assert resp.status == 200 and await resp.text() == "success"


async def test_later_answers_go_out_as_customer_service_messages(plain_client, clock, pipeline, wechat_api):
    async def two(event, responder):
        await responder.text("one")
        await responder.text("two")

    pipeline.handler = two
    await plain_post(plain_client, clock, TEXT.format(msg_id="m1"))
    assert wechat_api.sent == [(OPENID, "two")]


async def test_a_scan_of_a_parametric_code_reaches_the_pipeline_with_its_scene(plain_client, clock, pipeline):
    resp = await plain_post(plain_client, clock, event_xml("subscribe", "qrscene_expo-2026", "<Ticket>T</Ticket>"))
    assert resp.status == 200
    [event] = pipeline.events
    assert (event.event_type, event.scene, event.openid) == ("subscribe", "expo-2026", "FromUser")
    assert pipeline.responders[0].can_reply


async def test_an_unsubscribed_follower_cannot_be_answered(plain_client, clock, pipeline):
    await plain_post(plain_client, clock, event_xml("unsubscribe"))
    assert pipeline.responders[0].can_reply is False


async def test_safe_mode_decrypts_and_encrypts_the_passive_reply(aes_client, crypto, clock, pipeline):
    pipeline.reply = "欢迎关注"
    resp = await aes_post(aes_client, crypto, clock, TEXT.format(msg_id="m1"))
    assert resp.status == 200
    envelope = parse_xml(await resp.read())
    plain = crypto.verify_and_decrypt(envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    assert parse_xml(plain)["Content"] == "欢迎关注"
    assert parse_xml(plain)["ToUserName"] == OPENID
    assert pipeline.events[0].msg_id == "m1"


async def test_safe_mode_refuses_a_plaintext_callback(aes_client, clock, pipeline):
    resp = await plain_post(aes_client, clock, TEXT.format(msg_id="m1"))
    assert resp.status == 403 and pipeline.events == []


async def test_plaintext_mode_refuses_an_encrypted_callback(plain_client, crypto, clock, pipeline):
    resp = await aes_post(plain_client, crypto, clock, TEXT.format(msg_id="m1"))
    assert resp.status == 403 and pipeline.events == []


@pytest.mark.parametrize(
    "attack, status",
    [
        (lambda c, cr, k: plain_post(c, k, TEXT.format(msg_id="x"), signature="0" * 40), 403),
        (lambda c, cr, k: plain_post(c, k, TEXT.format(msg_id="x"), **plain_query(TOKEN, str(int(k.time()) - 400))), 403),
        (lambda c, cr, k: plain_post(c, k, TEXT.format(msg_id="x") + " " * 70_000), 413),
        (lambda c, cr, k: plain_post(c, k, "<xml><MsgType>text</xml>"), 400),
        (lambda c, cr, k: plain_post(c, k, "not xml at all"), 400),
        (lambda c, cr, k: plain_post(c, k, BILLION_LAUGHS), 400),
    ],
    ids=["forged", "stale", "oversized", "malformed", "garbage", "entity-bomb"],
)
async def test_bad_plaintext_callbacks_are_refused(plain_client, crypto, clock, pipeline, attack, status):
    started = time.perf_counter()
    resp = await attack(plain_client, crypto, clock)
    assert resp.status == status
    assert time.perf_counter() - started < 1.0
    assert pipeline.events == []
    good = await plain_post(plain_client, clock, TEXT.format(msg_id="good"))
    assert good.status == 200 and [e.msg_id for e in pipeline.events] == ["good"]


@pytest.mark.parametrize(
    "attack, status",
    [
        (lambda c, cr, k: aes_post(c, cr, k, TEXT.format(msg_id="x"), msg_signature="0" * 40), 403),
        (lambda c, cr, k: aes_post(c, cr, k, BILLION_LAUGHS), 400),
        (lambda c, cr, k: aes_post(c, cr, k, "<xml><MsgType>"), 400),
    ],
    ids=["forged", "entity-bomb", "malformed"],
)
async def test_bad_encrypted_callbacks_are_refused(aes_client, crypto, clock, pipeline, attack, status):
    resp = await attack(aes_client, crypto, clock)
    assert resp.status == status and pipeline.events == []
    good = await aes_post(aes_client, crypto, clock, TEXT.format(msg_id="good"))
    assert good.status == 200 and [e.msg_id for e in pipeline.events] == ["good"]
