"""微信客服: messages are pulled page by page from the persisted cursor, each delivered once
(even across a restart or two notifications at once), and replies respect kf/send_msg's
48-hour window and 5-messages-per-customer-message cap."""
import asyncio
import logging

import pytest

from bot.events import KfEvent, KfMsgOrEvent, MediaMessage, Platform, TextMessage, UnknownEvent
from bot.platforms.wecom.kf import KfPuller, KfSender, kf_item_event, record_customer_message
from models import KfConversation, KfCursor
from tests.support.callbacks import StubPipeline

KF = "wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q"
CUSTOMER = "wmAJ2GCAAAme1XQRC-NI-q0_ZM9ukoAw"


def customer_text(msgid: str, content: str, send_time: int = 1_700_000_000) -> dict:
    return {"msgid": msgid, "open_kfid": KF, "external_userid": CUSTOMER, "send_time": send_time, "origin": 3,
            "msgtype": "text", "text": {"content": content, "menu_id": "101"}}


ENTER_SESSION = {
    "msgid": "from_msgid_4622416642169452483", "open_kfid": KF, "external_userid": CUSTOMER, "send_time": 1615478585,
    "origin": 4, "msgtype": "event",
    "event": {"event_type": "enter_session", "open_kfid": KF, "external_userid": CUSTOMER, "scene": "123",
              "scene_param": "abc", "welcome_code": "aaaaaa", "wechat_channels": {"nickname": "xxx"}},
}
SERVICER_TEXT = {"msgid": "s1", "open_kfid": KF, "external_userid": CUSTOMER, "send_time": 1_700_000_000, "origin": 5,
                 "servicer_userid": "zhangsan", "msgtype": "text", "text": {"content": "人工客服为您服务"}}


class SyncFailed(Exception):
    pass


class FakeKfApi:
    """kf/sync_msg answered from pages keyed by cursor; kf/send_msg recorded."""

    def __init__(self, pages: dict[str, dict], fail_on: set[str] = frozenset()):
        self.pages = pages
        self.fail_on = set(fail_on)
        self.calls: list[tuple[str, str, str]] = []
        self.sent: list[tuple[str, str, str]] = []
        self.send_error: Exception | None = None

    async def kf_sync_msg(self, token, open_kfid, cursor="", limit=1000):
        self.calls.append((token, open_kfid, cursor))
        await asyncio.sleep(0)
        if cursor in self.fail_on:
            self.fail_on.discard(cursor)
            raise SyncFailed(cursor)
        return self.pages.get(cursor, {"errcode": 0, "errmsg": "ok", "next_cursor": cursor, "has_more": 0, "msg_list": []})

    async def kf_send_text(self, touser, open_kfid, content):
        if self.send_error is not None:
            raise self.send_error
        self.sent.append((touser, open_kfid, content))
        return {"errcode": 0, "errmsg": "ok", "msgid": f"sent{len(self.sent)}"}


def two_pages() -> dict[str, dict]:
    return {
        "": {"errcode": 0, "next_cursor": "c1", "has_more": 1,
             "msg_list": [ENTER_SESSION, customer_text("m1", "价格"), customer_text("m2", "发货时间")]},
        "c1": {"errcode": 0, "next_cursor": "c2", "has_more": 0, "msg_list": [customer_text("m3", "谢谢")]},
    }


def notification(token: str = "TOKEN") -> KfMsgOrEvent:
    return KfMsgOrEvent(platform=Platform.WECOM, create_time=1_700_000_000, token=token, open_kfid=KF)


def delivered_ids(pipeline) -> list[str]:
    return [e.msg_id for e in pipeline.events]


# --- parsing -------------------------------------------------------------------------------------


def test_a_customer_text_becomes_a_kf_text_message():
    event = kf_item_event(customer_text("m1", "hello world"))
    assert event == TextMessage(platform=Platform.WECOM_KF, create_time=1_700_000_000, msg_id="m1", sender=CUSTOMER,
                                open_kfid=KF, content="hello world", sender_is_customer=True)
    assert event.identity.value == CUSTOMER


