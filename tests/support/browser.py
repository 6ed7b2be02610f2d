"""Headless Chromium for the browser tests: Debian's build (or SIYU_CHROMIUM), driven by
Playwright; tests skip where it is not installed."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CHROMIUM = os.environ.get("SIYU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
INSTALLED = Path(CHROMIUM).exists()


@contextmanager
def launched_chromium() -> Iterator:
    """A headless Chromium browser, closed afterwards."""
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()
