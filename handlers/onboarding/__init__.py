"""Onboarding: channel QR codes bring customers in attributed, tagged, welcomed and consented.

Wiring (main.py): ``router`` first among the routers, ``onboarding_services(settings)`` among
the services, ``privacy_setup`` among the setups (the /privacy page),
``add_cli_parsers(subparsers)`` for the commands and ``register_console(console, bot)`` for the
console pages and API endpoints.

Modules: channels (spec, contact ways), contacts (add → attributed, welcomed), names (who a
contact and a member are), welcome, tags,
groups, consent, lost, receivers (daily caps), merge (unionid), referral, crm, report,
setup_file (YAML), qr, console_pages / channel_api / privacy_page, cli.
"""
from . import consent, contacts, groups, lost, names, tags  # noqa: F401 - handlers register on the router
from .cli import add_cli_parsers
from .console_pages import register_console
from .privacy_page import privacy_setup
from .router import router
from .service import Onboarding, onboarding_services

__all__ = [
    "Onboarding", "add_cli_parsers", "onboarding_services", "privacy_setup", "register_console",
    "router",
]
