"""Company names match however they are written; CRM files are checked whole."""
import pytest

from leads.companies import best_company_match, company_similarity, normalise_company
from leads.crm import EXISTING_ACCOUNT, KNOWN_CONTACT, NEW, CrmFileError, classify, parse_crm_csv


@pytest.mark.parametrize("a, b", [
    ("苏州某某材料有限公司", "某某材料(苏州)"),
    ("苏州某某材料有限公司", "某某材料（苏州）有限公司"),
    ("华材新材料股份有限公司", "华材新材料"),
    ("ACME Co., Ltd.", "acme"),
])
def test_one_company_written_two_ways_matches(a, b):
    assert company_similarity(a, b) >= 90


def test_the_same_name_in_another_city_does_not_match():
    assert company_similarity("苏州某某材料有限公司", "某某材料（无锡）有限公司") == 0


def test_the_best_match_is_chosen_and_weak_ones_are_not():
    assert best_company_match("某某材料(苏州)", ["华东精密", "苏州某某材料有限公司"]) == "苏州某某材料有限公司"
    assert best_company_match("完全不同的公司", ["苏州某某材料有限公司"]) is None
    assert normalise_company("上海市华材新材料有限公司") == "华材新材料"


def test_a_crm_csv_with_chinese_headers_is_read():
    rows = parse_crm_csv("客户名称,联系人,电话,邮箱,负责人\n苏州某某材料有限公司,王工,+86 138-0000-0000;021-5555666,wang@mm.com,zhangsan\n")
    assert rows[0].account == "苏州某某材料有限公司"
    assert rows[0].phones == ("13800000000", "0215555666") and rows[0].owner == "zhangsan"


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("name,phone\n王工,138\n", "no account column"),
    ("account,phone\n,13800000000\n", "account name is empty"),
    ("account,phone\n某某,not-a-phone\n", "not a phone number"),
    ("account,email\n某某,wang-at-mm\n", "not an email"),
    ("account,phone\n某某,13800000000,extra\n", "cells but the header has"),
    ('account,phone\n"某某,13800000000\n', "CSV"),
    ("account,phone\n", "no rows"),
])
def test_a_malformed_crm_csv_is_refused_with_every_problem(text, message):
    with pytest.raises(CrmFileError) as refused:
        parse_crm_csv(text)
    assert message in str(refused.value)


def test_every_bad_row_is_reported_at_once():
    with pytest.raises(CrmFileError) as refused:
        parse_crm_csv("account,phone\n,1\n好公司,13800000000\n坏,x\n")
    assert [line for line, _ in refused.value.problems] == [2, 2, 4]


def test_leads_are_classified_by_phone_email_then_company():
    index = dict(contacts_by_phone={"13800000000": "苏州某某材料有限公司"},
                 contacts_by_email={"li@nf.com": "南方化工"}, accounts=["苏州某某材料有限公司", "南方化工"])
    assert classify(company="", phone="138 0000 0000", email="", **index).match == KNOWN_CONTACT
    assert classify(company="", phone="", email="LI@nf.com", **index).match == KNOWN_CONTACT
    assert classify(company="某某材料(苏州)", phone="", email="", **index).match == EXISTING_ACCOUNT
    assert classify(company="新客户有限公司", phone="", email="", **index).match == NEW
