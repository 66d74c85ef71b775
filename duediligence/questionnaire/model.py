"""The questionnaire model: immutable dataclasses built once by the loader.

Everything downstream (answers, scoring, storage, report, UI) reads these
objects and never the raw JSON, so a set that loaded is a set that is
internally consistent. Frozen dataclasses make it safe to share one model
between threads and cache it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from typing import Literal, Union

FORMAT = "duediligence/questionnaire@1"
ANSWERS_FORMAT = "duediligence/answers@1"

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(text: str) -> date:
    """Parse exactly ``YYYY-MM-DD``; Python 3.11's ``fromisoformat`` also
    takes ``20260101`` and week dates, which the format does not."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    return date.fromisoformat(text)


QuestionType = Literal[
    "yes_no", "single_choice", "multi_choice", "text", "number", "date", "evidence", "list"
]
Severity = Literal["info", "warning", "knockout"]
UnansweredMode = Literal["max_risk", "exclude"]

#: Operators of an answer condition, with the question types each fits.
OPERATOR_TYPES: dict[str, frozenset[str]] = {
    "equals": frozenset({"yes_no", "single_choice", "text", "number", "date"}),
    "not_equals": frozenset({"yes_no", "single_choice", "text", "number", "date"}),
    "in": frozenset({"yes_no", "single_choice", "text", "number", "date"}),
    "includes": frozenset({"multi_choice"}),
    "gt": frozenset({"number", "date"}),
    "gte": frozenset({"number", "date"}),
    "lt": frozenset({"number", "date"}),
    "lte": frozenset({"number", "date"}),
    "answered": frozenset(
        {"yes_no", "single_choice", "multi_choice", "text", "number", "date", "evidence", "list"}
    ),
}


# --- conditions -------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCondition:
    """``{"answer": q, <operator>: value}``; ``value`` is already typed
    (a ``date`` for date comparisons, a tuple for ``in``)."""

    question: str
    operator: str
    value: object


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    condition: Condition


Condition = Union[AnswerCondition, AllOf, AnyOf, Not]


# --- scoring building blocks --------------------------------------------------


@dataclass(frozen=True)
class RiskBand:
    """Risk for values up to ``max`` (inclusive); ``max`` None closes the bands."""

    max: float | None
    risk: float


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    risk: float | None = None


@dataclass(frozen=True)
class FlagRule:
    when: Condition
    severity: Severity
    message: str


@dataclass(frozen=True)
class Tier:
    id: str
    label: str
    min_score: float


@dataclass(frozen=True)
class Scoring:
    tiers: tuple[Tier, ...]
    unanswered: UnansweredMode = "max_risk"


# --- questions -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Question:
    """Keys common to every question type; subclasses add their own."""

    id: str
    type: QuestionType
    text: str
    help: str = ""
    references: tuple[str, ...] = ()
    required: bool = False
    weight: float = 1.0
    visible_if: Condition | None = None
    flags: tuple[FlagRule, ...] = ()
    #: JSON path of the question in its file, for messages about it.
    path: str = field(default="", compare=False)

    @property
    def has_risk(self) -> bool:
        """Whether any answer to this question can carry a risk."""
        return False

    @property
    def is_scored(self) -> bool:
        return self.weight > 0 and self.has_risk


@dataclass(frozen=True, kw_only=True)
class YesNoQuestion(Question):
    risk: tuple[tuple[str, float], ...] = ()
    allow_unknown: bool = True

    @property
    def has_risk(self) -> bool:
        return bool(self.risk)

    @property
    def allowed_values(self) -> tuple[str, ...]:
        return ("yes", "no", "unknown") if self.allow_unknown else ("yes", "no")

    @cached_property
    def risk_by_answer(self) -> dict[str, float]:
        return dict(self.risk)

    def risk_of(self, value: str) -> float | None:
        return self.risk_by_answer.get(value)


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    """``single_choice`` and ``multi_choice`` share their options."""

    options: tuple[Option, ...] = ()
    min_selected: int | None = None
    max_selected: int | None = None

    @property
    def has_risk(self) -> bool:
        return any(option.risk is not None for option in self.options)

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    @cached_property
    def options_by_value(self) -> dict[str, Option]:
        return {o.value: o for o in self.options}

    def option(self, value: str) -> Option | None:
        return self.options_by_value.get(value)


@dataclass(frozen=True, kw_only=True)
class TextQuestion(Question):
    multiline: bool = False
    max_length: int | None = None
    pattern: str | None = None


@dataclass(frozen=True, kw_only=True)
class NumberQuestion(Question):
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: str = ""
    risk_bands: tuple[RiskBand, ...] = ()

    @property
    def has_risk(self) -> bool:
        return bool(self.risk_bands)


@dataclass(frozen=True, kw_only=True)
class DateQuestion(Question):
    min: date | None = None
    max: date | None = None
    #: Bands on the answer's age in days on the scoring day.
    risk_bands: tuple[RiskBand, ...] = ()

    @property
    def has_risk(self) -> bool:
        return bool(self.risk_bands)


@dataclass(frozen=True, kw_only=True)
class EvidenceQuestion(Question):
    accept: tuple[str, ...] = ()
    max_files: int | None = None
    risk_if_missing: float | None = None

    @property
    def has_risk(self) -> bool:
        return self.risk_if_missing is not None


@dataclass(frozen=True, kw_only=True)
class ListQuestion(Question):
    fields: tuple[Question, ...] = ()
    min_items: int | None = None
    max_items: int | None = None

    @property
    def has_risk(self) -> bool:
        return any(f.has_risk for f in self.fields)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    description: str = ""
    weight: float = 1.0
    visible_if: Condition | None = None
    path: str = field(default="", compare=False)


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """One loaded set. Compared and hashed by identity: two loads of the same
    file are told apart by ``sha256``, and identity hashing keeps caches
    keyed on a set cheap."""

    id: str
    version: str
    title: str
    scoring: Scoring
    sections: tuple[Section, ...]
    description: str = ""
    language: str = "en"
    #: sha256 of the exact bytes the set was loaded from ("" when built in memory).
    sha256: str = field(default="", compare=False)
    source: str = field(default="", compare=False)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """All top-level questions in file order."""
        return tuple(q for s in self.sections for q in s.questions)

    @property
    def question_count(self) -> int:
        return sum(len(s.questions) for s in self.sections)

    def question(self, question_id: str) -> Question:
        return self.questions_by_id[question_id]

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def section_of(self, question_id: str) -> Section:
        for section in self.sections:
            if any(q.id == question_id for q in section.questions):
                return section
        raise KeyError(question_id)

    def tier_for(self, score: float) -> Tier:
        chosen = self.scoring.tiers[0]
        for tier in self.scoring.tiers:
            if tier.min_score <= score:
                chosen = tier
        return chosen
