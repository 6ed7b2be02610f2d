"""The keyword FAQ in the shape of WeCom's built-in customer-group auto-reply (客户联系 →
聊天工具 → 自动回复, configured by hand in the admin console): a rule has a name, keywords
that match fully (全匹配) or partly (半匹配), and up to 5 reply items (text here). Regex
rules cannot be expressed there and are left out. Pure."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from typing import Iterable, Mapping

from faq import FaqEntry
from handlers.faq.hours import BusinessHours
from handlers.faq.texts import answer_context, render_answer

FULL, PARTIAL = "full", "partial"
MATCH_LABELS = {FULL: "全匹配", PARTIAL: "半匹配"}
MAX_NAME_CHARS = 30


def rule_keywords(entry: FaqEntry) -> list[dict[str, str]]:
    """Exact rules match fully; contains rules and soft keywords match partly."""
    words: dict[str, str] = {}
    for rule in sorted(entry.rules, key=lambda r: -r.priority):
        if rule.kind == "exact":
            words.setdefault(rule.pattern, FULL)
        elif rule.kind == "contains":
            words.setdefault(rule.pattern, PARTIAL)
    for keyword in entry.keywords:
        words.setdefault(keyword, PARTIAL)
    return [{"word": word, "match": match} for word, match in words.items()]


def auto_reply_rules(entries: Iterable[FaqEntry], context: Mapping | None = None) -> list[dict]:
    """One rule per active entry allowed in groups that has keywords, answers rendered
    without a customer (no name)."""
    if context is None:
        context = answer_context(lead=None, hours=BusinessHours(), now=datetime.now(timezone.utc))
    rules = []
    for entry in entries:
        if not entry.allows("group"):
            continue
        keywords = rule_keywords(entry)
        if keywords:
            rules.append({
                "name": entry.question[:MAX_NAME_CHARS],
                "faq_id": entry.id,
                "keywords": keywords,
                "replies": [{"type": "text", "content": render_answer(entry.answer, context)}],
            })
    return rules


def rules_json(rules: list[dict]) -> str:
    return json.dumps({"rules": rules}, ensure_ascii=False, indent=2) + "\n"


def rules_csv(rules: list[dict]) -> str:
    """规则名称, 关键词 (comma-separated), 匹配方式 per keyword, 回复内容: one row per rule."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["规则名称", "关键词", "匹配方式", "回复内容", "faq_id"])
    for rule in rules:
        writer.writerow([
            rule["name"],
            ",".join(k["word"] for k in rule["keywords"]),
            ",".join(MATCH_LABELS[k["match"]] for k in rule["keywords"]),
            rule["replies"][0]["content"],
            rule["faq_id"],
        ])
    return out.getvalue()
