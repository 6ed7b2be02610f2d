"""A response's life, wherever it is answered (chat now, the H5 page next): start or resume,
answer one question, cancel, expire. Each step is stored (answer, behaviour event, lead
tags and profile, in one transaction) before anything is said about it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Lead, Survey, SurveyResponse, SurveyWave
from surveys import Invalid, SurveyDefinition, first_question, mapped_updates, next_question, parse_answer
from surveys.definition import MULTIPLE, SINGLE, Question

from . import texts
from .lead_data import apply_to_lead
from .store import current_wave, definition_of

IN_PROGRESS, COMPLETED, CANCELLED, EXPIRED, FULL = "in_progress", "completed", "cancelled", "expired", "full"
# What a step did: ask (a question, incl. the first), hint (not an answer: the question again),
# done, closed, full, cancelled, already (answered this wave before).
ASK, HINT, DONE, CLOSED, ALREADY = "ask", "hint", "done", "closed", "already"


@dataclass
class Step:
    outcome: str
    text: str
    response: SurveyResponse | None = None
    question: Question | None = None


@dataclass(frozen=True)
class Where:
    """Where a response is answered: the platform, the chat's user key, the recipient
    (external_userid or openid) and the 微信客服 account."""

    platform: str = ""
    user_key: str = ""
    recipient: str = ""
    open_kfid: str = ""
    source: str = "chat"


class SurveyRuns:
    """Responses, bound to the app's clock and behaviour log."""

    def __init__(self, clock: Any, behaviour: Any) -> None:
        self.clock = clock
        self.behaviour = behaviour

    async def start(self, survey: Survey, lead: Lead, where: Where) -> Step:
        """Start the survey's current wave for ``lead``, or resume the response it has."""
        definition = definition_of(survey)
        wave = await current_wave(survey)
        now = self.clock.now()
        existing = await SurveyResponse.get_or_none(wave_id=wave.id, lead_id=lead.id) if wave else None
        if existing is not None and existing.status == COMPLETED:
            return Step(ALREADY, texts.ALREADY.format(title=definition.title), existing)
        if wave is None or not definition.is_open(now):
            return Step(CLOSED, texts.personal(definition.closed_message, lead), existing)
        if existing is not None and existing.status in (IN_PROGRESS, CANCELLED):
            return await self._resume(existing, definition, lead, where)
        if existing is not None:  # full
            return Step(FULL, texts.FULL, existing)
        if wave.quota is not None and await SurveyResponse.filter(wave_id=wave.id, status=COMPLETED).count() >= wave.quota:
            return Step(FULL, texts.FULL)
        first = first_question(definition, consented=lead.consent_at is not None)
        if first is None:
            return Step(CLOSED, texts.personal(definition.closed_message, lead))
        try:
            async with in_transaction():
                response = await SurveyResponse.create(
                    survey_id=survey.id, wave_id=wave.id, lead_id=lead.id, current=first.id, source=where.source,
                    platform=where.platform, user_key=where.user_key, recipient=where.recipient, open_kfid=where.open_kfid,
                    channel_id=lead.last_channel_id, started_at=now, updated_at=now,
                )
                await self._record(lead, "survey.started", response, where.platform, {})
        except IntegrityError:  # the same lead started it a moment ago elsewhere
            response = await SurveyResponse.get(wave_id=wave.id, lead_id=lead.id)
            return await self._resume(response, definition, lead, where)
        return Step(ASK, texts.start_text(definition, texts.question_text(first, 1), lead), response, first)

    async def _resume(self, response: SurveyResponse, definition: SurveyDefinition, lead: Lead, where: Where) -> Step:
        question = definition.question(response.current)
        response.status, response.updated_at = IN_PROGRESS, self.clock.now()
        if where.user_key:  # a chat: reminders go there now (the page keeps the chat's)
            response.user_key, response.recipient, response.open_kfid = where.user_key, where.recipient, where.open_kfid
            response.platform = where.platform
        await response.save(update_fields=["status", "updated_at", "user_key", "recipient", "open_kfid", "platform"])
        return Step(ASK, f"{texts.RESUME}\n\n{self.question_text(response, question)}", response, question)

    def question_text(self, response: SurveyResponse, question: Question) -> str:
        return texts.question_text(question, len(response.answers) + 1)

    async def answer(self, response: SurveyResponse, lead: Lead, text: str) -> Step:
        """Take ``text`` as the answer to the response's current question."""
        survey = await Survey.get(id=response.survey_id)
        definition = definition_of(survey)
        if not definition.is_open(self.clock.now()):
            await self.expire(response)
            return Step(CLOSED, texts.personal(definition.closed_message, lead), response)
        question = definition.question(response.current)
        parsed = parse_answer(question, text)
        if isinstance(parsed, Invalid):
            return Step(HINT, texts.hint_text(parsed.hint, self.question_text(response, question)), response, question)
        answers = {**response.answers, question.id: parsed.value}
        following = next_question(definition, question.id, answers, consented=lead.consent_at is not None)
        full = await self._option_full(response, question, parsed.value)
        now = self.clock.now()
        response.answers, response.updated_at = answers, now
        response.status = FULL if full else IN_PROGRESS if following else COMPLETED
        response.current = following.id if following and not full else response.current
        response.completed_at = now if response.status == COMPLETED else None
        tags, profile = mapped_updates(definition, {question.id: parsed.value})
        async with in_transaction():
            await response.save(update_fields=["answers", "updated_at", "status", "current", "completed_at"])
            await self._record(lead, "survey.answered", response, response.platform,
                               {"question": question.id, "kind": question.kind, "value": _loggable(question, parsed.value)})
            await apply_to_lead(lead, response, tags, profile, now)
            if response.status == COMPLETED:
                await self._record(lead, "survey.completed", response, response.platform, {"answered": len(answers)})
        if full:
            return Step(FULL, texts.FULL, response)
        if following is None:
            return Step(DONE, texts.personal(definition.thank_you, lead), response)
        return Step(ASK, self.question_text(response, following), response, following)

    async def cancel(self, response: SurveyResponse, lead: Lead | None) -> Step:
        """Stop asking; what was answered stays, and the keyword resumes it."""
        definition = definition_of(await Survey.get(id=response.survey_id))
        response.status, response.updated_at = CANCELLED, self.clock.now()
        async with in_transaction():
            await response.save(update_fields=["status", "updated_at"])
            await self._record(lead, "survey.cancelled", response, response.platform, {"question": response.current})
        return Step(CANCELLED, texts.cancelled_text(definition), response)

    async def expire(self, response: SurveyResponse) -> None:
        response.status = EXPIRED
        await response.save(update_fields=["status"])

    async def _option_full(self, response: SurveyResponse, question: Question, value: Any) -> bool:
        """Whether a chosen option with a quota has as many completed responses already."""
        if question.kind not in (SINGLE, MULTIPLE):
            return False
        chosen = value if isinstance(value, list) else [value]
        limited = [o for o in question.options if o.quota is not None and o.value in chosen]
        if not limited:
            return False
        rows = await SurveyResponse.filter(wave_id=response.wave_id, status=COMPLETED).values_list("answers", flat=True)
        for option in limited:
            taken = sum(1 for a in rows if option.value in _as_list((a or {}).get(question.id)))
            if taken >= option.quota:
                return True
        return False

    async def _record(self, lead: Lead | None, kind: str, response: SurveyResponse, platform: str, payload: dict) -> None:
        wave = await SurveyWave.get(id=response.wave_id)
        await self.behaviour.record_behaviour(
            lead=lead, kind=kind, direction="inbound", platform=platform, actor=response.recipient,
            payload={"survey_id": response.survey_id, "wave": wave.name, "response_id": response.id, **payload},
        )


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _loggable(question: Question, value: Any) -> Any:
    """Contact details stay out of the behaviour log (they are in the profile, with consent)."""
    return "（已填写）" if question.kind == "contact" and value is not None else value
