"""The gated download form (name, company, role, phone): consent to the privacy policy comes
first (PIPL); nothing is stored without it. The reader becomes a known lead."""
from __future__ import annotations

import re
from datetime import datetime

from tortoise.transactions import in_transaction

from leads.consent import agree, store_profile
from leads.profiles import profile_of
from models import Lead

GATE_FIELDS = ("name", "company", "role", "phone")
PHONE = re.compile(r"\+?[0-9][0-9 -]{5,18}[0-9]")


def gate_problem(form: dict[str, str]) -> str:
    """What is wrong with a submitted form, in the reader's words ("" when nothing)."""
    if form.get("consent") != "on":
        return "请先阅读并同意《个人信息保护政策》，我们才能保存您的信息。"
    if not form.get("name") or not form.get("company"):
        return "请填写姓名和公司。"
    if not PHONE.fullmatch(form.get("phone", "")):
        return "请填写正确的手机号码。"
    if any(len(form.get(k, "")) > 128 for k in GATE_FIELDS):
        return "填写的内容过长。"
    return ""


async def known_reader(lead: Lead | None, form: dict[str, str], now: datetime) -> Lead:
    """Record the consent and the details on the reader's lead (a new lead for an anonymous
    reader): the phone given is stored; a name, company or role the lead has is kept."""
    async with in_transaction():
        if lead is None:
            lead = await Lead.create(name=form["name"][:128], company=form["company"][:256])
        await agree(lead, now, "download_form")
        details = {"phone": form["phone"][:32], "name": lead.name or form["name"][:128],
                   "company": lead.company or form["company"][:256]}
        if not (await profile_of(lead)).role:
            details["role"] = form.get("role", "")[:64]
        await store_profile(lead, **details)
    return lead
