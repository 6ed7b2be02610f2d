"""Property-based tests of every parser that reads bytes from outside: the callback bodies of
WeCom, WeChat and the WeCom intelligent robot (before any signature check, so anyone can send
them), and the files staff import (FAQ, CRM, channel set-up). Whatever they get, they return
a typed result or refuse with their own error; nothing else escapes.

The default run keeps a small budget; CI raises it with SIYU_PROPERTY_EXAMPLES (see .ci/run)."""
from __future__ import annotations

import json
import os
import string

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.events import Event
from bot.platforms.payloads import PayloadError, parse_json, parse_xml
from bot.platforms.wechat.events import parse_wechat
from bot.platforms.wecom.events import parse_wecom
from bot.platforms.wecom_bot.events import parse_wecom_bot
from faq import FaqFileError, parse_faq_file
from handlers.onboarding.setup_file import SetupFileError, parse_setup
from leads.crm import CrmFileError, parse_crm_csv

pytestmark = pytest.mark.property
EXAMPLES = int(os.environ.get("SIYU_PROPERTY_EXAMPLES", "100"))  # per parser; the YAML ones take a tenth
# Derandomized: CI runs the same inputs every time, so a red run is reproducible here.
BUDGET = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
YAML_BUDGET = settings(BUDGET, max_examples=max(EXAMPLES // 10, 10))  # a YAML parse is ~50 times slower

XML_KEYS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "EventKey", "Content", "MsgId", "AgentID",
            "ChangeType", "UserID", "ExternalUserID", "State", "WelcomeCode", "ChatId", "UpdateDetail", "MemChangeCnt",
            "MemChangeList", "TagType", "Id", "OpenKfId", "Token", "Source", "FailReason", "StrategyId", "Encrypt")
XML_VALUES = ("text", "event", "image", "voice", "change_external_contact", "add_external_contact",
              "del_external_contact", "change_external_chat", "create", "update", "dismiss", "add_member",
              "del_member", "change_external_tag", "kf_msg_or_event", "subscribe", "unsubscribe", "SCAN",
              "qrscene_expo", "0", "-1", "99999999999999999999", "1.5", "")
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
scalar = st.one_of(st.sampled_from(XML_VALUES), text, st.integers().map(str))


def element(name: str, value) -> str:
    if isinstance(value, dict):
        inner = "".join(element(k, v) for k, v in value.items())
    elif isinstance(value, list):
        return "".join(element(name, v) for v in value)
    else:
        inner = "<![CDATA[" + value.replace("]]>", "") + "]]>"
    return f"<{name}>{inner}</{name}>"


xml_tree = st.recursive(
    scalar,
    lambda children: st.one_of(st.dictionaries(st.sampled_from(XML_KEYS + ("Item", "a")), children, max_size=4),
                               st.lists(children, min_size=1, max_size=3)),
    max_leaves=12,
)
callbacks = st.dictionaries(st.sampled_from(XML_KEYS), xml_tree, max_size=10).map(lambda d: element("xml", d))


@BUDGET
@given(body=st.one_of(callbacks, st.binary(max_size=300), st.text(max_size=300)))
def test_wecom_and_wechat_callbacks_parse_or_are_refused(body):
    try:
        payload = parse_xml(body)
    except PayloadError:
        return
    for parse in (parse_wecom, parse_wechat):
        try:
            assert isinstance(parse(payload), Event)
        except PayloadError:
            pass


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text,
              st.sampled_from(("text", "event", "image", "mixed", "stream", "group", "single"))),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(("msgtype", "text", "content", "from", "userid", "chatid",
                                                                "chattype", "msgid", "create_time", "event", "eventtype",
                                                                "response_url", "encrypt", "stream", "id")), children, max_size=5)),
    max_leaves=15,
)


@BUDGET
@given(body=st.one_of(json_values.map(json.dumps), st.binary(max_size=300), st.integers(1, 200_000).map(lambda n: "[" * n)))
def test_robot_callbacks_parse_or_are_refused(body):
    try:
        payload = parse_json(body)
    except PayloadError:
        return
    try:
        assert isinstance(parse_wecom_bot(payload, now=1_700_000_000), Event)
    except PayloadError:
        pass


yaml_text = st.one_of(
    st.text(st.sampled_from(string.printable + "：，中文"), max_size=300),
    st.integers(1, 1500).map(lambda n: "[" * n),
    st.integers(1, 1500).map(lambda n: "- " * n + "x"),
    st.lists(st.dictionaries(st.sampled_from(("id", "question", "answer", "variants", "keywords", "category", "scope",
                                              "rules", "active", "code", "name", "staff", "tags", "cost", "platform")),
                             json_values, max_size=6), max_size=3).map(lambda v: json.dumps(v, ensure_ascii=False)),
)


@YAML_BUDGET
@given(content=yaml_text, fmt=st.sampled_from(("yaml", "jsonl")))
def test_faq_files_import_or_list_their_problems(content, fmt):
    try:
        parse_faq_file(content, fmt)
    except FaqFileError as exc:
        assert exc.errors


@YAML_BUDGET
@given(content=yaml_text)
def test_channel_set_up_files_import_or_list_their_problems(content):
    try:
        parse_setup(content)
    except SetupFileError:
        pass


csv_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.lists(st.one_of(text, st.sampled_from(("account", "contact", "phone", "email", "owner", "公司", "手机",
                                                        "13800138000", "a@b.cn", '"', ",", "\n"))), max_size=6),
             max_size=6).map(lambda rows: "\n".join(",".join(r) for r in rows)),
)


@BUDGET
@given(content=csv_text)
def test_crm_files_import_or_list_their_problems(content):
    try:
        parse_crm_csv(content)
    except CrmFileError:
        pass
