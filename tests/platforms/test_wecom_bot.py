"""/wecom/bot/callback: the 智能机器人's JSON callbacks; @-mentions in internal groups;
stream replies (finished at once, or finished by a refresh once a slow handler answered);
forged, replayed, oversized and malformed callbacks refused with nothing delivered."""
import json

import pytest
from aiohttp import web

from bot.config import Settings
from bot.platforms.crypto import CallbackCrypto
from bot.events import ChatKind, MediaMessage, Platform, TextMessage, UnknownEvent
from bot.platforms.wecom_bot.transport import WeComBotTransport
from bot.platforms.wecom_bot.events import parse_wecom_bot, strip_mention
from tests.support.callbacks import DOC_AES_KEY, DOC_TOKEN, StubPipeline, encrypted_query

GROUP_TEXT = {
    "msgid": "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
    "aibotid": "AIBOTID",
    "chatid": "CHATID",
    "chattype": "group",
    "from": {"userid": "USERID"},
    "response_url": "https://qyapi.example/cgi-bin/aibot/response?response_code=RC",
    "msgtype": "text",
    "text": {"content": "@RobotA hello robot"},
}
SINGLE_TEXT = {
    "msgid": "M-single", "aibotid": "AIBOTID", "chattype": "single", "from": {"userid": "lisi"},
    "response_url": "https://qyapi.example/cgi-bin/aibot/response?response_code=RC2",
    "msgtype": "text", "text": {"content": "本周直播几点开始？"},
}
ENTER_CHAT = {
    "msgid": "E1", "create_time": 1700000000, "aibotid": "AIBOTID", "from": {"userid": "lisi"},
    "msgtype": "event", "event": {"eventtype": "enter_chat"},
}


def refresh(stream_id: str) -> dict:
    return {"msgid": "R1", "aibotid": "AIBOTID", "chattype": "single", "from": {"userid": "lisi"},
            "msgtype": "stream", "stream": {"id": stream_id}}


# --- parsing -----------------------------------------------------------------------------------


def test_a_group_mention_is_a_text_message_without_the_mention():
    event = parse_wecom_bot(GROUP_TEXT, now=1700000000)
    assert event == TextMessage(
        platform=Platform.WECOM_BOT, create_time=1700000000, msg_id="CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
        sender="USERID", chat=ChatKind.GROUP, chat_id="CHATID", content="hello robot", mentioned_bot=True,
        response_url=GROUP_TEXT["response_url"], sender_is_customer=False,
    )
    assert event.staff_userid == "USERID"


def test_a_single_chat_message_is_not_a_mention():
    event = parse_wecom_bot(SINGLE_TEXT, now=1700000000)
    assert (event.chat, event.chat_id, event.content, event.mentioned_bot) == (ChatKind.SINGLE, "", "本周直播几点开始？", False)


@pytest.mark.parametrize(
    "content, expected",
    [("@RobotA hello robot", ("hello robot", True)), ("@小思\u2005报价", ("报价", True)), ("@RobotA", ("", True)),
     ("no mention", ("no mention", False)), ("mail me@x.com", ("mail me@x.com", False))],
)
def test_strip_mention(content, expected):
    assert strip_mention(content) == expected


def test_mixed_and_image_messages_are_media_and_events_are_unknown():
    image = parse_wecom_bot({**SINGLE_TEXT, "msgtype": "image", "image": {"url": "https://x/img"}}, now=1)
    enter = parse_wecom_bot(ENTER_CHAT, now=1)
    assert isinstance(image, MediaMessage) and image.msg_type == "image"
    assert isinstance(enter, UnknownEvent) and enter.type_name == "event:enter_chat" and enter.create_time == 1700000000


# --- over HTTP ------------------------------------------------------------------------------------


class FakeResponse:
    status = 200

    def __init__(self, body: str):
        self.body = body

    async def text(self):
        return self.body

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


