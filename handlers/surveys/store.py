"""Stored surveys: import a checked definition (creating its wave), read it back, find the
surveys a chat keyword starts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from models import Survey, SurveyWave
from surveys import SurveyDefinition, SurveyFileError, parse_definition

from .texts import template_problems

KEYWORDS_TTL = 30.0  # seconds a process trusts its keyword list (imports run in other processes)


@dataclass(frozen=True)
class ImportResult:
    survey: Survey
    wave: SurveyWave
    created: bool


async def import_survey(text: str) -> ImportResult:
    """Create or update the survey of ``text`` (by key) and its wave; SurveyFileError before
    anything changes when the file has problems."""
    definition = parse_definition(text)
    problems = template_problems(definition)
    if problems:
        raise SurveyFileError(problems)
    async with in_transaction():
        survey = await Survey.get_or_none(key=definition.key)
        created = survey is None
        values = {"title": definition.title, "source": text, "keywords": list(definition.keywords), "archived": False}
        if survey is None:
            survey = await Survey.create(key=definition.key, **values)
        else:
            survey.update_from_dict(values)
            await survey.save()
        wave, _ = await SurveyWave.update_or_create(
            defaults={"opens_at": definition.opens, "closes_at": definition.closes, "quota": definition.quota},
            survey=survey, name=definition.wave,
        )
    _definitions.pop(survey.id, None)
    return ImportResult(survey, wave, created)


_definitions: dict[int, tuple[Any, SurveyDefinition]] = {}  # id → (updated_at, definition); a parse cache


def definition_of(survey: Survey) -> SurveyDefinition:
    """The survey's definition (parsed once per stored version)."""
    cached = _definitions.get(survey.id)
    if cached is None or cached[0] != survey.updated_at:
        cached = (survey.updated_at, parse_definition(survey.source))
        _definitions[survey.id] = cached
    return cached[1]


async def current_wave(survey: Survey) -> SurveyWave | None:
    """The wave named in the survey's definition (the latest import)."""
    return await SurveyWave.get_or_none(survey_id=survey.id, name=definition_of(survey).wave)


async def find_survey(ref: str | int) -> Survey | None:
    """A survey by id or key."""
    if isinstance(ref, int) or str(ref).isdigit():
        return await Survey.get_or_none(id=int(ref))
    return await Survey.get_or_none(key=str(ref))


class KeywordBook:
    """Chat keyword → survey id, reloaded from the database at most every KEYWORDS_TTL."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self._keywords: dict[str, int] = {}
        self._loaded_at: float | None = None

    def forget(self) -> None:
        self._loaded_at = None

    async def survey_for(self, text: str) -> int | None:
        now = self.clock.monotonic()
        if self._loaded_at is None or now - self._loaded_at > KEYWORDS_TTL:
            rows = await Survey.filter(archived=False).order_by("id").values_list("id", "keywords")
            self._keywords = {str(k).strip().casefold(): sid for sid, words in rows for k in (words or [])}
            self._loaded_at = now
        return self._keywords.get(text.strip().casefold())
