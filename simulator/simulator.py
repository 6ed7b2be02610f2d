"""The simulator: a fake WeCom + WeChat platform whose actors (customers, staff,
followers) cause the platform's callbacks to the bot."""
from __future__ import annotations

from .actors_chat import ChatActors
from .actors_contact import ContactActors
from .core import ActorResult, CallbackUrls

__all__ = ["ActorResult", "CallbackUrls", "Simulator"]


class Simulator(ContactActors, ChatActors):
    """One corp, one app, one 智能机器人 and one official account, with everything the
    people in them can do (see ContactActors and ChatActors)."""