class FakeSession:
    def __init__(self):
        self.posts = []
        self.answer = '{"errcode":0,"errmsg":"ok"}'

    def post(self, url, json=None):
        self.posts.append((url, json))
        return FakeResponse(self.answer)


@pytest.fixture
def crypto():
    return CallbackCrypto(DOC_TOKEN, DOC_AES_KEY, "")


@pytest.fixture
def pipeline():
    return StubPipeline()


@pytest.fixture
def session():
    return FakeSession()


@pytest.fixture
async def client(aiohttp_client, pipeline, session, clock):
    settings = Settings(wecom_bot_token=DOC_TOKEN, wecom_bot_aes_key=DOC_AES_KEY)
    app = web.Application()
    app.router.add_routes(WeComBotTransport(settings, pipeline, session, clock).routes())
    return await aiohttp_client(app)


def now(clock) -> str:
    return str(int(clock.time()))


async def post(client, crypto, clock, payload, **overrides):
    params, encrypt = encrypted_query(crypto, json.dumps(payload, ensure_ascii=False), now(clock))
    return await client.post("/wecom/bot/callback", params={**params, **overrides}, json={"encrypt": encrypt})


async def opened(resp, crypto) -> dict:
    """The decrypted reply of an encrypted JSON answer."""
    assert resp.status == 200
    envelope = await resp.json()
    plain = crypto.verify_and_decrypt(envelope["msgsignature"], str(envelope["timestamp"]), envelope["nonce"], envelope["encrypt"])
    return json.loads(plain)


async def test_url_verification_decrypts_echostr_with_an_empty_receive_id(client, crypto, clock):
    params, echostr = encrypted_query(crypto, "echo-777", now(clock))
    resp = await client.get("/wecom/bot/callback", params={**params, "echostr": echostr})
    assert resp.status == 200 and await resp.text() == "echo-777"


async def test_an_answer_within_the_budget_is_a_finished_stream(client, crypto, clock, pipeline):
    pipeline.reply = "直播周四 19:30 开始"
    reply = await opened(await post(client, crypto, clock, GROUP_TEXT), crypto)
    assert reply["msgtype"] == "stream"
    assert reply["stream"]["finish"] is True and reply["stream"]["content"] == "直播周四 19:30 开始"
    assert reply["stream"]["id"]
    [event] = pipeline.events
    assert event.content == "hello robot" and event.mentioned_bot


async def test_a_handler_that_finished_without_answering_gets_an_empty_body(client, crypto, clock, pipeline):
    resp = await post(client, crypto, clock, SINGLE_TEXT)
    assert resp.status == 200 and await resp.text() == ""


async def test_a_slow_answer_is_streamed_and_finished_by_a_refresh(client, crypto, clock, pipeline):
    pipeline.still_running = True  # deliver() came back at the deadline: the handler is still at work
    first = await opened(await post(client, crypto, clock, SINGLE_TEXT), crypto)
    stream_id = first["stream"]["id"]
    assert first["stream"] == {"id": stream_id, "finish": False, "content": ""}

    waiting = await opened(await post(client, crypto, clock, refresh(stream_id)), crypto)
    assert waiting["stream"] == {"id": stream_id, "finish": False, "content": ""}

    responder = pipeline.responders[0]
    await responder.text("第一段")
    await responder.text("第二段")
    done = await opened(await post(client, crypto, clock, refresh(stream_id)), crypto)
    assert done["stream"] == {"id": stream_id, "finish": True, "content": "第一段\n\n第二段"}

    again = await opened(await post(client, crypto, clock, refresh(stream_id)), crypto)
    assert again["stream"]["finish"] is True
    assert pipeline.events[0].msg_id == "M-single" and len(pipeline.events) == 1


