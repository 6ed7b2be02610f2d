"""Our signature checks and decryption reproduce the official documentation's worked examples
exactly: WeCom 加解密方案说明 (token QDG6eK, CorpID wx5823bf96d3bd56c7) and the official
account's 消息加解密说明 (plaintext mode, Token "AAAAA")."""
from aiohttp import web

from bot.clock import FakeClock
from bot.config import Settings
from bot.platforms.crypto import CallbackCrypto, sha1_signature, verify_plain_signature
from bot.events import Platform, TextMessage
from bot.platforms.wechat.transport import WeChatTransport
from bot.platforms.wecom.transport import WeComTransport
from tests.support.callbacks import DOC_AES_KEY, DOC_CORP_ID, DOC_TOKEN, StubPipeline

# 验证URL example
VERIFY_SIGNATURE = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
VERIFY_TIMESTAMP = "1409659589"
VERIFY_NONCE = "263014780"
VERIFY_ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
VERIFY_PLAIN = "1616140317555161061"

# 解密 example: a text message "hello" from member "mycreate" to agent 218
MSG_SIGNATURE = "477715d11cdb4164915debcba66cb864d751f3e6"
MSG_TIMESTAMP = "1409659813"
MSG_NONCE = "1372623149"
MSG_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3"
    "TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5g"
    "sijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQ"
    "Uax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2u"
    "yPIGHBZZIs2pDBS8R07+qN+E7Q=="
)
MSG_PLAIN = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n"
    "<AgentID>218</AgentID>\n"
    "</xml>"
)

# Official account, plaintext mode
WECHAT_TOKEN = "AAAAA"
WECHAT_SIGNATURE = "899cf89e464efb63f54ddac96b0a0a235f53aa78"
WECHAT_TIMESTAMP = "1714037059"
WECHAT_NONCE = "486452656"


def doc_crypto() -> CallbackCrypto:
    return CallbackCrypto(DOC_TOKEN, DOC_AES_KEY, DOC_CORP_ID)


def wecom_settings() -> Settings:
    return Settings(wecom_corp_id=DOC_CORP_ID, wecom_token=DOC_TOKEN, wecom_aes_key=DOC_AES_KEY)


async def wecom_client(aiohttp_client, clock, pipeline):
    app = web.Application()
    app.router.add_routes(WeComTransport(wecom_settings(), pipeline, None, clock).routes())
    return await aiohttp_client(app)


def test_wecom_signatures_match_the_documented_ones():
    crypto = doc_crypto()
    assert crypto.signature(VERIFY_TIMESTAMP, VERIFY_NONCE, VERIFY_ECHOSTR) == VERIFY_SIGNATURE
    assert crypto.signature(MSG_TIMESTAMP, MSG_NONCE, MSG_ENCRYPT) == MSG_SIGNATURE


def test_wecom_decryption_gives_the_documented_plaintexts():
    crypto = doc_crypto()
    assert crypto.verify_and_decrypt(VERIFY_SIGNATURE, VERIFY_TIMESTAMP, VERIFY_NONCE, VERIFY_ECHOSTR) == VERIFY_PLAIN
    assert crypto.verify_and_decrypt(MSG_SIGNATURE, MSG_TIMESTAMP, MSG_NONCE, MSG_ENCRYPT) == MSG_PLAIN


def test_the_official_account_plaintext_signature_matches_the_documented_one():
    assert sha1_signature(WECHAT_TOKEN, WECHAT_TIMESTAMP, WECHAT_NONCE) == WECHAT_SIGNATURE
    verify_plain_signature(WECHAT_TOKEN, WECHAT_SIGNATURE, WECHAT_TIMESTAMP, WECHAT_NONCE)


async def test_the_documented_url_verification_is_answered_with_the_plain_echostr(aiohttp_client):
    client = await wecom_client(aiohttp_client, FakeClock(float(VERIFY_TIMESTAMP)), StubPipeline())
    params = {"msg_signature": VERIFY_SIGNATURE, "timestamp": VERIFY_TIMESTAMP, "nonce": VERIFY_NONCE, "echostr": VERIFY_ECHOSTR}
    resp = await client.get("/wecom/callback", params=params)
    assert resp.status == 200
    assert await resp.text() == VERIFY_PLAIN


async def test_the_documented_message_callback_becomes_a_text_message(aiohttp_client):
    pipeline = StubPipeline()
    client = await wecom_client(aiohttp_client, FakeClock(float(MSG_TIMESTAMP)), pipeline)
    body = (
        "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"
        f"<Encrypt><![CDATA[{MSG_ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
    )
    params = {"msg_signature": MSG_SIGNATURE, "timestamp": MSG_TIMESTAMP, "nonce": MSG_NONCE}
    resp = await client.post("/wecom/callback", params=params, data=body)
    assert resp.status == 200
    assert await resp.text() == ""
    [event] = pipeline.events
    assert event == TextMessage(
        platform=Platform.WECOM, create_time=1409659813, msg_id="4561255354251345929", sender="mycreate",
        agent_id="218", content="hello", sender_is_customer=False,
    )


async def test_the_documented_official_account_url_verification_echoes(aiohttp_client):
    settings = Settings(wechat_app_id="wx1234", wechat_token=WECHAT_TOKEN)
    app = web.Application()
    app.router.add_routes(WeChatTransport(settings, StubPipeline(), None, FakeClock(float(WECHAT_TIMESTAMP))).routes())
    client = await aiohttp_client(app)
    params = {"signature": WECHAT_SIGNATURE, "timestamp": WECHAT_TIMESTAMP, "nonce": WECHAT_NONCE, "echostr": "hello-echo"}
    resp = await client.get("/wechat/callback", params=params)
    assert resp.status == 200
    assert await resp.text() == "hello-echo"
