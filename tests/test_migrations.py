"""Schema migrations: `python main.py migrate` builds a fresh database, upgrades one made by an
earlier schema without losing its data, and the migrations describe the models exactly."""
import sqlite3

import pytest

from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate as run_migrations
from tortoise.migrations.autodetector import MigrationAutodetector

from bot.database import migrate, tortoise_config
from models import WeComMember

from main import main


async def test_the_migrations_describe_the_models_exactly(tmp_path):
    config = tortoise_config(f"sqlite://{tmp_path}/detect.db")
    ctx = await Tortoise.init(config=config)
    try:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    finally:
        await Tortoise.close_connections()
    assert writers == [], "a model changed without a migration: run `tortoise -c bot.database.TORTOISE_ORM makemigrations`"


@pytest.mark.slow
async def test_an_existing_database_is_upgraded_keeping_its_data(database_url):
    config = tortoise_config(database_url)
    postgres = database_url.startswith("postgres")
    if postgres:
        await Tortoise.init(config=config, _create_db=True)
        await Tortoise.close_connections()
    await run_migrations(config=config, target="models.0001_initial")
    db = connections.get("default")
    await db.execute_query(
        "INSERT INTO lead (name, company, status, created_at, updated_at) "
        "VALUES ('李工', '华材', 'active', '2026-01-01', '2026-01-01')"
    )
    await db.execute_query(
        "INSERT INTO faq_hit (raw_query, normalised_query, chat_kind, chat_id, candidates, outcome, "
        "score, latency_ms, feedback, created_at) "
        "VALUES ('发货', '发货', 'single', '', '[]', 'miss', 0, 1, 'none', '2026-01-01')"
    )
    await db.execute_query("INSERT INTO staff (userid, name, created_at) VALUES ('zhangsan', '张三', '2026-01-01')")
    await Tortoise.close_connections()

    await migrate(database_url)

    await Tortoise.init(config=config)
    try:
        _, leads = await connections.get("default").execute_query("SELECT name, company, consent_version FROM lead")
        _, hits = await connections.get("default").execute_query("SELECT raw_query, review FROM faq_hit")
        assert [dict(r) for r in leads] == [{"name": "李工", "company": "华材", "consent_version": ""}]
        assert [dict(r) for r in hits] == [{"raw_query": "发货", "review": "open"}]
        assert [m.name for m in await WeComMember.all()] == ["张三"]  # the renamed model kept its table
    finally:
        if postgres:
            await Tortoise._drop_databases()
        await Tortoise.close_connections()


@pytest.mark.slow
def test_migrate_command_creates_the_schema(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/cli.db")
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    con = sqlite3.connect(tmp_path / "cli.db")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"lead", "behaviour_event", "processed_callback", "kf_cursor"} <= tables
