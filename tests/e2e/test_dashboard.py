"""A marketer's first screen: the week's new leads by channel with the consent rate, the FAQ
answer rate and the questions customers ask that get no answer, each linking to its page."""
from __future__ import annotations

import re
from datetime import timedelta

import aiohttp

from console.access.accounts import create_user
from demo.history import MISSED, seed_history
from tests.support.console import PASSWORD
from tests.support.onboarding import make_channel


async def signed_in_page(harness, clock, path: str) -> str:
    await create_user("marketer", "marketer", PASSWORD, clock=clock)
    async with aiohttp.ClientSession(harness.bot_url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        login = await (await browser.get("/console/login")).text()
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', login).group(1)
        await browser.post("/console/login", data={"username": "marketer", "password": PASSWORD, "csrf_token": token})
        return await (await browser.get(path)).text()


async def test_the_dashboard_shows_the_week_by_channel_and_what_the_faq_misses(harness, clock):
    channels = [await make_channel(harness, code=code, name=name, staff=["zhangsan"])
                for code, name in (("expo2026-a12", "材料展"), ("site-footer", "官网页脚"))]
    await seed_history(clock.now() + timedelta(hours=1), channels)

    page = await signed_in_page(harness, clock, "/console/")

    panel = re.search(r'<section class="card" id="panel-new-by-channel">(.*?)</section>', page, re.S).group(1)
    assert 'href="/console/channels?from=' in panel and "同意率" in panel and "材料展" in panel
    total = int(re.search(r'<p class="big">(\d+)</p>', panel).group(1))
    assert total > 0 and total == sum(int(n) for n in re.findall(r"<strong>(\d+)</strong>", panel))
    faq = re.search(r'<section class="card" id="panel-faq">(.*?)</section>', page, re.S).group(1)
    assert 'href="/console/faq"' in faq and re.search(r'<p class="big">\d+%</p>', faq)
    assert any(question in faq for question in MISSED)
