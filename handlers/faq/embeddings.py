"""The semantic scorer at the edge: entry embeddings kept in the database (keyed by entry,
phrasing hash and model id), recomputed only for phrasings that changed when the index is
rebuilt, and the question's semantic scores within its time budget (None past it: the FAQ
answers from the lexical score alone)."""
from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import numpy as np

from faq import FaqIndex
from faq.semantic import EntryVectors, SentenceEncoder
from models import FaqEmbedding

log = logging.getLogger(__name__)


def phrasing_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def phrasings(index: FaqIndex) -> dict[str, list[str]]:
    """Each active entry's question and variants."""
    return {e.id: list(dict.fromkeys([e.question, *e.variants])) for e in index.entries if e.active}


async def stored_vectors(encoder: SentenceEncoder, texts: dict[str, list[str]]) -> EntryVectors:
    """Vectors of every phrasing: read when stored for this model, encoded and stored when not;
    rows of phrasings that are gone are deleted."""
    rows = await FaqEmbedding.filter(model_id=encoder.model_id).all()
    known = {(r.entry_id, r.phrasing_hash): r for r in rows}
    wanted = {(entry_id, phrasing_hash(t)): t for entry_id, ts in texts.items() for t in ts}
    missing = [key for key in wanted if key not in known]
    fresh: dict[tuple[str, str], np.ndarray] = {}
    if missing:
        loop = asyncio.get_running_loop()
        vectors = await loop.run_in_executor(None, encoder.encode, [wanted[k] for k in missing])
        await FaqEmbedding.bulk_create([
            FaqEmbedding(entry_id=e, phrasing_hash=h, model_id=encoder.model_id, vector=v.astype("<f4").tobytes())
            for (e, h), v in zip(missing, vectors)
        ])
        fresh = dict(zip(missing, vectors))
        log.info("FAQ encoder: %d phrasings encoded and stored", len(missing))
    stale = [r.id for key, r in known.items() if key not in wanted]
    if stale:
        await FaqEmbedding.filter(id__in=stale).delete()
    by_entry: dict[str, list[np.ndarray]] = {}
    for key in wanted:
        vector = fresh[key] if key in fresh else np.frombuffer(known[key].vector, dtype="<f4")
        by_entry.setdefault(key[0], []).append(vector)
    return EntryVectors.build(by_entry)


class SemanticScorer:
    """The encoder and the entry vectors of the index they were computed for."""

    def __init__(self, encoder: Any, budget_ms: int = 15) -> None:
        self.encoder = encoder
        self.budget = budget_ms / 1000
        self._index: FaqIndex | None = None
        self._vectors: EntryVectors | None = None
        self._lock = asyncio.Lock()

    async def entry_vectors(self, index: FaqIndex) -> EntryVectors:
        """The vectors for ``index``; recomputed (from the table where possible) when the index
        was rebuilt, i.e. when entries changed."""
        async with self._lock:
            if self._index is not index or self._vectors is None:
                self._vectors = await stored_vectors(self.encoder, phrasings(index))
                self._index = index
            return self._vectors

    async def scores(self, index: FaqIndex, question: str) -> dict[str, float] | None:
        """Entry id → 0–100 similarity, or None when the question ran over its budget or the
        encoder failed (the question is then answered from the lexical score)."""
        try:
            vectors = await self.entry_vectors(index)
            query = await self.encoder.encode_question(question, self.budget)
        except Exception:  # noqa: BLE001 - a broken encoder must not cost the customer an answer
            log.exception("FAQ encoder failed; answering from the lexical score")
            return None
        return None if query is None else vectors.similarities(query)

    def close(self) -> None:
        self.encoder.close()


def scorer_from(settings: Any) -> SemanticScorer | None:
    """The scorer ``SIYU_FAQ_ENCODER`` asks for, or None (the default: lexical only)."""
    folder = getattr(settings, "faq_encoder", "")
    if not folder:
        return None
    from handlers.faq.encoder import OnnxEncoder

    encoder = OnnxEncoder(folder, pooling=settings.faq_encoder_pooling)
    log.info("FAQ semantic scorer: %s", encoder.model_id)
    return SemanticScorer(encoder, settings.faq_encoder_budget_ms)
