"""CRM rows from CSV, checked whole before anything is stored, and the classification of a lead
against the CRM: an existing account, a known contact, or new."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from bot.import_files import unknown_keys
from leads.companies import best_company_match

COLUMNS = ("account", "contact", "phone", "email", "owner")
REQUIRED = ("account",)
HEADER_ALIASES = {
    "account": ("account", "account name", "company", "公司", "客户名称", "公司名称"),
    "contact": ("contact", "contacts", "name", "联系人", "姓名"),
    "phone": ("phone", "phones", "mobile", "电话", "手机"),
    "email": ("email", "emails", "邮箱"),
    "owner": ("owner", "负责人", "销售"),
}
EXISTING_ACCOUNT, KNOWN_CONTACT, NEW = "existing_account", "known_contact", "new"
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_FIELD = 256


class CrmFileError(ValueError):
    """A CRM file was refused; ``problems`` lists every bad row (line, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {n}: {m}" for n, m in problems[:20]))


@dataclass(frozen=True)
class CrmRow:
    line: int
    account: str
    contact: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    owner: str = ""


@dataclass
class Classification:
    match: str
    account: str = ""
    reasons: list[str] = field(default_factory=list)


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[^0-9]", "", value or "")
    return digits[-11:] if len(digits) > 11 and digits.startswith("86") else digits


def normalise_email(value: str) -> str:
    return (value or "").strip().casefold()


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[;；,，/|]", value or "") if v.strip()]


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip().lstrip("\ufeff").casefold()
        for column, aliases in HEADER_ALIASES.items():
            if key in aliases and column not in found:
                found[column] = i
    return found


def _row(line: int, cells: list[str], cols: dict[str, int]) -> tuple[CrmRow | None, list[str]]:
    get = {c: (cells[i].strip() if i < len(cells) else "") for c, i in cols.items()}
    problems = []
    if not get.get("account"):
        problems.append("account name is empty")
    for name, value in get.items():
        if len(value) > MAX_FIELD:
            problems.append(f"{name} is longer than {MAX_FIELD} characters")
    phones = _split(get.get("phone", ""))
    emails = _split(get.get("email", ""))
    problems += [f"phone {p!r} is not a phone number" for p in phones if not PHONE.match(p)]
    problems += [f"email {e!r} is not an email address" for e in emails if not EMAIL.match(e)]
    if problems:
        return None, problems
    return CrmRow(line, get["account"], get.get("contact", ""), tuple(normalise_phone(p) for p in phones),
                  tuple(normalise_email(e) for e in emails), get.get("owner", "")), []


def parse_crm_csv(text: str) -> list[CrmRow]:
    """Every row of a CRM CSV (header: account, contact, phone, email, owner; Chinese names
    accepted), or CrmFileError listing every problem: nothing is half-read."""
    try:
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True))
    except csv.Error as exc:
        raise CrmFileError([(0, f"not a readable CSV file: {exc}")]) from None
    if not table or not any(c.strip() for c in table[0]):
        raise CrmFileError([(1, "the file is empty: expected a header row with an account column")])
    cols = _columns(table[0])
    known = [alias for aliases in HEADER_ALIASES.values() for alias in aliases]
    named = [c.strip().lstrip("\ufeff") for c in table[0] if c.strip()]
    unknown = unknown_keys([c for c in named if c.casefold() not in known], known, "column")
    if unknown:
        raise CrmFileError([(1, message) for message in unknown])
    if "account" not in cols:
        raise CrmFileError([(1, f"no account column in the header {table[0]!r}; expected one of {HEADER_ALIASES['account']}")])
    rows, problems = [], []
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(table[0]):
            problems.append((line, f"{len(cells)} cells but the header has {len(table[0])}"))
            continue
        row, bad = _row(line, cells, cols)
        problems += [(line, m) for m in bad]
        if row:
            rows.append(row)
    if problems:
        raise CrmFileError(problems)
    if not rows:
        raise CrmFileError([(2, "the file has a header but no rows")])
    return rows


def classify(
    *, company: str, phone: str, email: str,
    contacts_by_phone: dict[str, str], contacts_by_email: dict[str, str], accounts: list[str],
) -> Classification:
    """Known contact when the phone or email is a CRM contact's; existing account when the
    company name matches an account (normalised, fuzzy); new otherwise."""
    phone, email = normalise_phone(phone), normalise_email(email)
    for key, index, label in ((phone, contacts_by_phone, "phone"), (email, contacts_by_email, "email")):
        if key and key in index:
            return Classification(KNOWN_CONTACT, index[key], [f"{label} matches a CRM contact"])
    account = best_company_match(company, accounts) if company else None
    if account:
        return Classification(EXISTING_ACCOUNT, account, [f"company matches CRM account {account}"])
    return Classification(NEW)
