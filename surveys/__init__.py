"""Surveys as plain functions (no I/O): the definition file and its checks, answers as people
type them, the branching engine, NPS arithmetic and results per question.

The chat flow, storage and commands live in handlers/surveys.
"""
from surveys.answers import (
    CANCEL_WORDS, OTHER_FEATURES_WORDS, SKIP_WORD, Invalid, Parsed, hint_for, is_cancel, parse_answer, parse_number,
    reserved_elsewhere,
)
from surveys.definition import (
    CONTACT, END, KINDS, MULTIPLE, NPS, PROFILE_FIELDS, RATING, SINGLE, TEXT, Condition, Option, Question,
    SurveyDefinition, SurveyFileError, parse_definition,
)
from surveys.flow import first_question, mapped_updates, next_question, path
from surveys.nps import NpsResult, category, nps_of, nps_of_counts
from surveys.results import Tally, question_results, tally_answers

__all__ = [
    "CANCEL_WORDS", "OTHER_FEATURES_WORDS", "CONTACT", "Condition", "END", "Invalid", "KINDS", "MULTIPLE", "NPS", "NpsResult", "Option",
    "PROFILE_FIELDS", "Parsed", "SKIP_WORD", "Question", "RATING", "SINGLE", "SurveyDefinition", "SurveyFileError", "TEXT",
    "category", "first_question", "hint_for", "is_cancel", "mapped_updates", "next_question", "nps_of",
    "nps_of_counts", "parse_answer", "parse_definition", "parse_number", "reserved_elsewhere", "path", "question_results", "Tally", "tally_answers",
]
