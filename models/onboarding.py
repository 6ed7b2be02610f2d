"""Onboarding: channels and their settings, the touches that bring contacts in, corp tags,
customer groups and their join ways and memberships, and PIPL consent."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Channel(Model):
    """A touchpoint whose QR code brings contacts in. Its code is the contact way's state."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=30, unique=True)
    name = fields.CharField(max_length=128)
    kind = fields.CharField(max_length=32, default="other")
    cost = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    welcome_template = fields.TextField(default="")
    config_id = fields.CharField(max_length=64, default="")
    qr_url = fields.CharField(max_length=512, default="")
    archived = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "channel"


class ChannelSettings(Model):
    """How a channel receives contacts: platform, receiving staff with daily caps and a backup,
    tags to apply, dates, welcome attachments, group keyword and the referrer of a referral code."""

    id = fields.IntField(primary_key=True)
    channel = fields.OneToOneField("models.Channel", related_name="settings", on_delete=fields.CASCADE)
    platform = fields.CharField(max_length=16, default="wecom")  # wecom | wechat
    staff = fields.JSONField(default=list)  # [{"userid": "zhangsan", "daily_cap": 50}]
    backup_userid = fields.CharField(max_length=64, default="")
    tags = fields.JSONField(default=list)  # corp tag names
    groups = fields.JSONField(default=list)  # customer group chat ids
    group_keyword = fields.CharField(max_length=32, default="")
    attachments = fields.JSONField(default=list)  # welcome attachments as WeCom sends them
    welcome_fallback = fields.BooleanField(default=False)  # message the contact when no WelcomeCode came
    start_date = fields.DateField(null=True)
    end_date = fields.DateField(null=True)
    wechat_ticket = fields.CharField(max_length=256, default="")
    referrer = fields.ForeignKeyField("models.Lead", null=True, related_name="referral_channels", on_delete=fields.SET_NULL)

    class Meta:
        table = "channel_settings"


class ChannelTouch(Model):
    """One add or scan through a channel (or through an unknown state), with the receiving
    staff member and what became of the welcome message."""

    id = fields.BigIntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="touches", on_delete=fields.CASCADE)
    channel = fields.ForeignKeyField("models.Channel", null=True, related_name="touches", on_delete=fields.SET_NULL)
    state = fields.CharField(max_length=64, default="")
    platform = fields.CharField(max_length=16, default="wecom")
    staff_userid = fields.CharField(max_length=64, default="", db_index=True)
    first_touch = fields.BooleanField(default=False)  # the lead's first touch
    welcome_code = fields.CharField(max_length=128, null=True, unique=True)
    welcome = fields.CharField(max_length=16, default="")  # sent | already_sent | refused | fallback | none
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "channel_touch"


class CorpTagRecord(Model):
    """A WeCom corp tag Siyu knows: its id, name and group, kept in step with tag callbacks."""

    id = fields.IntField(primary_key=True)
    tag_id = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64, db_index=True)
    group_id = fields.CharField(max_length=64, default="")
    group_name = fields.CharField(max_length=64, default="")
    deleted = fields.BooleanField(default=False)

    class Meta:
        table = "corp_tag"


class CustomerGroup(Model):
    """An external customer group (客户群)."""

    id = fields.IntField(primary_key=True)
    chat_id = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=128, default="")
    owner_userid = fields.CharField(max_length=64, default="")
    member_count = fields.IntField(default=0)
    dismissed = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "customer_group"


class GroupJoinWay(Model):
    """A group live code: a join way over up to five customer groups, for one channel."""

    id = fields.IntField(primary_key=True)
    channel = fields.ForeignKeyField("models.Channel", related_name="join_ways", on_delete=fields.CASCADE)
    config_id = fields.CharField(max_length=64, unique=True)
    qr_code = fields.CharField(max_length=512, default="")
    chat_ids = fields.JSONField(default=list)
    state = fields.CharField(max_length=30, default="")
    template_id = fields.CharField(max_length=64, default="")  # group welcome material

    class Meta:
        table = "group_join_way"


class GroupMembership(Model):
    """A customer in a customer group: when they joined (scene, state) and left."""

    id = fields.BigIntField(primary_key=True)
    chat_id = fields.CharField(max_length=64, db_index=True)
    external_userid = fields.CharField(max_length=128)
    lead = fields.ForeignKeyField("models.Lead", null=True, related_name="group_memberships", on_delete=fields.SET_NULL)
    channel = fields.ForeignKeyField("models.Channel", null=True, related_name="group_members", on_delete=fields.SET_NULL)
    join_scene = fields.IntField(null=True)
    state = fields.CharField(max_length=30, default="")
    joined_at = fields.DatetimeField()
    left_at = fields.DatetimeField(null=True)

    class Meta:
        table = "group_membership"
        unique_together = (("chat_id", "external_userid"),)


class ConsentRecord(Model):
    """A consent action of a lead: agree, unsubscribe or erase, with the policy version."""

    id = fields.BigIntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="consents", on_delete=fields.CASCADE)
    action = fields.CharField(max_length=16)
    policy_version = fields.CharField(max_length=32, default="")
    source = fields.CharField(max_length=32, default="")  # keyword, console, ...
    at = fields.DatetimeField()

    class Meta:
        table = "consent_record"
