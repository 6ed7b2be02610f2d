"""The survey's H5 page behind a signed per-recipient link: one question per screen, the same
response as in the chat (started in one, finished in the other), phone-sized, no script."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from content.rendering import render

from models import Lead, Survey, SurveyResponse
from surveys import SKIP_WORD
from surveys.definition import SCALES

from . import texts
from .links import LINK_PATH, BadLink
from .responses import ASK, HINT, IN_PROGRESS, Step, Where
from .store import definition_of

PAGE = (Path(__file__).parent / "templates" / "survey_page.html").read_text(encoding="utf-8")  # rendered in content's sandbox
MAX_FORM = 64 * 1024
INVALID = "这个问卷链接无效，可能被改动过。请使用我们发给您的原始链接，或在对话中回复问卷关键词。"
EXPIRED = "这个问卷链接已过期。如仍想参与，请在对话中回复问卷关键词。"


def add_page_routes(app: web.Application, bot: Any) -> None:
    """GET and POST /s/{token}."""
    async def page(request: web.Request) -> web.Response:
        return await _page(request, bot)

    async def answer(request: web.Request) -> web.Response:
        return await _answer(request, bot)

    app.router.add_get(LINK_PATH + "{token}", page)
    app.router.add_post(LINK_PATH + "{token}", answer)


async def _claimed(request: web.Request, bot: Any) -> tuple[Survey, Lead] | web.Response:
    surveys = bot.services["surveys"]
    try:
        claim = surveys.links.check(request.match_info["token"][:512], bot.clock.now())
    except BadLink as exc:
        return _message(EXPIRED if exc.expired else INVALID, status=410 if exc.expired else 403)
    survey = await Survey.get_or_none(id=claim.survey_id, archived=False)
    lead = await Lead.get_or_none(id=claim.lead_id)
    if survey is None or lead is None:
        return _message("这份问卷已不存在，感谢您的关注。", status=404)
    return survey, lead


async def _page(request: web.Request, bot: Any) -> web.Response:
    claimed = await _claimed(request, bot)
    if isinstance(claimed, web.Response):
        return claimed
    survey, lead = claimed
    runs = bot.services["surveys"].runs(bot.clock, bot.behaviour)
    step = await runs.start(survey, lead, Where(source="h5", platform="h5"))
    return _render(survey, lead, step, request)


async def _answer(request: web.Request, bot: Any) -> web.Response:
    claimed = await _claimed(request, bot)
    if isinstance(claimed, web.Response):
        return claimed
    survey, lead = claimed
    if (request.content_length or 0) > MAX_FORM:
        return _message("提交的内容太长了，请精简后再试。", status=413)
    form = await request.post()
    runs = bot.services["surveys"].runs(bot.clock, bot.behaviour)
    response = await _current(survey, lead)
    if response is None or response.current != form.get("question"):
        raise web.HTTPSeeOther(request.path)  # answered meanwhile (in the chat, another tab): show where it stands
    text = SKIP_WORD if "skip" in form else " ".join(str(v) for v in form.getall("answer", []))
    step = await runs.answer(response, lead, text)
    if step.outcome == HINT:
        return _render(survey, lead, step, request, typed=text)
    if step.outcome != ASK:  # the thank-you (or the survey closed, or a quota is full)
        return _render(survey, lead, step, request)
    raise web.HTTPSeeOther(request.path)


async def _current(survey: Survey, lead: Lead) -> SurveyResponse | None:
    return await SurveyResponse.filter(survey_id=survey.id, lead_id=lead.id, status=IN_PROGRESS).order_by("-id").first()


def _render(survey: Survey, lead: Lead, step: Step, request: web.Request, typed: str = "") -> web.Response:
    definition = definition_of(survey)
    question = step.question if step.outcome in (ASK, HINT) else None
    hint = step.text.split("\n\n", 1)[0] if step.outcome == HINT else ""
    html = _html(
        title=definition.title, intro=texts.personal(definition.intro, lead) if step.response and not step.response.answers else "",
        question=question, number=len(step.response.answers) + 1 if step.response else 1, hint=hint, typed=typed,
        scale=range(SCALES[question.kind][0], SCALES[question.kind][1] + 1) if question and question.kind in SCALES else (),
        message="" if question else step.text, action=request.path,
    )
    return web.Response(text=html, content_type="text/html", status=200)


def _message(text: str, status: int) -> web.Response:
    return web.Response(text=_html(title="问卷", message=text), content_type="text/html", status=status)


def _html(**values: Any) -> str:
    """The page, through content's one sandboxed environment (autoescaped)."""
    page = {"intro": "", "question": None, "number": 1, "hint": "", "typed": "", "scale": (), "message": "", "action": "",
            **values}
    return render(PAGE, page, dialect="html")
