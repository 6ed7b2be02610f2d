"""Stream replies of the WeCom 智能机器人, kept per process.

A message the handlers have not answered within the passive budget is answered with a stream
(``finish: false``); WeCom then sends refresh callbacks with the stream id and shows whatever
content each answer carries (the whole text so far, not a delta, at most 20480 bytes). The
stream must finish within 6 minutes of the first answer (智能机器人 被动回复消息).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from bot.clock import Clock

MAX_STREAM_BYTES = 20480
STREAM_MAX_AGE = 330.0  # finish well inside WeCom's 6-minute limit
SEPARATOR = "\n\n"


def truncate_utf8(text: str, limit: int = MAX_STREAM_BYTES) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


@dataclass
class Stream:
    stream_id: str
    opened_at: float
    response_url: str = ""
    parts: list[str] = field(default_factory=list)
    finished: bool = False

    @property
    def content(self) -> str:
        return truncate_utf8(SEPARATOR.join(self.parts))


class StreamStore:
    def __init__(self, clock: Clock, max_age: float = STREAM_MAX_AGE) -> None:
        self._clock = clock
        self._max_age = max_age
        self._streams: dict[str, Stream] = {}

    def open(self, response_url: str = "") -> Stream:
        self._purge()
        stream = Stream(secrets.token_hex(12), self._clock.monotonic(), response_url)
        self._streams[stream.stream_id] = stream
        return stream

    def get(self, stream_id: str) -> Stream | None:
        return self._streams.get(stream_id)

    def discard(self, stream_id: str) -> None:
        self._streams.pop(stream_id, None)

    def refresh(self, stream_id: str) -> tuple[str, bool]:
        """(content, finish) for a refresh callback. A stream finishes with the first content
        the handlers sent, or empty once it is too old; an unknown stream (this process never
        opened it, or it already finished) finishes at once."""
        stream = self._streams.get(stream_id)
        if stream is None:
            return "", True
        too_old = self._clock.monotonic() - stream.opened_at > self._max_age
        if stream.parts or too_old:
            stream.finished = True
            self.discard(stream_id)
            return stream.content, True
        return "", False

    def _purge(self) -> None:
        limit = self._clock.monotonic() - 2 * self._max_age
        for stream_id in [s for s, stream in self._streams.items() if stream.opened_at < limit]:
            self.discard(stream_id)
