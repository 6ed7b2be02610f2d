"""The FAQ in the chats: instant answers where the bot may answer, one-click suggestions for
staff where it may not, the hit log with feedback, and the review inbox.

Wiring (main.py): ``router`` after onboarding's, ``faq_services(settings)`` among the
services, ``add_cli_parsers(subparsers)`` for ``faq import|export|match|group-rules``,
``register_console(console, bot)`` for the pages and API, ``faq_setup`` among the setups
(warms the index; pulls the chat archive every 15 s when an archive source is configured),
``seed_faq()`` for the demo.
"""
from handlers.faq.chat import router
from handlers.faq.cli import add_cli_parsers
from handlers.faq.hours import BusinessHours
from handlers.faq.lifecycle import archive_polling, faq_setup
from handlers.faq.seed import seed_faq
from handlers.faq.service import Faq, FaqOptions
from handlers.faq.web import register_console


def faq_services(settings=None, options: FaqOptions | None = None, archive_source=None) -> dict:
    """The services FAQ handlers ask for by name."""
    return {"faq": Faq(options, archive_source)}


__all__ = ["BusinessHours", "archive_polling", "faq_setup", "Faq", "FaqOptions", "add_cli_parsers", "faq_services", "register_console", "router", "seed_faq"]
