"""Import files (channel set-up YAML, CRM CSV, FAQ YAML/JSONL) are checked one way: every
problem is found before anything changes, each named with its line, and an unknown key is a
problem, never ignored (a typo such as ``welcom_template`` must not wipe a setting)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable

import yaml


@dataclass(frozen=True)
class FileProblem:
    """One problem; ``line`` is 1-based (0 when it concerns the whole file)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def unknown_keys(keys: Iterable[Any], known: Iterable[str], what: str = "field") -> list[str]:
    """A message for each key not in ``known``, suggesting the nearest known one."""
    known = list(known)
    messages = []
    for key in keys:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(known))})"
        messages.append(f"unknown {what} '{key}'{hint}")
    return messages


def key_lines(node: yaml.Node) -> dict[str, int]:
    """The 1-based line of each key of a YAML mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _ in node.value}


def yaml_items(text: str, list_key: str) -> tuple[list[tuple[yaml.Node, Any]], list[FileProblem]]:
    """The items of the list under ``list_key`` at the top of a YAML document, each with its
    node (for line numbers), or the problems that stop reading it."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        return [], [FileProblem(mark.line + 1 if mark else 0, f"not valid YAML ({reason})")]
    except RecursionError:
        return [], [FileProblem(0, "not valid YAML (nested too deeply)")]
    if root is None or not isinstance(data, dict) or not isinstance(data.get(list_key), list):
        return [], [FileProblem(1, f"expected a mapping with a '{list_key}' list at the top")]
    lines = key_lines(root)
    problems = [FileProblem(lines.get(str(key), 1), message)
                for key in data for message in unknown_keys([key], [list_key], "top-level key")]
    node = next(value for key, value in root.value if key.value == list_key)
    return list(zip(node.value, data[list_key])), problems
