"""The mass-send task methods call the documented paths with the contact secret and refuse
what the docs forbid before anything is sent."""
from __future__ import annotations

import pytest

from bot.api import MemoryTokenStore
from bot.api.errors import ApiError
from bot.platforms.wecom.client import WeComClient


@pytest.fixture
def wecom(settings, session, clock):
    return WeComClient(settings, session, clock, token_store=MemoryTokenStore())


async def test_the_task_list_sends_the_documented_fields_with_the_contact_secret(wecom, sim):
    await wecom.get_groupmsg_list_v2(1_700_000_000, 1_700_000_600, creator="zhangsan", filter_type=0)
    call = sim.wire.calls("wecom/externalcontact/get_groupmsg_list_v2")[-1]
    assert call.body == {"chat_type": "single", "start_time": 1_700_000_000, "end_time": 1_700_000_600,
                         "creator": "zhangsan", "filter_type": 0, "limit": 100}
    assert sim.wire.calls("wecom/gettoken")[-1].query["corpsecret"] == sim.credentials.contact_secret


async def test_the_task_list_spans_at_most_a_month(wecom, sim):
    with pytest.raises(ValueError, match="one month"):
        await wecom.get_groupmsg_list_v2(0, 40 * 24 * 3600)
    with pytest.raises(ValueError, match="limit"):
        await wecom.get_groupmsg_list_v2(0, 10, limit=101)
    assert sim.wire.calls("wecom/externalcontact/get_groupmsg_list_v2") == []


async def test_remind_and_cancel_name_the_task(wecom, sim):
    for send in (wecom.remind_groupmsg_send, wecom.cancel_groupmsg_send):
        try:
            await send("msg1")
        except ApiError:
            pass  # the simulator knows no task msg1: what matters here is what went out
    assert sim.wire.calls("wecom/externalcontact/remind_groupmsg_send")[-1].body == {"msgid": "msg1"}
    assert sim.wire.calls("wecom/externalcontact/cancel_groupmsg_send")[-1].body == {"msgid": "msg1"}
