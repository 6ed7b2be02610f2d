"""The campaign file (YAML), validated completely before anything changes. Pure: what needs
the database (segment names, content slugs, groups, an empty audience) is checked by the use
case that creates the campaign.

    name: 十二月白皮书
    audience:                     # leads (segments and/or filter) or customer groups
      segments: [化工客户]
      filter: {tag: 化工}
    message:
      text: "{{ name }}您好，新白皮书：{{ link }}"
      content: pp-whitepaper       # a content item: sent as a link card, tracked per recipient
    schedule: now                  # or {at: 2026-12-08T09:00} or {cron: "0 9 * * MON"}
    quiet_hours: "21:00-08:00"
    frequency_cap: {count: 2, days: 7}
    sender: zhangsan               # optional: the member who confirms (default: each lead's owner)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from content.rendering import TemplateProblem, compile_template, template_names
from leads.segments import Filter, SegmentError, parse as parse_filter

from .schedule import FrequencyCap, QuietHours, Schedule, ScheduleError

KEYS = {
    "": ("name", "audience", "message", "schedule", "quiet_hours", "frequency_cap", "sender"),
    "audience": ("segments", "filter", "groups"),
    "message": ("text", "content", "attachments"),
}
# What a message template may use, per recipient.
RECIPIENT_FIELDS = ("name", "company", "owner", "channel", "stage", "industry", "region")
CONTENT_FIELDS = ("link", "title")
ATTACHMENTS_MAX = 9  # add_msg_template: 最多支持添加9个附件
ATTACHMENT_KINDS = ("image", "link", "miniprogram", "video", "file")
TEXT_MAX_BYTES = 4000  # add_msg_template text.content: 最长4000个字节

class CampaignFileError(ValueError):
    """Everything wrong with a campaign file, one problem a line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class CampaignSpec:
    """A validated campaign file."""

    name: str
    chat_type: str  # single | group
    segments: list[str]
    filter: Filter | None
    groups: list[str]
    text: str
    content: str
    attachments: list[dict]
    schedule: Schedule
    quiet_hours: QuietHours | None
    frequency_cap: FrequencyCap | None
    sender: str
    raw: dict[str, Any] = field(default_factory=dict)


def load_campaign(source: str, now: datetime) -> CampaignSpec:
    """Parse and validate a campaign file; raise CampaignFileError listing every problem."""
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise CampaignFileError([f"not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict) or node is None:
        raise CampaignFileError(["a campaign file is a mapping with name, audience, message and schedule"])
    problems = _unknown_keys(node)
    spec = _build(raw, now, problems)
    if problems:
        raise CampaignFileError(problems)
    return spec


def _unknown_keys(root: yaml.MappingNode) -> list[str]:
    problems = []
    sections = [("", root)]
    for key_node, value_node in root.value:
        if key_node.value in ("audience", "message") and isinstance(value_node, yaml.MappingNode):
            sections.append((key_node.value, value_node))
    for section, mapping in sections:
        for key_node, _ in mapping.value:
            if key_node.value not in KEYS[section]:
                where = f"{section}.{key_node.value}" if section else key_node.value
                problems.append(f"line {key_node.start_mark.line + 1}: unknown key `{where}`; "
                                f"known keys{' of ' + section if section else ''}: {', '.join(KEYS[section])}")
    return problems


def _build(raw: dict, now: datetime, problems: list[str]) -> CampaignSpec:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name: required (a title marketers recognise)")
    audience = _mapping(raw, "audience", problems)
    message = _mapping(raw, "message", problems)
    segments = _names(audience, "segments", problems)
    groups = _names(audience, "groups", problems)
    flt = None
    if audience.get("filter") is not None:
        try:
            flt = parse_filter(audience["filter"], "audience.filter")
        except SegmentError as exc:
            problems.append(str(exc))
    if groups and (segments or flt):
        problems.append("audience: either leads (segments, filter) or customer groups (groups), not both")
    if audience and not (groups or segments or flt):
        problems.append("audience: empty; name segments, a filter or customer groups")
    text = message.get("text") or ""
    content = message.get("content") or ""
    if not isinstance(text, str) or not isinstance(content, str):
        problems.append("message.text and message.content are strings")
        text, content = str(text), str(content)
    attachments = message.get("attachments") or []
    _check_attachments(attachments, bool(content), problems)
    if message and not text.strip() and not content and not attachments:
        problems.append("message: needs text, content or attachments")
    if text:
        check_template_fields(text, bool(content), problems)
    schedule = _parsed(lambda: Schedule.parse(raw.get("schedule", "now"), now), problems, Schedule("now"))
    quiet = _parsed(lambda: QuietHours.parse(raw.get("quiet_hours")), problems, None)
    cap = _parsed(lambda: FrequencyCap.parse(raw.get("frequency_cap")), problems, None)
    sender = raw.get("sender") or ""
    if not isinstance(sender, str):
        problems.append("sender: a member's userid")
    return CampaignSpec(str(name or "").strip(), "group" if groups else "single", segments, flt, groups, text,
                        content, list(attachments), schedule, quiet, cap, str(sender), raw)


def _mapping(raw: dict, key: str, problems: list[str]) -> dict:
    value = raw.get(key)
    if not isinstance(value, dict):
        problems.append(f"{key}: required, a mapping")
        return {}
    return value


def _names(section: dict, key: str, problems: list[str]) -> list[str]:
    value = section.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(f"audience.{key}: a list of names")
        return []
    return value


def _check_attachments(attachments: Any, has_content: bool, problems: list[str]) -> None:
    if not isinstance(attachments, list):
        problems.append("message.attachments: a list")
        return
    if len(attachments) + has_content > ATTACHMENTS_MAX:
        problems.append(f"message: at most {ATTACHMENTS_MAX} attachments, the content card included")
    for i, item in enumerate(attachments):
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in ATTACHMENT_KINDS:
            problems.append(f"message.attachments[{i}]: one of {', '.join(ATTACHMENT_KINDS)} with its fields")


def check_template_fields(text: str, has_content: bool, problems: list[str]) -> None:
    """Add to ``problems`` what is wrong with a message template: syntax, unknown fields, length."""
    try:
        compile_template(text)
    except TemplateProblem as exc:
        problems.append(f"message.text: template {exc}")
        return
    used = template_names(text)
    known = RECIPIENT_FIELDS + (CONTENT_FIELDS if has_content else ())
    for name in sorted(used - set(known)):
        hint = " (set message.content to use it)" if name in CONTENT_FIELDS else ""
        problems.append(f"message.text: uses {{{{ {name} }}}}, a field recipients do not have{hint}; "
                        f"fields: {', '.join(known)}")
    if len(text.encode()) > TEXT_MAX_BYTES:
        problems.append(f"message.text: longer than WeCom's {TEXT_MAX_BYTES} bytes")


def _parsed(build, problems: list[str], fallback):
    try:
        return build()
    except ScheduleError as exc:
        problems.append(str(exc))
        return fallback
