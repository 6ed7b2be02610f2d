"""Sales: lead scoring rules, MQL hand-offs to reps inside WeCom, deals from the CRM and the
funnel and channel-ROI reports.

Plugged in by ``main.py`` through ``feature``. Modules by role: ``cli`` (``scoring``,
``deals``, ``report``).
"""
from bot.feature import Feature

from .cli import add_cli_parsers

feature = Feature(
    name="sales",
    cli=add_cli_parsers,
)

__all__ = ["feature"]
