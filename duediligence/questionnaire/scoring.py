"""Scoring an assessment: visibility, risks, section and overall scores,
tiers, flags, the knock-out verdict and completeness.

It follows ``questionnaire-format.md`` to the letter; where the spec is
silent the choice is written in ``docs/questionnaire-format.md``. Scoring
is a pure function of (questionnaire, answers, today), so the GUI, the
store's cached score and the report always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from duediligence.questionnaire.conditions import ConditionContext, evaluate, is_unanswered
from duediligence.questionnaire.jsonfile import gc_paused
from duediligence.questionnaire.model import (
    ChoiceQuestion,
    DateQuestion,
    EvidenceQuestion,
    ListQuestion,
    NumberQuestion,
    Question,
    Questionnaire,
    RiskBand,
    Severity,
    parse_iso_date,
    Tier,
    YesNoQuestion,
)

MAX_RISK = 10.0


@dataclass(frozen=True)
class RaisedFlag:
    question: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Completeness:
    """Required visible questions answered, out of all required visible ones."""

    answered: int
    required: int
    missing: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return 1.0 if self.required == 0 else self.answered / self.required


class QuestionResult(NamedTuple):
    """One per question per scoring run: a tuple, as it is made thousands
    of times on every answer change."""

    visible: bool
    answered: bool
    #: The answer's risk 0-10, or None when the answer carries none.
    risk: float | None
    #: Whether it entered its section's score (and with which risk).
    counted: bool


@dataclass(frozen=True)
class Score:
    overall: float
    tier: Tier
    knockout: bool
    #: Section id -> score 0-100, or None when not scored (or hidden).
    sections: dict[str, float | None]
    section_visible: dict[str, bool]
    flags: tuple[RaisedFlag, ...]
    completeness: Completeness
    questions: dict[str, QuestionResult]

    @property
    def knockouts(self) -> tuple[RaisedFlag, ...]:
        return tuple(f for f in self.flags if f.severity == "knockout")

    @property
    def warnings(self) -> tuple[RaisedFlag, ...]:
        return tuple(f for f in self.flags if f.severity == "warning")

    def is_visible(self, question_id: str) -> bool:
        return self.questions[question_id].visible

    def to_json(self) -> dict[str, object]:
        """The shape ``duediligence score --json`` prints (a CLI contract)."""
        return {
            "overall": round(self.overall, 2),
            "tier": self.tier.id,
            "tier_label": self.tier.label,
            "knockout": self.knockout,
            "verdict": "do_not_proceed" if self.knockout else "proceed_by_tier",
            "sections": {k: None if v is None else round(v, 2) for k, v in self.sections.items()},
            "flags": [{"question": f.question, "severity": f.severity, "message": f.message} for f in self.flags],
            "completeness": {
                "answered": self.completeness.answered,
                "required": self.completeness.required,
                "missing": list(self.completeness.missing),
            },
        }


def band_risk(bands: tuple[RiskBand, ...], value: float) -> float:
    for band in bands:
        if band.max is None or value <= band.max:
            return band.risk
    return bands[-1].risk  # unreachable for loaded sets: the last band is open


def answer_risk(question: Question, value: object, today: date) -> float | None:
    """The risk 0-10 of an answered question, or None when it has none."""
    if isinstance(question, YesNoQuestion):
        return question.risk_of(value) if isinstance(value, str) else None  # type: ignore[arg-type]
    if isinstance(question, ChoiceQuestion):
        chosen = value if isinstance(value, list) else [value]
        risks = [o.risk for v in chosen if (o := question.option(v)) is not None and o.risk is not None]  # type: ignore[arg-type]
        return max(risks) if risks else None
    if isinstance(question, NumberQuestion):
        if not question.risk_bands or isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return band_risk(question.risk_bands, value)
    if isinstance(question, DateQuestion):
        if not question.risk_bands or not isinstance(value, str):
            return None
        return band_risk(question.risk_bands, (today - parse_iso_date(value)).days)
    if isinstance(question, EvidenceQuestion):
        if question.risk_if_missing is None:
            return None
        return 0.0 if isinstance(value, list) and value else question.risk_if_missing
    if isinstance(question, ListQuestion):
        return _list_risk(question, value, today)
    return None


def _list_risk(question: ListQuestion, value: object, today: date) -> float | None:
    if not isinstance(value, list):
        return None
    risks = []
    for item in value:
        if not isinstance(item, dict):
            continue
        for field in question.fields:
            field_value = item.get(field.id)
            if is_unanswered(field_value):
                continue  # absent fields are skipped
            risk = answer_risk(field, field_value, today)
            if risk is not None:
                risks.append(risk)
    return max(risks) if risks else None


def _settled(score: float) -> float:
    """Round away binary floating-point noise, so that a score that is 75
    exactly in decimal (7.1 x 3 + 8.7 over 4) is 75.0, not 74.99999999999999,
    and lands in the tier it arithmetically belongs to."""
    return round(score, 9)


def score_answers(questionnaire: Questionnaire, answers: Mapping[str, object], today: date) -> Score:
    """Score ``answers`` (already validated) against ``questionnaire`` as of ``today``."""
    with gc_paused():  # allocation-heavy and cycle-free, like loading
        return _score(questionnaire, answers, today)


def _score(questionnaire: Questionnaire, answers: Mapping[str, object], today: date) -> Score:
    visible: dict[str, bool] = {}
    types = {q.id: q.type for q in questionnaire.questions}
    context = ConditionContext(answers, visible, types)
    unanswered_counts_max = questionnaire.scoring.unanswered == "max_risk"

    results: dict[str, QuestionResult] = {}
    section_scores: dict[str, float | None] = {}
    section_visible: dict[str, bool] = {}
    flags: list[RaisedFlag] = []
    required_total = 0
    required_answered = 0
    missing: list[str] = []

    for section in questionnaire.sections:
        shown = section.visible_if is None or evaluate(section.visible_if, context)
        section_visible[section.id] = shown
        weighted = 0.0
        weights = 0.0
        for question in section.questions:
            is_visible = shown and (question.visible_if is None or evaluate(question.visible_if, context))
            visible[question.id] = is_visible
            value = answers.get(question.id)
            answered = not is_unanswered(value)
            risk = answer_risk(question, value, today) if answered or isinstance(question, EvidenceQuestion) else None
            counted = False
            if is_visible:
                if question.required:
                    required_total += 1
                    if answered:
                        required_answered += 1
                    else:
                        missing.append(question.id)
                if question.is_scored:
                    if risk is None and not answered and unanswered_counts_max:
                        risk = MAX_RISK
                    if risk is not None:
                        counted = True
                        weighted += question.weight * risk
                        weights += question.weight
                for rule in question.flags:
                    if evaluate(rule.when, context):
                        flags.append(RaisedFlag(question.id, rule.severity, rule.message))
            results[question.id] = QuestionResult(is_visible, answered, risk, counted)
        section_scores[section.id] = _settled(10 * weighted / weights) if weights else None

    scored = [
        (section.weight, section_scores[section.id])
        for section in questionnaire.sections
        if section_scores[section.id] is not None
    ]
    total_weight = sum(weight for weight, _ in scored)
    overall = _settled(sum(weight * s for weight, s in scored if s is not None) / total_weight) if total_weight else 0.0
    return Score(
        overall=overall,
        tier=questionnaire.tier_for(overall),
        knockout=any(f.severity == "knockout" for f in flags),
        sections=section_scores,
        section_visible=section_visible,
        flags=tuple(flags),
        completeness=Completeness(required_answered, required_total, tuple(missing)),
        questions=results,
    )
