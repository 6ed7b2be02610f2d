"""Customer groups: a channel's group live code (a join way over up to five groups, the next
taking over when one is full, optionally creating new rooms), join/leave events, membership and
group names kept current, the group welcome material, and the “加群” keyword.

Doc facts (document/path/92229 「加入群聊」): chat_id_list at most 5; state at most 30 characters
and carried by add_member as State; auto_create_room 1 creates a new group when all are full,
room_base_name at most 40 characters. change_external_chat update (document/path/92130):
UpdateDetail add_member (JoinScene 0 direct invite, 1 link, 3 QR code) / del_member (QuitScene 0
left, 1 removed), MemChangeList. Group welcome material: group_welcome_template/add
(document/path/92366), at most 100 per corp.
"""
from __future__ import annotations

import logging

from tortoise.exceptions import IntegrityError

from bot.api.errors import ApiError
from bot.dispatcher import Router, customers_only
from bot.events import (
    ExternalChatCreated, ExternalChatDismissed, ExternalChatUpdated, Identity, IdentityKind, Platform, TextMessage,
)
from leads.identity import resolve_lead
from models import Channel, ChannelSettings, CustomerGroup, GroupJoinWay, GroupMembership, Lead, LeadTag

from .channels import ChannelSpec

log = logging.getLogger(__name__)
router = Router("onboarding.groups")
GROUP_KEYWORD = "加群"
ROOM_BASE_NAME_MAX = 40
EXTERNAL_MEMBER = 2  # groupchat/get member type: 1 staff, 2 external contact
GROUP_WELCOME = "欢迎加入{group}！产品、交期、价格等问题可以随时问我们的客服，即时答复。"


class GroupService:
    """Creates and updates a channel's join way and its group welcome material."""

    def __init__(self, wecom) -> None:
        self.wecom = wecom

    async def ensure_join_way(self, channel: Channel, spec: ChannelSpec) -> GroupJoinWay:
        chats = list(spec.groups)
        auto = 1 if spec.extra.get("auto_create_room") else None
        base = (spec.extra.get("room_base_name") or channel.name)[:ROOM_BASE_NAME_MAX] if auto else None
        way = await GroupJoinWay.filter(channel=channel).first()
        fields = dict(scene=2, chat_id_list=chats, state=channel.code, remark=channel.name[:30],
                      auto_create_room=auto, room_base_name=base, room_base_id=1 if auto else None)
        if way is None:
            answer = await self.wecom.add_join_way(**fields)
            detail = await self.wecom.get_join_way(answer["config_id"])
            template = await self.wecom.group_welcome_template_add(text=GROUP_WELCOME.format(group=channel.name))
            way = await GroupJoinWay.create(channel=channel, config_id=answer["config_id"], chat_ids=chats,
                                            qr_code=(detail.get("join_way") or {}).get("qr_code", ""),
                                            state=channel.code, template_id=template.get("template_id", ""))
        elif way.chat_ids != chats:
            await self.wecom.update_join_way(way.config_id, **fields)
            way.chat_ids = chats
            await way.save(update_fields=["chat_ids"])
        for chat_id in chats:
            await CustomerGroup.get_or_create(chat_id=chat_id)
        return way


async def refresh_group(wecom, chat_id: str) -> dict | None:
    """Read the group (name, owner, members) into CustomerGroup; returns its members."""
    group, _ = await CustomerGroup.get_or_create(chat_id=chat_id)
    if wecom is None:
        return None
    try:
        detail = (await wecom.groupchat_get(chat_id)).get("group_chat") or {}
    except ApiError as exc:
        log.warning("group %s not read: %s", chat_id, exc)
        return None
    members = detail.get("member_list") or []
    group.name, group.owner_userid = detail.get("name", group.name), detail.get("owner", group.owner_userid)
    group.member_count = len(members)
    await group.save()
    return {m["userid"]: m for m in members}


def _is_customer(userid: str, members: dict | None) -> bool:
    if members is not None and userid in members:
        return members[userid].get("type") == EXTERNAL_MEMBER
    return userid.startswith(("wm", "wo"))  # external_userid prefixes


