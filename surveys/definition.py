"""A survey definition (the YAML a marketer writes), parsed and validated completely: every
problem is reported at once, with the line it is on, before anything is stored.

The file format is documented in the README (section "Surveys"); ``FIELDS`` below is the
authoritative list of keys.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import yaml

NPS, SINGLE, MULTIPLE, RATING, TEXT, CONTACT = "nps", "single", "multiple", "rating", "text", "contact"
KINDS = (NPS, SINGLE, MULTIPLE, RATING, TEXT, CONTACT)
SCALES = {NPS: (0, 10), RATING: (1, 5)}
CONTACT_FIELDS = ("name", "company", "role", "phone", "email")
PROFILE_FIELDS = (*CONTACT_FIELDS, "industry", "company_size", "purchase_role")
END = "end"
CONDITIONS = ("equals", "in", "at_least", "at_most", "includes", "skipped")

SURVEY_KEYS = ("key", "title", "intro", "keywords", "wave", "opens", "closes", "quota", "reminder_after",
               "after_joining", "thank_you", "closed_message", "questions")
QUESTION_KEYS = ("id", "kind", "text", "required", "options", "branch", "next", "tags", "profile", "field",
                 "min_choices", "max_choices", "max_length", "low_label", "high_label")
OPTION_KEYS = ("value", "label", "tags", "profile", "quota")
BRANCH_KEYS = ("if", "goto")
TAG_RULE_KEYS = ("if", "tag")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DEFAULT_TEXT_LENGTH = 1000


class SurveyFileError(ValueError):
    """The definition was refused; ``problems`` lists every one (with its line)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Condition:
    """When a branch or a tag rule applies to an answer (exactly one test)."""

    test: str
    operand: Any = None

    def matches(self, value: Any) -> bool:
        if value is None:
            return self.test == "skipped" and bool(self.operand)
        if self.test == "skipped":
            return not self.operand
        values = value if isinstance(value, list) else [value]
        if self.test == "equals":
            return value == self.operand
        if self.test == "in":
            return any(v in self.operand for v in values)
        if self.test == "includes":
            return self.operand in values
        if self.test == "at_least":
            return isinstance(value, (int, float)) and value >= self.operand
        if self.test == "at_most":
            return isinstance(value, (int, float)) and value <= self.operand
        return False

    def as_dict(self) -> dict[str, Any]:
        return {self.test: list(self.operand) if isinstance(self.operand, tuple) else self.operand}


@dataclass(frozen=True)
class Branch:
    when: Condition
    goto: str  # a question id or END


@dataclass(frozen=True)
class TagRule:
    when: Condition
    tag: str


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    tags: tuple[str, ...] = ()
    profile: tuple[tuple[str, str], ...] = ()  # (field, value) set when chosen
    quota: int | None = None


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    required: bool = True
    options: tuple[Option, ...] = ()
    branches: tuple[Branch, ...] = ()
    next: str | None = None  # where to go when no branch applies (default: the next question)
    tag_rules: tuple[TagRule, ...] = ()
    profile: str | None = None  # the profile field this answer sets
    min_choices: int = 1
    max_choices: int | None = None
    max_length: int = DEFAULT_TEXT_LENGTH
    low_label: str = ""
    high_label: str = ""

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.kind)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class SurveyDefinition:
    key: str
    title: str
    questions: tuple[Question, ...]
    wave: str
    intro: str = ""
    keywords: tuple[str, ...] = ()
    opens: datetime | None = None
    closes: datetime | None = None
    quota: int | None = None
    reminder_after: timedelta | None = None
    after_joining: timedelta | None = None  # invite each lead this long after it joined a channel
    thank_you: str = "感谢您的参与！"
    closed_message: str = "这份问卷已经结束了，感谢您的关注。"
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def question(self, question_id: str) -> Question:
        return self._by_id()[question_id]

    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def is_open(self, now: datetime) -> bool:
        return (self.opens is None or now >= self.opens) and (self.closes is None or now < self.closes)

    @property
    def nps_question(self) -> Question | None:
        return next((q for q in self.questions if q.kind == NPS), None)


# --- YAML with line numbers ------------------------------------------------------------------


class _Mapping(dict):
    """A YAML mapping that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict[str, int]
    item_lines: dict[str, list[int]]  # a list value's items


class _LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, building _Mapping for every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    mapping.item_lines = {str(k.value): [i.start_mark.line + 1 for i in v.value]
                          for k, v in node.value if isinstance(v, yaml.SequenceNode)}
    return mapping


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)

# Dates stay strings: the checker parses them with their time zone, not PyYAML.
_LineLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """The YAML document, mappings carrying their lines; SurveyFileError when it is not YAML."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise SurveyFileError([f"{where}not valid YAML ({getattr(exc, 'problem', None) or exc})"]) from None


