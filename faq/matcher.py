"""The FAQ index: keyword rules first, then Chinese-aware fuzzy similarity.

Fuzzy matching works on characters, not whitespace tokens (Chinese has none):
1. candidates: a TF-IDF cosine over character unigrams and bigrams, through an inverted
   index read rarest feature first within a budget (common features are added back
   for the finalists only);
2. scoring: each candidate entry's best text (question or variant) by a blend of that
   cosine, the share of the query's IDF mass the text covers, and rapidfuzz ``fuzz.ratio``
   on the normalised strings, scaled down when much of the query is not covered (words
   the FAQ never mentions are a sign of an out-of-scope question); keywords present in the
   query add a bonus.
3. optionally, entry scores from a sentence encoder blended in (``faq.semantic.blend``)
   before the calibrated decision.
Build once with ``FaqIndex.build(entries)``; when entries change, build a new index.
"""
from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping

from rapidfuzz import fuzz

from faq.decision import ANSWER, DEFAULT_THRESHOLDS, MatchThresholds, decide
from faq.entries import FaqEntry, KeywordRule
from faq.normalise import normalise, rule_form
from faq.semantic import blend
from faq.synonyms import SynonymRewriter

CANDIDATE_ENTRIES = 12
RANKED_LIMIT = 5
_RULE_KIND_ORDER = {"exact": 0, "regex": 1, "contains": 2}


@dataclass(frozen=True)
class ScoreWeights:
    """How the fuzzy score (0–100) is blended; tuned on the evaluation set."""

    cosine: float = 0.45
    coverage: float = 0.30
    ratio: float = 0.25
    keyword_bonus: float = 6.0
    entry: float = 0.5  # share of the entry-level score (the query against all of an entry's phrasings)
    coverage_penalty: float = 0.5  # the blend is scaled by coverage to this power
    posting_budget: int = 800  # candidate stage stops reading postings after this many


@dataclass(frozen=True)
class FaqMatch:
    """What a query matched. ``candidates`` are up to five ``(entry_id, score)``, best
    first; ``choices`` are the entry ids to offer when the outcome is clarify."""

    query: str
    normalised: str
    outcome: str
    entry_id: str | None
    score: float
    candidates: tuple[tuple[str, float], ...]
    choices: tuple[str, ...] = ()
    rule: KeywordRule | None = None


def char_features(text: str) -> dict[str, int]:
    """Counts of character unigrams and bigrams."""
    counts: dict[str, int] = defaultdict(int)
    for index, char in enumerate(text):
        counts[char] += 1
        if index:
            counts[text[index - 1 : index + 1]] += 1
    return counts


@dataclass(frozen=True)
class _Rule:
    rule: KeywordRule
    entry: int
    text: str
    regex: re.Pattern[str] | None

    def matches(self, form: str) -> bool:
        if self.regex is not None:
            return self.regex.search(form) is not None
        return form == self.text if self.rule.kind == "exact" else self.text in form


