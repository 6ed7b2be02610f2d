"""A staff-written template that runs away or fails never costs a customer their reply: the
customer gets a safe text at once, the bot keeps answering others, the author sees the
failure where they edit the template, and saving a broken template is refused."""
import time

import pytest
from aiohttp import web

from bot.config import Settings
from console.pages import setup_console
from console.access.accounts import create_user
from handlers import faq, onboarding
from models import Channel, FaqEntryRecord, TemplateFailure
from tests.support.console import PASSWORD, csrf_of, sign_in
from tests.support.faq import open_hours, store_test_faq
from tests.support.onboarding import make_channel

KF = "wkKF0001"
RUNAWAY = "发货说明{% for a in range(9000) %}{% for b in range(9000) %}{% endfor %}{% endfor %}"


async def ask_kf(harness, customer, text):
    await harness.sim.kf_customer_text(KF, customer, text, name="王工")
    await harness.settle()
    return harness.sim.received(customer)[-1]["text"]


async def break_answer(entry_id: str, answer: str) -> None:
    """An answer stored as an older version stored it, before saving test-rendered it."""
    await FaqEntryRecord.filter(id=entry_id).update(answer=answer)


@pytest.fixture
async def console_client(harness, aiohttp_client, clock):
    app = web.Application()
    console = setup_console(app, Settings(secret_key="test-secret"), clock=clock)
    faq.register_console(console, harness.bot)
    onboarding.register_console(console, harness.bot)
    await create_user("editor1", "admin", PASSWORD, clock=clock)
    client = await aiohttp_client(app)
    await sign_in(client, "editor1")
    return client


async def test_a_runaway_answer_is_stopped_and_the_bot_keeps_answering(harness, clock):
    await store_test_faq()
    open_hours(clock)
    await break_answer("ship-lead-time", RUNAWAY)

    started = time.perf_counter()
    answer = await ask_kf(harness, "wmWANG", "下单后多久发货？")
    took = time.perf_counter() - started
    other = await ask_kf(harness, "wmLI", "运费怎么算")

    assert answer == "发货说明" and took < 2.0
    assert other == "单笔满 3000 元包邮。"
    failure = await TemplateFailure.get(owner="faq:ship-lead-time")
    assert "longer than" in failure.message


async def test_a_failing_answer_still_answers_and_the_author_sees_it_where_they_edit(harness, clock, console_client):
    await store_test_faq()
    open_hours(clock)
    await break_answer("freight", "单笔满 3000 元包邮{{ 1/0 }}。")

    answer = await ask_kf(harness, "wmWANG", "运费怎么算")
    await ask_kf(harness, "wmZHAO", "运费怎么算")
    page = await (await console_client.get("/console/faq/entries/freight")).text()

    assert answer == "单笔满 3000 元包邮。"
    failure = await TemplateFailure.get(owner="faq:freight")
    assert failure.count == 2 and "ZeroDivisionError" in failure.message
    assert 'id="template-failure"' in page and "ZeroDivisionError" in page

    saved = await console_client.post("/console/faq/entries/freight", allow_redirects=False, data={
        "csrf_token": csrf_of(page), "question": "运费怎么算？", "answer": "单笔满 3000 元包邮。", "category": "service_delivery",
        "scope": "both", "active": "on"})
    assert saved.status == 303 and not await TemplateFailure.exists(owner="faq:freight")


async def test_saving_a_broken_answer_is_refused_with_a_clear_message(harness, console_client):
    await store_test_faq()
    page = await (await console_client.get("/console/faq/entries/freight")).text()

    refused = await console_client.post("/console/faq/entries/freight", data={
        "csrf_token": csrf_of(page), "question": "运费怎么算？", "answer": "包邮{{ 1/0 }}", "category": "service_delivery",
        "scope": "both", "active": "on"})
    runaway = await console_client.post("/console/faq/entries/freight", data={
        "csrf_token": csrf_of(page), "question": "运费怎么算？", "answer": RUNAWAY, "category": "service_delivery",
        "scope": "both", "active": "on"})

    assert "division by zero" in await refused.text()
    assert "longer than" in await runaway.text()
    assert (await FaqEntryRecord.get(id="freight")).answer == "单笔满 3000 元包邮。"


async def test_a_failing_welcome_still_goes_out_and_the_marketer_sees_why(harness, console_client):
    channel = await make_channel(harness, code="expo", name="材料展")
    await Channel.filter(id=channel.id).update(welcome_template="{{ name }}您好{{ 1/0 }}")

    scan = await harness.sim.scan_contact_way(channel.config_id, name="王工")
    await harness.settle()
    page = await (await console_client.get("/console/channels/expo")).text()

    [welcome] = harness.sim.received(scan.info["external_userid"])
    assert welcome["text"].startswith("您好 王工，欢迎关注材料展！")  # the default welcome
    assert "ZeroDivisionError" in (await TemplateFailure.get(owner="channel:expo")).message
    assert 'id="template-failure"' in page


async def test_saving_a_broken_welcome_is_refused_with_a_clear_message(harness):
    from handlers.onboarding.channels import ChannelError

    with pytest.raises(ChannelError) as refused:
        await make_channel(harness, code="expo", welcome_template="您好{{ 'x' * 200000000 }}")

    assert "200,000,000" in str(refused.value)
    assert not await Channel.exists(code="expo")
