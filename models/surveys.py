"""Surveys: definitions (the checked YAML), waves, one response per lead per wave, and what
the answers set on leads."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Survey(Model):
    """A survey definition, identified by the key in its file, with the YAML as imported."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    title = fields.CharField(max_length=256)
    source = fields.TextField()
    keywords = fields.JSONField(default=list)  # chat keywords that start it
    archived = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "survey"


class SurveyWave(Model):
    """One run of a survey (e.g. the 2026 NPS): its own time window, quota and responses."""

    id = fields.IntField(primary_key=True)
    survey = fields.ForeignKeyField("models.Survey", related_name="waves", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=64)
    opens_at = fields.DatetimeField(null=True)
    closes_at = fields.DatetimeField(null=True)
    quota = fields.IntField(null=True)  # completed responses at most
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "survey_wave"
        unique_together = (("survey", "name"),)


class SurveyResponse(Model):
    """The answers of one person to one wave (a lead answers a wave once). Status is
    in_progress, completed, cancelled, expired or full (a quota was reached)."""

    id = fields.BigIntField(primary_key=True)
    survey = fields.ForeignKeyField("models.Survey", related_name="responses", on_delete=fields.CASCADE)
    wave = fields.ForeignKeyField("models.SurveyWave", related_name="responses", on_delete=fields.CASCADE)
    lead = fields.ForeignKeyField("models.Lead", null=True, related_name="survey_responses", on_delete=fields.SET_NULL)
    status = fields.CharField(max_length=16, default="in_progress", db_index=True)
    answers = fields.JSONField(default=dict)  # question id → value (None: skipped)
    current = fields.CharField(max_length=64, default="")  # the question waiting for an answer
    source = fields.CharField(max_length=16, default="chat")  # chat | h5 | import
    platform = fields.CharField(max_length=16, default="")
    user_key = fields.CharField(max_length=255, default="")  # the chat it runs in
    recipient = fields.CharField(max_length=128, default="")  # external_userid or openid, for the reminder
    open_kfid = fields.CharField(max_length=64, default="")
    channel_id = fields.IntField(null=True)  # the lead's channel when it started
    started_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()  # the last answer (the reminder waits from here)
    completed_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "survey_response"
        unique_together = (("wave", "lead"),)


class SurveyLeadUpdate(Model):
    """A tag or profile field an answer set on a lead, so the lead page shows which survey
    set what (``kind`` tag or profile)."""

    id = fields.BigIntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="survey_updates", on_delete=fields.CASCADE)
    response = fields.ForeignKeyField("models.SurveyResponse", related_name="lead_updates", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=16)
    name = fields.CharField(max_length=64)
    value = fields.CharField(max_length=256, default="")
    at = fields.DatetimeField()

    class Meta:
        table = "survey_lead_update"
