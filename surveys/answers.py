"""Answers the way people type them in a chat: "9", "九", "9分", "打9分", "十分", option
numbers, option text or a near miss of it, "1 3" / "1、3" / "1,3" for several choices. An
answer that cannot be understood gets a short hint, never a dead end.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from surveys.definition import CONTACT, MULTIPLE, RATING, SCALES, SINGLE, TEXT, Question

SKIP_WORD = "跳过"
SKIP_WORDS = (SKIP_WORD, "略过", "不想说", "不想回答", "下一题", "skip", "pass")
CANCEL_WORDS = ("退出", "不答了", "不填了", "取消", "结束问卷", "退出问卷", "quit", "stop")
# Words other features answer in every chat (consent, unsubscribe, erasure): mid-survey they
# are an answer only when the waiting question accepts them (see handlers/surveys/chat.py).
OTHER_FEATURES_WORDS = ("同意", "我同意", "退订", "td", "删除我的信息")
FUZZY_CUTOFF = 60  # see _closeness
MAX_MESSAGE = 4000  # longer messages are not read as answers at all

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = r"[零〇一二两三四五六七八九十]{1,3}"
_SCORE = re.compile(
    rf"^(?:我)?(?:打|给|评|选|就)?(?:个)?(?P<n>-?\d{{1,3}}|{_CN_NUMBER}|满)\s*(?:分|星|颗星)?(?:吧|啦|了|呀|哈|的|分吧)?$"
)
_SEPARATORS = re.compile(r"[\s,，、;；/和及与+]+")
_TRAILING = re.compile(r"[。.!！~～?？]+$")
_PHONE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Parsed:
    """An accepted answer: ``value`` is an int (nps, rating), an option value, a list of option
    values, a text, or None (an optional question skipped)."""

    value: Any


@dataclass(frozen=True)
class Invalid:
    """Not an answer to the question; ``hint`` says what to reply instead."""

    hint: str


def normalise(text: str) -> str:
    """Full-width forms folded (ＮＦＫＣ), spaces trimmed, closing punctuation dropped."""
    return _TRAILING.sub("", unicodedata.normalize("NFKC", text).strip()).strip()


def is_cancel(text: str) -> bool:
    return normalise(text).casefold() in CANCEL_WORDS


def reserved_elsewhere(text: str) -> bool:
    """``text`` is one of OTHER_FEATURES_WORDS (as typed: case, width, closing punctuation)."""
    return normalise(text).casefold() in OTHER_FEATURES_WORDS


def chinese_number(text: str) -> int | None:
    """十 → 10, 九 → 9, 二十 → 20, 十一 → 11; None when not a Chinese number up to 99."""
    if text and all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    if "十" not in text or text.count("十") > 1:
        return None
    tens, _, ones = text.partition("十")
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def parse_number(text: str, maximum: int) -> int | None:
    """The number in a score-like reply ("9", "九", "9分", "打9分", "满分"), or None."""
    found = _SCORE.match(normalise(text).replace(" ", ""))
    if not found:
        return None
    n = found["n"]
    if n == "满":
        return maximum
    return int(n) if n.lstrip("-").isdigit() else chinese_number(n)


def parse_answer(question: Question, text: str) -> Parsed | Invalid:
    """Read ``text`` as an answer to ``question``."""
    if len(text) > MAX_MESSAGE and question.kind != TEXT:
        return Invalid(hint_for(question))
    cleaned = normalise(text)
    if cleaned.casefold() in SKIP_WORDS:
        return Parsed(None) if not question.required else Invalid("这道题需要回答哦。" + hint_for(question))
    if question.kind in SCALES:
        return _scale(question, cleaned)
    if question.kind == SINGLE:
        value = _option(question, cleaned)
        return Parsed(value) if value is not None else Invalid(hint_for(question))
    if question.kind == MULTIPLE:
        return _multiple(question, cleaned)
    if question.kind == CONTACT:
        return _contact(question, cleaned)
    return _text(question, text.strip())


def hint_for(question: Question) -> str:
    """What a valid reply to ``question`` looks like."""
    if question.kind in SCALES:
        low, high = SCALES[question.kind]
        return f"请回复 {low} 到 {high} 之间的一个数字，例如“{high - 1}”。"
    if question.kind == SINGLE:
        return f"请回复选项的序号（1–{len(question.options)}）或选项文字。"
    if question.kind == MULTIPLE:
        most = question.max_choices or len(question.options)
        return f"请回复选项序号，可选 {question.min_choices}–{most} 项，用空格或顿号隔开，例如“1 3”。"
    if question.kind == CONTACT:
        return {"phone": "请回复手机号（11 位）或座机号。", "email": "请回复邮箱地址，例如 name@example.com。"}.get(
            question.profile or "", "请直接回复文字。")
    return f"请直接回复文字（不超过 {question.max_length} 字）。"


def _scale(question: Question, cleaned: str) -> Parsed | Invalid:
    low, high = SCALES[question.kind]
    n = parse_number(cleaned, high)
    if n is None and question.kind == RATING and cleaned and set(cleaned) <= {"★", "⭐"}:
        n = len(cleaned)  # stars typed as stars
    if n is None:
        return Invalid(hint_for(question))
    if not low <= n <= high:
        return Invalid(f"分数只能在 {low} 到 {high} 之间。" + hint_for(question))
    return Parsed(n)


def _option(question: Question, cleaned: str) -> str | None:
    """One option by number, value, exact label, a label it contains, or a near miss."""
    options = question.options
    if cleaned.isdigit():
        number = int(cleaned)
        return options[number - 1].value if 1 <= number <= len(options) else None
    number = chinese_number(cleaned.removeprefix("第").removesuffix("个").removesuffix("项"))
    if number is not None and cleaned[:1] in "第" + "".join(_DIGITS) + "十":
        return options[number - 1].value if 1 <= number <= len(options) else None
    folded = cleaned.casefold()
    for option in options:
        if folded in (option.label.casefold(), option.value.casefold()):
            return option.value
    contained = [o for o in options if o.label.casefold() in folded]
    if len(contained) == 1:
        return contained[0].value
    if not folded or not any(c.isalnum() for c in folded):
        return None  # emoji or punctuation only
    labels = {o.value: o.label for o in options}
    best = process.extract(cleaned, labels, scorer=_closeness, processor=utils.default_process, limit=2)
    if not best or best[0][1] < FUZZY_CUTOFF:
        return None
    if len(best) > 1 and best[1][1] >= best[0][1] - 5:
        return None  # two options as close: ask rather than guess
    return best[0][2]


def _closeness(typed: str, label: str, **_: object) -> float:
    """How close a reply is to an option's text: the whole (one typo in three characters is
    still 67) or a part of it ("质量" for "产品质量"), parts a little less certain."""
    part = fuzz.partial_ratio(typed, label) - 20 if len(typed) >= 2 else 0.0
    return max(fuzz.ratio(typed, label), part)


def _multiple(question: Question, cleaned: str) -> Parsed | Invalid:
    whole = _option(question, cleaned)
    parts = [whole] if whole is not None else [_option(question, p) for p in _SEPARATORS.split(cleaned) if p]
    if not parts or None in parts:
        return Invalid(hint_for(question))
    chosen = list(dict.fromkeys(parts))
    most = question.max_choices or len(question.options)
    if not question.min_choices <= len(chosen) <= most:
        return Invalid(hint_for(question))
    order = [o.value for o in question.options]
    return Parsed(sorted(chosen, key=order.index))


def _contact(question: Question, cleaned: str) -> Parsed | Invalid:
    value = cleaned.replace(" ", "") if question.profile in ("phone", "email") else cleaned
    pattern = {"phone": _PHONE, "email": _EMAIL}.get(question.profile or "")
    if not value or len(value) > 128 or (pattern is not None and not pattern.match(value)):
        return Invalid(hint_for(question))
    return Parsed(value)


def _text(question: Question, text: str) -> Parsed | Invalid:
    if not text:
        return Invalid(hint_for(question))
    if len(text) > question.max_length:
        return Invalid(f"您的回答有 {len(text)} 字，超过了 {question.max_length} 字的上限，请精简后再发一次。")
    return Parsed(text)
