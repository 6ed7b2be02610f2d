"""Chinese-aware text normalisation shared by FAQ entries and customer queries.

Both sides go through the same steps, so matching compares like with like:
NFKC (full-width → half-width), traditional → simplified (OpenCC ``t2s``), casefold,
filler words and sentence particles removed, Chinese numerals → digits, and finally
everything that is not a letter or a digit (punctuation, emoji, spaces) dropped.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

MAX_QUERY_CHARS = 500

# Removed anywhere: greetings, politeness and "I want to ask" phrases. Longest first.
FILLER_PHRASES = (
    "我想请问一下", "我想咨询一下", "想咨询一下", "我想问一下", "想请问一下", "请问一下",
    "我想问问", "我想了解一下", "想了解一下", "我想问", "想问问", "想问一下", "问一下", "请问",
    "想问", "咨询一下", "打扰一下", "麻烦问下", "麻烦问一下", "麻烦你", "麻烦您", "麻烦",
    "你好", "您好", "在吗", "在不在", "谢谢", "多谢", "哈喽", "嗨", "亲亲", "亲",
    "老板", "客服", "一下",
)
# Colloquial and A-not-A question forms → one plain form (能不能发 ≈ 能发吗 → 能发).
QUESTION_FORMS = (
    ("能不能", "能"), ("可不可以", "可以"), ("可以不可以", "可以"), ("有没有", "有"), ("是不是", "是"),
    ("会不会", "会"), ("要不要", "要"), ("行不行", "行"), ("包不包", "包"), ("收不收", "收"),
    ("啥时候", "什么时候"), ("啥", "什么"), ("咋样", "怎么样"), ("咋", "怎么"), ("多长时间", "多久"),
    ("木有", "没有"), ("没得", "没有"),
)
# Whole messages that acknowledge rather than ask; they normalise to nothing.
ACKNOWLEDGEMENTS = frozenset({
    "好", "好的", "好滴", "好吧", "行", "可以", "收到", "ok", "okay", "嗯", "嗯嗯", "哦", "哦哦", "噢",
    "明白", "明白了", "知道了", "了解", "了解了", "谢谢", "多谢", "感谢", "谢谢你", "thanks", "thx", "拜拜", "再见",
})
# Removed only where a clause ends (before punctuation, a space or the end of the text).
SENTENCE_PARTICLES = "呢吗嘛啊呀吧哈哦噢嗯啦哇咧"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_PARTICLE_AT_END = re.compile(rf"[{SENTENCE_PARTICLES}]+(?=[\s\W]|$)")
_SPACES = re.compile(r"\s+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``)."""
    return _t2s().convert(text)


def fold(text: str) -> str:
    """Width, script and case folded; spaces collapsed. Keeps punctuation."""
    text = text.encode("utf-8", "ignore").decode("utf-8")  # lone surrogates cannot be converted
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).casefold()
    return _SPACES.sub(" ", text).strip()


def _section_value(run: str) -> int:
    """Value of a numeral run below 10,000 (``三百零五`` → 305, ``十五`` → 15)."""
    total, digit = 0, None
    for char in run:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
    return total + (digit or 0)


def numeral_value(run: str) -> int | None:
    """Integer value of a run of Chinese numerals, or None when it is not a number."""
    if not run or run[0] not in _DIGITS and run[0] != "十":
        return None
    if all(char in _DIGITS for char in run):
        return int("".join(str(_DIGITS[char]) for char in run))
    high, _, low = run.partition("万")
    if "万" in low or not high:
        return None
    value = _section_value(high)
    return value * 10_000 + _section_value(low) if "万" in run else value


def numerals_to_digits(text: str) -> str:
    """Chinese numerals → Arabic digits: ``三天`` → ``3天``, ``十五`` → ``15``."""

    def replace(match: re.Match[str]) -> str:
        value = numeral_value(match.group())
        return match.group() if value is None else str(value)

    return _NUMERAL_RUN.sub(replace, text)


def strip_fillers(text: str, phrases: tuple[str, ...] = FILLER_PHRASES) -> str:
    """Drop filler phrases anywhere and sentence particles at clause ends; plain question forms."""
    for phrase in phrases:
        text = text.replace(phrase, " ")
    for colloquial, plain in QUESTION_FORMS:
        text = text.replace(colloquial, plain)
    return _PARTICLE_AT_END.sub(" ", text)


def keep_letters_and_digits(text: str) -> str:
    """Drop punctuation, symbols (emoji included) and spaces."""
    return "".join(char for char in text if unicodedata.category(char)[0] in "LN")


def normalise(text: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The matching form of ``text``; empty for emoji-only, filler-only or a bare
    acknowledgement like ``好的``/``收到``."""
    text = fold(text[: max_chars * 2])[:max_chars]
    if keep_letters_and_digits(text) in ACKNOWLEDGEMENTS:
        return ""
    text = strip_fillers(text)
    text = numerals_to_digits(text)
    return keep_letters_and_digits(text)


def rule_form(text: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The form keyword rules see: like ``normalise`` but filler words are kept, so a rule
    may target a greeting such as ``你好``."""
    text = fold(text[: max_chars * 2])[:max_chars]
    return keep_letters_and_digits(numerals_to_digits(text))
