"""Listening on a port: a taken port is one clear line, never a traceback."""
from __future__ import annotations

import errno
import socket


class PortInUse(Exception):
    """The port is taken; the message says which and what to try instead."""

    def __init__(self, port: int, instead: int) -> None:
        super().__init__(f"port {port} is in use: try --port {instead}")
        self.port = port


def ensure_free(host: str, port: int, *, instead: int | None = None) -> None:
    """Raise PortInUse when ``host:port`` cannot be listened on (``instead``: the --port to
    suggest, by default ten above)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp listens
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(port, instead or port + 10) from None
            raise
