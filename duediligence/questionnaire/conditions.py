"""Conditions: built from their JSON structure and evaluated by walking it.

Nothing here is ever passed to ``eval``: a condition is data, so a
malicious question set can at worst hide its own questions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from duediligence.questionnaire.model import (
    AllOf,
    AnswerCondition,
    AnyOf,
    Condition,
    Not,
    OPERATOR_TYPES,
    parse_iso_date,
)

OPERATORS = tuple(OPERATOR_TYPES)


def condition_from_json(raw: Mapping[str, object], default_question: str | None = None) -> Condition:
    """Build a condition from JSON already checked by the meta-schema and
    the semantic checks. ``default_question`` fills a flag's missing
    ``answer``. Values stay as written; ``typed_condition_value`` converts
    them once the target question's type is known."""
    if "all" in raw:
        return AllOf(tuple(condition_from_json(c, default_question) for c in raw["all"]))  # type: ignore[union-attr]
    if "any" in raw:
        return AnyOf(tuple(condition_from_json(c, default_question) for c in raw["any"]))  # type: ignore[union-attr]
    if "not" in raw:
        return Not(condition_from_json(raw["not"], default_question))  # type: ignore[arg-type]
    operator = next(op for op in OPERATORS if op in raw)
    question = raw.get("answer", default_question)
    value = raw[operator]
    if operator == "in":
        value = tuple(value)  # type: ignore[arg-type]
    return AnswerCondition(str(question), operator, value)


def walk(condition: Condition) -> Iterator[AnswerCondition]:
    """Every answer condition inside ``condition``, in order."""
    if isinstance(condition, AnswerCondition):
        yield condition
    elif isinstance(condition, (AllOf, AnyOf)):
        for inner in condition.conditions:
            yield from walk(inner)
    else:
        yield from walk(condition.condition)


def is_unanswered(value: object) -> bool:
    """The spec's "unanswered": absent, null, empty string or empty array."""
    return value is None or value == "" or (isinstance(value, list) and not value)


@dataclass(frozen=True)
class ConditionContext:
    """What a condition can see: answers, which questions are visible so
    far, and each question's type (dates compare as dates)."""

    answers: Mapping[str, object]
    visible: Mapping[str, bool]
    types: Mapping[str, str]


def evaluate(condition: Condition, context: ConditionContext) -> bool:
    if isinstance(condition, AllOf):
        return all(evaluate(c, context) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, context) for c in condition.conditions)
    if isinstance(condition, Not):
        return not evaluate(condition.condition, context)
    return _evaluate_answer_condition(condition, context)


def _evaluate_answer_condition(condition: AnswerCondition, context: ConditionContext) -> bool:
    # A hidden question counts as unanswered: its stored answer is kept,
    # but it must not drive anything while it is hidden.
    value = context.answers.get(condition.question) if context.visible.get(condition.question) else None
    if condition.operator == "answered":
        return (not is_unanswered(value)) == condition.value
    if is_unanswered(value):
        return False
    try:
        return _compare(condition.operator, value, condition.value, context.types.get(condition.question))
    except (TypeError, ValueError):
        # Answers are validated before they are scored; a value of the wrong
        # type can only come from a stale store, and then the condition is false.
        return False


def _as_comparable(value: object, question_type: str | None) -> object:
    if question_type == "date" and isinstance(value, str):
        return parse_iso_date(value)
    if isinstance(value, bool):
        raise TypeError("booleans are not answers")
    return value


def _compare(operator: str, answer: object, target: object, question_type: str | None) -> bool:
    if operator == "includes":
        return isinstance(answer, list) and target in answer
    left = _as_comparable(answer, question_type)
    if operator == "in":
        return any(left == _as_comparable(t, question_type) for t in target)  # type: ignore[union-attr]
    right = _as_comparable(target, question_type)
    if operator == "equals":
        return left == right
    if operator == "not_equals":
        return left != right
    if operator == "gt":
        return left > right  # type: ignore[operator]
    if operator == "gte":
        return left >= right  # type: ignore[operator]
    if operator == "lt":
        return left < right  # type: ignore[operator]
    if operator == "lte":
        return left <= right  # type: ignore[operator]
    raise ValueError(f"unknown operator {operator!r}")
