"""A campaign file is checked completely before anything changes: every problem at once,
unknown keys with their line, templates only with fields recipients have."""
from datetime import datetime, timezone

import pytest

from handlers.pushes.campaign_file import CampaignFileError, load_campaign

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)

GOOD = """\
name: 十二月白皮书
audience:
  segments: [化工客户]
  filter: {tag: 化工}
message:
  text: "{{ name }}您好，《{{ title }}》已发布：{{ link }}"
  content: pp-whitepaper
schedule: {cron: "0 9 * * MON"}
quiet_hours: "21:00-08:00"
frequency_cap: {count: 2, days: 7}
"""


def test_a_good_file_becomes_a_campaign_spec():
    spec = load_campaign(GOOD, NOW)
    assert (spec.name, spec.chat_type, spec.segments, spec.content) == ("十二月白皮书", "single", ["化工客户"], "pp-whitepaper")
    assert spec.schedule.kind == "cron" and spec.quiet_hours and spec.frequency_cap.count == 2


def test_unknown_keys_are_named_with_their_line():
    source = GOOD.replace("  content: pp-whitepaper\n", "  content: pp-whitepaper\n  colour: red\n") + "priority: high\n"
    with pytest.raises(CampaignFileError) as caught:
        load_campaign(source, NOW)
    assert caught.value.problems == [
        "line 12: unknown key `priority`; known keys: name, audience, message, schedule, quiet_hours, frequency_cap, sender",
        "line 8: unknown key `message.colour`; known keys of message: text, content, attachments",
    ]


def test_a_template_with_a_field_recipients_do_not_have_is_refused():
    source = GOOD.replace("{{ name }}", "{{ nickname }}").replace("  content: pp-whitepaper\n", "")
    with pytest.raises(CampaignFileError) as caught:
        load_campaign(source, NOW)
    text = str(caught.value)
    assert "uses {{ nickname }}, a field recipients do not have" in text
    assert "uses {{ link }}" in text and "set message.content to use it" in text


@pytest.mark.parametrize("change, message", [
    (("  segments: [化工客户]\n  filter: {tag: 化工}\n", "  segments: []\n"), "audience: empty"),
    (('{cron: "0 9 * * MON"}', '{cron: "0 0 30 2 *"}'), "never fires"),
    (("{tag: 化工}", "{hue: 化工}"), "audience.filter.hue: unknown filter"),
    (("{{ name }}您好", "{% if %}"), "template does not parse"),
    (("name: 十二月白皮书\n", ""), "name: required"),
    (("  segments: [化工客户]\n  filter: {tag: 化工}\n", "  groups: [wrGroup001]\n  filter: {tag: 化工}\n"), "not both"),
])
def test_a_broken_file_is_refused_with_a_clear_message(change, message):
    with pytest.raises(CampaignFileError, match=message):
        load_campaign(GOOD.replace(*change), NOW)


def test_text_that_is_not_yaml_is_refused():
    with pytest.raises(CampaignFileError, match="not valid YAML"):
        load_campaign("name: [unclosed", NOW)


def test_the_demo_campaign_file_in_the_readme_is_valid():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "content" / "demo" / "campaign.yaml").read_text(encoding="utf-8")
    spec = load_campaign(source, NOW)
    assert spec.segments == ["展会线索"] and spec.content == "pp-whitepaper-2026" and spec.schedule.kind == "cron"
