"""FAQ entries and lookups are stored."""
from faq import FaqEntry
from models import FaqEntryRecord, FaqHit, Lead


async def test_entry_records_and_hits_are_stored(db):
    entry = FaqEntry(id="moq", question="起订量多少？", answer="1 件起订。", variants=("最少买多少",))
    await FaqEntryRecord.create(
        id=entry.id, question=entry.question, answer=entry.answer, variants=list(entry.variants),
        rules=[{"kind": "exact", "pattern": "起订量", "priority": 1}], updated_by="zhangsan",
    )
    lead = await Lead.create(name="王工")
    await FaqHit.create(
        raw_query="起訂量多少", normalised_query="起订量多少", lead=lead, chat_kind="single",
        chat_id="wm_1", candidates=[["moq", 92.5]], outcome="answer", chosen_entry_id="moq",
        score=92.5, latency_ms=0.3,
    )
    stored = await FaqEntryRecord.get(id="moq")
    assert (stored.variants, stored.active, stored.scope) == (["最少买多少"], True, "both")
    hit = await FaqHit.get(chosen_entry_id="moq").prefetch_related("lead")
    assert (hit.lead.name, hit.candidates, hit.feedback) == ("王工", [["moq", 92.5]], "none")
