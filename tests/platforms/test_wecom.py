"""/wecom/callback: URL verification, encrypted passive replies, and refusal of anything
forged, replayed, oversized or malformed, with nothing reaching the pipeline."""
import time

import pytest
from aiohttp import web

from bot.config import Settings
from bot.platforms.crypto import CallbackCrypto
from bot.events import ContactAdded, KfMsgOrEvent, TextMessage, UnknownEvent
from bot.platforms.payloads import parse_xml
from bot.platforms.wecom.transport import WeComTransport
from tests.support.callbacks import (
    BILLION_LAUGHS,
    DOC_AES_KEY,
    DOC_CORP_ID,
    DOC_TOKEN,
    StubPipeline,
    encrypted_query,
    xml_envelope,
)

TEXT = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[价格]]></Content>"
    "<MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>"
)
ADDED = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
    "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>"
    "<UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[wmEXT1]]></ExternalUserID>"
    "<State><![CDATA[booth-a]]></State><WelcomeCode><![CDATA[WC1]]></WelcomeCode></xml>"
)
KF = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><CreateTime>1700000000</CreateTime>"
    "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
    "<Token><![CDATA[TOKEN1]]></Token><OpenKfId><![CDATA[wkKF1]]></OpenKfId></xml>"
)


class FakeWeCom:
    def __init__(self):
        self.sent = []

    async def send_app_text(self, touser, content):
        self.sent.append((touser, content))
        return {"errcode": 0}


class FakeKfPuller:
    def __init__(self):
        self.scheduled = []

    def schedule(self, event):
        self.scheduled.append(event)


@pytest.fixture
def settings():
    return Settings(wecom_corp_id=DOC_CORP_ID, wecom_token=DOC_TOKEN, wecom_aes_key=DOC_AES_KEY, callback_max_skew=300)


@pytest.fixture
def crypto():
    return CallbackCrypto(DOC_TOKEN, DOC_AES_KEY, DOC_CORP_ID)


@pytest.fixture
def pipeline():
    return StubPipeline()


@pytest.fixture
def wecom_api():
    return FakeWeCom()


@pytest.fixture
def kf_puller():
    return FakeKfPuller()


@pytest.fixture
async def client(aiohttp_client, settings, pipeline, wecom_api, clock, kf_puller):
    app = web.Application()
    app.router.add_routes(WeComTransport(settings, pipeline, wecom_api, clock, kf_puller).routes())
    return await aiohttp_client(app)


def now(clock) -> str:
    return str(int(clock.time()))


async def post(client, crypto, clock, plain: str, **overrides):
    params, encrypt = encrypted_query(crypto, plain, now(clock))
    params.update(overrides)
    return await client.post("/wecom/callback", params=params, data=xml_envelope(encrypt))


async def test_url_verification_answers_the_decrypted_echostr(client, crypto, clock):
    params, echostr = encrypted_query(crypto, "echo-5210", now(clock))
    resp = await client.get("/wecom/callback", params={**params, "echostr": echostr})
    assert resp.status == 200
    assert await resp.text() == "echo-5210"


async def test_url_verification_with_a_forged_signature_is_refused(client, crypto, clock):
    params, echostr = encrypted_query(crypto, "echo-5210", now(clock))
    resp = await client.get("/wecom/callback", params={**params, "msg_signature": "0" * 40, "echostr": echostr})
    assert resp.status == 403


