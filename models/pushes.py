"""Push campaigns: saved segments, campaigns, the outbox of deliveries (one row per campaign,
recipient and rotation) and the WeCom mass-send tasks they became."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Segment(Model):
    """A saved filter over leads (the rules are a segment filter tree, see leads/segments.py)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    rules = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "push_segment"


class Campaign(Model):
    """A push campaign as its file described it, and where it stands.
    state: scheduled | running | paused | cancelled | finished."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128)
    state = fields.CharField(max_length=16, default="scheduled", db_index=True)
    chat_type = fields.CharField(max_length=8, default="single")  # single | group
    spec = fields.JSONField(default=dict)  # the validated campaign file
    rotation = fields.IntField(default=-1)  # the last rotation planned (a cron campaign runs many)
    next_run_at = fields.DatetimeField(null=True, db_index=True)
    created_by = fields.CharField(max_length=96, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "push_campaign"


class PushDelivery(Model):
    """One recipient of one rotation of a campaign: the outbox row. Unique per (campaign,
    recipient, rotation), so planning twice plans once. state: skipped | planned | sending |
    sent | confirmed | failed | cancelled."""

    id = fields.BigIntField(primary_key=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name="deliveries", on_delete=fields.CASCADE)
    rotation = fields.IntField(default=0)
    recipient = fields.CharField(max_length=128)  # external_userid, or chat_id for a group push
    lead = fields.ForeignKeyField("models.Lead", null=True, related_name="push_deliveries", on_delete=fields.SET_NULL)
    sender = fields.CharField(max_length=64, default="")  # the member who confirms the send
    text = fields.TextField(default="")  # rendered for this recipient
    attachments = fields.JSONField(default=list)
    digest = fields.CharField(max_length=40, default="")  # of text and attachments: equal ones share a task
    state = fields.CharField(max_length=16, default="planned", db_index=True)
    reason = fields.CharField(max_length=64, default="")  # why skipped or failed
    batch = fields.CharField(max_length=32, default="", db_index=True)  # the claim that sent it
    attempts = fields.IntField(default=0)
    not_before = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    msgid = fields.CharField(max_length=64, default="", db_index=True)
    planned_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "push_delivery"
        unique_together = (("campaign", "recipient", "rotation"),)
        indexes = (("state", "not_before"),)


class PushTask(Model):
    """An add_msg_template task (msgid) and what its member did: pending until they confirm.
    state: pending | sent | cancelled | expired (its member never sent it)."""

    id = fields.IntField(primary_key=True)
    msgid = fields.CharField(max_length=64, unique=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name="tasks", on_delete=fields.CASCADE)
    sender = fields.CharField(max_length=64, default="")
    chat_type = fields.CharField(max_length=8, default="single")
    state = fields.CharField(max_length=16, default="pending", db_index=True)
    created_at = fields.DatetimeField()
    checked_at = fields.DatetimeField(null=True)
    reminded = fields.JSONField(default=list)  # unix times of remind_groupmsg_send calls

    class Meta:
        table = "push_task"


class Sequence(Model):
    """An SOP: steps sent some days after an event started it for a lead, until a reply, an
    MQL or an unsubscribe stops it. Its steps go out through ``campaign``'s outbox (rotation =
    step index). state: active | paused."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128, unique=True)
    spec = fields.JSONField(default=dict)
    state = fields.CharField(max_length=16, default="active")
    campaign = fields.OneToOneField("models.Campaign", related_name="sequence", on_delete=fields.CASCADE)
    cursor = fields.BigIntField(default=0)  # the last behaviour event looked at for starts
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "push_sequence"


class SequenceEnrollment(Model):
    """One lead in one sequence: the next step and why it stopped. state: active | stopped | done."""

    id = fields.BigIntField(primary_key=True)
    sequence = fields.ForeignKeyField("models.Sequence", related_name="enrollments", on_delete=fields.CASCADE)
    lead = fields.ForeignKeyField("models.Lead", related_name="sequence_enrollments", on_delete=fields.CASCADE)
    started_at = fields.DatetimeField()
    next_step = fields.IntField(default=0)
    state = fields.CharField(max_length=16, default="active", db_index=True)
    reason = fields.CharField(max_length=32, default="")

    class Meta:
        table = "push_sequence_enrollment"
        unique_together = (("sequence", "lead"),)
