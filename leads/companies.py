"""Company names as people write them: "苏州某某材料有限公司", "某某材料(苏州)", "某某材料（苏州）有限公司"
all name one company. ``company_key`` splits a name into its core and its region; two names
match when their cores are close (rapidfuzz ratio) and their regions do not disagree."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

from rapidfuzz import fuzz

MATCH_THRESHOLD = 90.0

LEGAL_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "厂",
    "co., ltd.", "co.,ltd.", "co. ltd.", "co ltd", "co., ltd", "ltd.", "ltd", "inc.", "inc", "corporation", "corp.",
    "corp", "gmbh", "limited", "llc",
)
REGIONS = (
    "北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "苏州", "无锡", "常州", "南京", "杭州", "宁波", "温州", "嘉兴",
    "绍兴", "合肥", "厦门", "福州", "泉州", "青岛", "济南", "烟台", "郑州", "武汉", "长沙", "广州", "深圳", "东莞",
    "佛山", "珠海", "中山", "成都", "西安", "昆山", "大连", "沈阳", "哈尔滨", "长春", "石家庄", "太原", "南昌",
    "南宁", "贵阳", "昆明", "兰州", "徐州", "南通", "扬州", "台州", "金华", "惠州", "江门",
)
_REGION_TAIL = ("省", "市", "区", "县")
_BRACKETS = re.compile(r"[(\[【（]([^)\]】）]*)[)\]】）]")
_NOISE = re.compile(r"[\s\-_·.,，、&/]+")


@dataclass(frozen=True)
class CompanyKey:
    core: str
    region: str


def _region_of(text: str) -> str:
    for region in sorted(REGIONS, key=len, reverse=True):
        if text.startswith(region):
            return region
    return ""


def _strip_suffixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)].rstrip(" ,."), True
    return text


def _strip_region(text: str) -> tuple[str, str]:
    region = _region_of(text)
    if not region:
        return text, ""
    rest = text[len(region):]
    while rest[:1] in _REGION_TAIL and rest:
        rest = rest[1:]
    return (rest, region) if rest else (text, "")


def company_key(name: str) -> CompanyKey:
    """The core and region of a company name (case, width and legal form ignored)."""
    text = unicodedata.normalize("NFKC", name or "").casefold().strip()
    regions = [r.strip() for r in _BRACKETS.findall(text)]
    text = _strip_suffixes(_BRACKETS.sub("", text).strip())
    text, leading = _strip_region(text)
    region = leading or next((_region_of(r) or r.rstrip("".join(_REGION_TAIL)) for r in regions if r), "")
    return CompanyKey(_NOISE.sub("", _strip_suffixes(text)), region)


def normalise_company(name: str) -> str:
    """The searchable form of a company name: its core, without region or legal form."""
    return company_key(name).core


def company_similarity(a: str, b: str) -> float:
    """0-100: how likely two names are one company (0 when their regions disagree)."""
    ka, kb = company_key(a), company_key(b)
    if not ka.core or not kb.core:
        return 0.0
    if ka.region and kb.region and ka.region != kb.region:
        return 0.0
    return float(fuzz.ratio(ka.core, kb.core))


def best_company_match(name: str, candidates: Iterable[str], threshold: float = MATCH_THRESHOLD) -> str | None:
    """The candidate most likely to be the same company as ``name``, if any reaches ``threshold``."""
    best, score = None, threshold
    for candidate in candidates:
        s = company_similarity(name, candidate)
        if s >= score:
            best, score = candidate, s
    return best


def unique_names(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))
