"""The feature plug-in contract: a feature package exposes one :class:`Feature`, and ``main.py``
lists the features once; serving, the demo, the command line and the console are all built
from that list (after aiogram 3's routers and startup/shutdown observers).

A feature declares:

- ``router``: its router tree (a :class:`Router`, with sub-routers included in an explicit
  order), or a function of the :class:`~bot.app.Bot` that builds it;
- ``services``: a factory called ONCE with the bot (its clock, settings, API clients,
  behaviour log, dialog storage, database connection) returning the objects its handlers ask
  for by name;
- ``on_startup`` / ``on_shutdown``: coroutines of the bot, run when the app starts and stops;
- ``web``: public HTTP routes of its own (``(app, bot)``), e.g. the privacy page;
- ``console``: its pages and API endpoints, registered in the console kit (``(console, bot)``);
- ``cli``: its sub-commands, added to the ``main.py`` argparse sub-parsers;
- ``demo_seed``: what the demo company has of it (``(bot)``, awaited once the app runs).

``bot/`` knows the contract, never a feature.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable, Mapping

from bot.dispatcher import Router

if TYPE_CHECKING:
    import argparse

    from aiohttp import web

    from bot.app import Bot

Hook = Callable[["Bot"], Awaitable[Any]]


@dataclass(frozen=True)
class Feature:
    """One feature, plugged into the app once. Every part but ``name`` is optional."""

    name: str
    router: Router | Callable[[Bot], Router] | None = None
    services: Callable[[Bot], Mapping[str, Any]] | None = None
    on_startup: tuple[Hook, ...] = ()
    on_shutdown: tuple[Hook, ...] = ()
    web: Callable[[web.Application, Bot], None] | None = None
    console: Callable[[Any, Bot], None] | None = None
    cli: Callable[[argparse._SubParsersAction], None] | None = None
    demo_seed: Hook | None = None

    def router_for(self, bot: Bot) -> Router | None:
        return self.router(bot) if callable(self.router) else self.router


def build_services(bot: Bot, features: Iterable[Feature]) -> dict[str, Any]:
    """Every feature's services, each factory called once with the bot (later features see
    the earlier ones' services in ``bot.services``)."""
    built: dict[str, Any] = {}
    for feature in features:
        if feature.services is not None:
            made = dict(feature.services(bot))
            clash = set(made) & (set(built) | set(bot.services))
            if clash:
                raise ValueError(f"feature {feature.name} redefines the services {sorted(clash)}")
            built.update(made)
            bot.services.update(made)
    return built


def routers_of(bot: Bot, features: Iterable[Feature]) -> list[Router]:
    """The features' router trees, in the order the features are listed."""
    return [router for feature in features if (router := feature.router_for(bot)) is not None]


def mount(app: web.Application, bot: Bot, features: Iterable[Feature]) -> None:
    """Add the features' routes and their startup and shutdown hooks to ``app``."""
    features = tuple(features)
    for feature in features:
        if feature.web is not None:
            feature.web(app, bot)
    for feature in features:
        for hook in feature.on_startup:
            app.on_startup.append(_run(hook, bot))
        for hook in feature.on_shutdown:
            app.on_shutdown.append(_run(hook, bot))


def _run(hook: Hook, bot: Bot) -> Callable[[Any], Awaitable[Any]]:
    async def signal(_app: Any) -> None:
        await hook(bot)

    return signal


def add_cli(subparsers: argparse._SubParsersAction, features: Iterable[Feature]) -> None:
    """Every feature's sub-commands."""
    for feature in features:
        if feature.cli is not None:
            feature.cli(subparsers)


async def seed_demo(bot: Bot, features: Iterable[Feature]) -> None:
    """Every feature's part of the demo company, in the order the features are listed."""
    for feature in features:
        if feature.demo_seed is not None:
            await feature.demo_seed(bot)
