"""The branching engine: which question comes next, given the answers so far."""
from __future__ import annotations

from typing import Any, Mapping

from surveys.definition import CONTACT, END, Question, SurveyDefinition

MISSING = object()


def first_question(definition: SurveyDefinition, *, consented: bool = True) -> Question | None:
    """The question a new response starts with (None: nothing to ask this person)."""
    return _askable(definition, 0, consented)


def next_question(definition: SurveyDefinition, current: str, answers: Mapping[str, Any], *,
                  consented: bool = True) -> Question | None:
    """The question after ``current`` given ``answers`` (None: the survey is finished). The
    first branch whose test matches the answer wins, then the question's ``next``, then the
    following question. Contact questions are passed over unless the person consented."""
    order = [q.id for q in definition.questions]
    question = definition.question(current)
    answer = answers.get(current)
    target = next((b.goto for b in question.branches if b.when.matches(answer)), None) or question.next
    if target == END:
        return None
    index = order.index(target) if target else order.index(current) + 1
    return _askable(definition, index, consented)


def _askable(definition: SurveyDefinition, index: int, consented: bool) -> Question | None:
    for question in definition.questions[index:]:
        if question.kind != CONTACT or consented:
            return question
        if question.next or question.branches:  # a skipped contact question's own jump still applies
            return next_question(definition, question.id, {}, consented=consented)
    return None


def path(definition: SurveyDefinition, answers: Mapping[str, Any], *, consented: bool = True) -> list[str]:
    """The questions a respondent with ``answers`` is asked, in order (previews and tests)."""
    asked, question = [], first_question(definition, consented=consented)
    while question is not None:
        asked.append(question.id)
        question = next_question(definition, question.id, answers, consented=consented)
    return asked


def mapped_updates(definition: SurveyDefinition, answers: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The lead tags and profile fields ``answers`` set: (tags, {field: value})."""
    tags: list[str] = []
    profile: dict[str, str] = {}
    for question in definition.questions:
        answer = answers.get(question.id, MISSING)
        if answer is MISSING:
            continue
        tags += [rule.tag for rule in question.tag_rules if rule.when.matches(answer)]
        chosen = answer if isinstance(answer, list) else [answer]
        for option in question.options:
            if option.value in chosen:
                tags += option.tags
                profile.update(option.profile)
        if question.profile and answer is not None:
            profile[question.profile] = _profile_text(question, answer)
    return list(dict.fromkeys(tags)), profile


def _profile_text(question: Question, answer: Any) -> str:
    labels = {o.value: o.label for o in question.options}
    if isinstance(answer, list):
        return "、".join(labels.get(a, a) for a in answer)
    return str(labels.get(answer, answer))
