"""The chat archive is pulled every 15 seconds, and a failed pull does not stop the polling."""
import asyncio

from handlers.faq.lifecycle import poll


class CountingFaq:
    def __init__(self, fail_first: bool) -> None:
        self.pulls = 0
        self.fail_first = fail_first

    async def pull_archive(self, pipeline):
        self.pulls += 1
        if self.fail_first and self.pulls == 1:
            raise RuntimeError("archive unreachable")
        return 0


async def test_the_archive_is_pulled_every_15_seconds_even_after_a_failure(clock):
    faq = CountingFaq(fail_first=True)
    start = clock.time()
    task = asyncio.create_task(poll(faq, pipeline=None, clock=clock))
    while faq.pulls < 3:
        await asyncio.sleep(0)
    task.cancel()

    assert clock.slept[:2] == [15.0, 15.0]
    assert clock.time() - start >= 30.0


async def test_the_index_is_built_when_the_app_starts(db, aiohttp_client):
    from bot.app import BOT, create_app
    from main import lead_wiring
    from bot.config import Settings
    from handlers import faq
    from tests.support.faq import store_test_faq

    await store_test_faq()
    app = await create_app(Settings(), features=[faq.feature], manage_database=False, **lead_wiring())
    await aiohttp_client(app)

    store = app[BOT].services["faq"].store
    assert store._index is not None and store._index.entry("freight") is not None
