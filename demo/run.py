"""Start the bot and the simulator together, seed the demo company, serve the phone page."""
from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Callable, Sequence

from aiohttp import web
from aiohttp.log import access_logger

from bot.app import BOT, create_app
from bot.clock import Clock
from bot.config import Settings, data_dir, default_database_url
from bot.feature import Feature
from bot.listening import ensure_free
from simulator.app import SIMULATOR_KEY, create_simulator_app
from simulator.simulator import CallbackUrls, Simulator
from simulator.archive import SimulatorArchive
from demo.seed import COMPANY, KF_ACCOUNT, seed_company, seed_platform
from demo.tour import run_tour

PHONE_PAGE = Path(__file__).with_name("phone.html")
CHANNELS = web.AppKey("demo_channels", list)


def _fresh_sqlite(url: str) -> None:
    """The demo starts from fresh sample data each time: the simulated platform lives in
    memory, so yesterday's leads would point at contact ways it no longer has."""
    if url.startswith("sqlite://"):
        path = Path(url.removeprefix("sqlite://"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def demo_settings(args: argparse.Namespace, sim: Simulator, sim_base: str, database_url: str) -> Settings:
    return sim.credentials.bot_settings(sim_base, database_url=database_url, host=args.host, port=args.port,
                                        company_name=COMPANY)


def write_cli_config(settings: Settings, path: Path) -> None:
    """A TOML settings file for ``main.py --config``: the demo's database and its simulated
    WeCom/WeChat, so CLI commands act on the running demo."""
    defaults = Settings()
    lines = ["# Written by `main.py demo` for CLI commands against the running demo:",
             f"#   python main.py --config {path} channels list"]
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value != getattr(defaults, f.name) or f.name == "database_url":
            lines.append(f"{f.name} = {json.dumps(value, ensure_ascii=False)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _check_ports(args: argparse.Namespace) -> None:
    for port in (args.port, args.port + 1):
        ensure_free(args.host, port, instead=args.port + 10)


async def run_demo(args: argparse.Namespace, _settings: Settings, features: Callable[[], Sequence[Feature]],
                   lead_wiring: Callable[[], dict]) -> int:
    _check_ports(args)  # before anything is deleted or seeded
    if args.check and not args.database:
        with tempfile.TemporaryDirectory(prefix="siyu-demo-check-") as scratch:
            return await _run(args, f"sqlite://{scratch}/demo.db", features, lead_wiring)
    return await _run(args, args.database or default_database_url("demo.db"), features, lead_wiring)


async def _run(args: argparse.Namespace, database_url: str, features: Callable[[], Sequence[Feature]],
               lead_wiring: Callable[[], dict]) -> int:
    bot_base = f"http://{args.host}:{args.port}"
    sim_base = f"http://{args.host}:{args.port + 1}"
    clock = Clock()
    sim = Simulator(clock, CallbackUrls.under(bot_base))
    seed_platform(sim)
    settings = demo_settings(args, sim, sim_base, database_url)
    _fresh_sqlite(settings.database_url)

    sim_app = create_simulator_app(sim)
    sim_app.router.add_get("/", _phone_page)
    sim_app.router.add_get("/phone", _phone_page)
    sim_app.router.add_get("/demo/setup", _setup_json)
    sim_app[CHANNELS] = []  # filled once the bot has created them
    plugged = features()
    # customer groups reach the FAQ through the (simulated) chat archive
    bot_app = await create_app(settings, clock=clock, features=plugged, archive_source=SimulatorArchive(sim),
                               **lead_wiring())

    runners = []
    # no access log for the simulator: it would be the phone page polling every second
    for app, port, access_log in ((sim_app, args.port + 1, None), (bot_app, args.port, access_logger)):
        runner = web.AppRunner(app, access_log=access_log)
        await runner.setup()
        await web.TCPSite(runner, args.host, port).start()
        runners.append(runner)
    try:
        channels, admin = await seed_company(bot_app[BOT], plugged)
        sim_app[CHANNELS].extend(channels)
        config = None
        if not args.check:
            config = data_dir() / "demo.toml"
            write_cli_config(settings, config)
        print(f"Siyu demo is running (fresh sample data: each start replaces the last run's).\n"
              f"  phone (play a customer): {sim_base}/phone\n"
              f"  console: {bot_base}/console/" + (f"  (sign in as {admin[0]} / {admin[1]})" if admin else "") + "\n"
              f"  simulator API: {sim_base}/sim/directory\n"
              f"  database: {settings.database_url}"
              + (f"\n  CLI against this demo: python main.py --config {config} channels list" if config else ""),
              flush=True)
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
