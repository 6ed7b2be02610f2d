"""FAQ matching quality and latency, per data set and split, next to a naive baseline run
in the same process.

    python bench/faq_accuracy.py                  # self-written set + the real set if built
    python bench/faq_accuracy.py --after-review   # also: dev questions attached as variants, test evaluated
    python bench/faq_accuracy.py --scale          # also latency with 1,000 entries / 5,000+ variants

Data sets: ``bench/faq_eval`` (written for this project: splits ``tune``/``holdout``) and
``bench/data/bq`` (real bank customer-service questions, built by ``bench/data/build_bq.py``:
splits ``dev``/``test``). The engine runs with the shipped default calibration.
Baseline: the naive matcher, rapidfuzz ``process.extractOne`` with ``fuzz.ratio`` over the
raw questions and variants; it answers when its score reaches ``--baseline-cutoff``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faq import DEFAULT_THRESHOLDS, FaqEntry, FaqIndex, MatchThresholds, parse_faq_file  # noqa: E402
from faq.calibration import Example, calibrate  # noqa: E402

BENCH = Path(__file__).resolve().parent
DATA_SETS = (BENCH / "faq_eval", BENCH / "data" / "bq")
FAMILIES = ("聚四氟乙烯", "聚醚醚酮", "尼龙", "硅胶", "氟橡胶", "三元乙丙", "聚甲醛", "聚酰亚胺", "丁腈")
OUT_OF_SCOPE_KINDS = ("held_out", "open_domain", "near_miss")


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
    out_of_scope: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)

    def add(self, query: dict, outcome: str, chosen: str | None, ranked: list[str], choices=()) -> None:
        label = query.get("faq_id")
        if label is None:
            kind = query.get("kind") or "out_of_scope"
            self.out_of_scope[kind] += 1
            self.rejected[kind] += outcome == "miss"
            return
        self.in_scope += 1
        self.top1 += bool(ranked) and ranked[0] == label
        self.reciprocal_ranks += next((1 / (i + 1) for i, e in enumerate(ranked[:5]) if e == label), 0.0)
        self.answered_right += outcome == "answer" and chosen == label
        self.answered_wrong += outcome == "answer" and chosen != label
        self.clarified += outcome == "clarify"
        self.clarified_with_right += outcome == "clarify" and label in choices

    def rows(self) -> dict[str, str]:
        n = max(self.in_scope, 1)
        lat = sorted(self.latencies_ms) or [0.0]
        rows = {
            "in-scope queries": str(self.in_scope),
            "top-1": f"{100 * self.top1 / n:.1f}%",
            "MRR@5": f"{self.reciprocal_ranks / n:.3f}",
            "answered correctly": f"{100 * self.answered_right / n:.1f}%",
            "ANSWERED WRONGLY": f"{100 * self.answered_wrong / n:.1f}%",
            "clarified, right one offered": f"{100 * self.clarified_with_right / n:.1f}% of {100 * self.clarified / n:.1f}%",
        }
        for kind in sorted(self.out_of_scope, key=lambda k: (k not in OUT_OF_SCOPE_KINDS, k)):
            count = self.out_of_scope[kind]
            rows[f"rejected: {kind.replace('_', ' ')} (n)"] = f"{100 * self.rejected[kind] / count:.1f}% ({count})"
        rows["latency p50 / p99 (ms)"] = f"{statistics.median(lat):.2f} / {lat[int(0.99 * (len(lat) - 1))]:.2f}"
        return rows


def load(data: Path) -> tuple[tuple[FaqEntry, ...], list[dict]]:
    source = next(p for p in (data / "entries.yaml", data / "entries.jsonl") if p.is_file())
    entries = parse_faq_file(source.read_text(encoding="utf-8"), "yaml" if source.suffix == ".yaml" else "jsonl")
    lines = (data / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    return entries, [json.loads(line) for line in lines if line.strip()]


SPLIT_ORDER = ("tune", "holdout", "dev", "test")


def splits_of(queries: list[dict]) -> list[str]:
    found = set(q["split"] for q in queries)
    return [s for s in SPLIT_ORDER if s in found] + sorted(found - set(SPLIT_ORDER))


def calibration_of(entries, queries: list[dict], split: str, budget: float):
    """``faq.calibration.calibrate`` on one split, as the default calibration was made."""
    index = FaqIndex.build(entries)
    examples = [Example(index.match(q["query"]).candidates, q.get("faq_id")) for q in queries if q["split"] == split]
    return calibrate(examples, budget)


def run_siyu(index: FaqIndex, queries: list[dict], thresholds: MatchThresholds) -> dict[str, Tally]:
    tallies = {split: Tally() for split in splits_of(queries)}
    for query in queries:
        start = time.perf_counter()
        found = index.match(query["query"], thresholds=thresholds)
        elapsed = (time.perf_counter() - start) * 1000
        tally = tallies[query["split"]]
        tally.latencies_ms.append(elapsed)
        tally.add(query, found.outcome, found.entry_id, [e for e, _ in found.candidates], found.choices)
    return tallies


def run_baseline(entries, queries: list[dict], cutoff: float) -> dict[str, Tally]:
    texts, owners = [], []
    for entry in entries:
        for text in (entry.question, *entry.variants):
            texts.append(text)
            owners.append(entry.id)
    tallies = {split: Tally() for split in splits_of(queries)}
    for query in queries:
        start = time.perf_counter()
        top = process.extract(query["query"], texts, scorer=fuzz.ratio, limit=30)
        elapsed = (time.perf_counter() - start) * 1000
        ranked = list(dict.fromkeys(owners[i] for _, _, i in top))
        best = top[0] if top else None
        outcome = "answer" if best and best[1] >= cutoff else "miss"
        tally = tallies[query["split"]]
        tally.latencies_ms.append(elapsed)
        tally.add(query, outcome, ranked[0] if ranked else None, ranked)
    return tallies


def after_review(entries, queries: list[dict], dev: str, test: str) -> tuple[tuple[FaqEntry, ...], list[dict]]:
    """Every in-scope dev question attached to its entry as a variant, as staff would from the
    review inbox; the test split is what remains to be asked."""
    attached: dict[str, list[str]] = {}
    for query in queries:
        if query["split"] == dev and query.get("faq_id"):
            attached.setdefault(query["faq_id"], []).append(query["query"])
    reviewed = tuple(replace(e, variants=e.variants + tuple(attached.get(e.id, ()))) for e in entries)
    return reviewed, [q for q in queries if q["split"] == test]


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


def print_table(title: str, columns: dict[str, Tally]) -> None:
    rows = {name: tally.rows() for name, tally in columns.items()}
    labels = list(dict.fromkeys(label for r in rows.values() for label in r))
    print(f"\n{title}")
    print("| | " + " | ".join(rows) + " |")
    print("|---" * (len(rows) + 1) + "|")
    for label in labels:
        print(f"| {label} | " + " | ".join(rows[name].get(label, "") for name in rows) + " |")


def evaluate(name: str, entries, queries: list[dict], thresholds: MatchThresholds, cutoff: float) -> None:
    ours = run_siyu(FaqIndex.build(entries), queries, thresholds)
    base = run_baseline(entries, queries, cutoff)
    columns = {f"siyu {s}": ours[s] for s in ours} | {f"naive {s}": base[s] for s in base}
    variants = sum(len(e.variants) for e in entries)
    print_table(f"{name}: {len(entries)} entries, {variants} variants", columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append", help="a data set folder (repeatable)")
    parser.add_argument("--baseline-cutoff", type=float, default=80.0)
    parser.add_argument("--after-review", action="store_true", help="attach dev questions as variants, evaluate test")
    parser.add_argument("--scale", action="store_true", help="also time 1,000 entries")
    parser.add_argument("--calibrate", metavar="SPLIT", help="derive the thresholds from this split first (e.g. dev)")
    parser.add_argument("--budget", type=float, default=0.05, help="wrong-answer budget for --calibrate")
    args = parser.parse_args()
    thresholds = DEFAULT_THRESHOLDS
    if args.calibrate:
        entries, queries = load((args.data or [DATA_SETS[1]])[-1])
        measured = calibration_of(entries, queries, args.calibrate, args.budget)
        if measured is None:
            raise SystemExit("too few labelled questions to calibrate on")
        thresholds = measured.thresholds
        print(f"calibrated on {args.calibrate}: answered right {measured.answered_right:.1%}, wrong "
              f"{measured.answered_wrong:.1%} (upper {measured.wrong_upper:.1%}), out of scope answered "
              f"{measured.out_of_scope_answered:.1%}, handled {measured.out_of_scope_handled:.1%}")
    print(f"calibration: {thresholds}; naive cutoff {args.baseline_cutoff}")
    for folder in args.data or [d for d in DATA_SETS if (d / "queries.jsonl").is_file()]:
        entries, queries = load(folder)
        evaluate(folder.name, entries, queries, thresholds, args.baseline_cutoff)
        if args.after_review:
            first, *rest = splits_of(queries)
            for later in rest:
                reviewed, remaining = after_review(entries, queries, first, later)
                evaluate(f"{folder.name} after review ({first} attached)", reviewed, remaining, thresholds,
                         args.baseline_cutoff)
        if args.scale and folder == DATA_SETS[0]:
            print(scale_latency(entries, queries))


if __name__ == "__main__":
    main()