def test_enter_session_carries_welcome_code_and_scene():
    event = kf_item_event(ENTER_SESSION)
    assert event == KfEvent(platform=Platform.WECOM_KF, create_time=1615478585, msg_id=ENTER_SESSION["msgid"],
                            event_type="enter_session", open_kfid=KF, external_user_id=CUSTOMER,
                            welcome_code="aaaaaa", scene="123", scene_param="abc")


def test_other_items():
    failed = kf_item_event({"msgid": "f1", "open_kfid": KF, "external_userid": CUSTOMER, "send_time": 1, "origin": 4,
                            "msgtype": "event", "event": {"event_type": "msg_send_fail", "open_kfid": KF,
                                                          "external_userid": CUSTOMER, "fail_msgid": "x", "fail_type": 4}})
    image = kf_item_event({**customer_text("i1", ""), "msgtype": "image", "image": {"media_id": "MEDIA"}})
    assert isinstance(failed, KfEvent) and failed.event_type == "msg_send_fail" and failed.raw["event"]["fail_type"] == 4
    assert isinstance(image, MediaMessage) and image.msg_type == "image"
    assert kf_item_event(SERVICER_TEXT) is None
    assert isinstance(kf_item_event({"msgid": "z", "origin": 9}), UnknownEvent)


# --- pulling -------------------------------------------------------------------------------------


async def test_pages_are_pulled_while_has_more_and_the_cursor_is_saved(db, clock):
    api, pipeline = FakeKfApi(two_pages()), StubPipeline()
    puller = KfPuller(api, pipeline, clock)
    assert await puller.pull(KF, "TOKEN") == 4

    assert [c[2] for c in api.calls] == ["", "c1"]
    assert delivered_ids(pipeline) == [ENTER_SESSION["msgid"], "m1", "m2", "m3"]
    assert (await KfCursor.get(open_kfid=KF)).cursor == "c2"
    assert all(r.can_reply for r in pipeline.responders)


async def test_a_notification_is_acknowledged_at_once_and_pulled_in_the_background(db, clock):
    api, pipeline = FakeKfApi(two_pages()), StubPipeline()
    puller = KfPuller(api, pipeline, clock)
    puller.schedule(notification())
    assert pipeline.events == []
    await puller.drain()
    assert len(pipeline.events) == 4


async def test_two_notifications_at_once_do_not_deliver_anything_twice(db, clock):
    api, pipeline = FakeKfApi(two_pages()), StubPipeline()
    puller = KfPuller(api, pipeline, clock)
    puller.schedule(notification("T1"))
    puller.schedule(notification("T2"))
    await puller.drain()
    assert delivered_ids(pipeline) == [ENTER_SESSION["msgid"], "m1", "m2", "m3"]
    assert [c[2] for c in api.calls] == ["", "c1", "c2"]


async def test_after_a_restart_pulling_continues_from_the_saved_cursor(db, clock):
    api, first_run = FakeKfApi(two_pages(), fail_on={"c1"}), StubPipeline()
    with pytest.raises(SyncFailed):
        await KfPuller(api, first_run, clock).pull(KF, "T1")
    assert delivered_ids(first_run) == [ENTER_SESSION["msgid"], "m1", "m2"]
    assert (await KfCursor.get(open_kfid=KF)).cursor == "c1"

    after_restart = StubPipeline()
    await KfPuller(api, after_restart, clock).pull(KF, "T2")
    assert delivered_ids(after_restart) == ["m3"]


async def test_a_failed_background_pull_is_logged_not_raised(db, clock, caplog):
    api, pipeline = FakeKfApi(two_pages(), fail_on={""}), StubPipeline()
    puller = KfPuller(api, pipeline, clock)
    puller.schedule(notification())
    with caplog.at_level(logging.ERROR):
        await puller.drain()
    assert "kf pull failed" in caplog.text and pipeline.events == []


