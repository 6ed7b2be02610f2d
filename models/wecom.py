"""WeCom's own records, mirrored: the organisation's members, the kf/sync_msg cursors and
conversation windows, and the chat-archive cursor."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class WeComMember(Model):
    """A WeCom staff member (成员) who receives contacts and talks to customers."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff"


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


class ArchiveCursor(Model):
    """The last chat-archive seq processed, per archive source, so a restart resumes there."""

    source = fields.CharField(max_length=64, primary_key=True)
    seq = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "archive_cursor"
