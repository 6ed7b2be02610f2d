"""The company's domain synonyms (交期 = 发货时间), stored with the FAQ settings and edited in
the console; the index is rebuilt with them on the next question."""
from __future__ import annotations

from typing import Any

from faq import parse_synonyms, synonyms_text
from models import FaqSettings


class SynonymsError(ValueError):
    """A dictionary that cannot be saved; nothing was changed."""


async def synonyms_json() -> dict[str, Any]:
    row = await FaqSettings.get_or_none(id=1)
    groups = list(row.synonyms) if row is not None else []
    return {"groups": groups, "text": synonyms_text(groups)}


def groups_from(body: Any) -> list[list[str]]:
    """Groups from ``{"text": "发货时间 = 交期"}`` or ``{"groups": [["发货时间", "交期"]]}``."""
    if isinstance(body.get("groups"), list):
        if not all(isinstance(g, list) and all(isinstance(w, str) for w in g) for g in body["groups"]):
            raise SynonymsError("groups must be lists of words")
        text = synonyms_text(body["groups"])
    else:
        text = str(body.get("text", ""))
    groups, problems = parse_synonyms(text)
    if problems:
        raise SynonymsError("; ".join(problems))
    return groups


async def save_synonyms(groups: list[list[str]], by: str) -> dict[str, Any]:
    row = await FaqSettings.get_or_none(id=1)
    if row is None:
        await FaqSettings.create(id=1, synonyms=groups, updated_by=by[:64])
    else:
        row.synonyms, row.updated_by = groups, by[:64]
        await row.save(update_fields=["synonyms", "updated_by", "updated_at"])
    return await synonyms_json()
