"""Surveys: NPS and questionnaires in the chat and on a phone page, answers that become lead
data.

Plugged in by ``main.py`` through ``feature`` — routed before onboarding (a question waiting
reads the customer's reply first; see ``chat`` for the words it leaves to others) and before
the FAQ (an answer such as "2" is the survey's). Modules by role:

- chat handlers: ``chat`` (the router and ``SurveyDialog``), ``interlude`` (an FAQ question
  mid-survey);
- use cases: ``responses`` (a response's steps), ``store`` (definitions, waves, keywords),
  ``lead_data`` (tags and profile fields set by answers), ``reminders``, ``results``
  (results and export), ``texts``, ``links`` (signed page links), ``invitations`` (triggers
  with the frequency cap), ``service``, ``setup``
  (the sweep, the page routes), ``seed`` (the demo);
- web: ``page`` (the H5 page), ``console_pages`` (the 问卷 section);
- command line: ``cli``.

The pure rules live in the top-level ``surveys`` package.
"""
from bot.feature import Feature

from .chat import SurveyDialog, router
from .cli import add_cli_parsers
from .console_pages import register_console
from .service import SurveyOptions, Surveys
from .setup import add_web, start_sweep, stop_sweep


def survey_services(bot) -> dict:
    """The services survey handlers ask for by name (links signed with the app's secret).
    Other features (pushes) reach ``bot.services["surveys"].link_for_push`` by duck typing."""
    return {"surveys": Surveys(None, bot.settings.secret_key, bot.settings.base_url)}


async def _seed_demo(bot) -> None:
    from .seed import seed_surveys

    await seed_surveys(bot.clock.now())


feature = Feature(
    name="surveys",
    router=router,
    services=survey_services,
    on_startup=(start_sweep,),
    on_shutdown=(stop_sweep,),
    web=add_web,
    console=register_console,
    cli=add_cli_parsers,
    demo_seed=_seed_demo,
)

__all__ = ["SurveyDialog", "SurveyOptions", "Surveys", "feature", "register_console", "router", "survey_services"]
