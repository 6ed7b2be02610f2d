"""FAQ matching: entries, import files, normalisation and the matcher. Pure: no I/O."""
from faq.batch import match_queries
from faq.calibration import DEFAULT_BUDGET, Example, Measured, calibrate, measure, sweep
from faq.decision import ANSWER, CLARIFY, MISS, DEFAULT_THRESHOLDS, Decision, MatchThresholds, decide, is_bare_choice, resolve_choice
from faq.entries import CATEGORIES, RULE_KINDS, SCOPES, FaqEntry, KeywordRule
from faq.files import (
    FaqFileError,
    FaqFileProblem,
    detect_format,
    export_faq_file,
    parse_faq_file,
    parse_faq_jsonl,
    parse_faq_yaml,
)
from faq.matcher import FaqIndex, FaqMatch, ScoreWeights
from faq.normalise import normalise
from faq.synonyms import SynonymRewriter, parse_synonyms, synonyms_text
from faq.validation import entry_from_record, entry_to_record

__all__ = [
    "ANSWER",
    "DEFAULT_BUDGET",
    "Example",
    "Measured",
    "SynonymRewriter",
    "calibrate",
    "measure",
    "parse_synonyms",
    "sweep",
    "synonyms_text",
    "CATEGORIES",
    "CLARIFY",
    "DEFAULT_THRESHOLDS",
    "Decision",
    "FaqEntry",
    "FaqFileError",
    "FaqFileProblem",
    "FaqIndex",
    "FaqMatch",
    "KeywordRule",
    "MISS",
    "MatchThresholds",
    "RULE_KINDS",
    "SCOPES",
    "ScoreWeights",
    "decide",
    "is_bare_choice",
    "detect_format",
    "entry_from_record",
    "entry_to_record",
    "export_faq_file",
    "match_queries",
    "normalise",
    "parse_faq_file",
    "parse_faq_jsonl",
    "parse_faq_yaml",
    "resolve_choice",
]
