"""The chat-toolbar page's JS-SDK config: the documented signature, a cached ticket."""
from bot.api.errors import ApiError
from handlers.faq.web.jssdk import AgentTicket, agent_config, js_signature


def test_the_signature_matches_the_documented_example():
    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    assert js_signature(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value#frag") == \
        "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


class FakeWeCom:
    def __init__(self, fail=False):
        self.calls = 0
        self.fail = fail
        self.agent_id = 1000002
        self.app = type("Credential", (), {"app_id": "wwCORP"})()

    async def call(self, method, path, credential, params=None):
        self.calls += 1
        if self.fail:
            raise ApiError(60011, "no privilege", path)
        assert (method, path, params) == ("GET", "/cgi-bin/ticket/get", {"type": "agent_config"})
        return {"errcode": 0, "ticket": f"T{self.calls}", "expires_in": 7200}


async def test_the_ticket_is_fetched_once_until_it_nearly_expires(clock):
    wecom, ticket = FakeWeCom(), AgentTicket(clock)

    first = await agent_config(wecom, ticket, "https://siyu.example.com/console/faq/toolbar")
    await agent_config(wecom, ticket, "https://siyu.example.com/console/faq/toolbar")
    clock.advance(7200)
    await agent_config(wecom, ticket, "https://siyu.example.com/console/faq/toolbar")

    assert wecom.calls == 2
    assert (first["corpid"], first["agentid"]) == ("wwCORP", "1000002")
    assert first["signature"] == js_signature("T1", first["nonceStr"], first["timestamp"], "https://siyu.example.com/console/faq/toolbar")
    assert "sendChatMessage" in first["jsApiList"]


async def test_without_a_ticket_the_page_has_no_config(clock):
    assert await agent_config(FakeWeCom(fail=True), AgentTicket(clock), "https://x") is None
    assert await agent_config(None, AgentTicket(clock), "https://x") is None