# --- the checker -----------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: Any, message: str, key: str | None = None) -> None:
        line = None
        if isinstance(where, _Mapping):
            line = where.key_lines.get(key, where.line) if key else where.line
        self.problems.append(f"line {line}: {message}" if line else message)

    def known_keys(self, mapping: dict, allowed: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(allowed)})"
                self.add(mapping, f"{what}: unknown key '{key}'{hint}", str(key))

    def text(self, mapping: dict, key: str, what: str, *, required: bool = False, default: str = "") -> str:
        value = mapping.get(key)
        if value is None:
            if required:
                self.add(mapping, f"{what}: '{key}' is required")
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            self.add(mapping, f"{what}: '{key}' must be a non-empty text", key)
            return default
        return str(value).strip()

    def count(self, mapping: dict, key: str, what: str, minimum: int = 1) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.add(mapping, f"{what}: '{key}' must be a whole number of at least {minimum}", key)
            return None
        return value

    def when(self, mapping: dict, key: str, what: str) -> datetime | None:
        value = mapping.get(key)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            self.add(mapping, f"{what}: '{key}' must be an ISO date or time, e.g. 2026-12-31T23:59:59+08:00", key)
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone(timedelta(hours=8)))  # China time unless told
        return parsed

    def duration(self, mapping: dict, key: str, what: str) -> timedelta | None:
        value = mapping.get(key)
        if value is None:
            return None
        found = re.fullmatch(r"\s*(\d+)\s*(m|min|h|d)\s*", str(value))
        if not found or int(found[1]) <= 0:
            self.add(mapping, f"{what}: '{key}' must be a duration such as 30m, 24h or 2d", key)
            return None
        unit = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days"}[found[2]]
        return timedelta(**{unit: int(found[1])})

    def tag_names(self, mapping: dict, key: str, what: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(t, str) and 0 < len(t.strip()) <= 30 for t in items):
            self.add(mapping, f"{what}: '{key}' must be tag names of at most 30 characters", key)
            return ()
        return tuple(t.strip() for t in items)

    def profile_values(self, mapping: dict, what: str) -> tuple[tuple[str, str], ...]:
        value = mapping.get("profile")
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.add(mapping, f"{what}: 'profile' must map profile fields to values, e.g. {{industry: 制造业}}", "profile")
            return ()
        pairs = []
        for name, setting in value.items():
            if name not in PROFILE_FIELDS:
                self.add(value, f"{what}: unknown profile field '{name}' (expected one of: {', '.join(PROFILE_FIELDS)})", str(name))
            else:
                pairs.append((str(name), str(setting)))
        return tuple(pairs)

    def condition(self, raw: Any, question: dict, kind: str, options: tuple[Option, ...], what: str) -> Condition | None:
        if not isinstance(raw, dict) or len(raw) != 1:
            self.add(question, f"{what}: 'if' must be one test, e.g. {{at_most: 6}} (tests: {', '.join(CONDITIONS)})")
            return None
        (test, operand), = raw.items()
        if test not in CONDITIONS:
            self.known_keys(raw, CONDITIONS, what)
            return None
        values = {o.value for o in options}
        if test in ("at_least", "at_most"):
            if kind not in SCALES or not isinstance(operand, int) or isinstance(operand, bool):
                self.add(raw, f"{what}: '{test}' needs a number and a question of kind nps or rating", test)
                return None
            low, high = SCALES[kind]
            if not low <= operand <= high:
                self.add(raw, f"{what}: {operand} is outside the scale {low}–{high}", test)
        elif test == "skipped":
            operand = bool(operand)
        elif test == "in":
            if not isinstance(operand, list):
                self.add(raw, f"{what}: 'in' needs a list", test)
                return None
            operand = tuple(self._choice(raw, o, kind, values, what) for o in operand)
        else:
            if test == "includes" and kind != MULTIPLE:
                self.add(raw, f"{what}: 'includes' is for multiple-choice questions", test)
            operand = self._choice(raw, operand, kind, values, what)
        return Condition(test, operand)

    def _choice(self, raw: dict, operand: Any, kind: str, values: set[str], what: str) -> Any:
        if kind in SCALES:
            if not isinstance(operand, int):
                self.add(raw, f"{what}: {operand!r} is not a number on the scale")
            return operand
        operand = str(operand)
        if kind in (SINGLE, MULTIPLE) and operand not in values:
            self.add(raw, f"{what}: '{operand}' is not one of the options ({', '.join(sorted(values))})")
        return operand


