"""CRM match: existing customers imported from CSV (all rows checked first, then stored in one
transaction), and each lead classified as existing account, known contact or new."""
from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from leads.companies import normalise_company
from leads.crm import NEW, CrmRow, classify, parse_crm_csv
from leads.profiles import profile_of
from models import CrmAccount, CrmContact, Lead, LeadProfile


@dataclass(frozen=True)
class CrmImport:
    accounts_created: int
    accounts_updated: int
    contacts: int
    leads_classified: int


CrmIndexes = tuple[dict[str, str], dict[str, str], list[str]]  # contacts by phone, by email; account names


async def import_crm_csv(text: str) -> CrmImport:
    """Import a CRM CSV; CrmFileError (every bad row) leaves the database untouched."""
    rows = parse_crm_csv(text)
    created = updated = contacts = 0
    async with in_transaction():
        for row in rows:
            account, new = await CrmAccount.get_or_create(
                name=row.account, defaults={"normalised": normalise_company(row.account), "owner": row.owner})
            if not new and row.owner and account.owner != row.owner:
                account.owner = row.owner
                await account.save(update_fields=["owner"])
            created, updated = created + new, updated + (not new)
            contacts += await _contacts(account, row)
    return CrmImport(created, updated, contacts, await classify_all())


async def _contacts(account: CrmAccount, row: CrmRow) -> int:
    if not (row.contact or row.phones or row.emails):
        return 0
    phones, emails = row.phones or ("",), row.emails or ("",)
    made = 0
    for i in range(max(len(phones), len(emails))):
        phone, email = phones[min(i, len(phones) - 1)], emails[min(i, len(emails) - 1)]
        _, new = await CrmContact.get_or_create(account=account, name=row.contact, phone=phone, email=email)
        made += new
    return made


async def _indexes() -> CrmIndexes:
    by_phone, by_email = {}, {}
    for phone, email, account in await CrmContact.all().values_list("phone", "email", "account__name"):
        if phone:
            by_phone[phone] = account
        if email:
            by_email[email] = account
    return by_phone, by_email, [str(name) for name in await CrmAccount.all().values_list("name", flat=True)]


async def classify_lead(lead: Lead, indexes: CrmIndexes | None = None) -> str:
    """Classify and store: existing_account, known_contact or new."""
    by_phone, by_email, accounts = indexes or await _indexes()
    profile = await profile_of(lead)
    result = classify(company=lead.company, phone=profile.phone, email=profile.email,
                      contacts_by_phone=by_phone, contacts_by_email=by_email, accounts=accounts)
    account = await CrmAccount.get_or_none(name=result.account) if result.account else None
    profile.crm_match, profile.crm_account_id = result.match, account.id if account else None
    await profile.save(update_fields=["crm_match", "crm_account_id"])
    return result.match


async def classify_all() -> int:
    """Re-classify every lead with a company, phone or email; returns how many are not new."""
    indexes = await _indexes()
    matched = 0
    with_profile = set(await LeadProfile.exclude(phone="", email="").values_list("lead_id", flat=True))
    for lead in await Lead.exclude(company="").all():
        matched += (await classify_lead(lead, indexes)) != NEW
        with_profile.discard(lead.id)
    for lead in await Lead.filter(id__in=list(with_profile)):
        matched += (await classify_lead(lead, indexes)) != NEW
    return matched
