"""Start the bot and the simulator together, seed the demo company, serve the phone page."""
from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Callable, Sequence

from aiohttp import web

from bot.app import BOT, create_app
from bot.clock import Clock
from bot.config import Settings
from bot.feature import Feature
from simulator.app import SIMULATOR_KEY, create_simulator_app
from simulator.simulator import CallbackUrls, Simulator
from simulator.archive import SimulatorArchive
from demo.seed import KF_ACCOUNT, seed_company, seed_platform
from demo.tour import run_tour

PHONE_PAGE = Path(__file__).with_name("phone.html")
CHANNELS = web.AppKey("demo_channels", list)


def _fresh_sqlite(url: str) -> None:
    """The demo starts from a clean database each time (the simulator keeps no state)."""
    if url.startswith("sqlite://"):
        path = Path(url.removeprefix("sqlite://"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def demo_settings(args: argparse.Namespace, sim: Simulator, sim_base: str) -> Settings:
    return sim.credentials.bot_settings(sim_base, database_url=args.database, host=args.host, port=args.port)


async def run_demo(args: argparse.Namespace, _settings: Settings, features: Callable[[], Sequence[Feature]],
                   lead_wiring: Callable[[], dict]) -> int:
    bot_base = f"http://{args.host}:{args.port}"
    sim_base = f"http://{args.host}:{args.port + 1}"
    clock = Clock()
    sim = Simulator(clock, CallbackUrls.under(bot_base))
    seed_platform(sim)
    settings = demo_settings(args, sim, sim_base)
    _fresh_sqlite(settings.database_url)

    sim_app = create_simulator_app(sim)
    sim_app.router.add_get("/", _phone_page)
    sim_app.router.add_get("/phone", _phone_page)
    sim_app.router.add_get("/demo/setup", _setup_json)
    plugged = features()
    # customer groups reach the FAQ through the (simulated) chat archive
    bot_app = await create_app(settings, clock=clock, features=plugged, archive_source=SimulatorArchive(sim),
                               **lead_wiring())

    runners = []
    for app, port in ((sim_app, args.port + 1), (bot_app, args.port)):
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, args.host, port).start()
        runners.append(runner)
    try:
        channels, admin = await seed_company(bot_app[BOT], plugged)
        sim_app[CHANNELS] = channels
        print(f"Siyu demo is running.\n  phone (play a customer): {sim_base}/phone\n"
              f"  console: {bot_base}/console/" + (f"  (sign in as {admin[0]} / {admin[1]})" if admin else "") + "\n"
              f"  simulator API: {sim_base}/sim/directory", flush=True)
        if args.check:
            return await run_tour(sim, bot_app[BOT], channels)
        await asyncio.Event().wait()
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
    return 0


async def _phone_page(request: web.Request) -> web.Response:
    return web.FileResponse(PHONE_PAGE)


async def _setup_json(request: web.Request) -> web.Response:
    channels = request.app.get(CHANNELS, [])
    sim = request.app[SIMULATOR_KEY]
    return web.json_response({
        "kf_account": KF_ACCOUNT,
        "channels": [{"code": c.code, "name": c.name, "config_id": c.config_id} for c in channels],
        "groups": [{"chat_id": g.chat_id, "name": g.name} for g in sim.state.groups.values()],
    })
