"""The FAQ: its entries, every hit and miss, one-click suggestions for staff, per-group
answering settings and the business hours and hand-over targets."""
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
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "faq_hit"


class FaqSuggestion(Model):
    """A ready answer for a staff member to send with one click in a chat the bot cannot
    post in (a customer group, or a staff member's 1:1 with a customer)."""

    id = fields.BigIntField(primary_key=True)
    hit = fields.ForeignKeyField("models.FaqHit", null=True, related_name="suggestions", on_delete=fields.SET_NULL)
    chat_id = fields.CharField(max_length=128, db_index=True)  # the group chat id, or the customer's external_userid
    chat_kind = fields.CharField(max_length=16, default="customer_group")  # customer_group | single
    staff_userid = fields.CharField(max_length=64, db_index=True)  # the group owner or the staff member
    customer = fields.CharField(max_length=128, default="")
    question = fields.TextField()
    entry_id = fields.CharField(max_length=64)
    answer = fields.TextField()
    status = fields.CharField(max_length=12, default="open", db_index=True)  # open | sent | dismissed
    asked_at = fields.DatetimeField()
    suggested_at = fields.DatetimeField()
    latency_ms = fields.FloatField(default=0.0)  # question to suggestion
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "faq_suggestion"


class FaqGroupSetting(Model):
    """How the bot may answer in one internal group: without an @-mention only for a
    high-confidence keyword hit, and at most so many answers a minute."""

    chat_id = fields.CharField(max_length=128, primary_key=True)
    answer_without_mention = fields.BooleanField(default=False)
    answers_per_minute = fields.IntField(default=3)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "faq_group_setting"


class FaqSettings(Model):
    """Business hours, holidays and hand-over targets of the FAQ, edited in the console (one
    row, id 1). Times are HH:MM China time, dates YYYY-MM-DD."""

    id = fields.IntField(primary_key=True)
    opens = fields.CharField(max_length=5, default="09:00")
    closes = fields.CharField(max_length=5, default="18:00")
    weekdays = fields.CharField(max_length=20, default="0,1,2,3,4")  # 0 = Monday
    holidays = fields.JSONField(default=list)  # [{"date": "2026-10-01", "name": "国庆节"}]
    workdays = fields.JSONField(default=list)  # weekend dates that are working days
    kf_servicers = fields.JSONField(default=dict)  # open_kfid -> receptionist userid
    notify_userids = fields.JSONField(default=list)  # told about hand-overs from the official account
    updated_by = fields.CharField(max_length=64, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "faq_settings"
