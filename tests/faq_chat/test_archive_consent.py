"""Archiving consent asked from WeCom (获取会话同意情况): a customer who did not agree is
never processed, answers are remembered for a while and then asked again."""
from __future__ import annotations

import pytest

from bot.api import ApiError
from bot.platforms.wecom.archive import ApiConsent, ArchivedMessage, ArchivePuller, ConsentCheck
from simulator.archive import SimulatorArchive

from tests.support.simulated import GROUP


class RecordingPipeline:
    def __init__(self):
        self.events = []

    async def deliver(self, event, responder):
        self.events.append(event)


class FakeWeCom:
    """Answers like WeCom from a dict of external_userid → agree_status; counts the calls."""

    def __init__(self, statuses, room_error=None):
        self.statuses = statuses
        self.room_error = room_error
        self.calls = []

    async def msgaudit_check_room_agree(self, roomid, credential=None):
        self.calls.append(("room", roomid))
        if self.room_error:
            raise self.room_error
        return {"errcode": 0, "agreeinfo": [
            {"exteranalopenid": ext, "agree_status": s, "status_change_time": 0} for ext, s in self.statuses.items()]}

    async def msgaudit_check_single_agree(self, pairs, credential=None):
        self.calls.append(("single", list(pairs)))
        return {"errcode": 0, "agreeinfo": [
            {"userid": u, "exteranalopenid": x, "agree_status": self.statuses[x], "status_change_time": 0}
            for u, x in pairs if x in self.statuses]}


def group_message(sender, room=GROUP):
    return ArchivedMessage(seq=1, msg_id="m1", sender=sender, msg_type="text", content="满多少包邮",
                           msg_time_ms=1_700_000_000_000, room_id=room, sender_is_customer=True)


def single_message(sender, staff="zhangsan"):
    return ArchivedMessage(seq=1, msg_id="m1", sender=sender, msg_type="text", content="满多少包邮",
                           msg_time_ms=1_700_000_000_000, to=(staff,) if staff else (), sender_is_customer=True)


class ApiConsentSource(SimulatorArchive):
    """The production source's shape: messages from the archive, consent from the APIs."""

    def __init__(self, sim, consent):
        super().__init__(sim)
        self.check_room_agree = consent.check_room_agree
        self.check_single_agree = consent.check_single_agree


async def test_a_disagreeing_customers_group_message_is_never_delivered(db, sim, wecom, clock):
    consent = ApiConsent(wecom, clock)
    source = ApiConsentSource(sim, consent)
    source.set_agreement("wmLI", "Disagree")
    sim.group_text(GROUP, "wmLI", "满多少包邮")
    sim.group_text(GROUP, "wmWANG", "能开专票吗")
    pipeline = RecordingPipeline()

    delivered = await ArchivePuller(source, pipeline).pull()

    assert delivered == 1 and [e.sender for e in pipeline.events] == ["wmWANG"]
    assert len(sim.state.calls("wecom/msgaudit/check_room_agree")) == 1


async def test_a_disagreeing_customer_in_a_one_to_one_chat_is_refused(clock):
    wecom = FakeWeCom({"wmLI": "Disagree", "wmWANG": "Default_Agree"})
    consent = ApiConsent(wecom, clock)

    assert not await ConsentCheck(consent).agreed(single_message("wmLI"))
    assert await ConsentCheck(consent).agreed(single_message("wmWANG"))
    assert not await ConsentCheck(consent).agreed(single_message("wmNEW"))  # WeCom gave no answer
    assert not await ConsentCheck(consent).agreed(single_message("wmWANG", staff=""))  # no staff to ask about
    assert wecom.calls == [("single", [("zhangsan", "wmLI")]), ("single", [("zhangsan", "wmWANG")]),
                           ("single", [("zhangsan", "wmNEW")])]


async def test_answers_are_remembered_for_the_ttl_then_a_withdrawn_consent_counts(clock):
    wecom = FakeWeCom({"wmLI": "Agree"})
    consent = ApiConsent(wecom, clock, ttl=300)

    assert await ConsentCheck(consent).agreed(group_message("wmLI"))
    wecom.statuses["wmLI"] = "Disagree"
    clock.advance(299)
    assert await ConsentCheck(consent).agreed(group_message("wmLI"))  # still the remembered answer
    assert await consent.check_single_agree([("zhangsan", "wmLI")]) == {("zhangsan", "wmLI"): "Disagree"}
    clock.advance(1)

    assert not await ConsentCheck(consent).agreed(group_message("wmLI"))
    assert [kind for kind, _ in wecom.calls] == ["room", "single", "room"]


async def test_an_unknown_room_has_nobody_consenting_and_other_errors_stop_the_pull(clock):
    unknown = ApiConsent(FakeWeCom({}, room_error=ApiError(40050, "chatid not found", "msgaudit/check_room_agree")), clock)
    busy = ApiConsent(FakeWeCom({}, room_error=ApiError(-1, "system busy", "msgaudit/check_room_agree")), clock)

    assert not await ConsentCheck(unknown).agreed(group_message("wmLI", room="wrGone"))
    with pytest.raises(ApiError):
        await ConsentCheck(busy).agreed(group_message("wmLI"))
