"""Net Promoter Score arithmetic: promoters 9–10, passives 7–8, detractors 0–6,
NPS = % promoters − % detractors, with a 95 % confidence interval."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

Z95 = 1.959964


@dataclass(frozen=True)
class NpsResult:
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None  # −100…100; None without responses
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict:
        return {"responses": self.responses, "promoters": self.promoters, "passives": self.passives,
                "detractors": self.detractors, "nps": self.nps, "ci95": [self.ci_low, self.ci_high]}


def category(score: int) -> str:
    """promoter, passive or detractor."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def nps_of_counts(promoters: int, passives: int, detractors: int) -> NpsResult:
    """The score and its 95 % interval. Each respondent counts +1, 0 or −1; the NPS is their
    mean ×100 and its standard error is √(var/n), var = p + d − (p − d)² (normal
    approximation), the interval clipped to −100…100."""
    n = promoters + passives + detractors
    if n == 0:
        return NpsResult(0, 0, 0, 0, None, None, None)
    p, d = promoters / n, detractors / n
    score = (p - d) * 100
    margin = Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100
    return NpsResult(n, promoters, passives, detractors, round(score, 1),
                     round(max(score - margin, -100.0), 1), round(min(score + margin, 100.0), 1))


def nps_of(scores: Iterable[int]) -> NpsResult:
    counts = {"promoter": 0, "passive": 0, "detractor": 0}
    for score in scores:
        counts[category(score)] += 1
    return nps_of_counts(counts["promoter"], counts["passive"], counts["detractor"])
