"""State the event pipeline keeps so it survives restarts and runs in several processes."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ProcessedCallback(Model):
    """The exactly-once guard: a callback or message is handled only by whoever inserts its key."""

    key = fields.CharField(max_length=255, primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "processed_callback"


class KfCursor(Model):
    """The kf/sync_msg cursor of one customer-service account (open_kfid)."""

    open_kfid = fields.CharField(max_length=64, primary_key=True)
    cursor = fields.CharField(max_length=128, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "kf_cursor"


class KfConversation(Model):
    """Per customer and kf account: when the customer last wrote and how many messages were
    sent since, for kf/send_msg's 48-hour window and per-window cap."""

    id = fields.IntField(primary_key=True)
    open_kfid = fields.CharField(max_length=64)
    external_userid = fields.CharField(max_length=64)
    last_customer_message_at = fields.DatetimeField()
    sent_since = fields.IntField(default=0)

    class Meta:
        table = "kf_conversation"
        unique_together = (("open_kfid", "external_userid"),)


class DialogState(Model):
    """A user's place in a multi-step dialog (survey, sign-up), persisted, not in memory."""

    user_key = fields.CharField(max_length=255, primary_key=True)
    state = fields.CharField(max_length=64)
    data = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "dialog_state"
