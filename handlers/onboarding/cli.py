"""Onboarding commands: ``crm import FILE.csv``, ``import FILE.yaml`` and ``channels list|qr|archive``.
The feature adds them with ``add_cli_parsers(subparsers)`` (its ``cli`` part)."""
from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from bot.clock import Clock
from bot.config import Settings
from console.access.audit import record_cli
from leads.crm import CrmFileError, parse_crm_csv
from models import Channel

from .channels import ChannelError, ChannelService
from .groups import GroupService
from .qr import qr_png, qr_svg
from .setup_file import SetupFileError, apply_setup, parse_setup


ARCHIVED_QR_LIVES = ("its QR code was NOT revoked and still adds contacts (WeCom is not configured here: "
                     "set SIYU_WECOM_* or pass --config FILE, then archive again)")


@asynccontextmanager
async def _connected(settings: Settings):
    """The database and the platform clients the commands need (WeCom/WeChat when configured)."""
    from bot.platforms.wechat.client import WeChatClient
    from bot.platforms.wecom.client import WeComClient
    from bot.database import connect, disconnect

    await connect(settings.database_url, tell=sys.stderr)
    session = aiohttp.ClientSession()
    try:
        clock = Clock()
        wecom = WeComClient(settings, session, clock) if settings.wecom_corp_id else None
        wechat = WeChatClient(settings, session, clock) if settings.wechat_app_id else None
        yield ChannelService(wecom, wechat, GroupService(wecom) if wecom else None)
    finally:
        await session.close()
        await disconnect()


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"cannot read {path}: {exc}") from exc


def _crm_problems(path: str, exc: CrmFileError) -> int:
    print(f"{path}: nothing imported, {len(exc.problems)} problem(s):", file=sys.stderr)
    for line, message in exc.problems:
        print(f"  line {line}: {message}", file=sys.stderr)
    return 1


def cmd_crm_import(args: argparse.Namespace, settings: Settings) -> int:
    from leads.crm_store import import_crm_csv

    text = _read(args.file)
    try:
        parse_crm_csv(text)  # every row checked before the database is touched
    except CrmFileError as exc:
        return _crm_problems(args.file, exc)

    async def run():
        async with _connected(settings):
            result = await import_crm_csv(text)
            await record_cli("crm.import", target_type="crm", target_id=Path(args.file).name, after=result.__dict__)
            return result

    try:
        result = asyncio.run(run())
    except CrmFileError as exc:
        return _crm_problems(args.file, exc)
    print(f"imported {result.accounts_created} new and {result.accounts_updated} existing accounts, "
          f"{result.contacts} new contacts; {result.leads_classified} leads match the CRM")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    text = _read(args.file)
    try:
        parse_setup(text)  # every channel checked before the database or the platform is touched
    except SetupFileError as exc:
        print(f"{args.file}: nothing changed:\n{exc}", file=sys.stderr)
        return 1

    async def run():
        async with _connected(settings) as service:
            result = await apply_setup(text, service)
            if result.created or result.updated:
                await record_cli("channel.import", target_type="channel", target_id=Path(args.file).name,
                                 after={"created": result.created, "updated": result.updated})
            return result

    try:
        result = asyncio.run(run())
    except (SetupFileError, ChannelError) as exc:
        print(f"{args.file}: nothing changed:\n{exc}", file=sys.stderr)
        return 1
    for label, codes in (("created", result.created), ("updated", result.updated), ("unchanged", result.unchanged)):
        if codes:
            print(f"{label}: {', '.join(codes)}")
    return 0


def cmd_channels(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> int:
        async with _connected(settings) as service:
            if args.action == "list":
                for c in await Channel.all().order_by("id"):
                    print(f"{c.code}\t{c.name}\t{c.kind}\t{'archived' if c.archived else c.qr_url}")
                return 0
            channel = await Channel.get_or_none(code=args.code)
            if channel is None:
                print(f"no channel with code {args.code!r}", file=sys.stderr)
                return 1
            if args.action == "archive":
                revoked = bool(channel.config_id) and service.wecom is not None
                await service.archive(channel)
                await record_cli("channel.archive", target_type="channel", target_id=channel.code)
                print(f"archived {channel.code}: " + ("its QR code no longer works" if revoked else ARCHIVED_QR_LIVES))
                return 0
            data = (qr_svg(channel.qr_url, channel.name) if args.format == "svg"
                    else qr_png(channel.qr_url, channel.name, channel.code))
            out = args.out or f"{channel.code}.{args.format}"
            await asyncio.to_thread(Path(out).write_bytes, data)
            print(f"wrote {out}")
            return 0

    return asyncio.run(run())


def add_cli_parsers(subparsers) -> None:
    """Add ``crm``, ``import`` and ``channels`` to main.py's sub-commands."""
    crm = subparsers.add_parser("crm", help="existing customers for lead matching")
    crm_sub = crm.add_subparsers(dest="crm_command", required=True, metavar="ACTION")
    crm_import = crm_sub.add_parser("import", help="import accounts and contacts from a CSV file (all or nothing)")
    crm_import.add_argument("file", metavar="FILE.csv", help="columns: account, contact, phone, email, owner")
    crm_import.set_defaults(func=cmd_crm_import)

    setup = subparsers.add_parser("import", help="create or update channels, groups and tags from a YAML file")
    setup.add_argument("file", metavar="FILE.yaml")
    setup.set_defaults(func=cmd_import)

    channels = subparsers.add_parser("channels", help="list channels, download a QR code, archive a channel")
    actions = channels.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every channel: code, name, kind and QR code URL (or archived)",
                       description="List every channel: code, name, kind and QR code URL (or archived).")
    qr = actions.add_parser("qr", help="write a channel's QR code as PNG or SVG, its name under it",
                            description="Write a channel's QR code (PNG or SVG) with the channel's name under it.")
    qr.add_argument("code", help="the channel's code (see `channels list`)")
    qr.add_argument("--format", choices=("png", "svg"), default="png")
    qr.add_argument("--out", metavar="FILE", help="where to write the QR code (default CODE.png or CODE.svg)")
    archive = actions.add_parser("archive", help="archive a channel: its WeCom QR code stops working, data stays",
                                 description="Archive a channel: its WeCom contact way is deleted (the QR code "
                                             "stops working); its leads and reports stay.")
    archive.add_argument("code", help="the channel's code (see `channels list`)")
    channels.set_defaults(func=cmd_channels)
