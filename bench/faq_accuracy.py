"""FAQ matching accuracy and latency on the evaluation set, next to a naive baseline.

    python bench/faq_accuracy.py            # table for the tune and held-out splits
    python bench/faq_accuracy.py --scale    # also latency with 1,000 entries / 5,000+ variants

Baseline: rapidfuzz ``process.extractOne`` with ``fuzz.WRatio`` over the raw questions and
variants; it answers when its score reaches ``--baseline-cutoff``. Thresholds were tuned on
the ``tune`` split only; the ``holdout`` split shows what to expect on unseen questions.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faq import DEFAULT_THRESHOLDS, FaqEntry, FaqIndex, MatchThresholds, parse_faq_yaml  # noqa: E402

DATA = Path(__file__).resolve().parent / "faq_eval"
FAMILIES = ("聚四氟乙烯", "聚醚醚酮", "尼龙", "硅胶", "氟橡胶", "三元乙丙", "聚甲醛", "聚酰亚胺", "丁腈")


@dataclass
class Tally:
    """Outcome counts for one system on one split."""

    in_scope: int = 0
    top1: int = 0
    reciprocal_ranks: float = 0.0
    answered_right: int = 0
    answered_wrong: int = 0
    clarified: int = 0
    clarified_with_right: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def add(self, label: str | None, outcome: str, chosen: str | None, ranked: list[str], choices=()) -> None:
        if label is None:
            self.out_of_scope += 1
            self.rejected += outcome == "miss"
            return
        self.in_scope += 1
        self.top1 += bool(ranked) and ranked[0] == label
        self.reciprocal_ranks += next((1 / (i + 1) for i, e in enumerate(ranked[:5]) if e == label), 0.0)
        self.answered_right += outcome == "answer" and chosen == label
        self.answered_wrong += outcome == "answer" and chosen != label
        self.clarified += outcome == "clarify"
        self.clarified_with_right += outcome == "clarify" and label in choices

    def rows(self) -> dict[str, str]:
        n, m = max(self.in_scope, 1), max(self.out_of_scope, 1)
        lat = sorted(self.latencies_ms) or [0.0]
        return {
            "in-scope queries": str(self.in_scope),
            "top-1 accuracy": f"{100 * self.top1 / n:.1f}%",
            "MRR@5": f"{self.reciprocal_ranks / n:.3f}",
            "answered correctly": f"{100 * self.answered_right / n:.1f}%",
            "wrong answers": f"{100 * self.answered_wrong / n:.1f}%",
            "clarified (right one offered)": f"{100 * self.clarified / n:.1f}% ({self.clarified_with_right})",
            "out-of-scope queries": str(self.out_of_scope),
            "out-of-scope rejected": f"{100 * self.rejected / m:.1f}%",
            "latency p50 / p99 (ms)": f"{statistics.median(lat):.2f} / {lat[int(0.99 * (len(lat) - 1))]:.2f}",
        }


def load(data: Path) -> tuple[tuple[FaqEntry, ...], list[dict]]:
    entries = parse_faq_yaml((data / "entries.yaml").read_text(encoding="utf-8"))
    lines = (data / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    return entries, [json.loads(line) for line in lines if line.strip()]


def run_siyu(index: FaqIndex, queries: list[dict], thresholds: MatchThresholds) -> dict[str, Tally]:
    tallies = {"tune": Tally(), "holdout": Tally()}
    for query in queries:
        start = time.perf_counter()
        found = index.match(query["query"], thresholds=thresholds)
        elapsed = (time.perf_counter() - start) * 1000
        tally = tallies[query["split"]]
        tally.latencies_ms.append(elapsed)
        tally.add(query["faq_id"], found.outcome, found.entry_id, [e for e, _ in found.candidates], found.choices)
    return tallies


def run_baseline(entries, queries: list[dict], cutoff: float) -> dict[str, Tally]:
    texts, owners = [], []
    for entry in entries:
        for text in (entry.question, *entry.variants):
            texts.append(text)
            owners.append(entry.id)
    tallies = {"tune": Tally(), "holdout": Tally()}
    for query in queries:
        start = time.perf_counter()
        best = process.extractOne(query["query"], texts, scorer=fuzz.WRatio)
        elapsed = (time.perf_counter() - start) * 1000
        top = process.extract(query["query"], texts, scorer=fuzz.WRatio, limit=30)
        ranked = list(dict.fromkeys(owners[i] for _, _, i in top))
        chosen = owners[best[2]] if best else None
        outcome = "answer" if best and best[1] >= cutoff else "miss"
        tally = tallies[query["split"]]
        tally.latencies_ms.append(elapsed)
        tally.add(query["faq_id"], outcome, chosen, ranked)
    return tallies


def scaled_entries(entries, target: int = 1000) -> list[FaqEntry]:
    """Distinct synthetic entries: each eval entry again per material family."""
    scaled = list(entries)
    for family in FAMILIES:
        for entry in entries:
            if len(scaled) >= target:
                return scaled
            scaled.append(FaqEntry(
                id=f"{entry.id}-{len(scaled)}", question=family + entry.question, answer=entry.answer,
                variants=tuple(family + v for v in entry.variants) + (entry.question + family, family + entry.id),
                keywords=entry.keywords,
            ))
    return scaled


def scale_latency(entries, queries: list[dict]) -> str:
    big = scaled_entries(entries)
    started = time.perf_counter()
    index = FaqIndex.build(big)
    build_ms = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(3):
        for query in queries:
            start = time.perf_counter()
            index.match(query["query"])
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    variants = sum(len(e.variants) for e in big)
    return (f"scale: {len(big)} entries, {variants} variants, build {build_ms:.0f} ms, "
            f"{len(times)} queries p50 {statistics.median(times):.2f} ms, p99 {times[int(0.99 * len(times))]:.2f} ms")


def print_table(columns: dict[str, Tally]) -> None:
    rows = {name: tally.rows() for name, tally in columns.items()}
    labels = list(next(iter(rows.values())))
    width = max(map(len, labels)) + 2
    print("".ljust(width) + "".join(name.rjust(20) for name in rows))
    for label in labels:
        print(label.ljust(width) + "".join(rows[name][label].rjust(20) for name in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--answer", type=float, default=DEFAULT_THRESHOLDS.answer)
    parser.add_argument("--margin", type=float, default=DEFAULT_THRESHOLDS.margin)
    parser.add_argument("--margin-ratio", type=float, default=DEFAULT_THRESHOLDS.margin_ratio)
    parser.add_argument("--clarify", type=float, default=DEFAULT_THRESHOLDS.clarify)
    parser.add_argument("--baseline-cutoff", type=float, default=80.0)
    parser.add_argument("--scale", action="store_true", help="also time 1,000 entries")
    args = parser.parse_args()
    entries, queries = load(args.data)
    thresholds = MatchThresholds(
        answer=args.answer, margin=args.margin, margin_ratio=args.margin_ratio, clarify=args.clarify
    )
    index = FaqIndex.build(entries)
    ours = run_siyu(index, queries, thresholds)
    base = run_baseline(entries, queries, args.baseline_cutoff)
    print(f"{len(entries)} entries, {sum(len(e.variants) for e in entries)} variants; {thresholds}; "
          f"baseline cutoff {args.baseline_cutoff}")
    print_table({"siyu tune": ours["tune"], "siyu holdout": ours["holdout"],
                 "baseline tune": base["tune"], "baseline holdout": base["holdout"]})
    if args.scale:
        print(scale_latency(entries, queries))


if __name__ == "__main__":
    main()
