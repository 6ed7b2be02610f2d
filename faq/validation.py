"""Checks one FAQ entry record (a dict from YAML or JSON) and builds a FaqEntry from it.

Every problem is reported, not only the first, so an editor fixes a file in one pass.
Regex rules are compiled and rejected when they are too long or could backtrack
catastrophically (a quantified group that itself contains a quantifier, like ``(a+)+``).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from re import _parser as sre_parse  # the stdlib regex parser, used to inspect rule structure
from typing import Any

from content.rendering import TemplateProblem, compile_template, template_problem
from faq.entries import RULE_KINDS, SCOPES, FaqEntry, KeywordRule
from faq.normalise import rule_form

MAX_ID_CHARS = 64
MAX_TEXT_CHARS = 500
MAX_RULE_CHARS = 200
MAX_ANSWER_CHARS = 4000
REQUIRED_FIELDS = ("id", "question", "answer")
OPTIONAL_FIELDS = ("category", "variants", "keywords", "rules", "scope", "active")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")
# What an answer template is test-rendered with when it is saved (the values the FAQ gives it).
ANSWER_SAMPLE = {
    "customer_name": "李工", "company": "华材新材料", "business_hours": "周一至周五 09:00–18:00", "is_open": True,
    "next_open": "明天 09:00", "holidays": ["10月01日（国庆节）"], "now": datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc),
}
_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None))


def _has_repeat(items: Any) -> bool:
    """Whether a parsed pattern (or sub-tree) contains a variable-length quantifier."""
    for op, arg in items:
        if op in _REPEATS:
            low, high, sub = arg
            if high != low or _has_repeat(sub):
                return True
        elif op is sre_parse.SUBPATTERN and _has_repeat(arg[-1]):
            return True
        elif op is sre_parse.BRANCH and any(_has_repeat(branch) for branch in arg[1]):
            return True
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT) and _has_repeat(arg[1]):
            return True
    return False


def _has_nested_quantifier(items: Any) -> bool:
    """Whether an unbounded-ish quantifier wraps another quantifier: ``(a+)+``, ``(a*b?)*``."""
    for op, arg in items:
        if op in _REPEATS:
            low, high, sub = arg
            if high > 1 and _has_repeat(sub) or _has_nested_quantifier(sub):
                return True
        elif op is sre_parse.SUBPATTERN and _has_nested_quantifier(arg[-1]):
            return True
        elif op is sre_parse.BRANCH and any(_has_nested_quantifier(b) for b in arg[1]):
            return True
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT) and _has_nested_quantifier(arg[1]):
            return True
    return False


def regex_problem(pattern: str) -> str | None:
    """Why a regex rule is refused, or None when it is safe to run on every query."""
    if len(pattern) > MAX_RULE_CHARS:
        return f"is longer than {MAX_RULE_CHARS} characters"
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    if _has_nested_quantifier(list(parsed)):
        return "nests quantifiers (like (a+)+), which can backtrack catastrophically"
    return None


def _text(record: dict, name: str, problems: list[str], limit: int = MAX_TEXT_CHARS) -> str:
    value = record.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"'{name}' must be a non-empty string")
        return ""
    if len(value) > limit:
        problems.append(f"'{name}' is longer than {limit} characters")
    return value.strip()


def _strings(record: dict, name: str, problems: list[str]) -> tuple[str, ...]:
    value = record.get(name, [])
    if not isinstance(value, list):
        problems.append(f"'{name}' must be a list of strings")
        return ()
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.append(f"'{name}[{index}]' must be a non-empty string (got {item!r}; quote it)")
        elif len(item) > MAX_TEXT_CHARS:
            problems.append(f"'{name}[{index}]' is longer than {MAX_TEXT_CHARS} characters")
    return tuple(item.strip() for item in value if isinstance(item, str) and item.strip())


def _rule(raw: Any, where: str, problems: list[str]) -> KeywordRule | None:
    if not isinstance(raw, dict):
        problems.append(f"'{where}' must be a mapping with kind, pattern and priority")
        return None
    unknown = set(raw) - {"kind", "pattern", "priority"}
    kind, pattern, priority = raw.get("kind"), raw.get("pattern"), raw.get("priority", 0)
    before = len(problems)
    if unknown:
        problems.append(f"'{where}' has unknown fields: {', '.join(sorted(map(str, unknown)))}")
    if kind not in RULE_KINDS:
        problems.append(f"'{where}.kind' must be one of {', '.join(RULE_KINDS)}")
    if not isinstance(pattern, str) or not pattern.strip():
        problems.append(f"'{where}.pattern' must be a non-empty string")
    elif len(pattern) > MAX_RULE_CHARS:
        problems.append(f"'{where}.pattern' is longer than {MAX_RULE_CHARS} characters")
    elif kind == "regex" and (why := regex_problem(pattern)):
        problems.append(f"'{where}.pattern' {why}")
    elif kind in ("exact", "contains") and not rule_form(pattern):
        problems.append(f"'{where}.pattern' has no letters or digits to match")
    if not isinstance(priority, int) or isinstance(priority, bool):
        problems.append(f"'{where}.priority' must be an integer")
    return None if len(problems) > before else KeywordRule(kind, pattern.strip(), priority)


def _answer(record: dict, problems: list[str], test_render: bool) -> str:
    answer = _text(record, "answer", problems, MAX_ANSWER_CHARS)
    try:
        compile_template(answer, "lenient")
        why = template_problem(answer, ANSWER_SAMPLE, dialect="lenient") if test_render else None
    except TemplateProblem as exc:
        why = f"template {exc}"
    if why:
        problems.append(f"'answer' is not a valid template: {why}")
    return answer


def entry_from_record(record: Any, *, test_render: bool = True) -> tuple[FaqEntry | None, list[str]]:
    """A FaqEntry built from ``record``, or None with the list of problems found. The answer
    template is test-rendered on sample data (``test_render``: when an author saves it; an
    entry already stored is only parsed)."""
    if not isinstance(record, dict):
        return None, ["an entry must be a mapping (JSON object)"]
    problems: list[str] = []
    unknown = set(record) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        problems.append(f"unknown fields: {', '.join(sorted(map(str, unknown)))}")
    entry_id = _text(record, "id", problems, MAX_ID_CHARS)
    if entry_id and not _ID.match(entry_id):
        problems.append("'id' may hold only letters, digits, '_', '-' and '.'")
    category = record.get("category", "other")
    if not isinstance(category, str) or not _CATEGORY.match(category):
        problems.append("'category' must be a lower-case name like product or service_delivery")
    scope = record.get("scope", "both")
    if scope not in SCOPES:
        problems.append(f"'scope' must be one of {', '.join(SCOPES)}")
    active = record.get("active", True)
    if not isinstance(active, bool):
        problems.append("'active' must be true or false")
    raw_rules = record.get("rules", [])
    if not isinstance(raw_rules, list):
        problems.append("'rules' must be a list")
        raw_rules = []
    entry = FaqEntry(
        id=entry_id,
        question=_text(record, "question", problems),
        answer=_answer(record, problems, test_render),
        category=category if isinstance(category, str) else "other",
        variants=_strings(record, "variants", problems),
        keywords=_strings(record, "keywords", problems),
        rules=tuple(r for i, raw in enumerate(raw_rules) if (r := _rule(raw, f"rules[{i}]", problems))),
        scope=scope if scope in SCOPES else "both",
        active=active is True,
    )
    return (None, problems) if problems else (entry, [])


def entry_to_record(entry: FaqEntry) -> dict:
    """The import-file form of an entry (the inverse of ``entry_from_record``)."""
    record: dict[str, Any] = {
        "id": entry.id,
        "category": entry.category,
        "question": entry.question,
        "variants": list(entry.variants),
        "keywords": list(entry.keywords),
        "answer": entry.answer,
    }
    if entry.rules:
        record["rules"] = [
            {"kind": rule.kind, "pattern": rule.pattern, "priority": rule.priority} for rule in entry.rules
        ]
    record["scope"] = entry.scope
    record["active"] = entry.active
    return record
