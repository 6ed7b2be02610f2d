"""Lead scoring, pure: engagement points from behaviour (per-day caps, a decay half-life), fit
points from the profile, a grade (A–D for fit × 1–4 for engagement) and the MQL rule.

Every point is explainable: :func:`explain` lists each touch's contribution as earned and as
decayed to now. :class:`EngagementState` adds one touch in constant time, so scoring a new
event costs microseconds; a full :func:`engagement` over the log gives the same total.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
FIT_FIELDS = ("industry", "region", "company_size", "role", "crm_match")
FIT_GRADES = "ABCD"
# Keep per-day cap tallies this long: touches older than this arrive only in a rescore.
CAP_MEMORY = timedelta(days=3)


@dataclass(frozen=True)
class Touch:
    """One behaviour event as scoring sees it."""

    kind: str
    at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BehaviourRule:
    """``points`` for each touch of ``kind`` (whose text holds one of ``keywords``, when
    given), at most ``daily_cap`` points a day from this rule. An ``intent`` rule (asked for a
    quote, for delivery times) makes a lead an MQL on its own."""

    kind: str
    points: float
    label: str = ""
    daily_cap: float | None = None
    keywords: tuple[str, ...] = ()
    intent: bool = False

    @property
    def key(self) -> str:
        return self.kind + ("|" + ",".join(self.keywords) if self.keywords else "")

    def matches(self, touch: Touch) -> bool:
        if touch.kind != self.kind:
            return False
        if not self.keywords:
            return True
        text = touch_text(touch)
        return any(word in text for word in self.keywords)


@dataclass(frozen=True)
class MqlRule:
    """A lead is an MQL when its score reaches ``min_score`` and its fit grade is one of
    ``fit_grades`` — or when an intent rule fired within ``intent_within_days``."""

    min_score: float = 60
    fit_grades: tuple[str, ...] = ("A", "B")
    intent_within_days: int = 14


@dataclass(frozen=True)
class ScoringRules:
    behaviour: tuple[BehaviourRule, ...] = ()
    fit: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    half_life_days: float | None = 30.0
    engagement_grades: tuple[float, float, float] = (60, 30, 10)  # at least → 1, 2, 3; else 4
    fit_grades: tuple[float, float, float] = (40, 25, 10)  # at least → A, B, C; else D
    mql: MqlRule = MqlRule()
    version: int = 0

    def rule_for(self, touch: Touch) -> BehaviourRule | None:
        """The rule a touch earns points under: the best paying of those that match."""
        best = None
        for rule in self.behaviour:
            if rule.matches(touch) and (best is None or rule.points > best.points):
                best = rule
        return best


@dataclass(frozen=True)
class Contribution:
    """What one touch added: ``points`` when it happened (after the day's cap), ``decayed``
    as of the time the score was computed."""

    rule: BehaviourRule
    at: datetime
    points: float
    decayed: float

    def describe(self) -> str:
        """Like ``+15 下载白皮书 2026-12-01，衰减后 9``."""
        label = self.rule.label or self.rule.kind
        text = f"+{_number(self.points)} {label} {self.at.astimezone(CHINA):%Y-%m-%d}"
        if round(self.decayed) != round(self.points):
            text += f"，衰减后 {_number(self.decayed)}"
        return text


@dataclass(frozen=True)
class FitPoint:
    field: str
    value: str
    points: float


@dataclass(frozen=True)
class Score:
    engagement: float
    fit: float
    grade: str
    contributions: tuple[Contribution, ...] = ()
    fit_points: tuple[FitPoint, ...] = ()
    last_intent_at: datetime | None = None

    @property
    def total(self) -> float:
        return self.engagement + self.fit


def touch_text(touch: Touch) -> str:
    """The words of a touch that intent keywords are looked for in."""
    payload = touch.payload
    return " ".join(str(payload.get(key) or "") for key in ("text", "query", "question", "title"))


def decay(points: float, age: timedelta, half_life_days: float | None) -> float:
    """``points`` earned ``age`` ago, halved every ``half_life_days``."""
    if not half_life_days or age <= timedelta(0):
        return points
    return points * math.pow(0.5, age.total_seconds() / (half_life_days * 86400))


def _day(at: datetime) -> str:
    return at.astimezone(CHINA).date().isoformat()


@dataclass
class EngagementState:
    """A lead's engagement score kept up to date one touch at a time: the decayed total as of
    ``as_of`` plus the recent days' tallies that per-day caps need. Serialisable with
    :meth:`to_json` so it lives on the lead's row."""

    as_of: datetime | None = None
    total: float = 0.0
    tallies: dict[str, float] = field(default_factory=dict)  # "rule key|day" → points earned
    last_intent_at: datetime | None = None

    def value(self, rules: ScoringRules, now: datetime) -> float:
        """The score as of ``now``."""
        if self.as_of is None:
            return 0.0
        return decay(self.total, now - self.as_of, rules.half_life_days)

    def add(self, rules: ScoringRules, touch: Touch) -> Contribution | None:
        """Add one touch; return what it contributed (None: no rule pays for it)."""
        rule = rules.rule_for(touch)
        if rule is None:
            return None
        points = self._capped(rule, touch.at)
        if rule.intent and (self.last_intent_at is None or touch.at > self.last_intent_at):
            self.last_intent_at = touch.at
        if self.as_of is None or touch.at >= self.as_of:
            self.total = decay(self.total, touch.at - self.as_of, rules.half_life_days) if self.as_of else 0.0
            self.total += points
            self.as_of = touch.at
        else:  # a late touch: add it as decayed to the state's time
            self.total += decay(points, self.as_of - touch.at, rules.half_life_days)
        self._forget_old_days()
        return Contribution(rule, touch.at, points, points)

    def _capped(self, rule: BehaviourRule, at: datetime) -> float:
        if rule.daily_cap is None:
            return rule.points
        key = f"{rule.key}|{_day(at)}"
        earned = self.tallies.get(key, 0.0)
        points = max(0.0, min(rule.points, rule.daily_cap - earned))
        self.tallies[key] = earned + points
        return points

    def _forget_old_days(self) -> None:
        if self.as_of is None:
            return
        oldest = _day(self.as_of - CAP_MEMORY)
        for key in [key for key in self.tallies if key.rsplit("|", 1)[1] < oldest]:
            del self.tallies[key]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "total": self.total,
            "tallies": dict(self.tallies),
            "last_intent_at": self.last_intent_at.isoformat() if self.last_intent_at else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "EngagementState":
        if not data:
            return cls()
        parse = lambda value: datetime.fromisoformat(value) if value else None  # noqa: E731
        return cls(parse(data.get("as_of")), float(data.get("total", 0.0)), dict(data.get("tallies") or {}),
                   parse(data.get("last_intent_at")))


def explain(rules: ScoringRules, touches: Iterable[Touch], now: datetime) -> tuple[Contribution, ...]:
    """Each paying touch's contribution, oldest first, decayed to ``now``."""
    state = EngagementState()
    out = []
    for touch in sorted(touches, key=lambda t: t.at):
        earned = state.add(rules, touch)
        if earned is not None and earned.points > 0:
            out.append(replace(earned, decayed=decay(earned.points, now - touch.at, rules.half_life_days)))
    return tuple(out)


def engagement(rules: ScoringRules, touches: Iterable[Touch], now: datetime) -> float:
    return sum(c.decayed for c in explain(rules, touches, now))


def fit(rules: ScoringRules, profile: Mapping[str, Any]) -> tuple[float, tuple[FitPoint, ...]]:
    """Fit points of a profile (industry, region, company size, role, CRM match)."""
    points = []
    for name, table in rules.fit.items():
        value = str(profile.get(name) or "").strip()
        if not value:
            continue
        earned = _lookup(table, value)
        if earned:
            points.append(FitPoint(name, value, earned))
    return sum(p.points for p in points), tuple(points)


def _lookup(table: Mapping[str, float], value: str) -> float:
    folded = value.casefold()
    for key, points in table.items():
        if key.casefold() == folded:
            return points
    return table.get("*", 0.0)


def grade(rules: ScoringRules, engagement_points: float, fit_points: float) -> str:
    """``A1`` (best fit, most engaged) … ``D4``."""
    letter = next((FIT_GRADES[i] for i, low in enumerate(rules.fit_grades) if fit_points >= low), "D")
    number = next((str(i + 1) for i, low in enumerate(rules.engagement_grades) if engagement_points >= low), "4")
    return letter + number


def score(rules: ScoringRules, touches: Iterable[Touch], profile: Mapping[str, Any], now: datetime) -> Score:
    """The whole score of one lead, explained."""
    contributions = explain(rules, touches, now)
    engaged = sum(c.decayed for c in contributions)
    fit_points, fitted = fit(rules, profile)
    intents = [c.at for c in contributions if c.rule.intent]
    return Score(engaged, fit_points, grade(rules, engaged, fit_points), contributions, fitted,
                 max(intents) if intents else None)


def mql_reason(rules: ScoringRules, result: Score, now: datetime) -> str | None:
    """Why a lead qualifies as an MQL now, or None when it does not."""
    rule = rules.mql
    if result.last_intent_at and now - result.last_intent_at <= timedelta(days=rule.intent_within_days):
        labels = [c.rule.label or c.rule.kind for c in result.contributions if c.rule.intent]
        return f"高意向行为：{labels[-1]}" if labels else "高意向行为"
    if result.total >= rule.min_score and result.grade[0] in rule.fit_grades:
        return f"评分 {_number(result.total)} ≥ {_number(rule.min_score)}，匹配度 {result.grade[0]}"
    return None


def _number(value: float) -> str:
    return str(int(round(value)))
