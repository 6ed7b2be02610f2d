"""The lead's standing with sales: its score and lifecycle stage (with the stage history), the
scoring rule versions, the sales reps, MQL hand-offs and the CRM's opportunities and deals."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class LeadScore(Model):
    """Where a lead stands: its score, kept up to date one event at a time, its grade and
    its lifecycle stage. The state column holds the serialised engagement state."""

    id = fields.IntField(primary_key=True)
    lead = fields.OneToOneField("models.Lead", related_name="standing", on_delete=fields.CASCADE)
    lead_id: int
    engagement = fields.FloatField(default=0)
    fit = fields.FloatField(default=0)
    total = fields.FloatField(default=0, db_index=True)
    grade = fields.CharField(max_length=2, default="D4", db_index=True)
    state = fields.JSONField(default=dict)
    rules_version = fields.IntField(default=0)
    stage = fields.CharField(max_length=16, default="new", db_index=True)
    stage_since = fields.DatetimeField(null=True)
    mql_at = fields.DatetimeField(null=True)  # when it last became an MQL
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "lead_score"


class StageChange(Model):
    """One move of a lead between lifecycle stages: who or what moved it, and why."""

    id = fields.BigIntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="stage_changes", on_delete=fields.CASCADE)
    lead_id: int
    from_stage = fields.CharField(max_length=16)
    to_stage = fields.CharField(max_length=16, db_index=True)
    by = fields.CharField(max_length=64, default="")  # a staff userid, or scoring, deal import, sla …
    reason = fields.CharField(max_length=255, default="")
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "stage_change"
        indexes = (("lead_id", "at"),)


class ScoringRuleSet(Model):
    """One version of the scoring rules, as written (YAML), and the progress of the rescore
    it started."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(unique=True)
    source = fields.TextField()
    author = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    rescore_total = fields.IntField(default=0)
    rescore_done = fields.IntField(default=0)
    rescored_at = fields.DatetimeField(null=True)

    class Meta:
        table = "scoring_rule_set"


class SalesRep(Model):
    """A WeCom member who takes MQLs: the regions and industries they cover, how many open
    MQLs they take at most, and their manager (SLA escalations)."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64, default="")
    regions = fields.JSONField(default=list)
    industries = fields.JSONField(default=list)
    capacity = fields.IntField(default=50)
    manager_userid = fields.CharField(max_length=64, default="")
    active = fields.BooleanField(default=True)

    class Meta:
        table = "sales_rep"


class Handoff(Model):
    """An MQL handed to a sales rep: the template card they got, their answer and the SLA.
    ``status``: waiting (no rep yet) · offered · accepted · rejected · returned (to the pool)."""

    id = fields.IntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="handoffs", on_delete=fields.CASCADE)
    lead_id: int
    status = fields.CharField(max_length=16, default="waiting", db_index=True)
    why = fields.CharField(max_length=255, default="")  # why the lead qualified
    rep_userid = fields.CharField(max_length=64, default="", db_index=True)
    assigned_why = fields.CharField(max_length=64, default="")
    response_code = fields.CharField(max_length=128, default="")  # update_template_card's handle
    task_id = fields.CharField(max_length=128, default="", db_index=True)
    created_at = fields.DatetimeField()
    offered_at = fields.DatetimeField(null=True)
    due_at = fields.DatetimeField(null=True, db_index=True)
    reminded_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    answered_at = fields.DatetimeField(null=True)
    answered_by = fields.CharField(max_length=64, default="")
    reject_reason = fields.CharField(max_length=255, default="")

    class Meta:
        table = "handoff"


class Deal(Model):
    """An opportunity or deal from the CRM (the source of truth), matched to a lead and its
    account. ``status``: open (an opportunity) · won · lost."""

    id = fields.IntField(primary_key=True)
    external_id = fields.CharField(max_length=64, unique=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="deals", on_delete=fields.CASCADE)
    lead_id: int
    account = fields.ForeignKeyField("models.CrmAccount", null=True, related_name="deals", on_delete=fields.SET_NULL)
    name = fields.CharField(max_length=255, default="")
    amount = fields.DecimalField(max_digits=14, decimal_places=2, default=0)
    status = fields.CharField(max_length=8, default="open", db_index=True)
    close_date = fields.DateField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "deal"