def parse_definition(text: str) -> SurveyDefinition:
    """The survey in ``text`` (YAML), or SurveyFileError listing every problem."""
    data = load_yaml(text)
    if isinstance(data, dict) and set(data) == {"survey"}:
        data = data["survey"]
    if not isinstance(data, dict):
        raise SurveyFileError(["expected a mapping with the survey's keys (key, title, questions...) at the top"])
    check = _Checker()
    check.known_keys(data, SURVEY_KEYS, "survey")
    key = check.text(data, "key", "survey", required=True)
    if key and not KEY_PATTERN.match(key):
        check.add(data, "survey: 'key' must be lower-case letters, digits, - or _ (at most 64), e.g. nps-2026", "key")
    title = check.text(data, "title", "survey", required=True)
    keywords = data.get("keywords", ())
    if isinstance(keywords, str):
        keywords = [keywords]
    if not isinstance(keywords, (list, tuple)) or not all(isinstance(k, str) and k.strip() for k in keywords):
        check.add(data, "survey: 'keywords' must be a list of texts", "keywords")
        keywords = ()
    opens, closes = check.when(data, "opens", "survey"), check.when(data, "closes", "survey")
    if opens and closes and closes <= opens:
        check.add(data, "survey: 'closes' must be after 'opens'", "closes")
    questions = _questions(data, check)
    definition = SurveyDefinition(
        key=key, title=title, questions=questions, wave=check.text(data, "wave", "survey", default="1"),
        intro=check.text(data, "intro", "survey"), keywords=tuple(k.strip() for k in keywords),
        opens=opens, closes=closes, quota=check.count(data, "quota", "survey"),
        reminder_after=check.duration(data, "reminder_after", "survey"),
        after_joining=check.duration(data, "after_joining", "survey"),
        thank_you=check.text(data, "thank_you", "survey", default=SurveyDefinition.thank_you),
        closed_message=check.text(data, "closed_message", "survey", default=SurveyDefinition.closed_message),
        raw=_plain(data),
    )
    if questions:
        _check_flow(definition, data, check)
    if check.problems:
        raise SurveyFileError(check.problems)
    return definition


def _questions(data: dict, check: _Checker) -> tuple[Question, ...]:
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        check.add(data, "survey: 'questions' must be a non-empty list", "questions" if "questions" in data else None)
        return ()
    questions, seen = [], set()
    for number, item in enumerate(raw, start=1):
        what = f"question {number}"
        if not isinstance(item, dict):
            check.add(data, f"{what}: expected a mapping (id, kind, text...)", "questions")
            continue
        qid = check.text(item, "id", what, required=True)
        what = f"question '{qid}'" if qid else what
        if qid and qid in seen:
            check.add(item, f"{what}: the id appears twice", "id")
        if qid == END:
            check.add(item, f"{what}: '{END}' is reserved for the end of the survey", "id")
        seen.add(qid)
        question = _question(item, qid, what, check)
        if question is not None:
            questions.append(question)
    return tuple(questions)


def _question(item: dict, qid: str, what: str, check: _Checker) -> Question | None:
    check.known_keys(item, QUESTION_KEYS, what)
    kind = item.get("kind")
    if kind not in KINDS:
        check.add(item, f"{what}: 'kind' must be one of {', '.join(KINDS)}", "kind" if "kind" in item else None)
        return None
    text = check.text(item, "text", what, required=True)
    required = item.get("required", True)
    if not isinstance(required, bool):
        check.add(item, f"{what}: 'required' must be true or false", "required")
        required = True
    options = _options(item, kind, what, check)
    branches = []
    for rule in _rules(item, "branch", what, check):
        check.known_keys(rule, BRANCH_KEYS, f"{what} branch")
        when = check.condition(rule.get("if"), rule, kind, options, f"{what} branch")
        goto = check.text(rule, "goto", f"{what} branch", required=True)
        if when and goto:
            branches.append(Branch(when, goto))
    tag_rules = []
    for rule in _rules(item, "tags", what, check):
        check.known_keys(rule, TAG_RULE_KEYS, f"{what} tag rule")
        when = check.condition(rule.get("if"), rule, kind, options, f"{what} tag rule")
        tags = check.tag_names(rule, "tag", f"{what} tag rule")
        if when and tags:
            tag_rules.extend(TagRule(when, t) for t in tags)
    profile = item.get("profile")
    contact_field = item.get("field")
    if kind == CONTACT:
        if contact_field not in CONTACT_FIELDS:
            check.add(item, f"{what}: contact questions need 'field': one of {', '.join(CONTACT_FIELDS)}", "field" if "field" in item else None)
        profile = contact_field
    elif contact_field is not None:
        check.add(item, f"{what}: 'field' is only for contact questions (use 'profile' to map an answer)", "field")
    if profile is not None and profile not in PROFILE_FIELDS:
        check.add(item, f"{what}: unknown profile field '{profile}' (expected one of: {', '.join(PROFILE_FIELDS)})", "profile")
    if kind == CONTACT and profile in CONTACT_FIELDS and item.get("profile") is not None:
        check.add(item, f"{what}: a contact question stores its 'field'; drop 'profile'", "profile")
    min_choices = check.count(item, "min_choices", what) or 1
    max_choices = check.count(item, "max_choices", what)
    if (min_choices > 1 or max_choices) and kind != MULTIPLE:
        check.add(item, f"{what}: 'min_choices'/'max_choices' are for multiple-choice questions")
    if max_choices and (max_choices < min_choices or max_choices > len(options)):
        check.add(item, f"{what}: 'max_choices' must be between min_choices and the number of options", "max_choices")
    max_length = check.count(item, "max_length", what) or DEFAULT_TEXT_LENGTH
    return Question(
        id=qid, kind=kind, text=text, required=required, options=options, branches=tuple(branches),
        next=check.text(item, "next", what) or None, tag_rules=tuple(tag_rules), profile=profile,
        min_choices=min_choices, max_choices=max_choices, max_length=max_length,
        low_label=check.text(item, "low_label", what), high_label=check.text(item, "high_label", what),
    )


