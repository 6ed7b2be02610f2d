"""Leads, their platform identities, staff, channels and customer groups."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Staff(Model):
    """A WeCom staff member (成员) who receives contacts and talks to customers."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff"


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


class Lead(Model):
    """A person in the private domain, found or created from their platform identities."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128, default="")
    company = fields.CharField(max_length=256, default="")
    status = fields.CharField(max_length=16, default="active", db_index=True)
    first_channel = fields.ForeignKeyField("models.Channel", null=True, related_name="first_leads", on_delete=fields.SET_NULL)
    last_channel = fields.ForeignKeyField("models.Channel", null=True, related_name="last_leads", on_delete=fields.SET_NULL)
    owner = fields.ForeignKeyField("models.Staff", null=True, related_name="leads", on_delete=fields.SET_NULL)
    consent_at = fields.DatetimeField(null=True)  # when the lead agreed to the processing rules
    consent_version = fields.CharField(max_length=32, default="", db_default="")  # which rules they agreed to
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "lead"


class LeadIdentity(Model):
    """One platform identity of a lead: external_userid, openid or unionid."""

    id = fields.IntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="identities", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=32)
    value = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "lead_identity"
        unique_together = (("kind", "value"),)


class LeadTag(Model):
    """A free-form tag on a lead (e.g. an industry or interest), set by staff or rules."""

    id = fields.IntField(primary_key=True)
    lead = fields.ForeignKeyField("models.Lead", related_name="tags", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=64, db_index=True)

    class Meta:
        table = "lead_tag"
        unique_together = (("lead", "name"),)


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
