"""An expo rush: N contacts scan one channel's QR code within S seconds.

    python bench/onboarding_rush.py                       # 1,000 in 10 s, SQLite
    python bench/onboarding_rush.py --database postgres://postgres@127.0.0.1:5432/test
    python bench/onboarding_rush.py --faults              # the platform answers 45009 / -1 meanwhile

The bot runs as its own process (bench/onboarding_bot.py, wired as ``main.py serve`` wires
it) against the simulator served here on loopback, on the real clock. The channel (a contact
way with two tags) is created through the bot's own code. Each contact's add→welcome latency
is the time from the simulator issuing the WelcomeCode to the welcome reaching the contact.
Afterwards it checks, for every contact: exactly one welcome, within 20 s, a lead attributed
to the channel, the channel's tags on WeCom and in Siyu. With PostgreSQL a fresh database is
created next to the one given and dropped afterwards.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise  # noqa: E402

from bot.platforms.wecom.client import WeComClient  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.database import tortoise_config  # noqa: E402
from simulator.app import create_simulator_app  # noqa: E402
from simulator.simulator import CallbackUrls, Simulator  # noqa: E402
from handlers.onboarding.channels import ChannelService, parse_spec  # noqa: E402
from models import Channel, ChannelTouch, Lead, LeadTag  # noqa: E402

WELCOME_WINDOW = 20.0
WELCOME_API = "wecom/externalcontact/send_welcome_msg"
TAGS = ["2026材料展", "展会线索"]


def env_for(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    for f in dataclasses.fields(Settings):
        env[settings.env_name(f.name)] = str(getattr(settings, f.name))
    return env


async def serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the bot exited with {proc.returncode}")
            try:
                async with session.get(url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the bot did not start")


async def fresh_postgres(base_url: str) -> tuple[str, str]:
    """A new database next to ``base_url``'s, keeping its query (e.g. ``?maxsize=20``)."""
    name = f"siyu_rush_{uuid.uuid4().hex[:10]}"
    base, _, query = base_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else ""), name


async def make_channel(settings: Settings, clock: Clock) -> Channel:
    async with aiohttp.ClientSession() as session:
        wecom = WeComClient(settings, session, clock)
        return await ChannelService(wecom).create(parse_spec({
            "code": "expo2026-rush", "name": "2026 材料展 A12 展位", "kind": "trade_show", "cost": 48000,
            "staff": ["zhangsan"], "tags": TAGS,
            "welcome_template": "您好，感谢莅临{{ channel_name }}！回复“白皮书”获取选型白皮书。"}))


def inject_faults(sim: Simulator) -> None:
    """45009 and -1 scattered over the rush: welcomes, profile reads and tags."""
    sim.api.faults.fail_next(40, 45009, api=WELCOME_API)
    sim.api.faults.fail_next(30, -1, api=WELCOME_API)
    sim.api.faults.fail_next(60, 45009, api="wecom/externalcontact/get")
    sim.api.faults.fail_next(150, -1, api="wecom/externalcontact/mark_tag")
    sim.api.faults.fail_next(100, 45009, api="wecom/externalcontact/mark_tag")


async def rush(sim: Simulator, config_id: str, contacts: int, seconds: float) -> list[str]:
    start = time.monotonic()

    async def one(i: int) -> str:
        await asyncio.sleep(max(0.0, start + i * seconds / contacts - time.monotonic()))
        ext = f"wmRush{i:05d}"
        await sim.scan_contact_way(config_id, external_userid=ext, name=f"访客{i}")
        return ext

    return await asyncio.gather(*(one(i) for i in range(contacts)))


def tagged_on_wecom(sim: Simulator, customers: list[str]) -> int:
    tag_ids = {t.id for g in sim.state.tag_groups.values() for t in g.tags if t.name in TAGS}
    relations = (sim.state.relations.get(("zhangsan", ext)) for ext in customers)
    return sum(1 for r in relations if r is not None and tag_ids and tag_ids <= set(r.tags))


async def settled(sim: Simulator, customers: list[str], timeout: float) -> tuple[float, float]:
    """Wait until every contact has a touch with a welcome outcome and its tags in Siyu and on
    WeCom; returns (seconds until all welcomes were out, seconds until all tags were on)."""
    start, welcomed_at = time.monotonic(), None
    while time.monotonic() - start < timeout:
        if welcomed_at is None and await ChannelTouch.exclude(welcome="").count() >= len(customers):
            welcomed_at = time.monotonic() - start
        tagged = await LeadTag.filter(name=TAGS[-1]).count()
        if welcomed_at is not None and tagged >= len(customers) and tagged_on_wecom(sim, customers) >= len(customers):
            break
        await asyncio.sleep(0.5)
    return welcomed_at or float("nan"), time.monotonic() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


