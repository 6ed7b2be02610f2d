"""Sales: lead scoring rules, MQL hand-offs to reps inside WeCom (template cards, SLA), and
the reps' chat commands.

Plugged in by ``main.py`` through ``feature``. Modules by role: ``chat`` (the card's button
callback, ``/mine`` ``/accept`` ``/reject``), ``handoffs`` (assignment, cards, answers, SLA),
``web`` (the funnel and ROI page), ``cli`` (``scoring``, ``deals``, ``report``).
"""
import asyncio

from bot.feature import Feature

from .chat import router, staff_commands
from .cli import add_cli_parsers
from .handoffs import HandoffOptions, Handoffs, WorkingHours
from .seed import seed_sales
from .web import register_console


def sales_services(bot) -> dict:
    """The hand-off service, told of every new MQL by the behaviour log's scorer."""
    handoffs = Handoffs(bot.clock, bot.wecom, HandoffOptions(), bot.settings.base_url + "/console")
    scorer = getattr(bot.behaviour, "scorer", None)
    if scorer is not None:
        scorer.on_mql = handoffs.kick
    return {"handoffs": handoffs, "sales_staff_commands": staff_commands(handoffs)}


async def _start(bot) -> None:
    handoffs = bot.services["handoffs"]
    if bot.wecom is not None:
        bot.services["sales_sweeper"] = asyncio.create_task(handoffs.run())


async def _stop(bot) -> None:
    task = bot.services.pop("sales_sweeper", None)
    if task is not None:
        task.cancel()
    await bot.services["handoffs"].drain()


feature = Feature(
    name="sales",
    router=router,
    services=sales_services,
    on_startup=(_start,),
    on_shutdown=(_stop,),
    console=register_console,
    demo_seed=seed_sales,
    cli=add_cli_parsers,
)

__all__ = ["HandoffOptions", "Handoffs", "WorkingHours", "feature"]
