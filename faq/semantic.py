"""The optional semantic scorer, pure: cosine similarity between a question's sentence embedding
and each entry's phrasings, blended with the lexical score. The encoder itself (an ONNX model
the deployer provides) lives at the edge; here only vectors and arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

import numpy as np

DEFAULT_WEIGHT = 0.5  # share of the semantic score in the blend


class SentenceEncoder(Protocol):
    """Turns texts into L2-normalised vectors (one row per text)."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


@dataclass(frozen=True)
class EntryVectors:
    """Every phrasing's vector, and which entry each phrasing belongs to."""

    entry_ids: tuple[str, ...]
    matrix: np.ndarray  # (phrasings, dim), normalised

    @classmethod
    def build(cls, phrasings: Mapping[str, Sequence[np.ndarray]]) -> "EntryVectors":
        ids, rows = [], []
        for entry_id, vectors in phrasings.items():
            for vector in vectors:
                ids.append(entry_id)
                rows.append(vector)
        matrix = normalised(np.vstack(rows)) if rows else np.zeros((0, 1), dtype=np.float32)
        return cls(tuple(ids), matrix)

    def similarities(self, query: np.ndarray) -> dict[str, float]:
        """Each entry's best cosine similarity to the query, as 0–100."""
        if not self.entry_ids:
            return {}
        scores = self.matrix @ normalised(query.reshape(1, -1))[0]
        best: dict[str, float] = {}
        for entry_id, value in zip(self.entry_ids, scores.tolist()):
            if value > best.get(entry_id, -1.0):
                best[entry_id] = value
        return {entry_id: max(0.0, value) * 100 for entry_id, value in best.items()}


def blend(lexical: Mapping[str, float], semantic: Mapping[str, float] | None, weight: float = DEFAULT_WEIGHT) -> dict[str, float]:
    """Entry scores (0–100) from both scorers; the lexical ones alone when there is no
    semantic answer (no encoder, or the query's time budget ran out)."""
    if not semantic:
        return dict(lexical)
    ids = set(lexical) | set(semantic)
    return {i: (1 - weight) * lexical.get(i, 0.0) + weight * semantic.get(i, 0.0) for i in ids}
