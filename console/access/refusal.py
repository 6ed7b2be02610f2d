"""A refused request of staff access, for the console, the API and the command line to show
in the reader's language."""
from __future__ import annotations


class Refusal(ValueError):
    """A refused request. ``str()`` is the English message (logs, API, command line); a
    page shows ``msgid`` translated, when given."""

    def __init__(self, message: str, *, msgid: str = "", **values: object) -> None:
        super().__init__(message)
        self.msgid = msgid
        self.values = values
