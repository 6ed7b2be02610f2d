"""`python main.py demo` works on a fresh machine: the scripted tour scans a channel code, gets
the welcome and leaves behaviour events."""
import socket

import pytest

from main import main


def free_port_pair() -> int:
    while True:
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
        with socket.socket() as b:
            try:
                b.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue


@pytest.mark.slow
def test_the_demo_tour_runs(tmp_path, capsys):
    port = free_port_pair()
    code = main(["demo", "--check", "--port", str(port), "--database", f"sqlite://{tmp_path}/demo.db"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"http://127.0.0.1:{port + 1}/phone" in out
    assert "[welcome]" in out


def test_check_leaves_the_running_demos_database_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIYU_DATA_DIR", str(tmp_path / "data"))
    running = tmp_path / "data" / "demo.db"
    running.parent.mkdir()
    running.write_bytes(b"the running demo's data")

    assert main(["demo", "--check", "--port", str(free_port_pair())]) == 0

    assert running.read_bytes() == b"the running demo's data"
    assert not (tmp_path / "data" / "demo.toml").exists()


@pytest.mark.parametrize("command", [["demo"], ["demo", "--check"], ["serve"], ["simulator"]])
def test_a_busy_port_is_one_line_in_every_command_that_listens(tmp_path, monkeypatch, capsys, command):
    monkeypatch.setenv("SIYU_DATA_DIR", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main([*command, "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == f"port {port} is in use: try --port {port + 10}"
    assert not (tmp_path / "demo.db").exists()


async def test_the_demo_company_has_thirty_days_of_history_for_its_reports(db, clock):
    from datetime import timedelta

    from demo.history import seed_history
    from handlers.onboarding.report import channel_report
    from models import Channel, FaqHit, Lead

    channels = [await Channel.create(code=code, name=code) for code in ("expo2026-a12", "live-1126", "site-footer")]
    now = clock.now()

    assert await seed_history(now, channels) > 30

    days = {lead.created_at.date() for lead in await Lead.all()}
    assert len(days) >= 20 and min(days) >= (now - timedelta(days=31)).date()
    rows = {r.code: r for r in await channel_report((now - timedelta(days=30)).date(), now.date())}
    assert rows["expo2026-a12"].new_leads > rows["site-footer"].new_leads > 0  # the expo peak shows
    assert all(r.consent_rate for r in rows.values()) and any(r.group_joins for r in rows.values())
    assert await FaqHit.filter(outcome="answer").exists() and await FaqHit.filter(outcome="miss").exists()


def test_the_demo_company_tells_one_story():
    """One set of service hours everywhere; the privacy policy carries the company's name."""
    from pathlib import Path

    from argparse import Namespace

    from bot.clock import Clock
    from simulator.simulator import CallbackUrls, Simulator
    from demo.run import demo_settings
    from demo.seed import COMPANY
    from handlers.faq.hours import BusinessHours
    from handlers.onboarding import onboarding_services

    faq = (Path(__file__).resolve().parents[1] / "content" / "demo" / "faq.yaml").read_text(encoding="utf-8")
    hours = BusinessHours().describe()
    assert faq.count(hours) >= 2 and "21:00" not in faq and "17:30" not in faq
    assert "））" not in hours
    sim = Simulator(Clock(), CallbackUrls.under("http://127.0.0.1:1"))
    settings = demo_settings(Namespace(host="127.0.0.1", port=1), sim, "http://127.0.0.1:2", "sqlite://:memory:")
    assert onboarding_services(settings)["onboarding"].company == COMPANY
