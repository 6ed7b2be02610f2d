"""Staff type /help and /lead in the WeCom app and get answers fit for their role."""
from __future__ import annotations

import pytest

from bot.dispatcher import UNHANDLED, Dispatcher
from bot.events import Platform, TextMessage
from bot.responder import Responder
from console.access.accounts import create_user
from handlers.staff_commands import CommandCall, StaffCommand, staff_router

CONSOLE = "https://siyu.example.com"


def staff_says(text: str, userid: str = "zhangsan", **kw) -> TextMessage:
    return TextMessage(platform=Platform.WECOM, create_time=1700000000, msg_id=f"m-{hash(text)}", sender=userid, content=text, **kw)


async def ask(text: str, userid: str = "zhangsan", *extra: StaffCommand, **kw) -> str | object:
    dispatcher = Dispatcher()
    dispatcher.include(staff_router(*extra, console_url=CONSOLE))
    responder = Responder(None, passive=True)
    result = await dispatcher.feed(staff_says(text, userid, **kw), responder=responder, raise_errors=True)
    return responder.close_passive() if result is not UNHANDLED else result


async def test_lead_by_name_gives_a_summary_with_a_console_link(users, crm):
    reply = await ask("/lead 王工", "zhangsan")
    assert f"#{crm['wang'].id} 王工｜华东精密机械" in reply
    assert "渠道：2026 工业展展位" in reply and "标签：制造业" in reply and "最近行为：message.text" in reply
    assert reply.endswith(f"{CONSOLE}/console/leads/{crm['wang'].id}")


async def test_sales_cannot_look_up_someone_elses_lead(users, crm):
    assert "没有找到" in await ask(f"/lead {crm['li'].id}", "zhangsan")
    assert "没有找到" in await ask("/lead 李经理", "zhangsan")


async def test_several_matches_are_listed_by_id(users, crm, clock):
    await create_user("boss", "marketer", "a long passphrase", clock=clock, wecom_userid="boss")
    reply = await ask("/lead 工", "boss")
    assert reply.startswith("找到 2 条线索") and f"#{crm['wang'].id} 王工" in reply


async def test_help_lists_only_commands_the_role_may_use(users, db):
    async def push(call: CommandCall) -> str:
        return "ok"

    extra = StaffCommand("push", "content.write", "/push 内容", "推送内容", push)
    sales_help = await ask("/help", "zhangsan", extra)
    assert "/lead" in sales_help and "/push" not in sales_help
    assert await ask("/push x", "zhangsan", extra) == "你的角色（销售）不能使用 /push。"


async def test_unknown_senders_and_commands_get_a_clear_answer(users, db):
    assert "还没有开通" in await ask("/help", "stranger")
    assert "没有 /foo 这个命令" in await ask("/foo", "zhangsan")
    assert "用法" in await ask("/lead", "zhangsan")


async def test_ordinary_messages_and_customers_are_left_to_other_handlers(users, db):
    assert await ask("你好", "zhangsan") is UNHANDLED
    assert await ask("/help", "wmCUSTOMER", sender_is_customer=True) is UNHANDLED


def test_two_commands_with_one_name_are_refused():
    async def run(call):
        return ""

    with pytest.raises(ValueError, match="lead"):
        staff_router(StaffCommand("lead", "leads.read", "/lead", "", run), console_url=CONSOLE)


async def test_the_lead_link_in_the_app_as_wired_opens_the_lead_page(users, crm, client):
    """The link a rep taps in WeCom, from the staff router main.py wires, opens the lead."""
    from urllib.parse import urlsplit

    from types import SimpleNamespace

    from bot.config import Settings
    from main import features
    from tests.support.console import sign_in

    [staff] = [f for f in features() if f.name == "staff_commands"]
    from bot.clock import Clock

    router = staff.router_for(SimpleNamespace(settings=Settings(public_url=CONSOLE), services={}, clock=Clock()))
    dispatcher = Dispatcher()
    dispatcher.include(router)
    responder = Responder(None, passive=True)
    await dispatcher.feed(staff_says("/lead 王工"), responder=responder, raise_errors=True)
    link = responder.close_passive().splitlines()[-1]
    assert link.startswith(CONSOLE + "/console/leads/")
    await sign_in(client, "sales1")
    page = await client.get(urlsplit(link).path)
    assert page.status == 200 and "王工" in await page.text()