async def _joined(event: ExternalChatUpdated, userid: str, clock, behaviour) -> None:
    lead = await resolve_lead(Identity(IdentityKind.EXTERNAL_USERID, userid))
    channel = await Channel.get_or_none(code=event.state) if event.state else None
    channel_id = channel.id if channel else lead.last_channel_id
    defaults = {"lead_id": lead.id, "channel_id": channel_id, "join_scene": event.join_scene,
                "state": event.state, "joined_at": clock.now(), "left_at": None}
    try:
        await GroupMembership.update_or_create(defaults=defaults, chat_id=event.chat_id, external_userid=userid)
    except IntegrityError:
        await GroupMembership.filter(chat_id=event.chat_id, external_userid=userid).update(**defaults)
    await behaviour.record_behaviour(lead=lead, kind="group.joined", direction="inbound", platform="wecom",
                                     actor=userid, payload={"chat_id": event.chat_id, "state": event.state,
                                                            "join_scene": event.join_scene})


async def _left(event: ExternalChatUpdated, userid: str, clock, behaviour) -> None:
    lead = await resolve_lead(Identity(IdentityKind.EXTERNAL_USERID, userid))
    await GroupMembership.filter(chat_id=event.chat_id, external_userid=userid).update(left_at=clock.now())
    await behaviour.record_behaviour(lead=lead, kind="group.left", direction="inbound", platform="wecom",
                                     actor=userid, payload={"chat_id": event.chat_id, "quit_scene": event.quit_scene})


@router.on(ExternalChatUpdated)
async def group_updated(event: ExternalChatUpdated, wecom, clock, behaviour) -> None:
    members = await refresh_group(wecom, event.chat_id)
    if event.update_detail == "add_member":
        for userid in event.mem_change_list:
            if _is_customer(userid, members):
                await _joined(event, userid, clock, behaviour)
    elif event.update_detail == "del_member":
        for userid in event.mem_change_list:
            if userid.startswith(("wm", "wo")) or not await _staff_member(userid):
                await _left(event, userid, clock, behaviour)


async def _staff_member(userid: str) -> bool:
    from models import WeComMember

    return await WeComMember.filter(userid=userid).exists()


@router.on(ExternalChatCreated)
async def group_created(event: ExternalChatCreated, wecom) -> None:
    await refresh_group(wecom, event.chat_id)


@router.on(ExternalChatDismissed)
async def group_dismissed(event: ExternalChatDismissed) -> None:
    await CustomerGroup.filter(chat_id=event.chat_id).update(dismissed=True)


# --- the “加群” keyword ---------------------------------------------------------------------


async def join_way_for(lead: Lead, keyword: str) -> GroupJoinWay | None:
    """The group for this contact: the channel whose keyword this is, the lead's own channel,
    a channel sharing one of the lead's tags, then any channel with a group live code."""
    by_keyword = await ChannelSettings.filter(group_keyword=keyword).values_list("channel_id", flat=True)
    for channel_id in [*by_keyword, lead.last_channel_id, lead.first_channel_id]:
        if channel_id:
            way = await GroupJoinWay.filter(channel_id=channel_id, channel__archived=False).first()
            if way:
                return way
    tags = set(await LeadTag.filter(lead_id=lead.id).values_list("name", flat=True))
    if tags:
        for settings in await ChannelSettings.all():
            if settings.groups and tags & set(settings.tags):
                way = await GroupJoinWay.filter(channel_id=settings.channel_id, channel__archived=False).first()
                if way:
                    return way
    return await GroupJoinWay.filter(channel__archived=False).order_by("id").first()


KEYWORD_MAX = 32  # ChannelSettings.group_keyword's length


async def _is_group_keyword(event, data) -> bool:
    if not isinstance(event, TextMessage) or event.platform not in (Platform.WECOM_KF, Platform.WECHAT):
        return False
    word = event.content.strip()
    if word == GROUP_KEYWORD:
        return True
    if not word or len(word) > KEYWORD_MAX:  # a sentence is not a keyword (and would not fit the column)
        return False
    return await ChannelSettings.filter(group_keyword=word).exists()


@router.on(TextMessage, filters=[customers_only, _is_group_keyword])
async def group_keyword(event: TextMessage, lead: Lead, responder) -> None:
    way = await join_way_for(lead, event.content.strip())
    if way is None:
        await responder.text("暂时没有开放的客户群，我们的同事会尽快与您联系。")
        return
    await responder.text(f"欢迎加入我们的客户群！长按识别或打开二维码加入：{way.qr_code}")
