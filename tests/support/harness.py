"""The two harnesses.

- ``Harness``: the bot served over HTTP next to the simulator, signed and encrypted callbacks
  both ways (end-to-end tests; fixture ``harness`` in tests/e2e/conftest.py).
- ``FeatureHarness``: typed events through the bot's real pipeline (lead and behaviour
  middlewares, dispatcher, every feature's routers) against the simulator's API, on the test
  database and the fake clock. No callback HTTP and no crypto: a feature test reads "event in →
  replies and rows out" (fixture ``feature_harness`` in tests/conftest.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.app import BOT, Bot, create_app
from bot.clock import FakeClock
from bot.events import ContactAdded, Event
from bot.responder import Responder
from simulator.simulator import Simulator
from simulator.state import Relation, WelcomeCode
from tests.support import events

STAFF = (("zhangsan", "张三"), ("lisi", "李四"))
KF_ACCOUNT = ("wkKF0001", "售前咨询")


@dataclass
class Harness:
    """The bot as `main.py serve` wires it and the simulator, talking over real HTTP."""

    sim: Simulator
    bot: Bot
    bot_url: str

    async def settle(self) -> None:
        """Let background work (slow handlers, kf pulls) finish."""
        await self.bot.drain()


@dataclass
class FeatureHarness:
    """Every feature behind the real pipeline; ``send`` an event, read replies and rows."""

    bot: Bot
    sim: Simulator
    clock: FakeClock

    async def send(self, event: Event) -> list[str]:
        """Deliver ``event`` and wait until its handlers are done; the texts they answered
        the sender with (the passive reply first), in order."""
        responder = Responder(self._discard, passive=True)
        await self.bot.pipeline.deliver(event, responder)
        await self.bot.drain()
        return [text for _, text in responder.sent]

    async def say(self, text: str, **fields) -> str | None:
        """A customer's 微信客服 text; the last answer it got, if any."""
        replies = await self.send(events.kf_text(text, **fields))
        return replies[-1] if replies else None

    def customer_adds(self, userid: str, external_userid: str, state: str = "", name: str = "微信用户") -> ContactAdded:
        """The platform side of a 联系我 scan (the relation and a fresh WelcomeCode, as WeCom
        keeps them) and the add_external_contact event it causes."""
        self.sim.add_customer(external_userid, name)
        self.sim.state.relations[(userid, external_userid)] = Relation(userid, external_userid, self.sim.now(), state)
        code = WelcomeCode(self.sim.state.ids.next("wc"), userid, external_userid, self.clock.time())
        self.sim.state.welcome_codes[code.code] = code
        return events.contact_added(userid, external_userid, state, code.code, at=self.sim.now())

    @staticmethod
    async def _discard(text: str) -> None:
        """Active answers are recorded by the responder; nothing goes over the wire."""


async def start_feature_harness(clock: FakeClock, simulator_url: str, sim: Simulator, **overrides) -> tuple[FeatureHarness, web.AppRunner]:
    """The product's features wired as ``main.py serve`` wires them, started (start-up hooks
    run) but listening nowhere; the runner's cleanup stops it."""
    from main import features, lead_wiring

    for userid, name in STAFF:
        sim.add_staff(userid, name)
    sim.add_kf_account(*KF_ACCOUNT, servicers=[STAFF[0][0]])
    settings = sim.credentials.bot_settings(simulator_url, **overrides)
    app = await create_app(settings, clock=clock, manage_database=False, features=features(), **lead_wiring())
    runner = web.AppRunner(app)
    await runner.setup()
    return FeatureHarness(app[BOT], sim, clock), runner
