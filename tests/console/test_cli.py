"""`python main.py user ...` and `token ...`: staff access from the command line."""
from __future__ import annotations

import argparse
import io

import pytest

from console.cli import add_cli_parsers, run_cli
from console.access.passwords import verify_password
from console.access.tokens import token_actor
from models import ApiToken, AuditEntry, StaffUser


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py")
    add_cli_parsers(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


async def run(*argv: str, stdin: str = "", prompts: list[str] | None = None, clock=None):
    out, err = io.StringIO(), io.StringIO()
    answers = iter(prompts or [])
    code = await run_cli(parse(*argv), stdin=io.StringIO(stdin), stdout=out, stderr=err, clock=clock, prompt=lambda _: next(answers))
    return code, out.getvalue(), err.getvalue()


async def test_user_add_reads_the_password_from_standard_input(db, clock):
    code, out, err = await run("user", "add", "Alice", "--role", "marketer", "--password-stdin", stdin="a long passphrase\n", clock=clock)
    assert (code, err) == (0, "")
    user = await StaffUser.get(username="alice")
    assert user.role == "marketer" and verify_password(user.password_hash, "a long passphrase")
    entry = await AuditEntry.get(action="user.create")
    assert entry.actor == "cli" and "password_hash" not in entry.after


async def test_user_add_asks_twice_at_the_prompt_and_refuses_a_mismatch(db, clock):
    code, _, err = await run("user", "add", "bob", "--role", "sales", prompts=["first passphrase", "other passphrase"], clock=clock)
    assert code == 1 and "differ" in err
    assert not await StaffUser.exists(username="bob")
    code, _, _ = await run("user", "add", "bob", "--role", "sales", "--wecom-userid", "zhangsan", prompts=["a long passphrase"] * 2, clock=clock)
    assert code == 0 and (await StaffUser.get(username="bob")).wecom_userid == "zhangsan"


async def test_a_short_password_or_a_taken_name_is_refused_clearly(db, clock):
    code, _, err = await run("user", "add", "carol", "--role", "admin", "--password-stdin", stdin="short\n", clock=clock)
    assert code == 1 and "at least 10 characters" in err
    await run("user", "add", "carol", "--role", "admin", "--password-stdin", stdin="a long passphrase\n", clock=clock)
    code, _, err = await run("user", "add", "Carol", "--role", "admin", "--password-stdin", stdin="a long passphrase\n", clock=clock)
    assert code == 1 and "already exists" in err


def test_an_unknown_role_is_refused_by_the_parser():
    with pytest.raises(SystemExit):
        parse("user", "add", "dave", "--role", "boss")


async def test_user_passwd_changes_the_password(db, clock):
    await run("user", "add", "erin", "--role", "support", "--password-stdin", stdin="a long passphrase\n", clock=clock)
    code, out, _ = await run("user", "passwd", "erin", "--password-stdin", stdin="another passphrase\n", clock=clock)
    assert code == 0 and "erin" in out
    assert verify_password((await StaffUser.get(username="erin")).password_hash, "another passphrase")
    code, _, err = await run("user", "passwd", "nobody", "--password-stdin", stdin="another passphrase\n", clock=clock)
    assert code == 1 and "no staff user" in err


async def test_token_create_prints_the_token_alone_and_revoke_ends_it(db, clock):
    code, out, err = await run("token", "create", "--role", "marketer", "--name", "crm-sync", clock=clock)
    assert code == 0 and err == ""
    secret = out.strip()
    assert out == secret + "\n" and secret.startswith("siyu_")
    assert (await token_actor(secret, clock)).role == "marketer"
    row = await ApiToken.get(name="crm-sync")
    code, out, _ = await run("token", "revoke", str(row.id), clock=clock)
    assert code == 0 and await token_actor(secret, clock) is None
    assert [e.action for e in await AuditEntry.all().order_by("id")] == ["token.create", "token.revoke"]
    code, _, err = await run("token", "revoke", "999", clock=clock)
    assert code == 1 and "no token" in err


def test_the_command_connects_to_the_configured_database_itself(tmp_path, monkeypatch, capsys):
    import asyncio

    from tortoise import Tortoise

    from bot.config import Settings
    from bot.database import tortoise_config

    url = f"sqlite://{tmp_path}/cli.db"

    async def make_schema() -> None:
        await Tortoise.init(config=tortoise_config(url))
        await Tortoise.generate_schemas()
        await Tortoise.close_connections()

    asyncio.run(make_schema())
    args = parse("token", "create", "--role", "support", "--name", "nightly")
    assert args.func(args, Settings(database_url=url), upgrade=False) == 0
    assert capsys.readouterr().out.startswith("siyu_")
