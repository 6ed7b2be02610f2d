"""Corp tags: the channel's tags are applied with ``mark_tag``; tags that do not exist yet are
created with ``add_corp_tag`` (ids cached in CorpTagRecord and in memory); ``change_external_tag``
callbacks keep the cache in step.

Doc facts (document/path/92117, 92118, 92130): add_corp_tag takes group_id or group_name (a new
group is created for an unknown name), tag names at most 30 characters; mark_tag needs the
member's userid and the external_userid; change_external_tag ChangeType create/update/delete/
shuffle, TagType tag or tag_group, Id the tag or group id.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Iterable

from bot.dispatcher import Router
from bot.events import ExternalTagChanged
from models import CorpTagRecord, LeadTag


log = logging.getLogger(__name__)
router = Router("onboarding.tags")
DEFAULT_GROUP = "渠道标签"


class TagBook:
    """Tag name → corp tag id, one per app. Creating missing tags is serialised, so a rush of
    contacts needing the same new tag creates it once."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        self._ids.clear()

    async def ids(self, wecom, names: Iterable[str], group_name: str = DEFAULT_GROUP) -> list[str]:
        names = list(dict.fromkeys(names))
        if any(n not in self._ids for n in names):
            async with self._lock:
                await self._load(wecom, [n for n in names if n not in self._ids], group_name)
        return [self._ids[n] for n in names]

    async def _load(self, wecom, names: list[str], group_name: str) -> None:
        if not names:
            return
        for row in await CorpTagRecord.filter(name__in=names, deleted=False):
            self._ids.setdefault(row.name, row.tag_id)
        missing = [n for n in names if n not in self._ids]
        if missing:
            await refresh_tags(wecom)
            for row in await CorpTagRecord.filter(name__in=missing, deleted=False):
                self._ids.setdefault(row.name, row.tag_id)
        missing = [n for n in names if n not in self._ids]
        if missing:
            answer = await wecom.add_corp_tag(missing, group_name=group_name)
            await _store_groups([answer.get("tag_group") or {}])
            for tag in (answer.get("tag_group") or {}).get("tag", []):
                self._ids[tag["name"]] = tag["id"]

    async def apply(self, wecom, userid: str, external_userid: str, names: Iterable[str]) -> list[str]:
        """Mark the contact with the tags named (creating missing ones); returns their ids."""
        ids = await self.ids(wecom, names)
        if ids:
            await wecom.mark_tag(userid, external_userid, add_tag=ids)
        return ids


async def tag_lead(lead_id: int, names: Iterable[str]) -> None:
    """Siyu's own copy of the lead's tags."""
    rows = [LeadTag(lead_id=lead_id, name=n) for n in dict.fromkeys(names)]
    if rows:
        await LeadTag.bulk_create(rows, ignore_conflicts=True)


async def _store_groups(groups: list[dict]) -> None:
    for group in groups:
        for tag in group.get("tag") or []:
            await CorpTagRecord.update_or_create(
                defaults={"name": tag["name"], "group_id": group.get("group_id", ""),
                          "group_name": group.get("group_name", ""), "deleted": False},
                tag_id=tag["id"],
            )


async def refresh_tags(wecom, tag_ids: list[str] | None = None, group_ids: list[str] | None = None) -> None:
    """Read corp tags from WeCom into the cache (all, or the ids given)."""
    answer = await wecom.get_corp_tag_list(tag_ids=tag_ids, group_ids=group_ids)
    await _store_groups(answer.get("tag_group") or [])


@router.on(ExternalTagChanged)
async def tag_changed(event: ExternalTagChanged, wecom, tag_book: TagBook) -> None:
    """Keep Siyu's tag list in step with WeCom's."""
    tag_book.forget()
    if event.change_type == "delete":
        field = "tag_id" if event.tag_type == "tag" else "group_id"
        await CorpTagRecord.filter(**{field: event.tag_id}).update(deleted=True)
        return
    if wecom is None:
        return
    if event.change_type == "shuffle" or not event.tag_id:
        await refresh_tags(wecom)
    elif event.tag_type == "tag_group":
        await refresh_tags(wecom, group_ids=[event.tag_id])
    else:
        await refresh_tags(wecom, tag_ids=[event.tag_id])
