"""Schema migrations: `python main.py migrate` builds a fresh database, upgrades one made by an
earlier schema without losing its data, and the migrations describe the models exactly."""
import sqlite3

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate as run_migrations
from tortoise.migrations.autodetector import MigrationAutodetector

from bot.database import migrate, tortoise_config

from main import main


async def test_the_migrations_describe_the_models_exactly(tmp_path):
    config = tortoise_config(f"sqlite://{tmp_path}/detect.db")
    ctx = await Tortoise.init(config=config)
    try:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    finally:
        await Tortoise.close_connections()
    assert writers == [], "a model changed without a migration: run `tortoise -c bot.database.TORTOISE_ORM makemigrations`"


async def test_an_existing_database_is_upgraded_keeping_its_data(tmp_path):
    url = f"sqlite://{tmp_path}/old.db"
    await run_migrations(config=tortoise_config(url), target="models.0001_initial")
    await Tortoise.close_connections()
    con = sqlite3.connect(tmp_path / "old.db")
    con.execute("INSERT INTO lead (name, company, status, created_at, updated_at) VALUES ('李工', '华材', 'active', '2026-01-01', '2026-01-01')")
    con.commit()
    con.close()

    await migrate(url)

    con = sqlite3.connect(tmp_path / "old.db")
    assert con.execute("SELECT name, company FROM lead").fetchall() == [("李工", "华材")]
    con.close()


def test_migrate_command_creates_the_schema(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/cli.db")
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    con = sqlite3.connect(tmp_path / "cli.db")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"lead", "behaviour_event", "processed_callback", "kf_cursor"} <= tables
