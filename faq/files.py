"""FAQ import/export files, YAML or JSONL, validated completely before anything is used.

JSONL: one entry per line, ``{"id", "question", "answer", "variants": [], "keywords": [],
"category"}`` with optional ``"rules"``, ``"scope"``, ``"active"``. YAML: a list of the same
mappings, or a mapping whose ``entries`` key holds that list. A file with any problem
raises FaqFileError listing every problem with its line number; nothing is returned.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

import yaml

from faq.entries import FaqEntry
from faq.validation import entry_from_record, entry_to_record

FORMATS = ("yaml", "jsonl")


@dataclass(frozen=True)
class FaqFileProblem:
    """One problem in an import file; ``line`` is 1-based (0 when it concerns the whole file)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class FaqFileError(ValueError):
    """An import file was refused; ``errors`` lists every problem found."""

    def __init__(self, errors: Iterable[FaqFileProblem]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def _jsonl_records(text: str) -> tuple[list[tuple[int, Any]], list[FaqFileProblem]]:
    records, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(FaqFileProblem(number, f"invalid JSON ({exc.msg} at column {exc.colno})"))
        except RecursionError:
            problems.append(FaqFileProblem(number, "invalid JSON (nested too deeply)"))
    return records, problems


def _yaml_records(text: str) -> tuple[list[tuple[int, Any]], list[FaqFileProblem]]:
    try:
        root: Any = yaml.compose(text, Loader=yaml.SafeLoader)  # a Node wherever data is not None
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        return [], [FaqFileProblem(mark.line + 1 if mark else 0, f"invalid YAML ({reason})")]
    except RecursionError:
        return [], [FaqFileProblem(0, "invalid YAML (nested too deeply)")]
    if isinstance(data, dict) and set(data) == {"entries"}:
        data = data["entries"]
        root = next(value for key, value in root.value if key.value == "entries")
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [FaqFileProblem(1, "expected a list of entries (or a mapping with 'entries')")]
    return [(node.start_mark.line + 1, item) for node, item in zip(root.value, data)], []


def _entries(records: list[tuple[int, Any]]) -> tuple[list[FaqEntry], list[FaqFileProblem]]:
    entries: list[FaqEntry] = []
    problems: list[FaqFileProblem] = []
    first_line: dict[str, int] = {}
    for line, record in records:
        entry, messages = entry_from_record(record)
        label = f"entry '{record['id']}': " if isinstance(record, dict) and isinstance(record.get("id"), str) else ""
        problems += [FaqFileProblem(line, label + message) for message in messages]
        entry_id = record.get("id") if isinstance(record, dict) else None
        if isinstance(entry_id, str) and entry_id.strip():
            key = entry_id.strip()
            if key in first_line:
                problems.append(FaqFileProblem(line, f"duplicate id '{key}' (first on line {first_line[key]})"))
            first_line.setdefault(key, line)
        if entry:
            entries.append(entry)
    return entries, problems


def parse_faq_file(text: str, fmt: str) -> tuple[FaqEntry, ...]:
    """All entries of a ``yaml`` or ``jsonl`` file, or FaqFileError with every problem."""
    if fmt not in FORMATS:
        raise FaqFileError([FaqFileProblem(0, f"unknown format '{fmt}' (expected yaml or jsonl)")])
    records, problems = (_yaml_records if fmt == "yaml" else _jsonl_records)(text)
    entries, entry_problems = _entries(records)
    problems += entry_problems
    if not problems and not entries:
        problems.append(FaqFileProblem(0, "the file holds no entries"))
    if problems:
        raise FaqFileError(sorted(problems, key=lambda problem: problem.line))
    return tuple(entries)


def parse_faq_yaml(text: str) -> tuple[FaqEntry, ...]:
    """Entries of a YAML file (see ``parse_faq_file``)."""
    return parse_faq_file(text, "yaml")


def parse_faq_jsonl(text: str) -> tuple[FaqEntry, ...]:
    """Entries of a JSONL file (see ``parse_faq_file``)."""
    return parse_faq_file(text, "jsonl")


def export_faq_file(entries: Iterable[FaqEntry], fmt: str) -> str:
    """Entries written as ``yaml`` or ``jsonl``; parsing the result gives them back."""
    records = [entry_to_record(entry) for entry in entries]
    if fmt == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if fmt == "yaml":
        return yaml.safe_dump({"entries": records}, allow_unicode=True, sort_keys=False, width=100)
    raise ValueError(f"unknown format '{fmt}' (expected yaml or jsonl)")


def detect_format(filename: str) -> str:
    """``yaml`` or ``jsonl`` from a file name's extension."""
    lowered = filename.lower()
    return "jsonl" if lowered.endswith((".jsonl", ".ndjson", ".json")) else "yaml"
