"""Declarative set-up: ``python main.py import FILE.yaml`` creates or updates channels (with
the groups and tags they need) from a YAML file. Every channel is checked before anything
changes; running the same file twice changes nothing the second time.

    channels:
      - code: expo2026-a12          # the QR code's state: at most 30 characters
        name: 2026 材料展 A12 展位
        kind: trade_show
        cost: 30000
        staff: [{userid: zhangsan, daily_cap: 200}, lisi]
        backup: wangwu
        tags: [2026材料展, 展会线索]
        welcome_template: 您好{{ name }}，感谢到访{{ channel_name }}！
        groups: [wrGroupA, wrGroupB]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models import Channel

from bot.import_files import FileProblem, key_lines, unknown_keys, yaml_items

from .channels import SPEC_FIELDS, ChannelError, ChannelService, ChannelSpec, channel_spec_of, parse_spec


class SetupFileError(ValueError):
    """The file was refused before anything changed; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class SetupResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def parse_setup(text: str) -> list[ChannelSpec]:
    """The channels of a set-up file, or SetupFileError naming every problem with its line."""
    items, problems = yaml_items(text, "channels")
    specs, seen = [], set()
    for i, (node, raw) in enumerate(items, start=1):
        line = node.start_mark.line + 1
        where = f"channel {i} ({raw.get('code', '?') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict):
            problems.append(FileProblem(line, f"{where}: expected a mapping of fields"))
            continue
        lines = key_lines(node)
        problems += [FileProblem(lines.get(str(key), line), f"{where}: {message}")
                     for key in raw for message in unknown_keys([key], SPEC_FIELDS)]
        try:
            spec = parse_spec(raw)
        except ChannelError as exc:
            problems += [FileProblem(lines.get(field, line), f"{where}: {field} {message}")
                         for field, message in exc.problems.items()]
            continue
        if spec.code in seen:
            problems.append(FileProblem(lines.get("code", line), f"{where}: code {spec.code!r} appears twice"))
        seen.add(spec.code)
        specs.append(spec)
    if problems:
        raise SetupFileError([str(p) for p in sorted(problems, key=lambda p: p.line)])
    return specs


async def apply_setup(text: str, service: ChannelService) -> SetupResult:
    specs = parse_setup(text)
    existing = {c.code: c for c in await Channel.filter(code__in=[s.code for s in specs])}
    archived = [code for code, c in existing.items() if c.archived]
    if archived:
        raise SetupFileError([f"channel {code!r} is archived: give the new one another code" for code in archived])
    result = SetupResult([], [], [])
    for spec in specs:
        channel = existing.get(spec.code)
        if channel is None:
            await service.create(spec)
            result.created.append(spec.code)
        elif await channel_spec_of(channel) == spec:
            result.unchanged.append(spec.code)
        else:
            await service.update(channel, spec)
            result.updated.append(spec.code)
    return result


def spec_summary(spec: ChannelSpec) -> dict[str, Any]:
    return {"code": spec.code, "name": spec.name, "kind": spec.kind}