async def test_servicer_messages_are_not_delivered(db, clock):
    api = FakeKfApi({"": {"next_cursor": "c1", "has_more": 0, "msg_list": [SERVICER_TEXT, customer_text("m1", "hi")]}})
    pipeline = StubPipeline()
    await KfPuller(api, pipeline, clock).pull(KF, "T")
    assert delivered_ids(pipeline) == ["m1"]


# --- replying within kf/send_msg's limits ----------------------------------------------------------


async def test_a_customer_message_allows_five_replies_then_refuses(db, clock, caplog):
    api = FakeKfApi({"": {"next_cursor": "c1", "has_more": 0, "msg_list": [customer_text("m1", "资料", int(clock.time()))]}})
    pipeline = StubPipeline()

    async def six_replies(event, responder):
        for n in range(6):
            await responder.text(f"资料 {n + 1}")

    pipeline.handler = six_replies
    with caplog.at_level(logging.WARNING):
        await KfPuller(api, pipeline, clock).pull(KF, "T")

    assert [s[2] for s in api.sent] == [f"资料 {n}" for n in range(1, 6)]
    assert api.sent[0][:2] == (CUSTOMER, KF)
    assert "5 replies already sent since the customer's last message" in caplog.text


async def test_a_new_customer_message_starts_the_count_again(db, clock):
    api, sender = FakeKfApi({}), KfSender(None, clock)
    sender.client = api
    await record_customer_message(KF, CUSTOMER, clock.now())
    assert [await sender.send_text(KF, CUSTOMER, str(n)) for n in range(6)] == [True] * 5 + [False]
    clock.advance(60)
    await record_customer_message(KF, CUSTOMER, clock.now())
    assert await sender.send_text(KF, CUSTOMER, "again") is True
    assert (await KfConversation.get(open_kfid=KF, external_userid=CUSTOMER)).sent_since == 1


async def test_no_reply_more_than_48_hours_after_the_customer_wrote(db, clock, caplog):
    api = FakeKfApi({})
    sender = KfSender(api, clock)
    await record_customer_message(KF, CUSTOMER, clock.now())
    clock.advance(48 * 3600 - 1)
    assert await sender.send_text(KF, CUSTOMER, "still in time") is True
    clock.advance(2)
    with caplog.at_level(logging.WARNING):
        assert await sender.send_text(KF, CUSTOMER, "too late") is False
    assert "more than 48 h since the customer's last message" in caplog.text
    assert [s[2] for s in api.sent] == ["still in time"]


async def test_a_customer_who_never_wrote_cannot_be_messaged(db, clock, caplog):
    api = FakeKfApi({})
    with caplog.at_level(logging.WARNING):
        assert await KfSender(api, clock).send_text(KF, CUSTOMER, "hello") is False
    assert "has not written" in caplog.text and api.sent == []


async def test_an_older_message_pulled_late_does_not_reset_the_window(db, clock):
    await record_customer_message(KF, CUSTOMER, clock.now())
    conversation = await KfConversation.get(open_kfid=KF, external_userid=CUSTOMER)
    await KfConversation.filter(id=conversation.id).update(sent_since=3)
    clock_before = clock.now()
    clock.advance(-3600)
    await record_customer_message(KF, CUSTOMER, clock.now())
    conversation = await KfConversation.get(id=conversation.id)
    assert conversation.sent_since == 3 and conversation.last_customer_message_at == clock_before


async def test_a_failed_send_does_not_use_up_a_reply(db, clock):
    api = FakeKfApi({})
    api.send_error = RuntimeError("95018 kf session closed")
    sender = KfSender(api, clock)
    await record_customer_message(KF, CUSTOMER, clock.now())
    with pytest.raises(RuntimeError):
        await sender.send_text(KF, CUSTOMER, "hello")
    assert (await KfConversation.get(open_kfid=KF, external_userid=CUSTOMER)).sent_since == 0
