"""Command-line administration of staff access:

    python main.py user add NAME --role ROLE [--wecom-userid ID] [--password-stdin]
    python main.py user passwd NAME [--password-stdin]
    python main.py user list
    python main.py token create --role ROLE --name NAME     (prints the token alone)
    python main.py token revoke ID
    python main.py token list
    python main.py lead personal-data ID                    (everything stored about a person, JSON)

``add_cli_parsers`` registers these on an argparse subparsers object, setting ``func`` to
:func:`command_main` (``func(args, settings) -> exit status``, connecting to the database
itself); ``run_cli`` runs a parsed command against an already connected database. Every
change is recorded in the audit log as made by ``cli``."""
from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import Callable, TextIO

from bot import database
from bot.clock import Clock
from bot.config import Settings
from console.access import audit
from console.access.accounts import AccountError, create_user, set_password
from console.access.actors import COMMAND_LINE
from console.access.passwords import WeakPassword
from console.access.permissions import Role
from console.access.tokens import TokenError, create_token, revoke_token
from console.kit.schemas import to_json
from console.pages.schemas import STAFF_USER, TOKEN
from leads.privacy import export_person
from models import ApiToken, Lead, StaffUser

PasswordPrompt = Callable[[str], str]


class CliError(Exception):
    """A command failed; the message is printed to standard error."""


def add_cli_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``user`` and ``token`` commands."""
    roles = [r.value for r in Role]
    user = subparsers.add_parser("user", help="manage console staff users").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="create a staff user (password from a prompt or --password-stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=roles)
    add.add_argument("--wecom-userid", default=None, help="the user's WeCom userid (sales see the leads it owns)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=command_main, console_command=user_add)
    passwd = user.add_parser("passwd", help="set a staff user's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd.set_defaults(func=command_main, console_command=user_passwd)
    user.add_parser("list", help="list staff users").set_defaults(func=command_main, console_command=user_list)

    token = subparsers.add_parser("token", help="manage API tokens").add_subparsers(dest="token_command", required=True)
    create = token.add_parser("create", help="create an API token and print it (only once)")
    create.add_argument("--role", required=True, choices=roles)
    create.add_argument("--name", required=True)
    create.set_defaults(func=command_main, console_command=token_create)
    revoke = token.add_parser("revoke", help="revoke an API token by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=command_main, console_command=token_revoke)
    token.add_parser("list", help="list API tokens").set_defaults(func=command_main, console_command=token_list)

    lead = subparsers.add_parser("lead", help="a person's data (PIPL)").add_subparsers(dest="lead_command", required=True)
    personal = lead.add_parser("personal-data", help="print everything stored about a lead as JSON (right of access)")
    personal.add_argument("id", type=int)
    personal.set_defaults(func=command_main, console_command=lead_personal_data)


def command_main(args: argparse.Namespace, settings: Settings, *, upgrade: bool = True) -> int:
    """Connect to the configured database (migrating it unless ``upgrade`` is false), run the
    command with the process's standard streams, disconnect."""

    async def run() -> int:
        await database.connect(settings.database_url, upgrade=upgrade, tell=sys.stderr)
        try:
            return await run_cli(args, stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr)
        finally:
            await database.disconnect()

    return asyncio.run(run())


async def run_cli(
    args: argparse.Namespace,
    *,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    clock: Clock | None = None,
    prompt: PasswordPrompt = getpass.getpass,
) -> int:
    """Run the parsed command; 0 on success, 1 with a message on standard error otherwise."""
    try:
        await args.console_command(args, stdin=stdin, stdout=stdout, clock=clock or Clock(), prompt=prompt)
    except (CliError, AccountError, WeakPassword, TokenError) as exc:
        stderr.write(f"error: {exc}\n")
        return 1
    return 0


def read_password(args: argparse.Namespace, stdin: TextIO, prompt: PasswordPrompt) -> str:
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("no password on standard input")
        return password
    first = prompt("Password: ")
    if prompt("Password again: ") != first:
        raise CliError("the two passwords differ")
    return first


async def user_add(args, *, stdin, stdout, clock, prompt) -> None:
    user = await create_user(args.name, args.role, read_password(args, stdin, prompt), clock=clock, wecom_userid=args.wecom_userid)
    await audit.record(COMMAND_LINE, "user.create", at=clock.now(), target_type="staff_user", target_id=user.id, after=to_json(STAFF_USER, user))
    stdout.write(f"created {user.role} {user.username}\n")


async def user_passwd(args, *, stdin, stdout, clock, prompt) -> None:
    if not await StaffUser.exists(username=args.name.strip().lower()):
        raise CliError(f"no staff user named {args.name!r}")
    user = await set_password(args.name, read_password(args, stdin, prompt))
    await audit.record(COMMAND_LINE, "user.passwd", at=clock.now(), target_type="staff_user", target_id=user.id)
    stdout.write(f"password changed for {user.username}\n")


async def user_list(args, *, stdin, stdout, clock, prompt) -> None:
    for user in await StaffUser.all().order_by("username"):
        stdout.write(f"{user.username}\t{user.role}\t{user.wecom_userid or '-'}\t{'active' if user.active else 'disabled'}\n")


async def token_create(args, *, stdin, stdout, clock, prompt) -> None:
    row, secret = await create_token(args.name, args.role, clock=clock, created_by=COMMAND_LINE.label)
    await audit.record(COMMAND_LINE, "token.create", at=clock.now(), target_type="token", target_id=row.id, after=to_json(TOKEN, row))
    stdout.write(secret + "\n")


async def token_revoke(args, *, stdin, stdout, clock, prompt) -> None:
    row = await ApiToken.get_or_none(id=args.id)
    if row is None:
        raise CliError(f"no token with id {args.id}")
    before = to_json(TOKEN, row)
    row = await revoke_token(row.id, clock=clock)
    await audit.record(COMMAND_LINE, "token.revoke", at=clock.now(), target_type="token", target_id=row.id, before=before, after=to_json(TOKEN, row))
    stdout.write(f"revoked token {row.id} ({row.name})\n")


async def lead_personal_data(args, *, stdin, stdout, clock, prompt) -> None:
    lead = await Lead.get_or_none(id=args.id)
    if lead is None:
        raise CliError(f"no lead with id {args.id}")
    data = await export_person(lead)
    await audit.record(COMMAND_LINE, "lead.personal_data", at=clock.now(), target_type="lead", target_id=lead.id)
    stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


async def token_list(args, *, stdin, stdout, clock, prompt) -> None:
    for row in await ApiToken.all().order_by("id"):
        state = "revoked" if row.revoked_at else "active"
        stdout.write(f"{row.id}\t{row.name}\t{row.role}\t{row.prefix}…\t{state}\n")
