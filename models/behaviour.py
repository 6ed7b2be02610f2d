"""The append-only behaviour log: every inbound event and outbound message of a lead."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class BehaviourEvent(Model):
    """One touch. The lead is empty for staff-only events. The channel is the lead's
    attribution when the event happened, so the row stands on its own."""

    id = fields.BigIntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", null=True, related_name="events", on_delete=fields.SET_NULL)
    channel = fields.ForeignKeyField("models.Channel", null=True, related_name="events", on_delete=fields.SET_NULL)
    lead_id: int | None  # the foreign keys' columns, for type checkers
    channel_id: int | None
    kind = fields.CharField(max_length=64)
    direction = fields.CharField(max_length=8)  # inbound | outbound
    platform = fields.CharField(max_length=16, default="")
    actor = fields.CharField(max_length=128, default="")  # staff userid or customer identity
    occurred_at = fields.DatetimeField(db_index=True)
    payload = fields.JSONField(default=dict)

    class Meta:
        table = "behaviour_event"
        indexes = (("lead_id", "occurred_at"),)
