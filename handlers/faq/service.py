"""The FAQ conversation: one customer (or staff) message in, what to say out. Shared by
every chat the bot answers in and by the customer-group suggestions."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.dialogs import DialogContext, State, StatesGroup
from bot.events import TextMessage
from content.failures import record_failure
from faq import ANSWER, CLARIFY, MISS, FaqIndex, FaqMatch, is_bare_choice, resolve_choice
from handlers.faq import hits, texts
from handlers.faq.hours import BusinessHours
from handlers.faq.store import FaqStore, answer_owner
from models import FaqHit, FaqSettings, Lead
from handlers.faq.ratelimit import GroupAnswerBudget

log = logging.getLogger(__name__)



class FaqDialog(StatesGroup, flow="faq"):
    """The FAQ's dialog states: the customer was offered choices (``您是想问…``), or a human
    has the conversation (转人工)."""

    clarify = State()
    human = State()


# What a reply is: an FAQ outcome, or one of these.
HANDOVER, FEEDBACK, CHOICE, SILENT, PROMPT = "handover", "feedback", "choice", "silent", "prompt"


@dataclass(frozen=True)
class FaqOptions:
    """How the FAQ answers. ``kf_servicers`` maps a 微信客服 account to the receptionist a
    conversation is handed to (without one, it joins the account's queue); ``notify_userids``
    are told about hand-overs from the official account."""

    hours: BusinessHours = field(default_factory=BusinessHours)
    kf_servicers: dict[str, str] = field(default_factory=dict)
    notify_userids: tuple[str, ...] = ()
    ask_again_window: timedelta = timedelta(minutes=1)
    feedback_window: timedelta = timedelta(minutes=10)
    choice_window: timedelta = timedelta(minutes=30)  # a reply “2” picks a choice only this soon
    console_url: str = ""
    template_extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FaqReply:
    """What the bot decided: ``kind`` is answer, clarify, miss, handover, feedback, choice
    (a clarify reply picked an entry), prompt (a bare choice number with none pending) or silent; ``text`` what to say (None: nothing)."""

    kind: str
    text: str | None
    hit: FaqHit | None = None
    found: FaqMatch | None = None
    entry_id: str | None = None


class FaqConversation:
    """The FAQ for one message, bound to the app's clock and behaviour log."""

    def __init__(self, store: FaqStore, behaviour: Any, clock: Clock, options: FaqOptions, semantic: Any = None) -> None:
        self.store = store
        self.behaviour = behaviour
        self.clock = clock
        self.options = options
        self.semantic = semantic  # a SemanticScorer, or None: lexical only

    # --- the conversation -------------------------------------------------------------

    async def reply(self, event: TextMessage, lead: Lead | None, dialog: DialogContext, *, chat_kind: str,
                    can_hand_over: bool) -> FaqReply:
        """Decide what to say to ``event``. ``chat_kind`` is single or group (entry scope);
        ``dialog`` is the user's dialog (a clarify question waits there for its choice)."""
        now = self.clock.now()
        if can_hand_over and texts.asks_for_human(event.content):
            await self._signal(event.user_key, hits.ASKED_HUMAN)
            return FaqReply(HANDOVER, texts.handover_text(self.options.hours, now))
        if texts.is_negative_feedback(event.content):
            await self._signal(event.user_key, hits.SAID_WRONG)
            return FaqReply(FEEDBACK, texts.negative_reply(can_hand_over=can_hand_over))
        index = await self.store.index()
        picked = await self._clarify_choice(event, lead, index, dialog)
        if picked is not None:
            return picked
        if is_bare_choice(event.content):
            return FaqReply(PROMPT, texts.ASK_A_QUESTION)  # not a question: nothing to log or review
        found, hit = await self.decide(event, lead, chat_kind=chat_kind, index=index)
        if found.outcome == ANSWER:
            text = await self.answer_text(index, found.entry_id, lead) or texts.fallback_text(self.options.hours, now, can_hand_over=can_hand_over)
            return FaqReply(ANSWER, text, hit, found, found.entry_id)
        if found.outcome == CLARIFY:
            await dialog.goto(FaqDialog.clarify, data={"choices": list(found.choices), "hit_id": hit.id},
                              ttl=self.options.choice_window)
            questions = [index.entry(entry_id).question for entry_id in found.choices]
            return FaqReply(CLARIFY, texts.clarify_text(questions), hit, found)
        return FaqReply(MISS, texts.fallback_text(self.options.hours, now, can_hand_over=can_hand_over), hit, found)

    async def decide(self, event: TextMessage, lead: Lead | None, *, chat_kind: str, index: FaqIndex | None = None) -> tuple[FaqMatch, FaqHit]:
        """Match, log the decision (and the repeat signal on the previous one), and record it
        on the lead's timeline."""
        index = index or await self.store.index()
        started = time.perf_counter()
        semantic = await self.semantic.scores(index, event.content) if self.semantic is not None else None
        found = index.match(event.content, "single" if chat_kind == "single" else "group", semantic=semantic)
        latency_ms = (time.perf_counter() - started) * 1000
        now = self.clock.now()
        previous = await hits.last_hit(event.user_key, now, self.options.ask_again_window)
        if previous is not None and hits.same_question(previous, found):
            await hits.add_signal(previous, hits.ASKED_AGAIN)
        hit = await hits.log_hit(
            found, lead=lead, platform=str(event.platform), chat_kind=chat_kind, chat_id=event.chat_id or event.open_kfid,
            user_key=event.user_key, asked_at=now, latency_ms=latency_ms,
        )
        await self._record_behaviour(event, lead, found, index)
        return found, hit

    async def answer_text(self, index: FaqIndex, entry_id: str | None, lead: Lead | None) -> str:
        """The entry's answer for ``lead``; a template that fails is answered with its plain
        text, and the failure is shown to the entry's authors."""
        entry = index.entry(entry_id or "")
        if entry is None:
            return ""
        context = texts.answer_context(lead=lead, hours=self.options.hours, now=self.clock.now(), extra=self.options.template_extra)
        problems: list[str] = []
        text = texts.render_answer(entry.answer, context, entry_id=entry.id, report=problems.append)
        if problems:
            await record_failure(answer_owner(entry.id), problems[0], self.clock.now())
        return text

    async def _clarify_choice(self, event: TextMessage, lead: Lead | None, index: FaqIndex,
                              dialog: DialogContext) -> FaqReply | None:
        """A reply to the choices, within the choice window (the state's expiry)."""
        if await dialog.state() != FaqDialog.clarify.name:
            return None
        data = await dialog.data()
        await dialog.clear()
        entry_id = resolve_choice(event.content, tuple(data.get("choices", ())))
        if entry_id is None or index.entry(entry_id) is None:
            return None  # not a choice: a new question
        hit = await FaqHit.get_or_none(id=data.get("hit_id"))
        if hit is not None:
            hit.chosen_entry_id = entry_id
            await hit.save(update_fields=["chosen_entry_id"])
        text = await self.answer_text(index, entry_id, lead) or texts.fallback_text(self.options.hours, self.clock.now(), can_hand_over=True)
        return FaqReply(CHOICE, text, hit, None, entry_id)

    async def _signal(self, user_key: str, signal: str) -> None:
        previous = await hits.last_hit(user_key, self.clock.now(), self.options.feedback_window)
        if previous is not None:
            await hits.add_signal(previous, signal)

    async def _record_behaviour(self, event: TextMessage, lead: Lead | None, found: FaqMatch, index: FaqIndex) -> None:
        if lead is None:
            return
        entry = index.entry(found.entry_id or "")
        await self.behaviour.record_behaviour(
            lead=lead, kind="faq.asked", direction="inbound", platform=str(event.platform), actor=event.sender,
            payload={"query": found.query[:200], "outcome": found.outcome, "entry_id": found.entry_id,
                     "question": entry.question if entry else "", "category": entry.category if entry else "",
                     "score": found.score},
        )

    async def recent_context(self, user_key: str, limit: int = 5) -> list[FaqHit]:
        """The user's latest questions, oldest first (hand-over context)."""
        rows = await FaqHit.filter(user_key=user_key[:255]).order_by("-id").limit(limit)
        return list(reversed(rows))


class Faq:
    """The FAQ feature's service (``faq``): the entry store, the options, the group answer
    budget and the chat-archive source (None when the company has no chat archive), bound
    once to the app's clock and behaviour log."""

    def __init__(self, clock: Clock, behaviour: Any, options: FaqOptions | None = None, archive_source: Any = None,
                 semantic: Any = None) -> None:
        self.clock = clock
        self.semantic = semantic  # handlers.faq.embeddings.SemanticScorer when SIYU_FAQ_ENCODER is set
        self.behaviour = behaviour
        self.store = FaqStore()
        self.options = options or FaqOptions()
        self.archive_source = archive_source
        self.budget = GroupAnswerBudget(clock)
        self._puller: Any = None
        self.poller: Any = None  # the archive-polling task while the app runs

    async def talk(self) -> FaqConversation:
        """The conversation for one message, with the settings staff stored in the console."""
        from handlers.faq.options import options_with

        row = await FaqSettings.get_or_none(id=1)
        return FaqConversation(self.store, self.behaviour, self.clock, options_with(self.options, row), self.semantic)

    async def pull_archive(self, pipeline: Any) -> int:
        """Deliver new archived messages through ``pipeline``; 0 without an archive source."""
        from bot.platforms.wecom.archive import ArchivePuller

        if self.archive_source is None:
            return 0
        if self._puller is None or self._puller.source is not self.archive_source:
            self._puller = ArchivePuller(self.archive_source, pipeline)
        return await self._puller.pull()


def context_text(who: str, questions: list[FaqHit], where: str) -> str:
    """The hand-over note for the receptionist: who, where, and what they asked."""
    lines = [f"{who} 在{where}请求人工客服。最近的问题："]
    for hit in questions:
        outcome = {"answer": "已自动回答", "clarify": "已追问", "miss": "未能回答"}.get(hit.outcome, hit.outcome)
        lines.append(f"· {hit.raw_query[:100]}（{outcome}）")
    if not questions:
        lines.append("· （无）")
    return "\n".join(lines)
