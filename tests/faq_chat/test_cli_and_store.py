"""``main.py faq import|export|match|group-rules`` and the stored entries behind the index."""
import io
import json

import pytest

import main
from handlers.faq.store import FaqStore, save_entries
from faq import parse_faq_file
from models import FaqEntryRecord
from tests.support.faq import FAQ_YAML, store_test_faq

GOOD_JSONL = (
    '{"id": "pay", "question": "怎么付款？", "answer": "支持对公转账。", "variants": ["能刷卡吗"], "keywords": ["付款"], "category": "customer_service"}\n'
    '{"id": "moq", "question": "起订量是多少？", "answer": "标准品 1 卷起订。", "variants": [], "keywords": [], "category": "product"}\n'
)
BROKEN_JSONL = GOOD_JSONL + '{"id": "bad", "question": "", "answer": "x"}\n{not json}\n'


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite://{tmp_path}/cli.db"
    monkeypatch.setenv("SIYU_DATABASE_URL", url)
    return url


def run(argv, monkeypatch, capsys, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_import_is_idempotent_by_id_and_export_writes_the_same_format(cli_db, tmp_path, monkeypatch, capsys):
    file = tmp_path / "faq.jsonl"
    file.write_text(GOOD_JSONL, encoding="utf-8")

    first = run(["faq", "import", str(file)], monkeypatch, capsys)
    second = run(["faq", "import", str(file)], monkeypatch, capsys)
    exported = run(["faq", "export", "--format", "jsonl"], monkeypatch, capsys)

    assert first[:2] == (0, "imported 2 entries: 2 created, 0 updated, 0 unchanged\n")
    assert second[:2] == (0, "imported 2 entries: 0 created, 0 updated, 2 unchanged\n")
    records = [json.loads(line) for line in exported[1].splitlines()]
    assert [r["id"] for r in records] == ["moq", "pay"]
    assert records[1]["variants"] == ["能刷卡吗"] and records[1]["category"] == "customer_service"


@pytest.mark.slow
def test_a_broken_import_file_changes_nothing_and_names_every_problem(cli_db, tmp_path, monkeypatch, capsys):
    good, broken = tmp_path / "good.jsonl", tmp_path / "broken.jsonl"
    good.write_text(GOOD_JSONL, encoding="utf-8")
    broken.write_text(BROKEN_JSONL.replace("支持对公转账。", "已改"), encoding="utf-8")
    run(["faq", "import", str(good)], monkeypatch, capsys)

    code, out, err = run(["faq", "import", str(broken)], monkeypatch, capsys)

    assert code == 1 and out == ""
    assert "nothing was changed" in err and "line 3" in err and "line 4" in err
    exported = run(["faq", "export"], monkeypatch, capsys)[1]
    assert "支持对公转账。" in exported and "已改" not in exported


def test_an_unreadable_import_file_is_refused_clearly(cli_db, tmp_path, monkeypatch, capsys):
    binary = tmp_path / "faq.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")

    assert run(["faq", "import", str(binary)], monkeypatch, capsys)[0] == 1
    code, _, err = run(["faq", "import", str(tmp_path / "missing.yaml")], monkeypatch, capsys)
    assert code == 1 and "no such file" in err


@pytest.mark.slow
def test_match_reads_lines_or_jsonl_and_writes_the_bots_decision(cli_db, tmp_path, monkeypatch, capsys):
    file = tmp_path / "faq.jsonl"
    file.write_text(GOOD_JSONL, encoding="utf-8")
    run(["faq", "import", str(file)], monkeypatch, capsys)

    code, out, _ = run(["faq", "match"], monkeypatch, capsys, stdin='怎么付款\n{"query": "起订量多少"}\n\n{"q": 1}\n')

    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(results) == 3
    assert (results[0]["outcome"], results[0]["faq_id"]) == ("answer", "pay")
    assert results[1]["faq_id"] == "moq" and set(results[0]) >= {"query", "outcome", "faq_id", "score", "candidates"}
    assert results[2]["outcome"] == "miss" and "error" in results[2]


@pytest.mark.slow
def test_group_rules_export_the_keyword_faq_for_the_admin_console(cli_db, tmp_path, monkeypatch, capsys):
    file = tmp_path / "faq.yaml"
    file.write_text(FAQ_YAML, encoding="utf-8")
    run(["faq", "import", str(file)], monkeypatch, capsys)

    code, out, _ = run(["faq", "group-rules"], monkeypatch, capsys)
    csv_code, csv_out, _ = run(["faq", "group-rules", "--format", "csv"], monkeypatch, capsys)

    rules = {r["faq_id"]: r for r in json.loads(out)["rules"]}
    assert rules["freight"]["keywords"] == [{"word": "包邮", "match": "partial"}, {"word": "运费", "match": "partial"}]
    assert rules["freight"]["replies"] == [{"type": "text", "content": "单笔满 3000 元包邮。"}]
    assert "工作时间：周一至周五" in rules["price-list"]["replies"][0]["content"]
    assert csv_out.splitlines()[0] == "规则名称,关键词,匹配方式,回复内容,faq_id"


async def test_the_index_follows_the_stored_entries_without_a_restart(db):
    store = FaqStore()
    assert (await store.index()).match("满多少包邮").outcome == "miss"
    await store_test_faq()
    assert (await store.index()).match("满多少包邮").entry_id == "freight"
    await FaqEntryRecord.filter(id="freight").update(active=False)
    assert (await store.index()).match("满多少包邮").entry_id != "freight"


async def test_saving_entries_creates_updates_and_leaves_unchanged_ones_alone(db):
    entries = parse_faq_file(FAQ_YAML, "yaml")
    assert await save_entries(entries, "a") == {"created": 5, "updated": 0, "unchanged": 0}
    changed = parse_faq_file(FAQ_YAML.replace("单笔满 3000 元包邮。", "单笔满 5000 元包邮。"), "yaml")
    assert await save_entries(changed, "b") == {"created": 0, "updated": 1, "unchanged": 4}
    row = await FaqEntryRecord.get(id="freight")
    assert (row.answer, row.updated_by) == ("单笔满 5000 元包邮。", "b")


async def test_the_demo_faq_loads_once_and_answers_demo_questions(db):
    from handlers.faq import seed_faq

    first = await seed_faq()
    again = await seed_faq()

    assert first["created"] >= 30 and again == {"created": 0, "updated": 0, "unchanged": first["created"]}
    assert (await FaqStore().index()).match("下单后多久发货？").entry_id == "ship-lead-time"
