"""``python main.py push create FILE | sequence FILE | status ID [--json] | pause|resume|cancel ID``,
``python main.py content import FILE`` and ``python main.py worker`` (the push dispatcher alone, for deployments with several processes)."""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

MAX_FILE_BYTES = 1024 * 1024
BAR_WIDTH = 30


def add_cli_parsers(subparsers) -> None:
    """Add the ``push`` and ``worker`` commands to main.py's subparsers."""
    push = subparsers.add_parser("push", help="create and steer push campaigns")
    sub = push.add_subparsers(dest="push_command", required=True, metavar="ACTION")
    create = sub.add_parser("create", help="validate a campaign file completely, then create it (prints its id last)")
    create.add_argument("file", help="the campaign file (YAML)")
    create.add_argument("--by", default="cli", help="recorded as who created it")
    create.set_defaults(func=cmd_create)
    status = sub.add_parser("status", help="a campaign's progress: planned, sent, confirmed, failed, opened")
    status.add_argument("id", type=int)
    status.add_argument("--json", action="store_true", help="one JSON object")
    status.set_defaults(func=cmd_status)
    seq = sub.add_parser("sequence", help="validate a sequence (SOP) file completely, then start it (prints its id last)")
    seq.add_argument("file", help="the sequence file (YAML)")
    seq.set_defaults(func=cmd_sequence)
    for action, text in (("pause", "stop sending until resumed"), ("resume", "continue a paused campaign"),
                         ("cancel", "stop for good; tasks members have not sent are cancelled")):
        change = sub.add_parser(action, help=text)
        change.add_argument("id", type=int)
        change.set_defaults(func=cmd_change, action=action)

    content = subparsers.add_parser("content", help="the content library")
    content_sub = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    imp = content_sub.add_parser("import", help="create or update items from a YAML file (by slug; all or nothing)")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_content_import)

    worker = subparsers.add_parser("worker", help="run the push dispatcher alone (serve runs one too)")
    worker.set_defaults(func=cmd_worker)


def _run(settings, job):
    from bot.database import connect, disconnect

    async def run():
        await connect(settings.database_url)
        try:
            return await job()
        finally:
            await disconnect()

    return asyncio.run(run())


def _read(path: str, limit: int | None = MAX_FILE_BYTES) -> str:
    """A UTF-8 file's text; ValueError saying what is wrong with it. (``limit`` None: the
    caller checks the size.)"""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"no such file: {path}")
    if limit is not None and file.stat().st_size > limit:
        raise ValueError(f"the file is larger than {limit // 1024} KB")
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _refused(path: str, error: ValueError) -> int:
    """Say why a file was refused (every problem a file error lists); exit status 2."""
    print(f"{path}: refused, nothing was changed:", file=sys.stderr)
    for problem in getattr(error, "problems", None) or [str(error)]:
        print(f"  {problem}", file=sys.stderr)
    return 2


def cmd_create(args: argparse.Namespace, settings) -> int:
    from bot.clock import Clock

    from .campaign_file import CampaignFileError
    from .planning import create_campaign

    try:
        source = _read(args.file)
        campaign = _run(settings, lambda: create_campaign(source, Clock().now(), created_by=args.by))
    except (ValueError, CampaignFileError) as exc:
        return _refused(args.file, exc)
    when = campaign.next_run_at.astimezone(_china()).strftime("%Y-%m-%d %H:%M") if campaign.next_run_at else "-"
    print(f"created campaign {campaign.name!r} ({campaign.chat_type}); first run {when} (Asia/Shanghai)")
    print(campaign.id)
    return 0


def cmd_sequence(args: argparse.Namespace, settings) -> int:
    from .campaign_file import CampaignFileError
    from .sequences import create_sequence

    try:
        source = _read(args.file)
        sequence = _run(settings, lambda: create_sequence(source))
    except (ValueError, CampaignFileError) as exc:
        return _refused(args.file, exc)
    print(f"started sequence {sequence.name!r} with {len(sequence.spec['steps'])} steps")
    print(sequence.id)
    return 0


def _china():
    from .schedule import CHINA

    return CHINA


def cmd_status(args: argparse.Namespace, settings) -> int:
    from .campaigns import CampaignStateError, campaign_status

    try:
        status = _run(settings, lambda: campaign_status(args.id))
    except CampaignStateError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
        return 0
    print(f"campaign {status['id']}: {status['state']}")
    for key in ("sent", "confirmed", "failed", "opened"):
        print(f"  {key:<9} {progress_bar(status[key], status['planned'])}")
    return 0


def progress_bar(done: int, total: int) -> str:
    """``[#####.....] 50/100 50%``."""
    share = done / total if total else 0.0
    filled = round(share * BAR_WIDTH)
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {share:.0%}"


def cmd_change(args: argparse.Namespace, settings) -> int:
    from .campaigns import CampaignStateError, change_state

    try:
        campaign = _run(settings, lambda: change_state(args.id, args.action))
    except CampaignStateError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"campaign {campaign.id}: {campaign.state}")
    return 0


def cmd_content_import(args: argparse.Namespace, settings) -> int:
    from content.library import ContentFileError, import_library, parse_library

    try:
        items = parse_library(_read(args.file, limit=None))
    except (ValueError, ContentFileError) as exc:
        return _refused(args.file, exc)
    result = _run(settings, lambda: import_library(items))
    print(f"imported {len(items)} items: {result.created} created, {result.updated} updated")
    return 0


def cmd_worker(args: argparse.Namespace, settings) -> int:
    import aiohttp

    from bot.api.tokens import token_store_for
    from bot.clock import Clock
    from bot.platforms.wecom.client import WeComClient

    from .dispatcher import PushDispatcher

    if not settings.wecom_corp_id:
        print("worker: WeCom is not configured (SIYU_WECOM_CORP_ID)", file=sys.stderr)
        return 2

    async def work() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        clock = Clock()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            wecom = WeComClient(settings, session, clock, token_store=token_store_for(settings))
            print("push worker running", flush=True)
            await PushDispatcher(clock, wecom, settings.base_url).run(stop)

    _run(settings, work)
    return 0
