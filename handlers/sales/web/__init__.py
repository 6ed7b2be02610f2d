"""Sales in the console: the funnels, channel ROI and follow-up page with charts and CSV."""
from .pages import register_console

__all__ = ["register_console"]
