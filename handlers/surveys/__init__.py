"""Surveys: NPS and questionnaires in the chat, answers that become lead data.

Wiring (main.py): ``router`` after onboarding's and before the FAQ's (an answer such as "2"
is the survey's, and onboarding's 退订/同意 keep working mid-survey), ``survey_services()``
among the services, ``survey_setup`` among the setups (the reminder/expiry sweep),
``add_cli_parsers(subparsers)`` for ``survey import|results|export``, ``register_console(console,
bot)`` for the 问卷 pages, ``seed.seed_surveys(now)`` for the demo.

Modules: chat (handlers), responses (a response's steps), store (definitions, waves,
keywords), lead_data (tags and profile fields set by answers), interlude (an FAQ question
mid-survey), reminders, results (results and export), texts, cli. The pure rules live in the
top-level ``surveys`` package.
"""
from .chat import router
from .cli import add_cli_parsers
from .console_pages import register_console
from .service import SurveyOptions, Surveys
from .setup import survey_setup


def survey_services(settings=None, options: SurveyOptions | None = None) -> dict:
    """The services survey handlers ask for by name."""
    return {"surveys": Surveys(options, settings.secret_key if settings is not None else "")}


__all__ = ["SurveyOptions", "Surveys", "add_cli_parsers", "register_console", "router", "survey_services", "survey_setup"]
