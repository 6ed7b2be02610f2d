"""The documentation says what the code does."""
from __future__ import annotations

from pathlib import Path

from console.access.permissions import matrix_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "CONSOLE.md"


def test_the_documented_permission_matrix_is_the_one_in_code():
    assert matrix_markdown() in DOC.read_text(encoding="utf-8")
