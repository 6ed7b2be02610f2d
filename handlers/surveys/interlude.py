"""An FAQ question asked in the middle of a survey: answered, then the survey goes on. The one
place surveys use the FAQ feature (its ``faq`` service, by duck typing: features never import
each other)."""
from __future__ import annotations

from typing import Any

from bot.events import TextMessage
from faq import ANSWER
from models import Lead


async def faq_answer(faq: Any, event: TextMessage, lead: Lead) -> str | None:
    """The FAQ's answer when ``event`` is a question it answers outright (logged like any FAQ
    hit); None otherwise (then it was a wrong answer to the survey)."""
    if faq is None:
        return None
    index = await faq.store.index()
    if index.match(event.content, "single").outcome != ANSWER:
        return None
    talk = await faq.talk()
    found, _hit = await talk.decide(event, lead, chat_kind="single", index=index)
    return await talk.answer_text(index, found.entry_id, lead) or None
