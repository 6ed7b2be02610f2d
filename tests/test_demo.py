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
