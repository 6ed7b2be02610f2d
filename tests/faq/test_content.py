"""The shipped FAQ files are valid: the demo company's FAQ and the evaluation set."""
import json
from pathlib import Path

from faq import CLARIFY, FaqIndex, parse_faq_yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_faq_is_valid_and_answers_its_own_questions():
    entries = parse_faq_yaml((ROOT / "content" / "demo" / "faq.yaml").read_text(encoding="utf-8"))
    assert len(entries) >= 30
    index = FaqIndex.build(entries)
    for entry in entries:
        found = index.match(entry.question)
        assert found.entry_id == entry.id or found.outcome == CLARIFY and entry.id in found.choices, entry.id


def test_the_evaluation_set_is_complete_and_consistent():
    data = ROOT / "bench" / "faq_eval"
    entries = parse_faq_yaml((data / "entries.yaml").read_text(encoding="utf-8"))
    queries = [json.loads(line) for line in (data / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = {entry.id for entry in entries}
    labelled = [q for q in queries if q["faq_id"] is not None]
    assert len(entries) >= 100
    assert len(labelled) >= 500 and len(queries) - len(labelled) >= 80
    assert {q["faq_id"] for q in labelled} <= ids
    assert {q["split"] for q in queries} == {"tune", "holdout"}
