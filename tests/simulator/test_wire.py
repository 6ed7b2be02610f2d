"""The simulator's wire: every request is recorded as it arrived, and a scripted transport
fault answers in front of the platform, which never sees the call."""
from __future__ import annotations

import aiohttp

from simulator import STALL, create_simulator_app


async def test_every_request_is_recorded_with_its_query_body_and_time(sim, wecom, clock):
    await wecom.send_app_text("zhangsan", "新线索")

    token, send = sim.wire.requests
    assert (token.method, token.api, token.query["corpid"]) == ("GET", "wecom/gettoken", sim.credentials.corp_id)
    assert (send.method, send.api, send.at) == ("POST", "wecom/message/send", clock.time())
    assert send.body["text"] == {"content": "新线索"} and send.query["access_token"]
    assert sim.wire.calls("wecom/message/send") == [send]


async def test_scripted_faults_answer_in_order_and_the_platform_never_sees_them(sim, aiohttp_server):
    server = await aiohttp_server(create_simulator_app(sim))
    url = str(server.make_url("/wecom/cgi-bin/message/send"))
    sim.wire.script("wecom/message/send", "<html>gateway</html>", 502, [1, 2], STALL)
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={}) as page:
            assert (page.status, page.content_type, await page.text()) == (200, "text/html", "<html>gateway</html>")
        async with session.post(url, json={}) as status:
            assert status.status == 502
        async with session.post(url, json={}) as odd:
            assert await odd.json() == [1, 2]
        try:
            async with session.post(url, json={}, timeout=aiohttp.ClientTimeout(total=0.05)):
                raise AssertionError("a stalled call must not be answered")
        except TimeoutError:
            pass
        sim.wire.release()
        async with session.post(url, json={}) as unscripted:
            assert (await unscripted.json())["errcode"] == 41001  # the platform itself: no access_token

    assert len(sim.wire.calls("wecom/message/send")) == 5
    assert [r.api for r in sim.api.rejected] == ["wecom/message/send"]  # only the unscripted call reached it
    assert [entry for entry in sim.outbox if entry.api == "wecom/message/send"] == []
