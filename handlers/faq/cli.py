"""``python main.py faq import FILE | export | match | calibrate | group-rules``."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from faq import DEFAULT_BUDGET, FaqFileError, calibrate, detect_format, export_faq_file, match_queries, parse_faq_file, sweep
from handlers.faq import calibration, group_rules
from handlers.faq.store import all_entries, build_index, save_entries

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def add_cli_parsers(subparsers) -> None:
    """Add the ``faq`` command to main.py's subparsers."""
    faq = subparsers.add_parser("faq", help="import, export and try the FAQ")
    sub = faq.add_subparsers(dest="faq_command", required=True, metavar="ACTION")

    imp = sub.add_parser("import", help="create or update entries from a YAML or JSONL file (by id; all or nothing)")
    imp.add_argument("file", help="the file (.yaml/.yml or .jsonl)")
    imp.add_argument("--format", choices=("yaml", "jsonl"), help="default: from the file name")
    imp.add_argument("--by", default="cli", help="recorded as who changed the entries")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="write every entry to stdout (the import format)")
    exp.add_argument("--format", choices=("yaml", "jsonl"), default="jsonl")
    exp.set_defaults(func=cmd_export)

    match = sub.add_parser("match", help="match queries from stdin (lines or JSONL {\"query\"}); one JSON line each")
    match.add_argument("--chat", choices=("single", "group"), default=None, help="only entries allowed in this chat kind")
    match.set_defaults(func=cmd_match)

    cal = sub.add_parser("calibrate", help="answer rate and estimated wrong-answer rate at each setting, from the review log")
    cal.add_argument("--budget", type=float, default=DEFAULT_BUDGET, help="wrong-answer budget, 0–1 (default 0.05)")
    cal.add_argument("--apply", action="store_true", help="use the recommended setting from now on")
    cal.add_argument("--reset", action="store_true", help="go back to the shipped default calibration")
    cal.add_argument("--by", default="cli", help="recorded as who applied it")
    cal.set_defaults(func=cmd_calibrate)

    rules = sub.add_parser("group-rules", help="the keyword FAQ as WeCom customer-group auto-reply rules")
    rules.add_argument("--format", choices=("json", "csv"), default="json")
    rules.set_defaults(func=cmd_group_rules)


def _run(settings, job):
    from bot.database import connect, disconnect

    async def run():
        await connect(settings.database_url, tell=sys.stderr)
        try:
            return await job()
        finally:
            await disconnect()

    return asyncio.run(run())


def read_import_file(path: str, fmt: str | None) -> tuple:
    """The entries of an import file, or SystemExit-worthy problems as FaqFileError."""
    file = Path(path)
    if not file.is_file():
        raise FaqFileError([_problem(f"no such file: {path}")])
    if file.stat().st_size > MAX_IMPORT_BYTES:
        raise FaqFileError([_problem(f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")])
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FaqFileError([_problem(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")]) from exc
    return parse_faq_file(text, fmt or detect_format(path))


def _problem(message: str):
    from faq import FaqFileProblem

    return FaqFileProblem(0, message)


def cmd_import(args: argparse.Namespace, settings) -> int:
    try:
        entries = read_import_file(args.file, args.format)
    except FaqFileError as exc:
        print(f"{args.file}: refused, nothing was changed:", file=sys.stderr)
        for problem in exc.errors:
            print(f"  {problem}", file=sys.stderr)
        return 1
    async def import_and_audit() -> dict:
        from console.access.audit import record_cli

        counts = await save_entries(entries, args.by)
        await record_cli("faq.import", target_type="faq", target_id=Path(args.file).name, after=counts)
        return counts

    counts = _run(settings, import_and_audit)
    print(f"imported {len(entries)} entries: {counts['created']} created, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged")
    return 0


def cmd_export(args: argparse.Namespace, settings) -> int:
    entries = _run(settings, all_entries)
    sys.stdout.write(export_faq_file(entries, args.format))
    print(f"exported {len(entries)} entries", file=sys.stderr)
    return 0


def cmd_match(args: argparse.Namespace, settings) -> int:
    index = _run(settings, build_index)
    for result in match_queries(sys.stdin, index, args.chat):
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def _percent(value: float) -> str:
    return f"{100 * value:5.1f}%"


def cmd_calibrate(args: argparse.Namespace, settings) -> int:
    from datetime import datetime, timezone

    if not 0 < args.budget < 1:
        print("--budget is a share between 0 and 1, e.g. 0.05", file=sys.stderr)
        return 2
    now = datetime.now(timezone.utc)
    if args.reset:
        _run(settings, lambda: calibration.apply(None, args.by, None, now))
        print("back to the shipped default calibration")
        return 0
    examples = _run(settings, calibration.labelled_examples)
    in_scope = sum(e.label is not None for e in examples)
    current = _run(settings, calibration.current)
    print(f"{len(examples)} reviewed questions ({in_scope} that an entry answers); in use: {current.source} "
          f"{current.thresholds.as_dict()}")
    best = calibrate(examples, args.budget)
    if best is None:
        print(f"too few reviewed questions to calibrate on (at least {calibration.MIN_EXAMPLES} an entry answers, "
              f"and a setting within the budget): mark answers correct or attach questions in the review inbox")
        return 1
    print(" answer  margin  answered  wrong (est. up to)  choices  out-of-scope answered")
    for row in sweep(examples)[::5]:
        t = row.thresholds
        print(f"  {t.answer:5.0f}  {t.margin:6.0f}  {_percent(row.answer_rate)}   {_percent(row.answered_wrong)} "
              f"({_percent(row.wrong_upper)})  {_percent(row.clarified)}  {_percent(row.out_of_scope_answered)}")
    t = best.thresholds
    print(f"recommended for a {args.budget:.0%} budget: answer {t.answer:.0f}, margin {t.margin:.0f} "
          f"(ratio {t.margin_ratio:.1f}), choices from {t.clarify:.0f}: answers {_percent(best.answer_rate).strip()}, "
          f"wrong {_percent(best.answered_wrong).strip()} (estimated up to {_percent(best.wrong_upper).strip()})")
    if args.apply:
        _run(settings, lambda: calibration.apply(t, args.by, args.budget, now, best))
        print("applied: the bot uses it from the next question on")
    else:
        print("run again with --apply to use it")
    return 0


def cmd_group_rules(args: argparse.Namespace, settings) -> int:
    entries = _run(settings, lambda: all_entries(active_only=True))
    rules = group_rules.auto_reply_rules(entries)
    sys.stdout.write(group_rules.rules_csv(rules) if args.format == "csv" else group_rules.rules_json(rules))
    print(f"{len(rules)} auto-reply rules", file=sys.stderr)
    return 0
