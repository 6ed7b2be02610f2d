"""The sales report page (控制台 → 销售漏斗): the three funnels as charts, channel ROI and
sales follow-up as tables, ROI as CSV — the same figures as ``python main.py report``."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp import web

from console.kit import Console, PageContext
from console.kit.chart import bar_chart_svg
from leads import reports

HERE = Path(__file__).parent
STEP_LABELS = {"lead": "线索", "mql": "MQL", "sql": "SQL", "opportunity": "商机", "deal": "成交", "customer": "客户",
               "repeat": "复购"}
MESSAGES = {
    "zh": {"nav.sales": "销售漏斗", "sales.title": "销售漏斗与渠道 ROI", "sales.lead_funnel": "线索漏斗",
           "sales.sales_funnel": "销售漏斗", "sales.customer_funnel": "客户漏斗", "sales.roi": "渠道 ROI",
           "sales.follow_up": "销售跟进（SLA 内处理的 MQL）"},
    "en": {"nav.sales": "Sales funnel", "sales.title": "Sales funnel and channel ROI", "sales.lead_funnel": "Lead funnel",
           "sales.sales_funnel": "Sales funnel", "sales.customer_funnel": "Customer funnel", "sales.roi": "Channel ROI",
           "sales.follow_up": "Sales follow-up (MQLs answered within the SLA)"},
}
ROI_COLUMNS = ("channel", "cost", "leads", "mqls", "sqls", "deals", "revenue", "cost_per_lead", "cost_per_mql", "roi",
               "median_days_to_mql", "median_days_to_deal")


def _period(query) -> reports.Period:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(query.get(name, ""))
        except ValueError:
            return None

    return reports.Period(day("from"), day("to"))


async def report_page(request: web.Request, ctx: PageContext) -> dict[str, Any]:
    period = _period(request.query)
    shown = await reports.funnels(period)
    charts = {name: bar_chart_svg([(STEP_LABELS[s["stage"]], s["count"]) for s in steps], title=ctx.t(f"sales.{name}_funnel"))
              for name, steps in shown.items()}
    return {"funnels": shown, "charts": charts, "labels": STEP_LABELS, "roi": await reports.roi(period),
            "follow_up": await reports.follow_up(ctx.clock.now()),
            "start": period.start.isoformat() if period.start else "", "end": period.end.isoformat() if period.end else ""}


async def roi_csv(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROI_COLUMNS)
    for row in await reports.roi(_period(request.query)):
        writer.writerow(["" if row[c] is None else round(row[c], 2) if isinstance(row[c], float) else row[c] for c in ROI_COLUMNS])
    return web.Response(body=("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": 'attachment; filename="channel-roi.csv"'})


def register_console(console: Console, bot) -> None:
    console.catalogue.add(MESSAGES)
    console.add_templates(HERE / "templates")
    console.add_section("sales", "nav.sales", "channels.read")
    common = dict(section="sales", title="sales.title", permission="channels.read")
    console.add_page("/sales", report_page, template="sales_report.html", **common)
    console.add_page("/sales/roi.csv", roi_csv, template="", **common)
    from .api import register_api

    register_api(console)
