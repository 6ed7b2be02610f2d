"""Each deployment re-calibrates from its own review log: reviewed questions become labelled
examples, `faq calibrate` shows the trade-off and applies a setting, the bot uses it at once."""
import io
from datetime import datetime, timezone

import main
from faq import DEFAULT_THRESHOLDS
from handlers.faq import calibration, review
from handlers.faq.store import FaqStore
from models import FaqHit, FaqSettings
from tests.support.faq import store_test_faq

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)


async def _hit(query, candidates, outcome="answer", chosen=None, **fields):
    return await FaqHit.create(raw_query=query, normalised_query=query, candidates=candidates, outcome=outcome,
                               chosen_entry_id=chosen, score=candidates[0][1] if candidates else 0, **fields)


async def _review_log():
    """Staff confirmed 120 clear answers, corrected 20 close calls and dismissed 120 strays."""
    for i in range(120):
        hit = await _hit(f"q{i}", [["freight", 85.0], ["sample", 30.0]], chosen="freight")
        await review.close_hits([hit.id], "correct", "staff")
    for i in range(20):
        hit = await _hit(f"c{i}", [["sample", 62.0], ["invoice", 58.0]], outcome="clarify")
        await review.attach_variants([hit.id], "invoice" if i % 2 else "sample", "staff")
    for i in range(120):
        hit = await _hit(f"s{i}", [["invoice", 25.0], ["sample", 22.0]], outcome="miss")
        await review.close_hits([hit.id], "ignore", "staff")


async def test_reviewed_questions_become_labelled_examples(db):
    await store_test_faq()
    await _review_log()

    examples = await calibration.labelled_examples()

    labels = [e.label for e in examples]
    assert labels.count("freight") == 120 and labels.count(None) == 120
    assert labels.count("invoice") == labels.count("sample") == 10


async def test_the_estimate_comes_from_the_benchmark_until_the_review_log_says_enough(db):
    first = await calibration.estimate()
    assert first["source"] == "benchmark" and first["wrong_rate"] < 5
    await store_test_faq()
    await _review_log()

    later = await calibration.estimate()

    assert later["source"] == "review" and later["labelled"] == 260 and later["wrong_rate"] == 0


def _cli(argv, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code = main.main(argv)
    return code, capsys.readouterr().out


def _with_db(url, job):
    """Run ``job`` against the CLI's database, as another process would."""
    import asyncio

    from bot.database import connect, disconnect

    async def run():
        await connect(url)
        try:
            return await job()
        finally:
            await disconnect()

    return asyncio.run(run())


def test_faq_calibrate_shows_the_trade_off_applies_a_setting_and_the_bot_uses_it(tmp_path, monkeypatch, capsys):
    url = f"sqlite://{tmp_path}/calibrate.db"
    monkeypatch.setenv("SIYU_DATABASE_URL", url)
    assert main.main(["migrate"]) == 0

    async def prepare():
        await store_test_faq()
        await _review_log()
        return (await FaqStore().index()).thresholds

    assert _with_db(url, prepare) == DEFAULT_THRESHOLDS
    capsys.readouterr()

    code, out = _cli(["faq", "calibrate"], monkeypatch, capsys)
    assert code == 0 and "recommended for a 5% budget" in out and "run again with --apply" in out
    code, out = _cli(["faq", "calibrate", "--apply", "--by", "王工"], monkeypatch, capsys)
    assert code == 0 and "applied" in out

    async def in_use():
        stored = (await FaqSettings.get(id=1)).calibration
        return stored, (await FaqStore().index()).thresholds, (await calibration.current()).source

    stored, thresholds, source = _with_db(url, in_use)
    assert stored["applied_by"] == "王工" and stored["measured"]["wrong_rate"] == 0
    assert source == "review" and thresholds != DEFAULT_THRESHOLDS
    assert thresholds.answer == stored["thresholds"]["answer"]

    assert _cli(["faq", "calibrate", "--reset"], monkeypatch, capsys)[0] == 0
    assert _with_db(url, in_use)[1] == DEFAULT_THRESHOLDS


def test_faq_calibrate_says_what_is_missing_on_a_young_review_log(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/young.db")
    main.main(["migrate"])
    code, out = _cli(["faq", "calibrate"], monkeypatch, capsys)
    assert code == 1 and "too few reviewed questions" in out


async def test_synonyms_in_the_settings_reach_the_index_without_a_restart(db):
    await store_test_faq()
    store = FaqStore()
    before = (await store.index()).match("快递费怎么算")
    await FaqSettings.update_or_create(defaults={"synonyms": [["运费", "邮费", "快递费"]]}, id=1)
    after = (await store.index()).match("快递费怎么算")
    assert (after.outcome, after.entry_id) == ("answer", "freight")
    assert after.score > before.score + 30  # 快递费 now reads as 运费: the entry's own word
