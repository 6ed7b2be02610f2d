"""The customer's side of content: tracked links ``/c/<token>`` that record the open (and the
read time the page reports) as lead behaviour before answering, and the mobile H5 page of each
item (``/content/<slug>`` for untracked sharing)."""
from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from tortoise.expressions import F

from content.library import KIND_LABELS
from models import ContentItem, WeComMember, TrackedLink

from .gate import GATE_FIELDS, gate_problem, known_reader
from .radar import OwnerAlerts

log = logging.getLogger(__name__)

_PAGES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
ACTIONS = {"whitepaper": "下载白皮书", "video": "观看视频", "link": "打开链接", "event": "报名参加"}
READ_SECONDS_MAX = 4 * 3600


def add_routes(app: web.Application, links: "ContentLinks") -> None:
    """The customer-facing content routes, served by ``links``."""
    app.router.add_get("/c/{token}", links.open)
    app.router.add_post("/c/{token}/read", links.read)
    app.router.add_get("/content/{slug}", links.page)
    app.router.add_post("/c/{token}/download", links.download)
    app.router.add_post("/content/{slug}/download", links.download)


class ContentLinks:
    def __init__(self, bot: Any, alerts: OwnerAlerts) -> None:
        self.bot = bot
        self.alerts = alerts
        self._alerting: set[asyncio.Task] = set()

    async def open(self, request: web.Request) -> web.StreamResponse:
        link = await TrackedLink.get_or_none(token=request.match_info["token"]).select_related("item", "lead")
        if link is None:
            return _render(None, status=404, message="链接已失效或不存在")
        now = self.bot.clock.now()
        await TrackedLink.filter(id=link.id).update(opens=F("opens") + 1)
        await TrackedLink.filter(id=link.id, first_opened_at=None).update(first_opened_at=now)
        item = link.item
        if link.lead is not None:
            await self.bot.behaviour.record_behaviour(
                lead=link.lead, kind="content.opened", direction="inbound", platform="web", actor=link.recipient,
                payload={"item": item.slug, "title": item.title, "campaign_id": link.campaign_id},
            )
            self._alert(link)
        if item.kind == "link":
            raise web.HTTPFound(item.url)
        return _render(item, read_url=f"/c/{link.token}/read", download_url=f"/c/{link.token}/download")

    def _alert(self, link: TrackedLink) -> None:
        async def send() -> None:
            owner = await WeComMember.get_or_none(id=link.lead.owner_id) if link.lead.owner_id else None
            if owner is not None:
                await self.alerts.content_opened(owner.userid, link.lead.name, link.item.title)

        task = asyncio.create_task(send())  # the reader does not wait for the rep's alert
        self._alerting.add(task)
        task.add_done_callback(self._alerting.discard)

    async def drain(self) -> None:
        """Wait for the alerts under way (tests, shutdown)."""
        while self._alerting:
            await asyncio.gather(*self._alerting, return_exceptions=True)

    async def read(self, request: web.Request) -> web.Response:
        try:
            seconds = int(json.loads(await request.text() or "{}").get("seconds", 0))
        except (ValueError, AttributeError, TypeError):
            raise web.HTTPBadRequest(text="expected {\"seconds\": n}") from None
        seconds = max(0, min(seconds, READ_SECONDS_MAX))
        link = await TrackedLink.get_or_none(token=request.match_info["token"]).select_related("item", "lead")
        if link is None:
            raise web.HTTPNotFound()
        if seconds > link.read_seconds:
            await TrackedLink.filter(id=link.id, read_seconds__lt=seconds).update(read_seconds=seconds)
            if link.lead is not None:
                await self.bot.behaviour.record_behaviour(
                    lead=link.lead, kind="content.read", direction="inbound", platform="web", actor=link.recipient,
                    payload={"item": link.item.slug, "seconds": seconds, "campaign_id": link.campaign_id},
                )
        return web.Response(status=204)

    async def page(self, request: web.Request) -> web.Response:
        item = await ContentItem.get_or_none(slug=request.match_info["slug"])
        if item is None:
            return _render(None, status=404, message="内容不存在")
        return _render(item, download_url=f"/content/{item.slug}/download")

    async def download(self, request: web.Request) -> web.StreamResponse:
        """The gated download form: consent first, then the reader becomes a known lead
        (the tracked link's lead, or a new one) and gets the file."""
        link, item = None, None
        if "token" in request.match_info:
            link = await TrackedLink.get_or_none(token=request.match_info["token"]).select_related("item", "lead")
            item = link.item if link else None
        else:
            item = await ContentItem.get_or_none(slug=request.match_info["slug"])
        if item is None or not item.url:
            return _render(None, status=404, message="内容不存在")
        form = {k: str(v).strip() for k, v in (await request.post()).items()}
        error = gate_problem(form)
        if error:
            url = f"/c/{link.token}/download" if link else f"/content/{item.slug}/download"
            return _render(item, status=400, error=error, form=form, download_url=url)
        lead = await known_reader(link.lead if link else None, form, self.bot.clock.now())
        await self.bot.behaviour.record_behaviour(
            lead=lead, kind="content.downloaded", direction="inbound", platform="web",
            actor=link.recipient if link else "", payload={"item": item.slug, "campaign_id": link.campaign_id if link else None})
        raise web.HTTPSeeOther(item.url)


def _render(item: ContentItem | None, *, status: int = 200, message: str = "", read_url: str = "",
            download_url: str = "", error: str = "", form: dict | None = None) -> web.Response:
    html = _PAGES.get_template("content_page.html").render(
        item=item, message=message, read_url=read_url, download_url=download_url, error=error,
        form={k: (form or {}).get(k, "") for k in GATE_FIELDS},
        kind_label=KIND_LABELS.get(item.kind, "") if item else "",
        action_label=ACTIONS.get(item.kind, "查看") if item else "",
        paragraphs=[p.strip() for p in (item.body if item else "").split("\n\n") if p.strip()],
    )
    return web.Response(text=html, content_type="text/html", status=status)
