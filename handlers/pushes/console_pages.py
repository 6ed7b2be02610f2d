"""内容与推送 in the console: the content library (who read each item), segments with their
live count and a preview of members, campaigns with progress and pause/resume/cancel, and a
campaign file form that validates completely before anything changes.

The feature's console registration (``feature.console``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from aiohttp import web

from console.kit import Console, PageContext
from console.kit.web import redirect
from content.library import KIND_LABELS
from leads.segments import SegmentError, parse as parse_filter
from models import Campaign, ContentItem, Lead, Segment, TrackedLink

from .audience import segment_count, segment_members
from .campaign_file import CampaignFileError
from .campaigns import TRANSITIONS, CampaignStateError, campaign_status, change_state
from .planning import create_campaign
from .schedule import CHINA

HERE = Path(__file__).parent
EXAMPLE = (HERE.parents[1] / "content" / "demo" / "campaign.yaml").read_text(encoding="utf-8")
PREVIEW = 10
DASHBOARD_CAMPAIGNS = 3
STATE_KEYS = ("scheduled", "running", "paused", "cancelled", "finished")

MESSAGES = {
    "zh": {
        "nav.content": "内容与推送",
        "content.library": "内容库", "content.segments": "客户分群", "content.campaigns": "推送活动",
        "content.item": "内容", "content.readers": "谁读了", "content.opens": "打开", "content.members": "人数",
        "content.preview": "成员预览", "content.rules": "筛选条件（YAML）", "content.name": "名称",
        "content.save": "保存", "content.create": "创建并排期", "content.file": "活动文件（YAML）",
        "content.refused": "有问题，未做任何修改：", "content.created": "已创建活动 #{id}",
        "content.planned": "计划", "content.sent": "已提交企业微信", "content.confirmed": "成员已发送",
        "content.failed": "失败", "content.opened": "已打开", "content.state": "状态", "content.next_run": "下次发送",
        "content.pause": "暂停", "content.resume": "继续", "content.cancel": "取消", "content.empty": "暂无",
        "content.state.scheduled": "已排期", "content.state.running": "发送中", "content.state.paused": "已暂停",
        "content.state.cancelled": "已取消", "content.state.finished": "已完成",
        "content.import_hint": "用 python main.py content import 文件 导入内容（见 content/demo/library.yaml）。",
        "content.read_time": "阅读时长",
        "dashboard.pushes": "最近的推送", "dashboard.open_rate": "打开率",
    },
    "en": {
        "nav.content": "Content & pushes",
        "content.library": "Content library", "content.segments": "Segments", "content.campaigns": "Campaigns",
        "content.item": "Item", "content.readers": "Who read it", "content.opens": "Opens", "content.members": "Members",
        "content.preview": "Preview", "content.rules": "Filter (YAML)", "content.name": "Name",
        "content.save": "Save", "content.create": "Create and schedule", "content.file": "Campaign file (YAML)",
        "content.refused": "Refused, nothing was changed:", "content.created": "Created campaign #{id}",
        "content.planned": "Planned", "content.sent": "Handed to WeCom", "content.confirmed": "Sent by members",
        "content.failed": "Failed", "content.opened": "Opened", "content.state": "State", "content.next_run": "Next run",
        "content.pause": "Pause", "content.resume": "Resume", "content.cancel": "Cancel", "content.empty": "None yet",
        "content.state.scheduled": "Scheduled", "content.state.running": "Sending", "content.state.paused": "Paused",
        "content.state.cancelled": "Cancelled", "content.state.finished": "Finished",
        "content.import_hint": "Import items with python main.py content import FILE (see content/demo/library.yaml).",
        "content.read_time": "Read time",
        "dashboard.pushes": "Recent pushes", "dashboard.open_rate": "Open rate",
    },
}


async def pushes_panel(ctx: Any) -> dict[str, Any]:
    """The dashboard's card: the latest campaigns with their progress and open rate (opened
    links over messages members sent)."""
    rows = []
    for campaign in await Campaign.filter(sequence=None).order_by("-id").limit(DASHBOARD_CAMPAIGNS):
        status = await campaign_status(campaign.id)
        rate = status["opened"] / status["confirmed"] if status["confirmed"] else None
        rows.append({"name": campaign.name, "status": status, "open_rate": rate})
    return {"rows": rows}


def register_console(console: Console, bot: Any = None) -> None:
    console.catalogue.add(MESSAGES)
    console.add_templates(HERE / "templates")
    console.add_section("content", "nav.content", "content.read")
    console.add_dashboard_panel("push_dashboard.html", pushes_panel, permission="content.read")
    pages, page = PushPages(), console.add_page
    common = dict(section="content")
    page("/content", pages.library, template="push_library.html", title="content.library",
         permission="content.read", **common)
    page("/content/items/{slug}", pages.item, template="push_item.html", title="content.item",
         permission="content.read", **common)
    page("/content/segments", pages.segments, template="push_segments.html", title="content.segments",
         permission="content.read", **common)
    page("/content/segments", pages.save_segment, template="", title="content.segments",
         permission="content.write", methods=("POST",), **common)
    page("/content/campaigns", pages.campaigns, template="push_campaigns.html", title="content.campaigns",
         permission="content.read", **common)
    page("/content/campaigns", pages.create, template="", title="content.campaigns",
         permission="content.write", methods=("POST",), **common)
    page("/content/campaigns/{campaign_id:\\d+}/{action:pause|resume|cancel}", pages.change, template="",
         title="content.campaigns", permission="content.write", methods=("POST",), **common)


class PushPages:
    async def library(self, request: web.Request, ctx: PageContext) -> dict:
        items = await ContentItem.all().order_by("-id")
        opened = {}
        for item in items:
            opened[item.id] = await TrackedLink.filter(item=item, first_opened_at__isnull=False).count()
        return {"items": [{"item": i, "kind": KIND_LABELS.get(i.kind, i.kind), "opened": opened[i.id]} for i in items]}

    async def item(self, request: web.Request, ctx: PageContext) -> dict:
        item = await ContentItem.get_or_none(slug=request.match_info["slug"])
        if item is None:
            raise web.HTTPNotFound()
        links = await TrackedLink.filter(item=item, first_opened_at__isnull=False).select_related("lead") \
            .order_by("-first_opened_at").limit(200)
        return {"item": item, "kind": KIND_LABELS.get(item.kind, item.kind), "links": links}

    async def segments(self, request: web.Request, ctx: PageContext) -> dict:
        rows = []
        now = ctx.clock.now()
        for segment in await Segment.all().order_by("name"):
            node = parse_filter(segment.rules, segment.name)
            ids = await segment_members(node, now, limit=PREVIEW)
            names = dict(await Lead.filter(id__in=ids).values_list("id", "name"))
            rows.append({"segment": segment, "count": await segment_count(node, now),
                         "rules": yaml.safe_dump(segment.rules, allow_unicode=True, default_flow_style=True).strip(),
                         "preview": [names.get(i) or f"#{i}" for i in ids]})
        return {"rows": rows, "can_edit": ctx.actor.can("content.write"), "error": request.query.get("error", "")[:500]}

    async def save_segment(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        name = str(form.get("name", "")).strip()[:64]
        try:
            rules = yaml.safe_load(str(form.get("rules", "")))
            parse_filter(rules, "segment")
            if not name:
                raise SegmentError("a segment needs a name")
        except (yaml.YAMLError, SegmentError) as exc:
            return redirect("/console/content/segments?" + urlencode({"error": str(exc)}))
        segment, created = await Segment.get_or_create(name=name, defaults={"rules": rules})
        if not created:
            segment.rules = rules
            await segment.save()
        await ctx.audit("segment.save", target_type="segment", target_id=str(segment.id), after={"rules": rules})
        return redirect("/console/content/segments")

    async def campaigns(self, request: web.Request, ctx: PageContext) -> dict:
        rows = []
        for campaign in await Campaign.all().order_by("-id").limit(100):
            rows.append({"campaign": campaign, "status": await campaign_status(campaign.id),
                         "actions": [a for a, (allowed, _t) in TRANSITIONS.items() if campaign.state in allowed]})
        return {"rows": rows, "can_edit": ctx.actor.can("content.write"),
                "problems": request.query.getall("problem", [])[:20], "created": request.query.get("created", ""),
                "source": request.query.get("source", "")[:20000], "china": CHINA, "example": EXAMPLE}

    async def create(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        source = str((await ctx.form()).get("source", ""))
        try:
            campaign = await create_campaign(source, ctx.clock.now(), created_by=ctx.actor.label)
        except CampaignFileError as exc:
            query = [("problem", p[:300]) for p in exc.problems[:20]] + [("source", source[:4000])]
            return redirect("/console/content/campaigns?" + urlencode(query))
        await ctx.audit("campaign.create", target_type="campaign", target_id=str(campaign.id))
        return redirect(f"/console/content/campaigns?created={campaign.id}")

    async def change(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        campaign_id, action = int(request.match_info["campaign_id"]), request.match_info["action"]
        try:
            await change_state(campaign_id, action)
        except CampaignStateError as exc:
            return redirect("/console/content/campaigns?" + urlencode({"problem": str(exc)}))
        await ctx.audit(f"campaign.{action}", target_type="campaign", target_id=str(campaign_id))
        return redirect("/console/content/campaigns")
