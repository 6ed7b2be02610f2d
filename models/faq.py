"""FAQ entries as stored and edited by staff, and the log of every FAQ lookup."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class FaqEntryRecord(Model):
    """A persisted FAQ entry. The matcher indexes the active ones. variants and
    keywords are lists of strings, rules a list of {kind, pattern, priority}."""

    id = fields.CharField(max_length=64, primary_key=True)
    category = fields.CharField(max_length=32, default="other", db_index=True)
    question = fields.CharField(max_length=500)
    variants = fields.JSONField(default=list)
    keywords = fields.JSONField(default=list)
    rules = fields.JSONField(default=list)
    answer = fields.TextField()
    scope = fields.CharField(max_length=8, default="both")  # single | group | both
    active = fields.BooleanField(default=True, db_index=True)
    updated_by = fields.CharField(max_length=64, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "faq_entry"


class FaqHit(Model):
    """One FAQ lookup: what was asked, what the matcher offered and what the bot did,
    so staff can see which questions go unanswered and refresh the answer base."""

    id = fields.BigIntField(primary_key=True)
    raw_query = fields.TextField()
    normalised_query = fields.CharField(max_length=500, default="")
    lead = fields.ForeignKeyField("models.Lead", null=True, related_name="faq_hits", on_delete=fields.SET_NULL)
    chat_kind = fields.CharField(max_length=8, default="single")  # single | group
    chat_id = fields.CharField(max_length=128, default="")
    candidates = fields.JSONField(default=list)  # [[entry_id, score], ...]
    outcome = fields.CharField(max_length=8, db_index=True)  # answer | clarify | miss
    chosen_entry_id = fields.CharField(max_length=64, null=True, db_index=True)
    score = fields.FloatField(default=0.0)
    latency_ms = fields.FloatField(default=0.0)
    feedback = fields.CharField(max_length=8, default="none")  # none | negative
    platform = fields.CharField(max_length=16, default="", db_default="")  # wecom_kf | wechat | wecom | wecom_bot | archive
    user_key = fields.CharField(max_length=255, default="", db_default="", db_index=True)  # who asked, in which chat
    asked_at = fields.DatetimeField(null=True, db_index=True)  # on the bot's clock
    signals = fields.JSONField(default=list, db_default=[])  # negative feedback: asked_again | said_wrong | asked_human
    review = fields.CharField(max_length=12, default="open", db_default="open", db_index=True)  # open | variant | created | correct | ignored
    reviewed_by = fields.CharField(max_length=64, default="", db_default="")
    right_entry_id = fields.CharField(max_length=64, null=True)  # from review: the entry that answers it, "" when none does
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "faq_hit"
