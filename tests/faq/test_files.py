"""FAQ import files are validated completely: one problem anywhere refuses the whole file."""
import json

import pytest

from faq import FaqFileError, detect_format, export_faq_file, parse_faq_file, parse_faq_jsonl, parse_faq_yaml
from faq.validation import regex_problem


def line(**fields) -> str:
    record = {"id": "moq", "question": "起订量多少？", "answer": "1 件起订。", "variants": [], "keywords": [],
              "category": "product"}
    record.update(fields)
    return json.dumps(record, ensure_ascii=False)


def problems(text: str, parse=parse_faq_jsonl) -> list[str]:
    with pytest.raises(FaqFileError) as caught:
        parse(text)
    return [str(error) for error in caught.value.errors]


def test_a_valid_jsonl_file_gives_entries_with_defaults():
    (entry,) = parse_faq_jsonl(line(variants=["最少买多少"], keywords=["起订量"]) + "\n")
    assert (entry.id, entry.variants, entry.keywords, entry.scope, entry.active) == (
        "moq", ("最少买多少",), ("起订量",), "both", True)


def test_bad_json_line_is_reported_with_its_line_number():
    text = "\n".join([line(id="a"), "{not json", line(id="b")])
    assert problems(text) == ["line 2: invalid JSON (Expecting property name enclosed in double quotes at column 2)"]


def test_duplicate_ids_and_missing_fields_are_all_reported():
    text = "\n".join([line(id="a"), line(id="a"), json.dumps({"id": "c"})])
    found = problems(text)
    assert "line 2: duplicate id 'a' (first on line 1)" in found
    assert "line 3: entry 'c': 'question' must be a non-empty string" in found
    assert "line 3: entry 'c': 'answer' must be a non-empty string" in found


def test_catastrophic_regex_is_refused():
    rules = [{"kind": "regex", "pattern": "(发货+)+$", "priority": 1}]
    (message,) = problems(line(rules=rules))
    assert message.startswith("line 1: entry 'moq': 'rules[0].pattern' nests quantifiers")


def test_invalid_and_overlong_rules_are_refused():
    rules = [
        {"kind": "regex", "pattern": "(发货", "priority": 1},
        {"kind": "contains", "pattern": "长" * 201},
        {"kind": "fuzzy", "pattern": "x"},
        {"kind": "exact", "pattern": "！！", "priority": "high"},
    ]
    found = problems(line(rules=rules))
    assert any("rules[0].pattern' is not a valid regular expression" in m for m in found)
    assert any("rules[1].pattern' is longer than 200 characters" in m for m in found)
    assert any("rules[2].kind' must be one of exact, contains, regex" in m for m in found)
    assert any("rules[3].pattern' has no letters or digits" in m for m in found)
    assert any("rules[3].priority' must be an integer" in m for m in found)


@pytest.mark.parametrize("pattern", ["(a+)+", "(a*)*b", "([a-z]+\\d?)*x", "(.*a){10}"])
def test_nested_quantifiers_are_detected(pattern):
    assert "nests quantifiers" in regex_problem(pattern)


@pytest.mark.parametrize("pattern", ["(发货|出货)(时间|日期)?", r"\d+天", ".*发票.*", "(ab){3}"])
def test_ordinary_regexes_are_accepted(pattern):
    assert regex_problem(pattern) is None


def test_unknown_fields_bad_scope_and_bad_template_are_reported():
    found = problems(line(scope="everyone", colour="red", answer="{% if %}"))
    assert any("unknown fields: colour" in m for m in found)
    assert any("'scope' must be one of single, group, both" in m for m in found)
    assert any("'answer' is not a valid template" in m for m in found)


def test_empty_file_is_refused():
    assert problems("\n\n") == ["the file holds no entries"]


def test_yaml_problems_carry_the_entry_line():
    text = "entries:\n- id: a\n  question: 起订量？\n  answer: 1 件\n- id: b\n  question: 样品？\n"
    assert problems(text, parse_faq_yaml) == ["line 5: entry 'b': 'answer' must be a non-empty string"]


def test_broken_yaml_is_reported():
    (message,) = problems("entries:\n- id: a\n  question: [unclosed\n", parse_faq_yaml)
    assert message.startswith("line 4: invalid YAML")


def test_unquoted_number_in_yaml_list_is_explained():
    text = "- id: a\n  question: 京东有店吗？\n  answer: 有\n  keywords: [京东, 1688]\n"
    (message,) = problems(text, parse_faq_yaml)
    assert "'keywords[1]' must be a non-empty string (got 1688; quote it)" in message


@pytest.mark.parametrize("fmt", ["yaml", "jsonl"])
def test_export_round_trips(entries, fmt):
    text = export_faq_file(entries, fmt)
    parse = parse_faq_yaml if fmt == "yaml" else parse_faq_jsonl
    assert parse(text) == entries
    assert export_faq_file(parse(text), fmt) == text


def test_unknown_format_is_refused():
    with pytest.raises(FaqFileError) as caught:
        parse_faq_file("x", "csv")
    assert str(caught.value) == "unknown format 'csv' (expected yaml or jsonl)"


def test_format_follows_the_file_name():
    assert [detect_format(n) for n in ("faq.JSONL", "faq.yaml", "faq.yml")] == ["jsonl", "yaml", "yaml"]