class FaqIndex:
    """An immutable search structure over the active entries."""

    def __init__(
        self, entries: tuple[FaqEntry, ...], weights: ScoreWeights, synonyms: SynonymRewriter, thresholds: MatchThresholds
    ) -> None:
        self.entries = entries
        self.weights = weights
        self.thresholds = thresholds
        self._synonyms = synonyms
        self._by_id = {entry.id: entry for entry in entries}
        self._texts: list[str] = []
        self._text_entry: list[int] = []
        self._entry_texts: list[list[int]] = []
        for number, entry in enumerate(entries):
            forms = dict.fromkeys(t for t in map(self.normalise, (entry.question, *entry.variants)) if t)
            self._entry_texts.append(list(range(len(self._texts), len(self._texts) + len(forms))))
            self._texts += forms
            self._text_entry += [number] * len(forms)
        self._keywords = [tuple(k for k in map(self.normalise, e.keywords) if k) for e in entries]
        self._rules = self._compile_rules(entries)
        self._build_tfidf()

    @classmethod
    def build(
        cls, entries, weights: ScoreWeights = ScoreWeights(), *, synonyms=(), thresholds: MatchThresholds | None = None
    ) -> "FaqIndex":
        """Index the active entries (inactive ones are left out). ``synonyms`` are the company's
        word groups (``faq.synonyms``); ``thresholds`` its calibration (default: the shipped one)."""
        rewriter = synonyms if isinstance(synonyms, SynonymRewriter) else SynonymRewriter(synonyms)
        return cls(tuple(e for e in entries if e.active), weights, rewriter, thresholds or DEFAULT_THRESHOLDS)

    def normalise(self, text: str) -> str:
        """The matching form of ``text``: normalised, then domain synonyms rewritten."""
        return self._synonyms(normalise(text))

    def entry(self, entry_id: str) -> FaqEntry | None:
        return self._by_id.get(entry_id)

    @staticmethod
    def _compile_rules(entries: tuple[FaqEntry, ...]) -> list[_Rule]:
        rules = []
        for number, entry in enumerate(entries):
            for rule in entry.rules:
                regex = re.compile(rule.pattern, re.IGNORECASE) if rule.kind == "regex" else None
                rules.append(_Rule(rule, number, rule_form(rule.pattern), regex))
        rules.sort(key=lambda r: (-r.rule.priority, _RULE_KIND_ORDER[r.rule.kind], r.entry))
        return rules

    def _build_tfidf(self) -> None:
        entry_df: dict[str, set[int]] = defaultdict(set)
        text_features = [char_features(text) for text in self._texts]
        for number, features in enumerate(text_features):
            for feature in features:
                entry_df[feature].add(self._text_entry[number])
        count = max(len(self.entries), 1)
        self._idf = {f: math.log((count + 1) / (len(e) + 1)) + 1.0 for f, e in entry_df.items()}
        self._unknown_idf = math.log(count + 1) + 1.0
        self._vectors: list[dict[str, float]] = []
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, features in enumerate(text_features):
            vector = {f: c * self._idf[f] for f, c in features.items()}
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            vector = {f: w / norm for f, w in vector.items()}
            self._vectors.append(vector)
            for feature, weight in vector.items():
                postings[feature].append((number, weight))
        self._postings = {feature: tuple(posting) for feature, posting in postings.items()}
        self._centroids: list[dict[str, float]] = []
        for texts in self._entry_texts:
            centroid: dict[str, float] = defaultdict(float)
            for text in texts:
                for feature, weight in self._vectors[text].items():
                    centroid[feature] += weight
            norm = math.sqrt(sum(w * w for w in centroid.values())) or 1.0
            self._centroids.append({f: w / norm for f, w in centroid.items()})

    def _query_vector(self, query: str) -> list[tuple[str, float]]:
        """Unit-length TF-IDF weights of the query's features, rarest feature first."""
        weights = {f: c * self._idf.get(f, self._unknown_idf) for f, c in char_features(query).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return sorted(((f, w / norm) for f, w in weights.items()), key=lambda pair: -self._idf.get(pair[0], 99))

    def _partial_dots(self, vector: list[tuple[str, float]]) -> tuple[dict[int, float], list[tuple[str, float]]]:
        """Dot products per text over the rarest features, within a posting budget; the
        features left out (the most common ones) are returned to be added for finalists."""
        dots: dict[int, float] = defaultdict(float)
        scanned, skipped = 0, []
        for feature, weight in vector:
            posting = self._postings.get(feature, ())
            if scanned >= self.weights.posting_budget and posting:
                skipped.append((feature, weight))
                continue
            scanned += len(posting)
            for text, text_weight in posting:
                dots[text] += weight * text_weight
        return dots, skipped

    def _finalists(self, dots: dict[int, float], chat_kind: str | None) -> dict[int, list[int]]:
        """The best-overlapping entries allowed in this chat, with their overlapping texts."""
        best: dict[int, float] = {}
        for text, score in dots.items():
            entry = self._text_entry[text]
            if score > best.get(entry, 0.0):
                best[entry] = score
        if chat_kind is not None:
            best = {entry: score for entry, score in best.items() if self.entries[entry].allows(chat_kind)}
        allowed = heapq.nlargest(CANDIDATE_ENTRIES, best, key=best.__getitem__)
        return {entry: [t for t in self._entry_texts[entry] if t in dots] for entry in allowed}

    def _text_score(self, query: str, vector, dot: float, skipped, text: int) -> float:
        target = self._vectors[text]
        cosine = dot + sum(weight * target.get(feature, 0.0) for feature, weight in skipped)
        covered = sum(weight for feature, weight in vector if feature in target)
        total = sum(weight for _, weight in vector) or 1.0
        coverage = covered / total
        ratio = fuzz.ratio(query, self._texts[text]) / 100.0
        w = self.weights
        blend = w.cosine * cosine + w.coverage * coverage + w.ratio * ratio
        return 100.0 * blend * coverage**w.coverage_penalty

    def rank(self, normalised: str, chat_kind: str | None = None) -> tuple[tuple[str, float], ...]:
        """Entries scored against a normalised query, best first (up to five)."""
        if not normalised:
            return ()
        vector = self._query_vector(normalised)
        dots, skipped = self._partial_dots(vector)
        scored = []
        for entry, texts in self._finalists(dots, chat_kind).items():
            score = max(self._text_score(normalised, vector, dots[t], skipped, t) for t in texts)
            centroid = self._centroids[entry]
            entry_score = 100.0 * sum(weight * centroid.get(feature, 0.0) for feature, weight in vector)
            score = (1 - self.weights.entry) * score + self.weights.entry * entry_score
            if any(keyword in normalised for keyword in self._keywords[entry]):
                score = min(100.0, score + self.weights.keyword_bonus)
            scored.append((self.entries[entry].id, round(score, 1)))
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return tuple(scored[:RANKED_LIMIT])

    def _blended(self, ranked: tuple[tuple[str, float], ...], semantic: Mapping[str, float],
                 chat_kind: str | None) -> tuple[tuple[str, float], ...]:
        allowed = {e: s for e, s in semantic.items() if (entry := self.entry(e)) is not None and entry.allows(chat_kind)}
        scores = blend(dict(ranked), allowed)
        return tuple(sorted(((e, round(s, 1)) for e, s in scores.items()), key=lambda pair: pair[1], reverse=True)[:RANKED_LIMIT])

    def match_rule(self, query: str, chat_kind: str | None = None) -> _Rule | None:
        """The highest-priority keyword rule matching ``query``, if any."""
        form = rule_form(query)
        if not form:
            return None
        return next((r for r in self._rules if self.entries[r.entry].allows(chat_kind) and r.matches(form)), None)

    def match(self, query: str, chat_kind: str | None = None, thresholds: MatchThresholds | None = None,
              semantic: Mapping[str, float] | None = None) -> FaqMatch:
        """Match one customer message with the index's calibration (or ``thresholds``). Never
        raises for odd input: empty, huge or emoji-only text is a miss. ``semantic`` (entry id →
        0–100 from a sentence encoder) is blended with the lexical scores before deciding."""
        query = query if isinstance(query, str) else ""
        normalised = self.normalise(query)
        hit = self.match_rule(query, chat_kind)
        if hit is not None:
            entry_id = self.entries[hit.entry].id
            return FaqMatch(query, normalised, ANSWER, entry_id, 100.0, ((entry_id, 100.0),), rule=hit.rule)
        ranked = self.rank(normalised, chat_kind)
        if semantic and normalised:
            ranked = self._blended(ranked, semantic, chat_kind)
        decision = decide(ranked, thresholds or self.thresholds)
        return FaqMatch(
            query, normalised, decision.outcome, decision.entry_id, decision.score, ranked, decision.choices
        )
