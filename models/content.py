"""Content: the library marketers push, per-recipient tracked links, lead attributes segments
filter on, and failures of customer-facing text."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ContentItem(Model):
    """An article, whitepaper, case study, video, event invitation, mini-program page or
    external link. ``slug`` names it in campaign files."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=16)
    title = fields.CharField(max_length=128)
    summary = fields.CharField(max_length=512, default="")
    cover = fields.CharField(max_length=512, default="")
    body = fields.TextField(default="")
    url = fields.CharField(max_length=1024, default="")  # file, video, external link
    miniprogram = fields.JSONField(default=dict)  # appid, page
    gated = fields.BooleanField(default=False)  # the file only after a short form with consent
    tags = fields.JSONField(default=list)
    industry = fields.CharField(max_length=64, default="")
    product_line = fields.CharField(max_length=64, default="")
    owner = fields.CharField(max_length=64, default="")
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "content_item"


class TrackedLink(Model):
    """One recipient's link to one item (``/c/<token>``): who opened it, when, for how long."""

    id = fields.BigIntField(primary_key=True)
    token = fields.CharField(max_length=32, unique=True)
    item = fields.ForeignKeyField("models.ContentItem", related_name="links", on_delete=fields.CASCADE)
    lead = fields.ForeignKeyField("models.Lead", null=True, related_name="content_links", on_delete=fields.SET_NULL)
    campaign = fields.ForeignKeyField("models.Campaign", null=True, related_name="links", on_delete=fields.SET_NULL)
    recipient = fields.CharField(max_length=128, default="")
    created_at = fields.DatetimeField()
    first_opened_at = fields.DatetimeField(null=True)
    opens = fields.IntField(default=0)
    read_seconds = fields.IntField(default=0)

    class Meta:
        table = "tracked_link"
        unique_together = (("item", "campaign", "recipient"),)


class LeadAttributes(Model):
    """What segments filter a lead on beyond tags and channels: funnel stage and the company's
    industry, region and size. (Fit data; leads/ may fold it into the lead profile.)"""

    id = fields.IntField(primary_key=True)
    lead = fields.OneToOneField("models.Lead", related_name="attributes", on_delete=fields.CASCADE)
    stage = fields.CharField(max_length=16, default="lead", db_index=True)  # lead | mql | sql | customer
    industry = fields.CharField(max_length=64, default="", db_index=True)
    region = fields.CharField(max_length=64, default="")
    company_size = fields.CharField(max_length=16, default="")  # 1-49 | 50-199 | 200-999 | 1000+

    class Meta:
        table = "lead_attributes"


class TemplateFailure(Model):
    """The latest failure of a staff-written template while it was being sent (the customer got
    a fallback text), shown to its authors where they edit it until they save it again.
    ``owner`` names the template, e.g. ``faq:freight`` or ``channel:expo``."""

    owner = fields.CharField(max_length=128, primary_key=True)
    message = fields.TextField()
    count = fields.IntField(default=1)
    last_at = fields.DatetimeField()

    class Meta:
        table = "template_failure"
