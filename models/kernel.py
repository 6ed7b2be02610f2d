"""State of the chat kernel that survives restarts and spans processes: the exactly-once
guard and the dialogs."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ProcessedCallback(Model):
    """The exactly-once guard: a callback or message is handled only by whoever inserts its key."""

    key = fields.CharField(max_length=255, primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "processed_callback"


class DialogState(Model):
    """A user's place in a multi-step dialog (survey, sign-up), persisted, not in memory."""

    user_key = fields.CharField(max_length=255, primary_key=True)
    state = fields.CharField(max_length=64)
    data = fields.JSONField(default=dict)
    expires_at = fields.FloatField(null=True)  # on the app's clock; None: until the flow ends it
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "dialog_state"
