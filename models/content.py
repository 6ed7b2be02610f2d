"""Customer-facing text and what went wrong with it."""
from tortoise import fields
from tortoise.models import Model


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
