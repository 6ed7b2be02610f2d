"""Build the real-data FAQ benchmark from the BQ corpus (a bank's customer-service questions).

    python bench/data/build_bq.py --bq PATH/TO/BQ_corpus --open-domain PATH/TO/LCQMC

The BQ corpus (Harbin Institute of Technology, Shenzhen; question pairs from a year of a
bank's online customer service, labelled paraphrase or not) and LCQMC (open-domain question
pairs from the same group) are licensed for research only, so the repository keeps this script
and the checksums of what it writes (``bench/data/bq.sha256``), never the data; the output goes
to the git-ignored ``bench/data/bq/``. Any copy of the corpora with the usual files works:
BQ ``dev.csv``/``test.csv`` (and ``train.csv`` when present; ``sentence1,sentence2,label``),
LCQMC ``dev.txt``/``test.txt`` (tab-separated).

How the benchmark is made:
1. intents: paraphrase pairs joined into groups (union-find), in a seeded order, never joining
   two groups that a negative pair separates;
2. FAQ entries: every group of at least six questions; its best-connected question is the
   canonical one, the next four are variants; the rest are real paraphrases, kept as queries;
3. out of scope: a tenth of those groups (by seeded hash) are held out of the bank entirely;
   near-misses are questions labelled *not* a paraphrase of a bank entry's question and in no
   bank intent; open-domain questions come from LCQMC, leaving out any that mention money;
4. each query goes to ``dev`` or ``test`` by a seeded hash of its text.
Output: ``entries.jsonl`` (the ``faq import`` format) and ``queries.jsonl`` lines
``{"query", "faq_id" (null when out of scope), "split": dev|test, "kind": in_scope|held_out|
near_miss|open_domain}``.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
from collections import defaultdict
from pathlib import Path

PHRASINGS = 5  # canonical question + 4 variants per entry
MIN_GROUP = PHRASINGS + 1  # at least one real paraphrase left to ask with
HELD_OUT_SHARE = 10  # one group in ten stays out of the bank
OPEN_DOMAIN_LIMIT = 3000
MONEY_WORDS = ("贷", "借", "还款", "银行", "额度", "利息", "利率", "信用", "钱", "卡", "账", "款", "金", "费", "逾期", "分期")
_JUNK = "'\"“”:：;；,.，。/\\|-)(%?？!！~～ 0123456789"
OUT = Path(__file__).resolve().parent / "bq"


def seeded(seed: str, text: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}\t{text}".encode()).digest()[:8], "big")


def read_bq(folder: Path) -> list[tuple[str, str, bool]]:
    pairs = []
    for name in ("train.csv", "dev.csv", "test.csv"):
        path = folder / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8-sig", newline="") as file:
            for row in csv.reader(file):
                if len(row) != 3 or row[2].strip() not in ("0", "1"):
                    continue  # the header, or a broken line
                a, b = row[0].strip(), row[1].strip()
                if a and b and a != b:
                    pairs.append((a, b, row[2].strip() == "1"))
    if not pairs:
        raise SystemExit(f"{folder}: no BQ pairs found (dev.csv / test.csv)")
    return pairs


def read_open_domain(folder: Path) -> list[str]:
    questions: dict[str, None] = {}
    for name in ("dev.txt", "test.txt"):
        path = folder / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8-sig").splitlines():
                for text in line.split("\t")[:2]:
                    questions[text.strip()] = None
    return [q for q in questions if q and not any(word in q for word in MONEY_WORDS)]


def _clean(text: str) -> bool:
    """Whether a question reads like an FAQ heading: no stray symbols around it."""
    return text == text.strip(_JUNK)


def intents(pairs: list[tuple[str, str, bool]], seed: str) -> tuple[list[list[str]], dict[str, set[str]]]:
    """Paraphrase groups that no negative pair splits, each sorted best-connected first."""
    negatives: dict[str, set[str]] = defaultdict(set)
    degree: dict[str, int] = defaultdict(int)
    for a, b, same in pairs:
        if not same:
            negatives[a].add(b)
            negatives[b].add(a)
        else:
            degree[a] += 1
            degree[b] += 1
    parent: dict[str, str] = {}
    members: dict[str, set[str]] = {}

    def root(x: str) -> str:
        if x not in parent:
            parent[x], members[x] = x, {x}
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    positives = sorted(((a, b) for a, b, same in pairs if same), key=lambda p: seeded(seed, "\t".join(p)))
    for a, b in positives:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        small, big = sorted((ra, rb), key=lambda r: len(members[r]))
        if any(negatives[x] & members[big] for x in members[small]):
            continue  # a negative pair says these are different questions
        parent[small] = big
        members[big] |= members.pop(small)
    groups = [sorted(m, key=lambda s: (not _clean(s), len(s) < 5, -degree[s], len(s), s)) for m in members.values()]
    groups.sort(key=lambda g: g[0])
    return groups, negatives


def build(pairs, open_domain: list[str], seed: str) -> tuple[list[dict], list[dict]]:
    groups, negatives = intents(pairs, seed)
    entries, queries = [], []
    bank_members: set[str] = set()
    held_out: list[list[str]] = []
    eligible = [g for g in groups if len(g) >= MIN_GROUP]
    for number, group in enumerate(eligible, 1):
        if seeded(seed, "held-out\t" + group[0]) % HELD_OUT_SHARE == 0:
            held_out.append(group)
            continue
        entry_id = f"bq-{number:04d}"
        question, *variants = (text.strip(_JUNK) or text for text in group[:PHRASINGS])
        entries.append({"id": entry_id, "question": question, "variants": variants,
                        "answer": f"（{question} 的答复）", "category": "customer_service"})
        bank_members.update(group)
        queries += [{"query": q, "faq_id": entry_id, "kind": "in_scope"} for q in group[PHRASINGS:]]
    held = {q for group in held_out for q in group}
    queries += [{"query": q, "faq_id": None, "kind": "held_out"} for q in sorted(held)]
    phrasings = {p for e in entries for p in (e["question"], *e["variants"])}
    near = sorted({n for p in phrasings for n in negatives[p]} - bank_members - held)
    queries += [{"query": q, "faq_id": None, "kind": "near_miss"} for q in near]
    chosen = sorted(open_domain, key=lambda q: seeded(seed, "open\t" + q))[:OPEN_DOMAIN_LIMIT]
    queries += [{"query": q, "faq_id": None, "kind": "open_domain"} for q in sorted(chosen)]
    for query in queries:
        query["split"] = "dev" if seeded(seed, "split\t" + query["query"]) % 2 == 0 else "test"
    return entries, queries


def write_jsonl(path: Path, rows: list[dict]) -> str:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    path.write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bq", type=Path, required=True, help="folder with the BQ corpus CSV files")
    parser.add_argument("--open-domain", type=Path, required=True, help="folder with LCQMC dev.txt / test.txt")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", default="siyu-bq-1")
    args = parser.parse_args()
    entries, queries = build(read_bq(args.bq), read_open_domain(args.open_domain), args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    sums = {name: write_jsonl(args.out / name, rows) for name, rows in (("entries.jsonl", entries), ("queries.jsonl", queries))}
    kinds: dict[tuple[str, str], int] = defaultdict(int)
    for query in queries:
        kinds[query["split"], query["kind"]] += 1
    print(f"{len(entries)} entries → {args.out}")
    for (split, kind), count in sorted(kinds.items()):
        print(f"  {split:4} {kind:12} {count}")
    for name, digest in sums.items():
        print(f"{digest}  {name}")


if __name__ == "__main__":
    main()
