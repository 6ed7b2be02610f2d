"""The FAQ in the console and the API: entries (list, edit, import, export), the review
inbox with its actions, statistics with a chart and a CSV export, the group auto-reply rules,
settings, and the chat-toolbar page listing open suggestions for the current chat.

The feature registers them with ``register_console(console, bot)`` (its ``console`` part)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from console.kit import Console
from handlers.faq.web.api import FaqApi, register_api
from handlers.faq.web.messages import MESSAGES
from handlers.faq.web.jssdk import AgentTicket
from handlers.faq.web.pages import FaqPages

HERE = Path(__file__).parent
DASHBOARD_DAYS = 7
TOP_MISSES = 5


async def answers_panel(ctx: Any) -> dict[str, Any]:
    """The dashboard's card: the last week's answer rate and the questions asked most often
    without an answer (still open in the review inbox)."""
    from datetime import timedelta

    from tortoise.functions import Count

    from leads.queries import owned_rows
    from models import FaqHit

    hits = FaqHit.filter(owned_rows(ctx.actor), asked_at__gte=ctx.clock.now() - timedelta(days=DASHBOARD_DAYS),
                         chat_kind="single")  # a sales rep's card counts their own customers' questions
    asked = await hits.count()
    answered = await hits.filter(outcome="answer").count()
    misses = await (hits.filter(outcome="miss", review="open").annotate(n=Count("id")).group_by("normalised_query")
                    .order_by("-n").limit(TOP_MISSES).values_list("normalised_query", "n"))
    return {"days": DASHBOARD_DAYS, "asked": asked, "answer_rate": answered / asked if asked else None,
            "misses": misses}


def register_console(console: Console, bot: Any = None) -> None:
    """Add the FAQ pages (section faq) and API endpoints (tag faq); ``bot`` gives the WeCom
    client the chat-toolbar page signs its JS-SDK config with."""
    console.catalogue.add(MESSAGES)
    console.add_templates(HERE / "templates")
    console.add_section("faq", "nav.faq", "faq.read")
    console.add_dashboard_panel("faq_dashboard.html", answers_panel, permission="faq.read")
    pages, page = FaqPages(bot, AgentTicket(console.clock)), console.add_page
    console.app.router.add_static("/console/faq/static", HERE / "static")
    common = dict(section="faq")
    page("/faq", pages.inbox, template="faq_inbox.html", title="faq.inbox", permission="faq.read", **common)
    page("/faq", pages.act, template="", title="faq.inbox", permission="faq.write", methods=("POST",), **common)
    page("/faq/entries", pages.entries, template="faq_entries.html", title="faq.entries", permission="faq.read", **common)
    page("/faq/entries", pages.import_page, template="faq_entries.html", title="faq.entries", permission="faq.write",
         methods=("POST",), **common)
    page("/faq/export.{fmt:yaml|jsonl}", pages.export, template="", title="faq.entries", permission="faq.read", **common)
    page("/faq/group-rules.csv", pages.group_rules_csv, template="", title="faq.entries", permission="faq.read", **common)
    page("/faq/entries/{entry_id}", pages.entry, template="faq_entry.html", title="faq.entry", permission="faq.read", **common)
    page("/faq/entries/{entry_id}", pages.save_entry, template="", title="faq.entry", permission="faq.write",
         methods=("POST",), **common)
    page("/faq/stats", pages.stats, template="faq_stats.html", title="faq.stats", permission="faq.read", **common)
    page("/faq/hits.csv", pages.hits_csv, template="", title="faq.stats", permission="faq.read", **common)
    page("/faq/settings", pages.settings, template="faq_settings.html", title="faq.settings", permission="faq.read", **common)
    page("/faq/settings", pages.save_settings, template="", title="faq.settings", permission="faq.write",
         methods=("POST",), **common)
    page("/faq/synonyms", pages.synonyms, template="faq_synonyms.html", title="faq.synonyms", permission="faq.read", **common)
    page("/faq/synonyms", pages.save_synonyms, template="", title="faq.synonyms", permission="faq.write",
         methods=("POST",), **common)
    page("/faq/toolbar", pages.toolbar, template="faq_toolbar.html", title="faq.toolbar", permission="faq.read", **common)
    page("/faq/toolbar/{suggestion_id:\\d+}", pages.toolbar_close, template="", title="faq.toolbar",
         permission="suggestions.write", methods=("POST",), **common)
    register_api(console, FaqApi())
