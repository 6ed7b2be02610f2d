"""Segments: what a marketer writes becomes one SQL query that picks exactly the right leads,
on SQLite and PostgreSQL; filters that make no sense are refused with where they went wrong."""
from datetime import datetime, timedelta, timezone

import pytest

from handlers.pushes.audience import segment_count, segment_members
from leads.segments import All, Leaf, Not, SegmentError, members_query, parse
from models import (
    BehaviourEvent, Channel, ChannelTouch, ContentItem, GroupMembership, Lead, LeadAttributes, LeadProfile, LeadTag,
    TrackedLink,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


def test_a_filter_is_parsed_into_a_tree():
    tree = parse({"all": [{"tag": ["化工", "汽车"]}, {"not": {"stage": "customer"}}, {"consented": True}]})
    assert tree == All((Leaf("tag", ("化工", "汽车")), Not(Leaf("stage", ("customer",))), Leaf("consented", (True,))))


@pytest.mark.parametrize("raw, message", [
    ({"colour": "red"}, "segment.colour: unknown filter"),
    ({"all": []}, "segment.all: needs a non-empty list"),
    ({"tag": "化工", "stage": "mql"}, "exactly one key"),
    ({"any": [{"stage": "hot"}]}, "segment.any[0].stage: stage is one of"),
    ({"active_within_days": 0}, "whole number of days"),
    ({"company_size": "huge"}, "company_size is one of"),
])
def test_a_filter_that_makes_no_sense_is_refused_saying_where(raw, message):
    with pytest.raises(SegmentError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse(raw)


def test_the_query_is_one_statement_with_numbered_parameters_for_postgresql():
    query = members_query(parse({"all": [{"tag": "化工"}, {"in_group": ["wrA", "wrB"]}]}), NOW)
    assert query.sql.count("SELECT") == 3 and query.params == ("化工", "wrA", "wrB")
    assert "$3" in query.for_dialect("postgres") and "?" not in query.for_dialect("postgres")


async def _lead(name, *, tags=(), consent=True, **attributes):
    lead = await Lead.create(name=name, consent_at=NOW - timedelta(days=30) if consent else None)
    for tag in tags:
        await LeadTag.create(lead=lead, name=tag)
    if attributes:
        await LeadAttributes.create(lead=lead, **attributes)
    return lead


async def test_segments_pick_exactly_their_leads_on_both_databases(db):
    expo = await Channel.create(code="expo-2026", name="上海化工展")
    web = await Channel.create(code="web", name="官网")
    wang = await _lead("王工", tags=["化工"], industry="化工", region="江苏", company_size="200-999", stage="mql")
    li = await _lead("李经理", tags=["汽车"], industry="汽车", region="上海", stage="lead")
    zhao = await _lead("赵总", tags=["化工"], consent=False)
    gone = await _lead("钱工", tags=["化工"])
    await LeadProfile.create(lead=gone, unsubscribed_at=NOW)
    merged = await _lead("孙工", tags=["化工"])
    merged.status = "merged"
    await merged.save()
    wang.first_channel = expo
    await wang.save()
    await ChannelTouch.create(lead=li, channel=web, at=NOW)
    await GroupMembership.create(chat_id="wrGroup001", external_userid="wmLi", lead=li, joined_at=NOW)
    await GroupMembership.create(chat_id="wrGroup001", external_userid="wmZhao", lead=zhao, joined_at=NOW,
                                 left_at=NOW)
    await BehaviourEvent.create(lead=wang, kind="message.text", direction="inbound", occurred_at=NOW - timedelta(days=2))
    await BehaviourEvent.create(lead=li, kind="message.text", direction="inbound", occurred_at=NOW - timedelta(days=40))
    paper = await ContentItem.create(slug="pp-whitepaper", kind="whitepaper", title="高分子材料选型白皮书")
    await TrackedLink.create(token="t1", item=paper, lead=wang, recipient="wmWang", created_at=NOW, first_opened_at=NOW)
    await TrackedLink.create(token="t2", item=paper, lead=li, recipient="wmLi", created_at=NOW)

    async def members(raw):
        return set(await segment_members(parse(raw), NOW))

    assert await members({"tag": "化工"}) == {wang.id, zhao.id, gone.id}
    assert await members({"all": [{"tag": "化工"}, {"consented": True}]}) == {wang.id}
    assert await members({"channel": "expo-2026"}) == {wang.id}
    assert await members({"channel": ["web", "expo-2026"]}) == {wang.id, li.id}
    assert await members({"stage": "mql"}) == {wang.id}
    assert await members({"all": [{"industry": "汽车"}, {"region": "上海"}]}) == {li.id}
    assert await members({"company_size": "200-999"}) == {wang.id}
    assert await members({"in_group": "wrGroup001"}) == {li.id}
    assert await members({"active_within_days": 30}) == {wang.id}
    assert await members({"opened": "pp-whitepaper"}) == {wang.id}
    assert await members({"all": [{"not_opened": "pp-whitepaper"}, {"consented": True}]}) == {li.id}
    assert await members({"any": [{"tag": "汽车"}, {"not": {"consented": True}}]}) == {li.id, zhao.id, gone.id}
    assert await segment_count(parse({"tag": "化工"}), NOW) == 3
