"""Siyu's command line: ``python main.py {serve,demo,simulator,migrate,export,...} --help``.

This is the one place that wires features into the bot.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime
from typing import Sequence

from bot.config import ConfigError, Settings, load_settings


def lead_wiring() -> dict:
    """The lead domain the bot's middlewares and API clients feed: keyword arguments of
    ``bot.app.create_app``."""
    from leads.behaviour import BehaviourLog
    from leads.identity import resolve_lead
    from leads.standing import Scorer

    def behaviour_log(clock):
        return BehaviourLog(clock, scorer=Scorer(clock))  # every event scored as it is written

    return {"behaviour_log": behaviour_log, "resolve_lead": resolve_lead}


def features() -> list:
    """Every feature, once, in routing priority order; serving, the demo, the command line
    and the console are all built from this list."""
    from handlers import faq, onboarding, pushes, sales, staff_commands, surveys

    product = [staff_commands.feature, surveys.feature, onboarding.feature, faq.feature, pushes.feature, sales.feature]
    return [*product, console_feature(product)]


def console_feature(product: list):
    """The staff console and REST API, with the pages and endpoints of ``product``."""
    from bot.feature import Feature
    from console import cli as console_cli
    from console.pages import setup_console

    def mount(app, bot) -> None:
        console = setup_console(app, bot.settings, clock=bot.clock)
        for feature in product:
            if feature.console is not None:
                feature.console(console, bot)

    return Feature(name="console", web=mount, cli=console_cli.add_cli_parsers)


# --- commands -------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from aiohttp import web

    from bot.app import create_app
    from bot.listening import ensure_free

    settings = replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    ensure_free(settings.host, settings.port)

    async def build() -> web.Application:
        app = await create_app(settings, features=features(), **lead_wiring())
        app.on_startup.append(_freeze_startup_objects)
        return app

    print(f"Siyu serving on http://{settings.host}:{settings.port}", flush=True)
    # Every event is in the behaviour log; a per-request access log would cost ~10% of the loop.
    web.run_app(build(), host=settings.host, port=settings.port, print=None, access_log=None)
    return 0


async def _freeze_startup_objects(_app) -> None:
    """Move what start-up allocated out of the garbage collector's sight: full collections of
    it paused requests for tens of milliseconds (docs/PERFORMANCE.md)."""
    import gc

    gc.collect()
    gc.freeze()


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from demo.run import run_demo

    return asyncio.run(run_demo(args, settings, features, lead_wiring))


def cmd_simulator(args: argparse.Namespace, settings: Settings) -> int:
    from bot.listening import ensure_free
    from simulator.app import run_simulator

    ensure_free(args.host, args.port)
    run_simulator(args.host, args.port, args.bot_url)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.database import migrate

    asyncio.run(migrate(settings.database_url))
    print(f"database schema is up to date ({settings.database_url.split('://', 1)[0]})")
    return 0


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    """``keys new`` prints a fresh data key; ``keys rotate`` re-encrypts every personal value
    under the first key of SIYU_DATA_KEYS (and recomputes the lookup hashes)."""
    from models.encrypted import DataKeyError, keys_in_use, new_key, rotate

    if args.keys_command == "new":
        print(new_key())
        return 0
    from tortoise import Tortoise

    from bot.database import connect, disconnect

    async def run() -> int:
        await connect(settings.database_url)
        try:
            count = await rotate(Tortoise.apps["models"].values())
        finally:
            await disconnect()
        print(f"{count} rows re-encrypted with key {keys_in_use().current[0]!r}")
        return 0

    try:
        return asyncio.run(run())
    except DataKeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.database import connect, disconnect
    from leads.export import export_events

    since = _parse_since(args.since)

    async def run() -> int:
        await connect(settings.database_url, tell=sys.stderr)
        try:
            return await export_events(sys.stdout, since=since, fmt=args.format)
        finally:
            await disconnect()

    count = asyncio.run(run())
    print(f"exported {count} events", file=sys.stderr)
    return 0


def _parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise SystemExit(f"--since must be an ISO date or time, e.g. 2026-11-01 or 2026-11-01T08:00:00+08:00; got {value!r}") from exc
    if parsed.tzinfo is None:
        from datetime import timezone

        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


# --- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from bot.feature import add_cli

    parser = argparse.ArgumentParser(prog="main.py", description="Siyu: a chat-first WeCom/WeChat bot for B2B private-domain marketing.")
    parser.add_argument("--config", metavar="FILE", help="a TOML settings file (SIYU_* environment variables win over it)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the bot's callback server (and console)")
    serve.add_argument("--host", help="listen here instead of SIYU_HOST")
    serve.add_argument("--port", type=int, help="listen on this port instead of SIYU_PORT")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="run the bot and the simulator together with sample data (SQLite)")
    demo.add_argument("--port", type=int, default=8080, help="the bot's port (the simulator takes the next one)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--database", help="database URL for the demo (default: demo.db in the data directory; "
                      "emptied and re-seeded at each start)")
    demo.add_argument("--check", action="store_true",
                      help="start, run the scripted tour once on a throw-away database, print it and exit")
    demo.set_defaults(func=cmd_demo)

    sim = sub.add_parser("simulator", help="run the WeCom/WeChat simulator on its own")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=9000)
    sim.add_argument("--bot-url", default="http://127.0.0.1:8080", help="where the bot's callbacks are served")
    sim.set_defaults(func=cmd_simulator)

    mig = sub.add_parser("migrate", help="create or upgrade the database schema, keeping data")
    mig.set_defaults(func=cmd_migrate)

    export = sub.add_parser("export", help="export data")
    export_sub = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    events = export_sub.add_parser("events", help="the behaviour log, one row per event")
    events.add_argument("--since", metavar="ISO", help="only events at or after this time")
    events.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    events.set_defaults(func=cmd_export)

    keys = sub.add_parser("keys", help="the data keys personal data is encrypted with (SIYU_DATA_KEYS)")
    keys.add_argument("keys_command", choices=("new", "rotate"),
                      help="new: print a fresh key; rotate: re-encrypt everything under the first key")
    keys.set_defaults(func=cmd_keys)

    add_cli(sub, features())

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("tortoise").setLevel(logging.WARNING)  # "Tortoise-ORM shutdown" after every command
    try:
        settings = load_settings(config_file=args.config)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    from bot.listening import PortInUse

    try:
        return args.func(args, settings) or 0
    except PortInUse as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
