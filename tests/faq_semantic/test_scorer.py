"""The semantic scorer plugged into the customer FAQ path (SIYU_FAQ_ENCODER): a paraphrase
that shares no word with any phrasing finds its entry, entry embeddings are stored and only
changed phrasings are encoded again, and a question over its time budget is answered from
the lexical score alone."""
import pytest

pytest.importorskip("onnxruntime")

from faq import FaqIndex, parse_faq_file  # noqa: E402
from handlers.faq.embeddings import SemanticScorer  # noqa: E402
from handlers.faq.encoder import OnnxEncoder  # noqa: E402
from handlers.faq.store import FaqStore, save_entries  # noqa: E402
from models import FaqEmbedding, FaqHit  # noqa: E402
from tests.support.faq import open_hours  # noqa: E402

FAQ = """
entries:
- id: shipping
  question: 什么时候发货
  variants: [几天到货]
  answer: 付款后 1–2 个工作日发货。
- id: price
  question: 报价多少
  variants: [贵不贵]
  answer: 价格表请联系客户经理获取。
"""
PARAPHRASE = "几时寄送"  # shipping, in words no phrasing uses


async def store_faq() -> None:
    await save_entries(parse_faq_file(FAQ, "yaml"), by="test")


class CountingEncoder:
    """The real encoder, counting the phrasings it is asked to encode."""

    def __init__(self, folder) -> None:
        self.inner = OnnxEncoder(folder)
        self.model_id = self.inner.model_id
        self.encoded: list[str] = []

    def encode(self, texts):
        self.encoded.extend(texts)
        return self.inner.encode(texts)

    async def encode_question(self, text, budget):
        return await self.inner.encode_question(text, budget)

    def close(self) -> None:
        self.inner.close()


async def test_a_paraphrase_with_no_shared_words_finds_its_entry_with_the_encoder(semantic_harness, clock):
    await store_faq()
    open_hours(clock)

    answer = await semantic_harness.say(PARAPHRASE, customer="wmLI")

    hit = await FaqHit.get()
    assert hit.candidates[0][0] == "shipping"
    assert hit.outcome in ("answer", "clarify") and "发货" in answer


async def test_without_an_encoder_the_same_paraphrase_is_a_miss(feature_harness, clock):
    await store_faq()
    open_hours(clock)

    await feature_harness.say(PARAPHRASE, customer="wmLI")

    assert (await FaqHit.get()).outcome == "miss"


async def test_entry_embeddings_are_stored_and_only_changed_phrasings_are_encoded_again(db, encoder_folder):
    await store_faq()
    store = FaqStore()
    first = CountingEncoder(encoder_folder)
    await SemanticScorer(first).entry_vectors(await store.index())
    assert sorted(first.encoded) == sorted(["什么时候发货", "几天到货", "报价多少", "贵不贵"])
    assert await FaqEmbedding.all().count() == 4

    restarted = CountingEncoder(encoder_folder)  # a new process: vectors come from the table
    scorer = SemanticScorer(restarted)
    await scorer.entry_vectors(await store.index())
    assert restarted.encoded == []

    await save_entries(parse_faq_file(FAQ.replace("几天到货", "多久寄到"), "yaml"), by="test")
    vectors = await scorer.entry_vectors(await store.index())
    assert restarted.encoded == ["多久寄到"]
    assert await FaqEmbedding.all().count() == 4  # the old wording's row is gone
    assert set(vectors.entry_ids) == {"shipping", "price"}
    first.close(), restarted.close()


async def test_a_question_over_its_budget_is_answered_from_the_lexical_score(db, encoder_folder):
    await store_faq()
    index = await FaqStore().index()
    scorer = SemanticScorer(OnnxEncoder(encoder_folder), budget_ms=0)

    assert await scorer.scores(index, PARAPHRASE) is None
    assert scorer.encoder.over_budget == 1
    scorer.close()


async def test_a_failing_encoder_leaves_the_lexical_answer(db, encoder_folder):
    await store_faq()
    index = await FaqStore().index()
    broken = CountingEncoder(encoder_folder)

    async def fail(text, budget):
        raise RuntimeError("onnxruntime: bad input")

    broken.encode_question = fail
    scorer = SemanticScorer(broken)

    assert await scorer.scores(index, PARAPHRASE) is None
    assert index.match(PARAPHRASE, "single", semantic=None).outcome == "miss"
    scorer.close()


def test_semantic_scores_are_blended_before_the_calibrated_decision():
    index = FaqIndex.build(parse_faq_file(FAQ, "yaml"))
    lexical = index.match(PARAPHRASE, "single")
    blended = index.match(PARAPHRASE, "single", semantic={"shipping": 95.0, "price": 5.0})

    assert lexical.outcome == "miss"
    assert blended.candidates[0][0] == "shipping" and blended.outcome != "miss"
    assert index.match(PARAPHRASE, "single", semantic=None) == lexical
