"""Console access: staff users, their sessions, API tokens, login attempts and the audit log."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class StaffUser(Model):
    """A person who signs in to the console. role is one of admin, marketer, support,
    sales; wecom_userid links the user to the WeCom member (models.WeComMember) they are, which
    is how sales see their own leads and how staff commands in WeCom find their role."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=128, default="")
    role = fields.CharField(max_length=16)
    password_hash = fields.CharField(max_length=256)
    wecom_userid = fields.CharField(max_length=64, null=True, unique=True)
    language = fields.CharField(max_length=8, default="zh")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_user"


class StaffSession(Model):
    """A signed-in browser. Only the SHA-256 of the cookie value is stored."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user = fields.ForeignKeyField("models.StaffUser", related_name="sessions", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "staff_session"


class ApiToken(Model):
    """A bearer token for the REST API, acting with role. Only its SHA-256 is stored,
    prefix (the first characters) lets people tell tokens apart."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    role = fields.CharField(max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16)
    created_by = fields.CharField(max_length=96, default="")
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class LoginAttempt(Model):
    """One console sign-in attempt, kept for throttling repeated failures."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, db_index=True)
    remote = fields.CharField(max_length=64, default="", db_index=True)
    succeeded = fields.BooleanField()
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_attempt"


class AuditEntry(Model):
    """One change made by a staff user or an API token: who, what, when, before and after."""

    id = fields.BigIntField(primary_key=True)
    actor = fields.CharField(max_length=96, db_index=True)  # "user:alice" | "token:3:ci"
    action = fields.CharField(max_length=64, db_index=True)  # e.g. "lead.update"
    target_type = fields.CharField(max_length=32, default="")
    target_id = fields.CharField(max_length=64, default="")
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "audit_entry"
