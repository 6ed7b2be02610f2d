"""``python main.py survey import FILE.yaml | results ID --json | export ID --format csv``."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from surveys import SurveyFileError

from .results import export_csv, survey_results
from .store import find_survey, import_survey


def add_cli_parsers(subparsers) -> None:
    """Add the ``survey`` command to main.py's subparsers."""
    survey = subparsers.add_parser("survey", help="import surveys, read their results, export responses")
    sub = survey.add_subparsers(dest="survey_command", required=True, metavar="ACTION")

    imp = sub.add_parser("import", help="create or update a survey from a YAML file (checked completely first); prints its id last")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)

    res = sub.add_parser("results", help="a survey's results: NPS, distributions, free texts")
    res.add_argument("survey", help="the survey's id or key")
    res.add_argument("--wave", help="only this wave (default: all)")
    res.add_argument("--json", action="store_true", help="as JSON (default: a short summary)")
    res.set_defaults(func=cmd_results)

    link = sub.add_parser("link", help="a customer's signed link to the survey's phone page")
    link.add_argument("survey", help="the survey's id or key")
    link.add_argument("--lead", type=int, required=True, help="the lead's id")
    link.add_argument("--days", type=int, default=14, help="how long the link works (default 14)")
    link.set_defaults(func=cmd_link)

    exp = sub.add_parser("export", help="one row per response to stdout")
    exp.add_argument("survey", help="the survey's id or key")
    exp.add_argument("--format", choices=("csv",), default="csv")
    exp.set_defaults(func=cmd_export)


def _run(settings, job):
    from bot.database import connect, disconnect

    async def run():
        await connect(settings.database_url)
        try:
            return await job()
        finally:
            await disconnect()

    return asyncio.run(run())


def cmd_import(args, settings) -> int:
    file = Path(args.file)
    if not file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        print(f"{args.file}: not UTF-8 text", file=sys.stderr)
        return 2
    try:
        result = _run(settings, lambda: import_survey(text))
    except SurveyFileError as exc:
        print(f"{args.file}: refused, nothing changed:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"{'created' if result.created else 'updated'} survey {result.survey.key!r}, wave {result.wave.name!r}")
    print(result.survey.id)
    return 0


def _with_survey(settings, ref: str, job):
    async def run():
        survey = await find_survey(ref)
        return None if survey is None else await job(survey)

    found = _run(settings, run)
    if found is None:
        print(f"no survey {ref!r}", file=sys.stderr)
    return found


def cmd_results(args, settings) -> int:
    results = _with_survey(settings, args.survey, lambda s: survey_results(s, args.wave))
    if results is None:
        return 1
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(f"{results['title']}: {results['responses']} responses, {results['completed']} completed")
    if results["nps"] is not None:
        low, high = results["ci95"]
        print(f"NPS {results['nps']:+.1f} (95% CI {low:+.1f} … {high:+.1f}); promoters {results['promoters']}, "
              f"passives {results['passives']}, detractors {results['detractors']}")
    return 0


def cmd_export(args, settings) -> int:
    text = _with_survey(settings, args.survey, export_csv)
    if text is None:
        return 1
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


def cmd_link(args, settings) -> int:
    from datetime import datetime, timedelta, timezone

    from models import Lead

    from .links import LinkSigner

    if not settings.secret_key:
        print("set SIYU_SECRET_KEY first: links are signed with it (and must outlive this command)", file=sys.stderr)
        return 2

    async def job(survey):
        return survey if await Lead.exists(id=args.lead) else None

    survey = _with_survey(settings, args.survey, job)
    if survey is None:
        print(f"(or no lead {args.lead})", file=sys.stderr)
        return 1
    expires = datetime.now(timezone.utc) + timedelta(days=max(args.days, 1))
    print(LinkSigner(settings.secret_key).url(settings.base_url, survey.id, args.lead, expires))
    return 0
