"""The question set format: model, loader, conditions, answers and scoring.

Pure Python with no Qt, so everything here runs in the CLI, in tests and
(later) on a server.
"""

from duediligence.questionnaire.answers import (
    AnswersDocument,
    Assessor,
    Vendor,
    answer_problems,
    answers_from_json,
    answers_problems,
    answers_schema,
    load_answers,
)
from duediligence.questionnaire.library import builtin_questionnaire_paths, load_builtin
from duediligence.questionnaire.loader import (
    load_questionnaire,
    load_questionnaire_bytes,
    meta_schema,
    questionnaire_from_json,
)
from duediligence.questionnaire.model import Questionnaire, Question, Section
from duediligence.questionnaire.scoring import Score, answer_risk, score_answers

__all__ = [
    "AnswersDocument",
    "Assessor",
    "Question",
    "Questionnaire",
    "Score",
    "Section",
    "Vendor",
    "answer_problems",
    "answer_risk",
    "answers_from_json",
    "answers_problems",
    "answers_schema",
    "builtin_questionnaire_paths",
    "load_answers",
    "load_builtin",
    "load_questionnaire",
    "load_questionnaire_bytes",
    "meta_schema",
    "questionnaire_from_json",
    "score_answers",
]