async def check(sim: Simulator, customers: list[str], channel: Channel, tag_ids: set[str]) -> dict:
    latencies, problems = [], []
    issued = {c.external_userid: c.issued_at for c in sim.state.welcome_codes.values()}
    for ext in customers:
        welcomes = [d for d in sim.state.messages_to(ext) if d.channel == "welcome"]
        if len(welcomes) != 1:
            problems.append(f"{ext}: {len(welcomes)} welcomes")
            continue
        latencies.append(welcomes[0].time - issued[ext])
        relation = sim.state.relations.get(("zhangsan", ext))
        if relation is None or not tag_ids <= set(relation.tags):
            problems.append(f"{ext}: tags missing on WeCom")
    leads = await Lead.filter(first_channel_id=channel.id).count()
    if leads != len(customers):
        problems.append(f"{leads} leads attributed to the channel, expected {len(customers)}")
    late = [x for x in latencies if x > WELCOME_WINDOW]
    return {"latencies": latencies, "late": len(late), "problems": problems, "leads": leads,
            "siyu_tags": await LeadTag.filter(name=TAGS[0]).count()}


async def run(args: argparse.Namespace) -> int:
    clock = Clock()
    bot_url, sim_url = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    sim = Simulator(clock, CallbackUrls.under(bot_url), callback_timeout=5.0)
    sim.add_staff("zhangsan", "张三")
    sim_runner = await serve(create_simulator_app(sim), args.port + 1)
    tmp = tempfile.TemporaryDirectory()
    pg_name = ""
    if args.database.startswith("postgres"):
        database_url, pg_name = await fresh_postgres(args.database)
        await Tortoise.init(config=tortoise_config(database_url), _create_db=True)
        await Tortoise.close_connections()
    else:
        database_url = f"sqlite://{tmp.name}/rush.db"
    settings = sim.credentials.bot_settings(sim_url, database_url=database_url, host="127.0.0.1", port=args.port)
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "onboarding_bot.py")], env=env_for(settings), cwd=ROOT)
    try:
        await wait_healthy(bot_url, proc)
        await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
        channel = await make_channel(settings, clock)
        if args.faults:
            inject_faults(sim)
        began = time.monotonic()
        customers = await rush(sim, channel.config_id, args.contacts, args.seconds)
        offered = time.monotonic() - began
        welcomed, waited = await settled(sim, customers, args.timeout)
        tag_ids = {t.id for g in sim.state.tag_groups.values() for t in g.tags if t.name in TAGS}
        result = await check(sim, customers, channel, tag_ids)
        rejected = {}
        for r in sim.api.rejected:
            rejected[(r.api, r.errcode)] = rejected.get((r.api, r.errcode), 0) + 1
        lat = result["latencies"]
        print(f"database: {database_url.split('://')[0]}  faults: {'yes' if args.faults else 'no'}")
        print(f"{args.contacts} adds offered in {offered:.1f} s; after the last add, every welcome was out in "
              f"{welcomed:.1f} s and every tag on WeCom in {waited:.1f} s")
        print(f"add→welcome: p50 {percentile(lat, 0.5):.2f} s, p99 {percentile(lat, 0.99):.2f} s, "
              f"max {max(lat, default=float('nan')):.2f} s; over 20 s: {result['late']}")
        print(f"welcomed exactly once: {len(lat)}/{args.contacts}; leads attributed: {result['leads']}; "
              f"tagged in Siyu: {result['siyu_tags']}; tagged on WeCom: {tagged_on_wecom(sim, customers)}")
        print("platform refusals: " + (", ".join(f"{api.split('/')[-1]} {code}: {n}" for (api, code), n in
                                                 sorted(rejected.items())) or "none"))
        for problem in result["problems"][:20]:
            print("PROBLEM", problem)
        return 1 if result["problems"] or result["late"] else 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        await Tortoise.close_connections()
        await sim_runner.cleanup()
        if pg_name:
            await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
            await Tortoise._drop_databases()
        tmp.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0, help="the adds are spread evenly over this time")
    parser.add_argument("--database", default="sqlite", help="sqlite, or a postgres:// URL (a fresh database is made next to it)")
    parser.add_argument("--faults", action="store_true", help="inject 45009 and -1 answers during the rush")
    parser.add_argument("--port", type=int, default=18480, help="the bot's port; the simulator takes the next")
    parser.add_argument("--timeout", type=float, default=180.0, help="how long to wait for tags after the rush")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
