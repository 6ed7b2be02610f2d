"""The chat-archive puller: only consenting customers' text messages go through, from the
persisted seq on, with one consent check per chat and pull."""
from bot.platforms.wecom.archive import ArchivedMessage, ArchivePuller
from bot.events import ChatKind, Platform
from models import ArchiveCursor


class FakeSource:
    name = "fake"

    def __init__(self, messages, room_status=None, single_status=None):
        self.messages = messages
        self.room_status = room_status or {}
        self.single_status = single_status or {}
        self.room_checks, self.single_checks = [], []

    async def pull(self, since_seq, limit):
        return [m for m in self.messages if m.seq > since_seq][:limit]

    async def check_room_agree(self, room_id):
        self.room_checks.append(room_id)
        return self.room_status

    async def check_single_agree(self, pairs):
        self.single_checks.append(list(pairs))
        return {pair: self.single_status.get(pair[1], "Disagree") for pair in pairs}


class RecordingPipeline:
    def __init__(self):
        self.events = []

    async def deliver(self, event, responder):
        self.events.append(event)
        assert not responder.can_reply  # nobody may post in a customer group
        return None


def msg(seq, sender, content="满多少包邮", room="wrRoom", customer=True, **kw):
    return ArchivedMessage(seq=seq, msg_id=f"m{seq}", sender=sender, msg_type=kw.pop("msg_type", "text"), content=content,
                           msg_time_ms=1_700_000_000_000 + seq, room_id=room, sender_is_customer=customer, **kw)


async def test_only_consenting_customers_text_messages_are_delivered(db):
    source = FakeSource([
        msg(1, "wmAGREE"), msg(2, "wmDEFAULT"), msg(3, "wmNO"), msg(4, "zhangsan", customer=False),
        msg(5, "wmAGREE", msg_type="image"), msg(6, "wmAGREE", action="recall"),
    ], room_status={"wmAGREE": "Agree", "wmDEFAULT": "Default_Agree", "wmNO": "Disagree"})
    pipeline = RecordingPipeline()

    delivered = await ArchivePuller(source, pipeline).pull()

    assert delivered == 2 and [e.sender for e in pipeline.events] == ["wmAGREE", "wmDEFAULT"]
    event = pipeline.events[0]
    assert (event.platform, event.chat, event.chat_id, event.sender_is_customer) == (Platform.ARCHIVE, ChatKind.CUSTOMER_GROUP, "wrRoom", True)
    assert source.room_checks == ["wrRoom"]  # one consent check per chat and pull
    assert (await ArchiveCursor.get(source="fake")).seq == 6


async def test_a_one_to_one_chat_checks_the_pair_and_names_the_staff_member(db):
    source = FakeSource([msg(1, "wmWANG", room="", to=("zhangsan",))], single_status={"wmWANG": "Agree"})
    pipeline = RecordingPipeline()

    await ArchivePuller(source, pipeline).pull()

    [event] = pipeline.events
    assert (event.chat, event.chat_id) == (ChatKind.SINGLE, "zhangsan")
    assert source.single_checks == [[("zhangsan", "wmWANG")]]


async def test_pulling_resumes_after_the_saved_seq_and_pages_through_a_backlog(db):
    await ArchiveCursor.create(source="fake", seq=2)
    source = FakeSource([msg(n, "wmA") for n in range(1, 8)], room_status={"wmA": "Agree"})
    pipeline = RecordingPipeline()

    delivered = await ArchivePuller(source, pipeline, limit=2).pull()

    assert delivered == 5 and [e.msg_id for e in pipeline.events] == ["m3", "m4", "m5", "m6", "m7"]
    assert (await ArchiveCursor.get(source="fake")).seq == 7
