"""Leads: a person in the private domain, their platform identities, tags and profile, and
the CRM records they are matched against."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Lead(Model):
    """A person in the private domain, found or created from their platform identities."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128, default="")
    company = fields.CharField(max_length=256, default="")
    status = fields.CharField(max_length=16, default="active", db_index=True)
    first_channel = fields.ForeignKeyField("models.Channel", null=True, related_name="first_leads", on_delete=fields.SET_NULL)
    last_channel = fields.ForeignKeyField("models.Channel", null=True, related_name="last_leads", on_delete=fields.SET_NULL)
    owner = fields.ForeignKeyField("models.WeComMember", null=True, related_name="leads", on_delete=fields.SET_NULL)
    first_channel_id: int | None  # the foreign keys' columns and the reverse relations, for type checkers
    last_channel_id: int | None
    owner_id: int | None
    identities: fields.ReverseRelation[LeadIdentity]
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
    lead_id: int
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
    lead_id: int
    name = fields.CharField(max_length=64, db_index=True)

    class Meta:
        table = "lead_tag"
        unique_together = (("lead", "name"),)


class LeadProfile(Model):
    """What onboarding knows of a lead beyond its name: consented contact details, pushes
    stopped, lost, CRM classification and the referrer who brought it."""

    id = fields.IntField(primary_key=True)
    lead = fields.OneToOneField("models.Lead", related_name="profile", on_delete=fields.CASCADE)
    phone = fields.CharField(max_length=32, default="")
    email = fields.CharField(max_length=128, default="")
    role = fields.CharField(max_length=64, default="")
    unsubscribed_at = fields.DatetimeField(null=True)
    erased_at = fields.DatetimeField(null=True)
    lost_at = fields.DatetimeField(null=True)
    lost_reason = fields.CharField(max_length=64, default="")  # e.g. customer_deleted_staff:zhangsan
    crm_match = fields.CharField(max_length=16, default="new", db_index=True)  # existing_account | known_contact | new
    crm_account = fields.ForeignKeyField("models.CrmAccount", null=True, related_name="leads", on_delete=fields.SET_NULL)
    referrer = fields.ForeignKeyField("models.Lead", null=True, related_name="referred", on_delete=fields.SET_NULL)
    referrer_id: int | None
    referral_count = fields.IntField(default=0)

    class Meta:
        table = "lead_profile"


class CrmAccount(Model):
    """An existing customer company from the CRM."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=256, unique=True)
    normalised = fields.CharField(max_length=256, db_index=True)
    owner = fields.CharField(max_length=64, default="")

    class Meta:
        table = "crm_account"


class CrmContact(Model):
    """A known person at a CRM account."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("models.CrmAccount", related_name="contacts", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=128, default="")
    phone = fields.CharField(max_length=32, default="", db_index=True)
    email = fields.CharField(max_length=128, default="", db_index=True)

    class Meta:
        table = "crm_contact"
