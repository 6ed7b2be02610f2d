"""获取会话同意情况 through WeComClient against the simulator: customers' archiving consent
for a 1:1 chat and for a customer group, and the errors a caller can act on."""
from __future__ import annotations

import pytest

from bot.api import ApiError, MemoryTokenStore
from bot.platforms.wecom.client import WeComClient
from simulator import SimulatorCredentials, create_simulator_app
from simulator.archive import SimulatorArchive

from tests.support.simulated import GROUP


async def test_a_customer_who_agreed_is_reported_agree_for_a_one_to_one_chat(sim, wecom):
    answer = await wecom.msgaudit_check_single_agree([("zhangsan", "wmWANG")])

    assert answer["agreeinfo"] == [
        {"userid": "zhangsan", "exteranalopenid": "wmWANG", "agree_status": "Agree", "status_change_time": 0}
    ]
    [call] = sim.state.calls("wecom/msgaudit/check_single_agree")
    assert call.payload == {"info": [{"userid": "zhangsan", "exteranalopenid": "wmWANG"}]}


async def test_a_customer_who_disagreed_is_reported_disagree_with_the_time_of_the_change(sim, wecom, clock):
    SimulatorArchive(sim).set_agreement("wmLI", "Disagree")

    single = await wecom.msgaudit_check_single_agree([("zhangsan", "wmLI"), ("zhangsan", "wmWANG")])
    room = await wecom.msgaudit_check_room_agree(GROUP)

    assert [(i["exteranalopenid"], i["agree_status"]) for i in single["agreeinfo"]] == [
        ("wmLI", "Disagree"), ("wmWANG", "Agree")]
    assert single["agreeinfo"][0]["status_change_time"] == int(clock.time())
    assert sorted((i["exteranalopenid"], i["agree_status"]) for i in room["agreeinfo"]) == [
        ("wmLI", "Disagree"), ("wmWANG", "Agree")]  # the staff owner is no external member


async def test_an_unknown_room_is_an_error_with_the_platform_code(wecom):
    with pytest.raises(ApiError) as error:
        await wecom.msgaudit_check_room_agree("wrNoSuchRoom")

    assert error.value.errcode == 40050


async def test_empty_input_is_refused_before_anything_is_sent(sim, wecom):
    with pytest.raises(ValueError):
        await wecom.msgaudit_check_single_agree([])
    with pytest.raises(ValueError):
        await wecom.msgaudit_check_single_agree([("zhangsan", "")])
    with pytest.raises(ValueError):
        await wecom.msgaudit_check_room_agree("")

    assert not [e for e in sim.state.outbox if "msgaudit" in e.api]


async def test_the_simulator_refuses_a_call_without_a_valid_access_token(sim):
    answer = sim.api.call("wecom", "msgaudit/check_room_agree", "POST", {"access_token": "forged"}, {"roomid": GROUP})

    assert answer["errcode"] == 40014


async def test_the_archive_apis_need_the_archive_secret(sim, aiohttp_server, session, clock):
    from bot.config import ConfigError

    server = await aiohttp_server(create_simulator_app(sim))
    settings = SimulatorCredentials().bot_settings(str(server.make_url("")), wecom_archive_secret="")
    without = WeComClient(settings, session, clock, token_store=MemoryTokenStore())
    with pytest.raises(ConfigError, match="SIYU_WECOM_ARCHIVE_SECRET"):
        await without.msgaudit_check_room_agree(GROUP)
    # The 客户联系 secret's token is refused by the platform, as WeCom refuses it.
    with pytest.raises(ApiError) as refused:
        await without.msgaudit_check_room_agree(GROUP, credential=without.contact)
    assert refused.value.errcode == 48002
