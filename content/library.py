"""The content library file (YAML) and its import: all or nothing, items matched by slug.

    items:
      - slug: pp-whitepaper
        kind: whitepaper            # article | whitepaper | case_study | video | event | miniprogram | link
        title: 高分子材料选型白皮书
        summary: 六大工况下的选材要点
        url: https://files.example.com/pp.pdf   # the file, video or external page
        gated: true                  # the file only after a short form (consent first, PIPL)
        tags: [化工, 选材]
        industry: 化工
        valid_until: 2027-06-30
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from tortoise.transactions import in_transaction

from models import ContentItem

KINDS = ("article", "whitepaper", "case_study", "video", "event", "miniprogram", "link")
KIND_LABELS = {"article": "文章", "whitepaper": "白皮书", "case_study": "客户案例", "video": "视频",
               "event": "活动邀请", "miniprogram": "小程序", "link": "外部链接"}
FIELDS = ("slug", "kind", "title", "summary", "cover", "body", "url", "miniprogram", "gated", "tags", "industry",
          "product_line", "owner", "valid_from", "valid_until")
NEEDS = {"article": "body", "case_study": "body", "event": "body", "whitepaper": "url", "video": "url", "link": "url",
         "miniprogram": "miniprogram"}
MAX_FILE_BYTES = 2 * 1024 * 1024
CHINA = ZoneInfo("Asia/Shanghai")
SLUG_MAX, TITLE_MAX, SUMMARY_MAX = 64, 128, 512


class ContentFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def parse_library(source: str) -> list[dict[str, Any]]:
    """The items of a library file, validated; ContentFileError lists every problem."""
    if len(source.encode()) > MAX_FILE_BYTES:
        raise ContentFileError([f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"])
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise ContentFileError([f"not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list) or not raw["items"]:
        raise ContentFileError(["a content file is a mapping with a non-empty list `items`"])
    problems: list[str] = []
    assert root is not None  # raw is a mapping, so the document has a root
    nodes = next(v for k, v in root.value if k.value == "items").value
    items, slugs = [], set()
    for n, (item, node) in enumerate(zip(raw["items"], nodes)):
        where = f"items[{n}]"
        if not isinstance(item, dict):
            problems.append(f"line {node.start_mark.line + 1}: {where} is not a mapping")
            continue
        for key_node, _ in node.value:
            if key_node.value not in FIELDS:
                problems.append(f"line {key_node.start_mark.line + 1}: unknown key `{where}.{key_node.value}`; "
                                f"known keys: {', '.join(FIELDS)}")
        items.append(_item(item, where, problems))
        if item.get("slug") in slugs:
            problems.append(f"{where}.slug: {item['slug']!r} appears twice")
        slugs.add(item.get("slug"))
    if problems:
        raise ContentFileError(problems)
    return items


def _item(item: dict, where: str, problems: list[str]) -> dict[str, Any]:
    slug, kind, title = item.get("slug"), item.get("kind"), item.get("title")
    if not isinstance(slug, str) or not slug or len(slug) > SLUG_MAX or not slug.replace("-", "").replace("_", "").isalnum():
        problems.append(f"{where}.slug: letters, digits, - and _, at most {SLUG_MAX}")
    if kind not in KINDS:
        problems.append(f"{where}.kind: one of {', '.join(KINDS)}")
    if not isinstance(title, str) or not title.strip() or len(title) > TITLE_MAX:
        problems.append(f"{where}.title: required, at most {TITLE_MAX} characters")
    if len(str(item.get("summary") or "")) > SUMMARY_MAX:
        problems.append(f"{where}.summary: at most {SUMMARY_MAX} characters")
    need = NEEDS.get(str(kind))
    if need and not item.get(need):
        problems.append(f"{where}.{need}: a {kind} needs it")
    if kind == "miniprogram" and item.get("miniprogram") and not (
            isinstance(item["miniprogram"], dict) and item["miniprogram"].get("appid") and item["miniprogram"].get("page")):
        problems.append(f"{where}.miniprogram: {{appid, page}}")
    url = item.get("url") or ""
    if url and not str(url).startswith(("https://", "http://")):
        problems.append(f"{where}.url: an http(s) address")
    if not isinstance(item.get("gated", False), bool):
        problems.append(f"{where}.gated: true or false")
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(f"{where}.tags: a list of names")
    values = {k: item[k] for k in FIELDS if k in item and item[k] is not None}
    for key in ("valid_from", "valid_until"):
        if key in values:
            values[key] = _moment(values[key], f"{where}.{key}", problems)
    return values


def _moment(value: Any, where: str, problems: list[str]) -> datetime | None:
    """A date (the start of that day) or a time, in China time unless it names a zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            problems.append(f"{where}: a date like 2027-06-30 or a time like 2027-06-30T18:00")
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


async def import_library(items: list[dict[str, Any]]) -> ImportResult:
    """Create or update every item by slug, in one transaction."""
    created = updated = 0
    async with in_transaction():
        for values in items:
            existing = await ContentItem.get_or_none(slug=values["slug"])
            if existing is None:
                await ContentItem.create(**values)
                created += 1
            else:
                await existing.update_from_dict(values).save()
                updated += 1
    return ImportResult(created, updated)
