"""Onboarding: channel QR codes bring customers in attributed, tagged, welcomed and consented.

Plugged in by ``main.py`` through ``feature``. Modules by role:

- chat handlers, tried in this order (``router`` below): ``consent`` (同意, 退订, 删除我的信息),
  ``tags``, ``contacts`` (add → attributed, welcomed), ``groups``, ``lost``, ``names`` (who a
  contact and a member are, read again on edit_external_contact);
- use cases: ``channels`` (spec, contact ways), ``welcome``, ``receivers`` (daily caps),
  ``referral``, ``report``, ``setup_file`` (YAML), ``qr``, ``retry`` (platform calls that
  must happen eventually), ``service`` (what handlers share), ``seed`` (the demo channels),
  and (moving to ``leads/``) ``profiles``, ``merge``, ``crm``;
- console and API: ``web`` (``pages``, ``api``, ``privacy``: the public page);
- command line: ``cli``.
"""
from bot.dispatcher import Router
from bot.feature import Feature

from . import consent, contacts, groups, lost, names, tags
from .cli import add_cli_parsers
from .web.pages import register_console
from .web.privacy import privacy_setup
from .seed import seed_channels
from .service import Onboarding, onboarding_services

router = Router("onboarding").include_router(consent.router, tags.router, contacts.router, groups.router, lost.router,
                                          names.router)

feature = Feature(
    name="onboarding",
    router=router,
    services=lambda bot: onboarding_services(bot.settings),
    web=privacy_setup,
    console=register_console,
    cli=add_cli_parsers,
    demo_seed=seed_channels,
)

__all__ = ["Onboarding", "feature", "onboarding_services", "privacy_setup", "register_console", "router"]
