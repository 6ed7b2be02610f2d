"""Sales commands: ``scoring import FILE.yaml`` (a new rule version, then every lead rescored
with a progress bar), ``scoring rescore``, ``deals import FILE.csv``, ``report funnel|roi``.
The feature adds them with ``add_cli_parsers(subparsers)``."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

from bot.clock import Clock
from bot.config import Settings
from leads.scoring_file import ScoringFileError, parse_scoring_rules
from leads.standing import BEHAVIOUR_KINDS, current_rule_set, rescore_all, save_rule_set


@asynccontextmanager
async def _database(settings: Settings):
    from bot.database import connect, disconnect

    await connect(settings.database_url)
    try:
        yield
    finally:
        await disconnect()


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"cannot read {path}: {exc}") from None


def progress_bar(out: TextIO):
    """A progress callback drawing ``rescoring [#####     ] 52% 52000/100000`` on ``out``."""

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        out.write(f"\rrescoring [{bar:<30}] {share:4.0%} {done}/{total}")
        if done >= total:
            out.write("\n")
        out.flush()

    return show


def cmd_scoring_import(args: argparse.Namespace, settings: Settings) -> int:
    text = _read(args.file)
    try:
        parse_scoring_rules(text, BEHAVIOUR_KINDS)
    except ScoringFileError as exc:
        print(f"{args.file}: nothing changed, {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1

    async def run() -> int:
        async with _database(settings):
            now = Clock().now()
            rule_set = await save_rule_set(text, author="cli", now=now)
            print(f"scoring rules version {rule_set.version} saved")
            if args.no_rescore:
                print("leads are rescored on their next event; run `scoring rescore` to rescore everyone now")
                return 0
            count = await rescore_all(rule_set, now, progress=progress_bar(sys.stderr))
            print(f"rescored {count} leads")
            return 0

    return asyncio.run(run())


def cmd_scoring_rescore(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> int:
        async with _database(settings):
            rule_set = await current_rule_set()
            if rule_set is None:
                print("no scoring rules yet: run `scoring import FILE.yaml`", file=sys.stderr)
                return 1
            count = await rescore_all(rule_set, Clock().now(), progress=progress_bar(sys.stderr))
            print(f"rescored {count} leads under version {rule_set.version}")
            return 0

    return asyncio.run(run())


def add_cli_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Add ``scoring``, ``deals`` and ``report``."""
    scoring = subparsers.add_parser("scoring", help="lead scoring rules")
    scoring_sub = scoring.add_subparsers(dest="scoring_command", required=True, metavar="ACTION")
    imported = scoring_sub.add_parser("import", help="save a rule file as a new version and rescore every lead")
    imported.add_argument("file", metavar="FILE.yaml")
    imported.add_argument("--no-rescore", action="store_true", help="only save the version")
    imported.set_defaults(func=cmd_scoring_import)
    rescore = scoring_sub.add_parser("rescore", help="rescore every lead under the current rules")
    rescore.set_defaults(func=cmd_scoring_rescore)

    deals = subparsers.add_parser("deals", help="opportunities and deals from the CRM")
    deals_sub = deals.add_subparsers(dest="deals_command", required=True, metavar="ACTION")
    deals_import = deals_sub.add_parser("import", help="import deals from a CSV file (all or nothing)")
    deals_import.add_argument("file", metavar="FILE.csv", help="columns: deal_id, lead, amount, status, close_date, name")
    deals_import.set_defaults(func=cmd_deals_import)

    report = subparsers.add_parser("report", help="funnels, channel ROI and sales follow-up")
    report.add_argument("what", choices=("funnel", "roi", "followup"))
    report.add_argument("--from", dest="start", metavar="DATE", help="leads created on or after this date")
    report.add_argument("--to", dest="end", metavar="DATE", help="leads created on or before this date")
    report.add_argument("--json", action="store_true", help="print JSON (the same figures as the console)")
    report.set_defaults(func=cmd_report)


def cmd_deals_import(args: argparse.Namespace, settings: Settings) -> int:
    from leads.deals import DealFileError, import_deals, parse_deals_csv

    text = _read(args.file)

    async def run():
        rows = parse_deals_csv(text)  # every row checked before the database is touched
        async with _database(settings):
            return await import_deals(rows, Clock().now())

    try:
        result = asyncio.run(run())
    except DealFileError as exc:
        print(f"{args.file}: nothing imported, {len(exc.problems)} problem(s):", file=sys.stderr)
        for line, message in exc.problems:
            print(f"  line {line}: {message}", file=sys.stderr)
        return 1
    print(f"imported {result.created} new and {result.updated} updated deals; {result.moved} leads moved on")
    return 0


def _date(value: str | None):
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"dates look like 2026-12-01; got {value!r}") from None


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from leads import reports

    period = reports.Period(_date(args.start), _date(args.end))

    async def run():
        async with _database(settings):
            if args.what == "funnel":
                return await reports.funnels(period)
            if args.what == "roi":
                return await reports.roi(period)
            return await reports.follow_up(Clock().now())

    figures = asyncio.run(run())
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print_table(figures, sys.stdout)
    return 0


def print_table(figures, out: TextIO) -> None:
    """Figures as tab-separated lines, one table per funnel."""
    tables = figures.items() if isinstance(figures, dict) else [("", figures)]
    for title, rows in tables:
        if title:
            print(f"# {title}", file=out)
        if rows:
            print("\t".join(rows[0]), file=out)
        for row in rows:
            print("\t".join("" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()), file=out)
