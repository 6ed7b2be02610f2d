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
