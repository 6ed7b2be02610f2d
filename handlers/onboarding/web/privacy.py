"""App set-up for onboarding: welcomes get their own documented rate, and the public privacy
policy page the welcome links to (with an agree button for the lead's own link)."""
from __future__ import annotations

from aiohttp import web

from content.privacy import POLICY_VERSION, policy_page
from models import Lead

from ..consent import agree


def privacy_setup(app: web.Application, bot) -> None:
    """Serve the privacy policy the welcome message links to, at /privacy (no sign-in); a link
    carrying the lead's token shows an agree button (consent by a click)."""
    onboarding = bot.services.get("onboarding")
    company = onboarding.company if onboarding else "我们"

    async def page(request: web.Request) -> web.Response:
        token = request.query.get("c", "")[:64]
        valid = onboarding is not None and token and onboarding.lead_of_token(token)
        return web.Response(text=policy_page(company, token=token if valid else ""), content_type="text/html")

    async def agree_click(request: web.Request) -> web.Response:
        form = await request.post()
        lead_id = onboarding.lead_of_token(str(form.get("c", ""))[:64]) if onboarding else None
        lead = await Lead.get_or_none(id=lead_id) if lead_id else None
        if lead is None:
            return web.Response(status=400, text="这个同意链接无效或已过期，请在对话中回复“同意”。")
        await agree(lead, bot.clock.now(), "click")
        return web.Response(text=policy_page(company, notice=f"已记录您的同意（版本 {POLICY_VERSION}），谢谢！"),
                            content_type="text/html")

    app.router.add_get("/privacy", page)
    app.router.add_post("/privacy/agree", agree_click)