async def test_a_member_message_is_answered_with_an_encrypted_passive_text(client, crypto, clock, pipeline):
    pipeline.reply = "报价单见附件 ]]> 请查收"
    resp = await post(client, crypto, clock, TEXT.format(msg_id="m1"))

    assert resp.status == 200
    envelope = parse_xml(await resp.read())
    plain = crypto.verify_and_decrypt(envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    reply = parse_xml(plain)
    assert reply == {
        "ToUserName": "zhangsan", "FromUserName": DOC_CORP_ID, "CreateTime": now(clock),
        "MsgType": "text", "Content": "报价单见附件 ]]> 请查收",
    }
    [event] = pipeline.events
    assert isinstance(event, TextMessage) and event.content == "价格" and event.agent_id == "1000002"


async def test_without_a_passive_answer_the_body_is_empty(client, crypto, clock, pipeline):
    resp = await post(client, crypto, clock, TEXT.format(msg_id="m1"))
    assert resp.status == 200
    assert await resp.text() == ""
    assert len(pipeline.events) == 1


async def test_later_answers_go_out_through_the_app_message_api(client, crypto, clock, pipeline, wecom_api):
    async def two_answers(event, responder):
        await responder.text("first")
        await responder.text("second")

    pipeline.handler = two_answers
    resp = await post(client, crypto, clock, TEXT.format(msg_id="m1"))
    assert parse_xml(await resp.read())["Encrypt"]
    assert wecom_api.sent == [("zhangsan", "second")]


async def test_a_contact_event_reaches_the_pipeline_without_a_reply_channel(client, crypto, clock, pipeline):
    resp = await post(client, crypto, clock, ADDED)
    assert resp.status == 200 and await resp.text() == ""
    [event] = pipeline.events
    assert isinstance(event, ContactAdded) and event.state == "booth-a" and event.welcome_code == "WC1"
    assert pipeline.responders[0].can_reply is False


async def test_a_kf_notification_is_acknowledged_and_handed_to_the_puller(client, crypto, clock, pipeline, kf_puller):
    resp = await post(client, crypto, clock, KF)
    assert resp.status == 200 and await resp.text() == ""
    assert pipeline.events == []
    assert [(e.open_kfid, e.token) for e in kf_puller.scheduled] == [("wkKF1", "TOKEN1")]
    assert isinstance(kf_puller.scheduled[0], KfMsgOrEvent)


async def test_an_unknown_event_is_acknowledged(client, crypto, clock, pipeline):
    unknown = TEXT.format(msg_id="m9").replace("<MsgType><![CDATA[text]]></MsgType>", "<MsgType><![CDATA[hologram]]></MsgType>")
    resp = await post(client, crypto, clock, unknown)
    assert resp.status == 200 and await resp.text() == ""
    assert isinstance(pipeline.events[0], UnknownEvent) and pipeline.events[0].type_name == "hologram"


async def test_the_timestamp_window_can_be_turned_off(aiohttp_client, settings, crypto, clock, pipeline):
    app = web.Application()
    relaxed = Settings(**{**settings.__dict__, "callback_max_skew": 0})
    app.router.add_routes(WeComTransport(relaxed, pipeline, None, clock).routes())
    client = await aiohttp_client(app)
    params, encrypt = encrypted_query(crypto, TEXT.format(msg_id="old"), "1409659813")
    resp = await client.post("/wecom/callback", params=params, data=xml_envelope(encrypt))
    assert resp.status == 200 and len(pipeline.events) == 1


# --- refusals: the status, nothing delivered, and the next good request still served ---------


async def forged_signature(client, crypto, clock):
    return await post(client, crypto, clock, TEXT.format(msg_id="x"), msg_signature="f" * 40)


async def stale_timestamp(client, crypto, clock):
    params, encrypt = encrypted_query(crypto, TEXT.format(msg_id="x"), str(int(clock.time()) - 301))
    return await client.post("/wecom/callback", params=params, data=xml_envelope(encrypt))


async def missing_timestamp(client, crypto, clock):
    params, encrypt = encrypted_query(crypto, TEXT.format(msg_id="x"), "")
    return await client.post("/wecom/callback", params=params, data=xml_envelope(encrypt))


async def oversized_body(client, crypto, clock):
    params, encrypt = encrypted_query(crypto, TEXT.format(msg_id="x"), now(clock))
    return await client.post("/wecom/callback", params=params, data=xml_envelope(encrypt) + " " * 70_000)


async def malformed_envelope(client, crypto, clock):
    params, _ = encrypted_query(crypto, TEXT.format(msg_id="x"), now(clock))
    return await client.post("/wecom/callback", params=params, data="<xml><Encrypt>abc</Encr")


async def envelope_without_encrypt(client, crypto, clock):
    params, _ = encrypted_query(crypto, TEXT.format(msg_id="x"), now(clock))
    return await client.post("/wecom/callback", params=params, data="<xml><ToUserName>x</ToUserName></xml>")


async def malformed_signed_plaintext(client, crypto, clock):
    return await post(client, crypto, clock, "<xml><MsgType>text</MsgType")


async def entity_bomb_in_envelope(client, crypto, clock):
    params, _ = encrypted_query(crypto, TEXT.format(msg_id="x"), now(clock))
    return await client.post("/wecom/callback", params=params, data=BILLION_LAUGHS)


async def entity_bomb_signed_and_encrypted(client, crypto, clock):
    return await post(client, crypto, clock, BILLION_LAUGHS)


async def foreign_corp(client, crypto, clock):
    other = CallbackCrypto(DOC_TOKEN, DOC_AES_KEY, "wwOTHERCORP")
    return await post(client, other, clock, TEXT.format(msg_id="x"))


@pytest.mark.parametrize(
    "attack, status",
    [
        (forged_signature, 403),
        (stale_timestamp, 403),
        (missing_timestamp, 403),
        (oversized_body, 413),
        (malformed_envelope, 400),
        (envelope_without_encrypt, 400),
        (malformed_signed_plaintext, 400),
        (entity_bomb_in_envelope, 400),
        (entity_bomb_signed_and_encrypted, 400),
        (foreign_corp, 403),
    ],
)
async def test_bad_callbacks_are_refused_and_nothing_is_delivered(client, crypto, clock, pipeline, attack, status):
    started = time.perf_counter()
    resp = await attack(client, crypto, clock)
    assert resp.status == status
    assert time.perf_counter() - started < 1.0
    assert pipeline.events == []

    good = await post(client, crypto, clock, TEXT.format(msg_id="good"))
    assert good.status == 200
    assert [e.msg_id for e in pipeline.events] == ["good"]


async def test_an_oversized_chunked_body_is_refused_without_reading_it_all(client, crypto, clock, pipeline):
    params, _ = encrypted_query(crypto, TEXT.format(msg_id="x"), now(clock))

    async def endless():
        for _ in range(100):
            yield b"<" * 16384

    resp = await client.post("/wecom/callback", params=params, data=endless())
    assert resp.status == 413 and pipeline.events == []


@pytest.mark.parametrize(
    "plain",
    [
        "<xml><MsgType><x>1</x></MsgType><CreateTime><y/></CreateTime></xml>",
        "<xml><MsgType>event</MsgType><Event>change_external_chat</Event><ChangeType>update</ChangeType>"
        "<MemChangeList>oops</MemChangeList><JoinScene>abc</JoinScene><ChatId><z>1</z></ChatId></xml>",
        "<xml><MsgType>text</MsgType><Content><b>bold?</b></Content><MsgId>1</MsgId></xml>",
        "<xml/>",
    ],
)
async def test_well_formed_but_odd_callbacks_never_cause_a_server_error(client, crypto, clock, pipeline, plain):
    resp = await post(client, crypto, clock, plain)
    assert resp.status == 200
    assert len(pipeline.events) == 1
