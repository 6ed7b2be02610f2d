"""What answers set on the lead: tags (LeadTag) and profile fields (name and company on the
lead, phone, e-mail and role on its profile; industry, company size and purchase role as
survey-set values), each recorded with the response that set it."""
from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from models import Lead, LeadProfile, LeadTag, SurveyLeadUpdate, SurveyResponse

LEAD_FIELDS = ("name", "company")
PROFILE_COLUMNS = ("phone", "email", "role")


async def apply_to_lead(lead: Lead, response: SurveyResponse, tags: list[str], profile: dict[str, str], at: datetime) -> None:
    """Add ``tags`` and set ``profile`` on ``lead`` (inside the caller's transaction)."""
    for tag in tags:
        if not await LeadTag.exists(lead_id=lead.id, name=tag):
            await LeadTag.create(lead_id=lead.id, name=tag)
    lead_values = {k: v[:256] for k, v in profile.items() if k in LEAD_FIELDS}
    if lead_values:
        lead.update_from_dict(lead_values)
        await lead.save(update_fields=[*lead_values, "updated_at"])
    columns = {k: v for k, v in profile.items() if k in PROFILE_COLUMNS}
    if columns:
        row = await LeadProfile.get_or_none(lead_id=lead.id)
        if row is None:
            try:
                row = await LeadProfile.create(lead_id=lead.id)
            except IntegrityError:
                row = await LeadProfile.get(lead_id=lead.id)
        row.update_from_dict({k: v[:LeadProfile._meta.fields_map[k].max_length] for k, v in columns.items()})
        await row.save(update_fields=list(columns))
    updates = [SurveyLeadUpdate(lead_id=lead.id, response_id=response.id, kind="tag", name=t, value="", at=at) for t in tags]
    updates += [SurveyLeadUpdate(lead_id=lead.id, response_id=response.id, kind="profile", name=k, value=v[:256], at=at)
                for k, v in profile.items()]
    if updates:
        await SurveyLeadUpdate.bulk_create(updates)


async def survey_profile(lead_id: int) -> dict[str, dict]:
    """The latest value each profile field got from a survey, with the survey that set it
    (for the lead page): {field: {"value", "survey", "at"}}."""
    rows = await (SurveyLeadUpdate.filter(lead_id=lead_id, kind="profile").order_by("id")
                  .values("name", "value", "at", "response__survey__title"))
    return {r["name"]: {"value": r["value"], "survey": r["response__survey__title"], "at": r["at"].isoformat()} for r in rows}
