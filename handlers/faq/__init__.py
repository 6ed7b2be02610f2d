"""The FAQ in the chats: instant answers where the bot may answer, one-click suggestions for
staff where it may not, the hit log with feedback, and the review inbox.

Plugged in by ``main.py`` through ``feature``. Modules by role:

- chat handlers: ``chat`` (the router), ``suggestions`` (archive hits → staff suggestions);
- use cases: ``service`` (the conversation and its dialog states), ``texts``, ``hits``,
  ``review``, ``store``, ``hours``, ``ratelimit``, ``group_rules``, ``options`` (the options
  staff edit), ``calibration``, ``synonyms``, ``lifecycle`` (start-up and shut-down hooks),
  ``seed`` (the demo FAQ);
- the optional semantic scorer: ``encoder`` (the ONNX model), ``embeddings`` (stored entry
  vectors, the per-question budget);
- console and API: ``web`` (registration, dashboard panel; ``pages``, ``api``, ``jssdk``, ``messages``);
- command line: ``cli``.
"""
from bot.feature import Feature
from handlers.faq.chat import router
from handlers.faq.cli import add_cli_parsers
from handlers.faq.embeddings import scorer_from
from handlers.faq.hours import BusinessHours
from handlers.faq.lifecycle import close_encoder, start_archive_polling, stop_archive_polling, warm_index
from handlers.faq.seed import seed_faq
from handlers.faq.service import Faq, FaqDialog, FaqOptions
from handlers.faq.web import register_console


def faq_services(bot) -> dict:
    """The services FAQ handlers ask for by name, bound to the bot's clock, behaviour log
    and chat archive once."""
    return {"faq": Faq(bot.clock, bot.behaviour, FaqOptions(), bot.archive_source, semantic=scorer_from(bot.settings))}


async def _seed_demo(bot) -> None:
    await seed_faq()


feature = Feature(
    name="faq",
    router=router,
    services=faq_services,
    on_startup=(warm_index, start_archive_polling),
    on_shutdown=(stop_archive_polling, close_encoder),
    console=register_console,
    cli=add_cli_parsers,
    demo_seed=_seed_demo,
)

__all__ = ["BusinessHours", "Faq", "FaqDialog", "FaqOptions", "faq_services", "feature", "register_console", "router", "seed_faq"]
