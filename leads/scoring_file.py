"""Scoring rules as YAML (``python main.py scoring import FILE.yaml``), checked whole before
anything changes: every problem is reported with its line, and nothing is returned.

    half_life_days: 30
    behaviour:
      - {kind: faq.asked, points: 20, label: 询价, keywords: [报价, 价格], intent: true}
      - {kind: content.opened, points: 5, daily_cap: 15, label: 阅读内容}
    fit:
      industry: {新材料: 20, 汽车: 15}
      crm_match: {existing_account: 10}
    grades: {engagement: [60, 30, 10], fit: [40, 25, 10]}
    mql: {min_score: 60, fit_grades: [A, B], intent_within_days: 14}
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection

import yaml

from leads.scoring import FIT_FIELDS, FIT_GRADES, BehaviourRule, MqlRule, ScoringRules

TOP_KEYS = {"half_life_days", "behaviour", "fit", "grades", "mql", "version"}
RULE_KEYS = {"kind", "points", "label", "daily_cap", "keywords", "intent"}
GRADE_KEYS = {"engagement", "fit"}
MQL_KEYS = {"min_score", "fit_grades", "intent_within_days"}


@dataclass(frozen=True)
class RuleProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ScoringFileError(ValueError):
    """The file was refused; ``problems`` lists every problem with its line."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class _Checker:
    def __init__(self) -> None:
        self.problems: list[RuleProblem] = []

    def fail(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(RuleProblem(node.start_mark.line + 1 if node is not None else 0, message))

    def mapping(self, node: yaml.Node, allowed: set[str], where: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{where} must be a mapping")
            return {}
        out = {}
        for key, value in node.value:
            if key.value not in allowed:
                self.fail(key, f"unknown key '{key.value}' in {where} (allowed: {', '.join(sorted(allowed))})")
            else:
                out[key.value] = value
        return out

    def number(self, node: yaml.Node, where: str, *, minimum: float = 0) -> float | None:
        value = yaml.safe_load(yaml.serialize(node)) if node is not None else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            self.fail(node, f"{where} must be a number ≥ {minimum:g}, got {value!r}")
            return None
        return float(value)

    def value(self, node: yaml.Node) -> Any:
        return yaml.safe_load(yaml.serialize(node))


def parse_scoring_rules(text: str, known_kinds: Collection[str]) -> ScoringRules:
    """Rules from YAML; raises :class:`ScoringFileError` listing every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScoringFileError([RuleProblem(mark.line + 1 if mark else 0, f"invalid YAML ({getattr(exc, 'problem', exc)})")])
    check = _Checker()
    if root is None:
        raise ScoringFileError([RuleProblem(0, "the file is empty")])
    top = check.mapping(root, TOP_KEYS, "the file")
    rules = ScoringRules(
        behaviour=_behaviour(check, top.get("behaviour"), known_kinds),
        fit=_fit(check, top.get("fit")),
        half_life_days=_half_life(check, top.get("half_life_days")),
        mql=_mql(check, top.get("mql")),
        **_grades(check, top.get("grades")),
    )
    if check.problems:
        raise ScoringFileError(sorted(check.problems, key=lambda p: p.line))
    return rules


def _behaviour(check: _Checker, node: yaml.Node | None, known_kinds: Collection[str]) -> tuple[BehaviourRule, ...]:
    if node is None:
        check.fail(None, "'behaviour' is missing: list the behaviour kinds that earn points")
        return ()
    if not isinstance(node, yaml.SequenceNode):
        check.fail(node, "'behaviour' must be a list of rules")
        return ()
    rules = []
    for item in node.value:
        fields = check.mapping(item, RULE_KEYS, "a behaviour rule")
        kind = check.value(fields["kind"]) if "kind" in fields else None
        if not isinstance(kind, str) or not kind:
            check.fail(item, "a behaviour rule needs a 'kind'")
            continue
        if kind not in known_kinds:
            check.fail(fields["kind"], f"unknown behaviour kind '{kind}' (known: {', '.join(sorted(known_kinds))})")
        points = check.number(fields["points"], f"points of '{kind}'", minimum=-1000) if "points" in fields else None
        if "points" not in fields:
            check.fail(item, f"the rule for '{kind}' needs 'points'")
        cap = check.number(fields["daily_cap"], f"daily_cap of '{kind}'") if "daily_cap" in fields else None
        keywords = check.value(fields["keywords"]) if "keywords" in fields else []
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
            check.fail(fields.get("keywords"), f"keywords of '{kind}' must be a list of words")
            keywords = []
        label = check.value(fields["label"]) if "label" in fields else ""
        intent = check.value(fields["intent"]) if "intent" in fields else False
        if not isinstance(intent, bool):
            check.fail(fields["intent"], f"intent of '{kind}' must be true or false")
            intent = False
        if points is not None:
            rules.append(BehaviourRule(kind, points, str(label or ""), cap, tuple(keywords), intent))
    return tuple(rules)


def _fit(check: _Checker, node: yaml.Node | None) -> dict[str, dict[str, float]]:
    if node is None:
        return {}
    tables = {}
    for name, table in check.mapping(node, set(FIT_FIELDS), "fit").items():
        entries = {}
        for key, value in check.mapping(table, _keys_of(table), f"fit.{name}").items():
            points = check.number(value, f"fit.{name}.{key}", minimum=-1000)
            if points is not None:
                entries[str(key)] = points
        tables[name] = entries
    return tables


def _keys_of(node: yaml.Node) -> set[str]:
    return {key.value for key, _ in node.value} if isinstance(node, yaml.MappingNode) else set()


def _half_life(check: _Checker, node: yaml.Node | None) -> float | None:
    if node is None:
        return ScoringRules.half_life_days
    if check.value(node) in (None, 0):
        return None  # no decay
    return check.number(node, "half_life_days", minimum=0.01)


def _grades(check: _Checker, node: yaml.Node | None) -> dict[str, tuple[float, float, float]]:
    if node is None:
        return {}
    out = {}
    for name, value in check.mapping(node, GRADE_KEYS, "grades").items():
        limits = check.value(value)
        if (not isinstance(limits, list) or len(limits) != 3
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in limits)
                or not limits[0] > limits[1] > limits[2]):
            check.fail(value, f"grades.{name} must be three falling numbers, e.g. [60, 30, 10]")
            continue
        out[f"{name}_grades"] = tuple(float(x) for x in limits)
    return out


def _mql(check: _Checker, node: yaml.Node | None) -> MqlRule:
    if node is None:
        return MqlRule()
    fields = check.mapping(node, MQL_KEYS, "mql")
    rule = MqlRule()
    if "min_score" in fields:
        rule = MqlRule(check.number(fields["min_score"], "mql.min_score") or 0, rule.fit_grades, rule.intent_within_days)
    if "fit_grades" in fields:
        grades = check.value(fields["fit_grades"])
        if not isinstance(grades, list) or not grades or any(g not in FIT_GRADES for g in grades):
            check.fail(fields["fit_grades"], "mql.fit_grades must list grades among A, B, C, D")
        else:
            rule = MqlRule(rule.min_score, tuple(grades), rule.intent_within_days)
    if "intent_within_days" in fields:
        days = check.number(fields["intent_within_days"], "mql.intent_within_days")
        rule = MqlRule(rule.min_score, rule.fit_grades, int(days or 0))
    return rule