async def test_an_answer_after_the_stream_finished_goes_once_to_response_url(client, crypto, clock, pipeline, session):
    pipeline.reply = "稍等，我查一下"
    await opened(await post(client, crypto, clock, SINGLE_TEXT), crypto)
    responder = pipeline.responders[0]
    await responder.text("查到了：周四 19:30")
    await responder.text("this one has no channel left")
    assert session.posts == [(SINGLE_TEXT["response_url"], {"msgtype": "markdown", "markdown": {"content": "查到了：周四 19:30"}})]


async def test_a_stream_nobody_answers_finishes_before_wecom_gives_up(client, crypto, clock, pipeline):
    pipeline.still_running = True
    first = await opened(await post(client, crypto, clock, SINGLE_TEXT), crypto)
    clock.advance(331)
    last = await opened(await post(client, crypto, clock, refresh(first["stream"]["id"])), crypto)
    assert last["stream"]["finish"] is True and last["stream"]["content"] == ""


async def test_enter_chat_may_be_answered_with_a_text_reply(client, crypto, clock, pipeline):
    pipeline.reply = "你好，我是思域助手"
    reply = await opened(await post(client, crypto, clock, ENTER_CHAT), crypto)
    assert reply == {"msgtype": "text", "text": {"content": "你好，我是思域助手"}}


async def forged(client, crypto, clock):
    return await post(client, crypto, clock, SINGLE_TEXT, msg_signature="1" * 40)


async def stale(client, crypto, clock):
    params, encrypt = encrypted_query(crypto, json.dumps(SINGLE_TEXT), str(int(clock.time()) + 301))
    return await client.post("/wecom/bot/callback", params=params, json={"encrypt": encrypt})


async def oversized(client, crypto, clock):
    params, encrypt = encrypted_query(crypto, json.dumps(SINGLE_TEXT), now(clock))
    return await client.post("/wecom/bot/callback", params=params, json={"encrypt": encrypt, "pad": "x" * 70_000})


async def malformed_json(client, crypto, clock):
    params, _ = encrypted_query(crypto, "{}", now(clock))
    return await client.post("/wecom/bot/callback", params=params, data='{"encrypt": ')


async def json_array(client, crypto, clock):
    params, _ = encrypted_query(crypto, "{}", now(clock))
    return await client.post("/wecom/bot/callback", params=params, data="[1, 2]")


async def no_encrypt(client, crypto, clock):
    params, _ = encrypted_query(crypto, "{}", now(clock))
    return await client.post("/wecom/bot/callback", params=params, json={"msgtype": "text"})


async def malformed_signed_json(client, crypto, clock):
    params, encrypt = encrypted_query(crypto, '{"msgtype": "text", ', now(clock))
    return await client.post("/wecom/bot/callback", params=params, json={"encrypt": encrypt})


async def signed_xml_bomb(client, crypto, clock):
    from tests.support.callbacks import BILLION_LAUGHS

    params, encrypt = encrypted_query(crypto, BILLION_LAUGHS, now(clock))
    return await client.post("/wecom/bot/callback", params=params, json={"encrypt": encrypt})


@pytest.mark.parametrize(
    "attack, status",
    [(forged, 403), (stale, 403), (oversized, 413), (malformed_json, 400), (json_array, 400), (no_encrypt, 400),
     (malformed_signed_json, 400), (signed_xml_bomb, 400)],
)
async def test_bad_callbacks_are_refused_and_nothing_is_delivered(client, crypto, clock, pipeline, attack, status):
    resp = await attack(client, crypto, clock)
    assert resp.status == status and pipeline.events == []
    good = await post(client, crypto, clock, SINGLE_TEXT)
    assert good.status == 200 and [e.msg_id for e in pipeline.events] == ["M-single"]


async def test_a_refused_response_url_answer_is_logged(client, crypto, clock, pipeline, session, caplog):
    session.answer = '{"errcode":40058,"errmsg":"response_code used"}'
    pipeline.reply = "稍等"
    await opened(await post(client, crypto, clock, SINGLE_TEXT), crypto)
    await pipeline.responders[0].text("later")
    assert "response_url refused the answer" in caplog.text
