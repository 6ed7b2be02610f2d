"""A feature plugs in once: main.py lists each feature once, and serving, the command line and
the console are built from that list; a feature's router tree fixes its handler order."""
import pytest
from aiohttp import web

from bot.app import BOT, create_app
from bot.config import Settings
from bot.dispatcher import Dispatcher, Router
from bot.feature import Feature
from main import build_parser, features, lead_wiring


def test_main_names_each_feature_once():
    names = [feature.name for feature in features()]

    # surveys before onboarding: a question waiting reads the reply first (and leaves 同意/退订
    # to onboarding unless the question offers them); before the FAQ: "2" is an answer
    assert names == ["staff_commands", "surveys", "onboarding", "faq", "pushes", "sales", "console"]


def test_the_command_line_is_built_from_the_features():
    commands = set(build_parser()._subparsers._group_actions[0].choices)

    assert {"faq", "crm", "channels", "import", "user", "token", "serve", "demo", "scoring", "survey", "push"} <= commands


def test_a_router_tree_routes_in_the_order_it_was_written():
    parent, first, second = Router("p"), Router("a"), Router("b")
    parent.include_router(first, second)
    dispatcher = Dispatcher()

    dispatcher.include(parent)

    assert [r.name for r in dispatcher.routers] == ["p", "a", "b"]
    with pytest.raises(ValueError):
        parent.include_router(first)


def test_onboarding_handlers_are_tried_in_the_declared_order():
    from handlers import onboarding

    assert [r.name for r in onboarding.router.tree()] == [
        "onboarding", "onboarding.consent", "onboarding.tags", "onboarding.contacts", "onboarding.groups", "onboarding.lost",
        "onboarding.names"]


async def hello(request):
    return web.Response(text="hi")


async def test_services_are_built_once_with_the_bot_and_hooks_run_with_it(db, clock, aiohttp_client):
    made, started, stopped = [], [], []

    def services(bot):
        made.append(bot)
        return {"greeter": f"hello at {bot.clock.now():%Y}"}

    async def start(bot):
        started.append(bot.services["greeter"])

    async def stop(bot):
        stopped.append(True)

    feature = Feature("greeter", services=services, on_startup=(start,), on_shutdown=(stop,),
                      web=lambda app, bot: app.router.add_get("/hi", hello))
    app = await create_app(Settings(), features=[feature], clock=clock, manage_database=False, **lead_wiring())
    client = await aiohttp_client(app)

    assert (await (await client.get("/hi")).text()) == "hi"
    assert made == [app[BOT]] and started == [app[BOT].services["greeter"]]
    assert app[BOT].dispatcher.services["greeter"].startswith("hello at")
    await client.close()
    assert stopped == [True]


async def test_two_features_may_not_claim_one_service_name(db, clock):
    twice = [Feature("a", services=lambda bot: {"x": 1}), Feature("b", services=lambda bot: {"x": 2})]

    with pytest.raises(ValueError, match="redefines the services"):
        await create_app(Settings(), features=twice, clock=clock, manage_database=False, **lead_wiring())
