"""A fake WeCom/WeChat platform built to the official docs: API server, callback sender
and actors. The demo and the tests run against it; production points the same client at
the real API hosts. See README.md in this package for the rules it enforces."""
from .app import create_simulator_app, run_simulator, seed_demo
from .callbacks import CallbackResult, CallbackSender, Channel, Envelope, Mode
from .credentials import SimulatorCredentials
from .errcodes import PlatformError
from .simulator import ActorResult, CallbackUrls, Simulator
from .state import Delivery, OutboxEntry, PlatformState

__all__ = [
    "ActorResult", "CallbackResult", "CallbackSender", "CallbackUrls", "Channel", "Delivery", "Envelope",
    "Mode", "OutboxEntry", "PlatformError", "PlatformState", "Simulator", "SimulatorCredentials",
    "create_simulator_app", "run_simulator", "seed_demo",
]
