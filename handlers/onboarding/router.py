"""The onboarding router: every onboarding handler registers on it."""
from bot.dispatcher import Router

router = Router("onboarding")
