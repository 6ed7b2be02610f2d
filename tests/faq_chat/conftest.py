"""A console with the FAQ pages and API, staff users and tokens."""
import pytest
from aiohttp import web

from bot.config import Settings
from console.pages import setup_console
from console.access.accounts import create_user
from console.access.tokens import create_token
from handlers.faq import register_console
from tests.support.console import PASSWORD


@pytest.fixture
async def faq_console(db, clock, aiohttp_client):
    app = web.Application()
    console = setup_console(app, Settings(secret_key="test-secret"), clock=clock)
    register_console(console)
    return await aiohttp_client(app)


@pytest.fixture
async def staff(db, clock):
    """A support user (WeCom member zhangsan) and a sales user; their tokens."""
    users = {
        "support": await create_user("support1", "support", PASSWORD, clock=clock, wecom_userid="zhangsan"),
        "sales": await create_user("sales1", "sales", PASSWORD, clock=clock),
    }
    tokens = {"support": (await create_token("support-token", "support", clock=clock))[1]}
    return users, tokens