def _options(item: dict, kind: str, what: str, check: _Checker) -> tuple[Option, ...]:
    raw = item.get("options")
    if kind not in (SINGLE, MULTIPLE):
        if raw is not None:
            check.add(item, f"{what}: only single and multiple choice questions have 'options'", "options")
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        check.add(item, f"{what}: 'options' must list at least two choices", "options" if "options" in item else None)
        return ()
    options, values, labels = [], set(), set()
    for number, entry in enumerate(raw, start=1):
        where = f"{what} option {number}"
        if isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
            entry = _Mapping(label=str(entry))
            entry.line, entry.key_lines = item.item_lines["options"][number - 1], {}
        if not isinstance(entry, dict):
            check.add(item, f"{where}: expected a text or a mapping (value, label, tags, profile, quota)", "options")
            continue
        check.known_keys(entry, OPTION_KEYS, where)
        label = check.text(entry, "label", where, required=True)
        value = check.text(entry, "value", where, default=label)
        if value in values:
            check.add(entry, f"{where}: duplicate option value '{value}'", "value" if "value" in entry else "label")
        if label in labels and label != value:
            check.add(entry, f"{where}: duplicate option label '{label}'", "label")
        values.add(value)
        labels.add(label)
        options.append(Option(value, label, check.tag_names(entry, "tags", where), check.profile_values(entry, where),
                              check.count(entry, "quota", where)))
    return tuple(options)


def _rules(item: dict, key: str, what: str, check: _Checker) -> list[dict]:
    raw = item.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        check.add(item, f"{what}: '{key}' must be a list of {{if: ..., {'goto' if key == 'branch' else 'tag'}: ...}}", key)
        return []
    return raw


def _check_flow(definition: SurveyDefinition, data: dict, check: _Checker) -> None:
    """Targets exist and lie ahead (so every path ends), and every question can be reached."""
    order = {q.id: i for i, q in enumerate(definition.questions)}
    lines = {str(q.get("id")): q for q in data["questions"] if isinstance(q, dict)}  # incl. questions refused above
    reachable = {definition.questions[0].id}
    for i, question in enumerate(definition.questions):
        targets = [b.goto for b in question.branches]
        if question.next:
            targets.append(question.next)
        for target in targets:
            if target in lines and target not in order:
                continue  # a question with problems of its own, reported already
            if target != END and target not in order:
                check.add(lines[question.id], f"question '{question.id}': branches to '{target}', which is no question (ids: {', '.join(order)}, or {END})")
            elif target != END and order[target] <= i:
                check.add(lines[question.id], f"question '{question.id}': jumps back to '{target}'; jumps must go forward so every path ends")
        if question.id not in reachable:
            continue
        if question.next is None and i + 1 < len(definition.questions):
            reachable.add(definition.questions[i + 1].id)
        reachable.update(t for t in targets if t in order)
    for question in definition.questions:
        if question.id not in reachable:
            check.add(lines[question.id], f"question '{question.id}': unreachable (no path from the first question leads here)")


def _plain(value: Any) -> Any:
    """The YAML document as plain dicts and lists (for storing as JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
