"""The batch contract behind `faq match`: one result per query line, plain or JSONL."""
import json

from faq import match_queries


def test_plain_and_json_lines_give_one_result_each(index):
    lines = ["起订量多少\n", "\n", json.dumps({"query": "今天天气怎么样"}, ensure_ascii=False) + "\n", "幾天發貨？"]
    results = list(match_queries(lines, index))
    assert [r["query"] for r in results] == ["起订量多少", "今天天气怎么样", "幾天發貨？"]
    assert [r["outcome"] for r in results] == ["answer", "miss", "clarify"]
    first = results[0]
    assert set(first) == {"query", "outcome", "faq_id", "score", "candidates"}
    assert first["faq_id"] == "moq"
    assert first["candidates"][0] == ["moq", first["score"]]
    assert results[1]["faq_id"] is None and results[2]["faq_id"] is None
    json.dumps(results, ensure_ascii=False)  # serialisable as JSONL output


def test_unreadable_lines_are_misses_with_a_reason(index):
    results = list(match_queries(['{"query": ', '{"text": "起订量"}'], index))
    assert [r["outcome"] for r in results] == ["miss", "miss"]
    assert results[0]["error"].startswith("invalid JSON")
    assert results[1]["error"] == "a JSON line needs a string 'query'"
