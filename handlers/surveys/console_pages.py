"""The console's 问卷 section: the survey list with import, and each survey's results (NPS
with its interval, a chart per question, free texts, CSV) beside a phone preview of the chat."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from console.kit.chart import bar_chart_svg
from models import Survey, SurveyResponse, SurveyWave
from surveys import SurveyFileError, path
from surveys.definition import SCALES

from . import texts
from .results import export_csv, survey_results
from .store import definition_of, import_survey

HERE = Path(__file__).parent
MAX_IMPORT_BYTES = 1024 * 1024
MESSAGES = {
    "zh": {
        "nav.surveys": "问卷", "surveys.list": "问卷", "surveys.results": "问卷结果", "surveys.import": "导入问卷（YAML）",
        "surveys.import.help": "按 key 新建或更新；文件有任何问题时不做任何修改，并逐条列出问题所在的行。",
        "surveys.import.refused": "文件有问题，未做任何修改：", "surveys.imported": "已导入「{title}」（第 {wave} 期）",
        "surveys.col.title": "问卷", "surveys.col.wave": "当前一期", "surveys.col.responses": "回复",
        "surveys.col.completed": "完成", "surveys.col.keywords": "聊天关键词", "surveys.empty": "还没有问卷。",
        "surveys.nps": "净推荐值（NPS）", "surveys.ci": "95% 置信区间 {low} 至 {high}",
        "surveys.split": "推荐者 {p} · 被动者 {n} · 贬损者 {d}", "surveys.wave": "期次", "surveys.all_waves": "全部", "surveys.show": "查看",
        "surveys.answered": "回答 {answered} · 跳过 {skipped}", "surveys.mean": "平均 {mean} 分",
        "surveys.texts": "文字回答（最新）", "surveys.csv": "导出全部回复（CSV）", "surveys.preview": "聊天预览",
        "surveys.contact_hidden": "联系方式只计数，不在此列出。", "surveys.no_answers": "还没有回答。",
        "dashboard.survey_nps": "最新 NPS：{title}", "dashboard.survey_responses": "共 {n} 份回复，完成 {completed} 份",
    },
    "en": {
        "nav.surveys": "Surveys", "surveys.list": "Surveys", "surveys.results": "Survey results", "surveys.import": "Import a survey (YAML)",
        "surveys.import.help": "Creates or updates by key; a file with any problem changes nothing and each problem is listed with its line.",
        "surveys.import.refused": "The file has problems; nothing was changed:", "surveys.imported": "Imported “{title}” (wave {wave})",
        "surveys.col.title": "Survey", "surveys.col.wave": "Current wave", "surveys.col.responses": "Responses",
        "surveys.col.completed": "Completed", "surveys.col.keywords": "Chat keywords", "surveys.empty": "No surveys yet.",
        "surveys.nps": "Net Promoter Score", "surveys.ci": "95% confidence interval {low} to {high}",
        "surveys.split": "Promoters {p} · passives {n} · detractors {d}", "surveys.wave": "Wave", "surveys.all_waves": "All", "surveys.show": "Show",
        "surveys.answered": "Answered {answered} · skipped {skipped}", "surveys.mean": "Mean {mean}",
        "surveys.texts": "Written answers (latest)", "surveys.csv": "Export every response (CSV)", "surveys.preview": "Chat preview",
        "surveys.contact_hidden": "Contact details are counted, not listed here.", "surveys.no_answers": "No answers yet.",
        "dashboard.survey_nps": "Latest NPS: {title}", "dashboard.survey_responses": "{n} responses, {completed} completed",
    },
}


async def nps_panel(ctx: Any) -> dict[str, Any]:
    """The dashboard's card: the NPS of the latest survey that asks for one, with its split
    and response count (None when no survey has an NPS question)."""
    for survey in await Survey.all().order_by("-id"):
        if definition_of(survey).nps_question is not None:
            return {"results": await survey_results(survey)}
    return {"results": None}


def register_console(console: Any, bot: Any = None) -> None:
    """Add the 问卷 pages (section surveys) and the NPS card on the dashboard."""
    console.catalogue.add(MESSAGES)
    console.add_templates(HERE / "templates")
    console.add_section("surveys", "nav.surveys", "surveys.read")
    console.add_dashboard_panel("survey_dashboard.html", nps_panel, permission="surveys.read")
    console.app.router.add_static("/console/surveys/static", HERE / "static")
    page, common = console.add_page, dict(section="surveys")
    page("/surveys", survey_list, template="surveys_list.html", title="surveys.list", permission="surveys.read", **common)
    page("/surveys", import_page, template="surveys_list.html", title="surveys.list", permission="surveys.write",
         methods=("POST",), **common)
    page("/surveys/{survey_id:\\d+}", results_page, template="survey_results.html", title="surveys.results",
         permission="surveys.read", **common)
    page("/surveys/{survey_id:\\d+}/responses.csv", csv_page, template="", title="surveys.results",
         permission="surveys.read", **common)


async def survey_list(request: web.Request, ctx: Any) -> dict:
    rows = []
    for survey in await Survey.filter(archived=False).order_by("-id"):
        counts = await SurveyResponse.filter(survey_id=survey.id).values_list("status", flat=True)
        rows.append({"id": survey.id, "title": survey.title, "wave": definition_of(survey).wave, "keywords": survey.keywords,
                     "responses": len(counts), "completed": sum(1 for s in counts if s == "completed")})
    return {"surveys": rows, "can_edit": ctx.actor.can("surveys.write")}


async def import_page(request: web.Request, ctx: Any) -> dict:
    form = await ctx.form()
    upload = form.get("file")
    raw = upload.file.read(MAX_IMPORT_BYTES + 1) if hasattr(upload, "file") else str(form.get("content", "")).encode()
    if len(raw) > MAX_IMPORT_BYTES:
        return {**(await survey_list(request, ctx)), "problems": ["the file is larger than 1 MB; nothing was changed"]}
    try:
        result = await import_survey(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return {**(await survey_list(request, ctx)), "problems": ["the file is not UTF-8 text; nothing was changed"]}
    except SurveyFileError as exc:
        return {**(await survey_list(request, ctx)), "problems": exc.problems}
    await ctx.audit("survey.import", target_type="survey", target_id=str(result.survey.id), after={"key": result.survey.key})
    return {**(await survey_list(request, ctx)), "imported": {"title": result.survey.title, "wave": result.wave.name}}


async def _survey(request: web.Request) -> Survey:
    survey = await Survey.get_or_none(id=int(request.match_info["survey_id"]))
    if survey is None:
        raise web.HTTPNotFound(text="no such survey")
    return survey


async def results_page(request: web.Request, ctx: Any) -> dict:
    survey = await _survey(request)
    waves = await SurveyWave.filter(survey_id=survey.id).order_by("id").values_list("name", flat=True)
    wave = request.query.get("wave") if request.query.get("wave") in waves else None
    results = await survey_results(survey, wave)
    charts = {}
    for question in results["questions"]:
        if "distribution" in question:
            points = [(str(d.get("label", d["value"])), d["count"]) for d in question["distribution"]]
            charts[question["id"]] = bar_chart_svg(points, title=question["text"])
    return {"survey": survey, "results": results, "charts": charts, "waves": list(waves), "wave": wave,
            "preview": preview(survey)}


def preview(survey: Survey) -> list[str]:
    """The chat as a promoter would see it, message by message (the phone preview)."""
    definition = definition_of(survey)
    asked = path(definition, {q.id: _sample(q) for q in definition.questions})
    bubbles = [texts.question_text(definition.question(qid), n) for n, qid in enumerate(asked, start=1)]
    if bubbles:
        bubbles[0] = texts.start_text(definition, bubbles[0])
    return [*bubbles, definition.thank_you]


def _sample(question) -> Any:
    if question.kind in SCALES:
        return SCALES[question.kind][1]
    return question.options[0].value if question.options else "…"


async def csv_page(request: web.Request, ctx: Any) -> web.StreamResponse:
    survey = await _survey(request)
    return web.Response(body=(await export_csv(survey)).encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="survey-{survey.key}.csv"'})
