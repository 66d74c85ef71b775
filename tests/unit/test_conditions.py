"""Evaluating conditions: every operator, all/any/not, and the rule that a
condition on a hidden or unanswered question is false (except
``answered: false``).

Each case loads a set whose last question, ``probe``, has the condition
under test as its ``visible_if``, scores the answers and reads whether
``probe`` is visible: the whole path from JSON to result.
"""

from __future__ import annotations

from datetime import date

import pytest

from duediligence.questionnaire import score_answers
from duediligence.questionnaire.conditions import ConditionContext, evaluate
from duediligence.questionnaire.model import AnswerCondition, Not
from tests.unit.questionnaire_factory import (
    SHA,
    cond,
    date_q,
    evidence,
    file_ref,
    list_q,
    load,
    multi_choice,
    number,
    questionnaire,
    section,
    single_choice,
    text,
    yes_no,
)

TODAY = date(2026, 6, 15)


def _set_with_probe(condition: dict) -> dict:
    return questionnaire(
        yes_no("gate"),
        # Every target shows only while gate is answered and not "no", to test hidden targets.
        yes_no("yn", visible_if=cond("gate", not_equals="no")),
        single_choice("sc", {"red": 1, "green": 2, "blue": 3}, visible_if=cond("gate", not_equals="no")),
        multi_choice("mc", {"face": 1, "voice": 2, "iris": 3}, visible_if=cond("gate", not_equals="no")),
        text("tx", visible_if=cond("gate", not_equals="no")),
        number("num", visible_if=cond("gate", not_equals="no")),
        date_q("dt", visible_if=cond("gate", not_equals="no")),
        evidence("ev", visible_if=cond("gate", not_equals="no")),
        list_q("ls", text("name"), visible_if=cond("gate", not_equals="no")),
        text("probe", visible_if=condition),
    )


def shows(condition: dict, answers: dict) -> bool:
    """Whether ``probe`` is visible with ``condition`` and ``answers``
    (``gate`` is "yes", so the targets show, unless ``answers`` says otherwise)."""
    q = load(_set_with_probe(condition))
    return score_answers(q, {"gate": "yes", **answers}, TODAY).is_visible("probe")


# --- each operator ----------------------------------------------------------------------

CASES = [
    # equals / not_equals / in on yes_no
    (cond("yn", equals="yes"), {"yn": "yes"}, True),
    (cond("yn", equals="yes"), {"yn": "no"}, False),
    (cond("yn", equals="unknown"), {"yn": "unknown"}, True),
    (cond("yn", not_equals="yes"), {"yn": "no"}, True),
    (cond("yn", not_equals="yes"), {"yn": "yes"}, False),
    (cond("yn", **{"in": ["no", "unknown"]}), {"yn": "unknown"}, True),
    (cond("yn", **{"in": ["no", "unknown"]}), {"yn": "yes"}, False),
    # single choice
    (cond("sc", equals="green"), {"sc": "green"}, True),
    (cond("sc", equals="green"), {"sc": "red"}, False),
    (cond("sc", not_equals="green"), {"sc": "red"}, True),
    (cond("sc", **{"in": ["red", "blue"]}), {"sc": "blue"}, True),
    (cond("sc", **{"in": ["red", "blue"]}), {"sc": "green"}, False),
    # multi choice
    (cond("mc", includes="voice"), {"mc": ["face", "voice"]}, True),
    (cond("mc", includes="voice"), {"mc": ["face", "iris"]}, False),
    (cond("mc", includes="iris"), {"mc": ["iris"]}, True),
    # text
    (cond("tx", equals="Acme"), {"tx": "Acme"}, True),
    (cond("tx", equals="Acme"), {"tx": "acme"}, False),
    (cond("tx", not_equals="Acme"), {"tx": "Other"}, True),
    (cond("tx", **{"in": ["a", "b"]}), {"tx": "b"}, True),
    # number, at and around the boundary
    (cond("num", equals=3), {"num": 3.0}, True),
    (cond("num", not_equals=3), {"num": 4}, True),
    (cond("num", **{"in": [1, 2.5]}), {"num": 2.5}, True),
    (cond("num", gt=10), {"num": 10}, False),
    (cond("num", gt=10), {"num": 10.001}, True),
    (cond("num", gte=10), {"num": 10}, True),
    (cond("num", gte=10), {"num": 9.999}, False),
    (cond("num", lt=0), {"num": -1}, True),
    (cond("num", lt=0), {"num": 0}, False),
    (cond("num", lte=0), {"num": 0}, True),
    (cond("num", lte=0), {"num": 0.5}, False),
    (cond("num", gt=-5), {"num": 0}, True),
    # dates, compared as dates (across month and year ends)
    (cond("dt", gt="2025-12-31"), {"dt": "2026-01-01"}, True),
    (cond("dt", gt="2026-01-01"), {"dt": "2026-01-01"}, False),
    (cond("dt", gte="2026-01-01"), {"dt": "2026-01-01"}, True),
    (cond("dt", gte="2026-01-01"), {"dt": "2025-12-31"}, False),
    (cond("dt", lt="2026-03-01"), {"dt": "2026-02-28"}, True),
    (cond("dt", lt="2026-03-01"), {"dt": "2026-03-01"}, False),
    (cond("dt", lte="2024-02-29"), {"dt": "2024-02-29"}, True),
    (cond("dt", lte="2024-02-29"), {"dt": "2024-03-01"}, False),
    (cond("dt", equals="2026-06-15"), {"dt": "2026-06-15"}, True),
    (cond("dt", not_equals="2026-06-15"), {"dt": "2026-06-16"}, True),
    (cond("dt", **{"in": ["2020-01-01", "2026-06-15"]}), {"dt": "2026-06-15"}, True),
    # answered, for every type
    (cond("yn", answered=True), {"yn": "no"}, True),
    (cond("mc", answered=True), {"mc": ["face"]}, True),
    (cond("mc", answered=True), {"mc": []}, False),
    (cond("tx", answered=True), {"tx": ""}, False),
    (cond("tx", answered=True), {"tx": None}, False),
    (cond("tx", answered=True), {}, False),
    (cond("tx", answered=False), {"tx": ""}, True),
    (cond("tx", answered=False), {"tx": "x"}, False),
    (cond("num", answered=True), {"num": 0}, True),
    (cond("ev", answered=True), {"ev": [file_ref()]}, True),
    (cond("ev", answered=False), {"ev": []}, True),
    (cond("ls", answered=True), {"ls": [{"name": "x"}]}, True),
    (cond("ls", answered=False), {}, True),
]


@pytest.mark.parametrize(("condition", "answers", "expected"), CASES)
def test_operator(condition: dict, answers: dict, expected: bool) -> None:
    assert shows(condition, answers) is expected


@pytest.mark.parametrize(
    "condition",
    [
        cond("yn", equals="yes"),
        cond("yn", not_equals="yes"),
        cond("sc", **{"in": ["red", "green", "blue"]}),
        cond("mc", includes="face"),
        cond("tx", not_equals="anything"),
        cond("num", gt=-1e9),
        cond("num", lt=1e9),
        cond("dt", gte="0001-01-01"),
        cond("ev", answered=True),
    ],
)
@pytest.mark.parametrize("missing", [{}, {"yn": None, "sc": None, "mc": [], "tx": "", "num": None, "dt": None, "ev": []}])
def test_condition_on_an_unanswered_question_is_false(condition: dict, missing: dict) -> None:
    assert shows(condition, missing) is False


def test_not_of_a_condition_on_an_unanswered_question_is_true() -> None:
    assert shows({"not": cond("yn", equals="yes")}, {}) is True
    assert shows({"not": cond("yn", not_equals="yes")}, {}) is True


# --- hidden targets -----------------------------------------------------------------------

ALL_ANSWERED = {
    "yn": "yes",
    "sc": "red",
    "mc": ["face"],
    "tx": "Acme",
    "num": 5,
    "dt": "2026-01-01",
    "ev": [file_ref()],
    "ls": [{"name": "x"}],
}


@pytest.mark.parametrize(
    "condition",
    [
        cond("yn", equals="yes"),
        cond("yn", not_equals="no"),
        cond("sc", equals="red"),
        cond("mc", includes="face"),
        cond("tx", equals="Acme"),
        cond("num", gte=5),
        cond("dt", lte="2026-01-01"),
        cond("ev", answered=True),
        cond("ls", answered=True),
    ],
)
def test_condition_on_a_hidden_question_is_false_even_with_a_stored_answer(condition: dict) -> None:
    assert shows(condition, {"gate": "yes", **ALL_ANSWERED}) is True  # shown: true
    assert shows(condition, {"gate": "no", **ALL_ANSWERED}) is False  # hidden: false


def test_answered_false_on_a_hidden_question_is_true() -> None:
    assert shows(cond("yn", answered=False), {"gate": "yes", "yn": "yes"}) is False
    assert shows(cond("yn", answered=False), {"gate": "no", "yn": "yes"}) is True


def test_not_of_a_condition_on_a_hidden_question_is_true() -> None:
    condition = {"not": cond("yn", equals="yes")}
    assert shows(condition, {"gate": "yes", "yn": "yes"}) is False
    assert shows(condition, {"gate": "no", "yn": "yes"}) is True


def test_question_in_a_hidden_section_counts_as_hidden_for_conditions() -> None:
    doc = questionnaire(
        section("one", yes_no("gate")),
        section("two", yes_no("inner"), visible_if=cond("gate", equals="yes")),
        section("three", text("probe", visible_if=cond("inner", equals="yes"))),
    )
    q = load(doc)
    assert score_answers(q, {"gate": "yes", "inner": "yes"}, TODAY).is_visible("probe")
    assert not score_answers(q, {"gate": "no", "inner": "yes"}, TODAY).is_visible("probe")


def test_hiding_cascades_down_a_chain() -> None:
    doc = questionnaire(
        yes_no("a"),
        yes_no("b", visible_if=cond("a", equals="yes")),
        yes_no("c", visible_if=cond("b", equals="yes")),
        text("probe", visible_if=cond("c", equals="yes")),
    )
    q = load(doc)
    answers = {"a": "yes", "b": "yes", "c": "yes"}
    assert score_answers(q, answers, TODAY).is_visible("probe")
    hidden = score_answers(q, {**answers, "a": "no"}, TODAY)
    assert [hidden.is_visible(x) for x in ("b", "c", "probe")] == [False, False, False]


# --- all / any / not -----------------------------------------------------------------------

YES = cond("yn", equals="yes")
RED = cond("sc", equals="red")


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ({"all": [YES, RED]}, {"yn": "yes", "sc": "red"}, True),
        ({"all": [YES, RED]}, {"yn": "yes", "sc": "blue"}, False),
        ({"all": [YES, RED]}, {"yn": "yes"}, False),
        ({"all": [YES]}, {"yn": "yes"}, True),
        ({"any": [YES, RED]}, {"yn": "no", "sc": "red"}, True),
        ({"any": [YES, RED]}, {"yn": "no", "sc": "blue"}, False),
        ({"any": [YES, RED]}, {}, False),
        ({"not": YES}, {"yn": "yes"}, False),
        ({"not": YES}, {"yn": "no"}, True),
        ({"not": {"not": YES}}, {"yn": "yes"}, True),
        ({"not": {"any": [YES, RED]}}, {"yn": "no", "sc": "blue"}, True),
        ({"all": [{"any": [YES, RED]}, {"not": cond("num", gt=5)}]}, {"sc": "red", "num": 5}, True),
        ({"all": [{"any": [YES, RED]}, {"not": cond("num", gt=5)}]}, {"sc": "red", "num": 6}, False),
        ({"any": [{"all": [YES, RED]}, cond("tx", answered=False)]}, {"yn": "yes", "tx": "x"}, False),
        ({"any": [{"all": [YES, RED]}, cond("tx", answered=False)]}, {"yn": "yes"}, True),
    ],
)
def test_combinators(condition: dict, answers: dict, expected: bool) -> None:
    assert shows(condition, answers) is expected


# --- the evaluator on its own ----------------------------------------------------------


def _context(answers: dict, types: dict, visible: dict | None = None) -> ConditionContext:
    return ConditionContext(answers, visible or {k: True for k in types}, types)


def test_evaluate_compares_date_answers_as_dates() -> None:
    types = {"d": "date"}
    assert evaluate(AnswerCondition("d", "gt", "2025-12-31"), _context({"d": "2026-01-01"}, types))
    assert evaluate(AnswerCondition("d", "lte", "2026-01-01"), _context({"d": "2026-01-01"}, types))
    assert not evaluate(AnswerCondition("d", "lt", "2026-01-01"), _context({"d": "2026-01-01"}, types))


def test_evaluate_treats_a_stale_impossible_date_as_false_not_as_a_string() -> None:
    # "2026-02-30" > "2026-01-01" as strings; as a date it is no date at all.
    types = {"d": "date"}
    assert not evaluate(AnswerCondition("d", "gt", "2026-01-01"), _context({"d": "2026-02-30"}, types))


def test_evaluate_with_a_value_of_the_wrong_type_is_false_not_an_error() -> None:
    types = {"n": "number"}
    assert not evaluate(AnswerCondition("n", "gt", 3), _context({"n": "many"}, types))
    assert not evaluate(AnswerCondition("n", "equals", 1), _context({"n": True}, types))


def test_evaluate_hidden_target() -> None:
    types = {"a": "yes_no"}
    context = _context({"a": "yes"}, types, visible={"a": False})
    assert not evaluate(AnswerCondition("a", "equals", "yes"), context)
    assert evaluate(Not(AnswerCondition("a", "equals", "yes")), context)
    assert evaluate(AnswerCondition("a", "answered", False), context)
    assert not evaluate(AnswerCondition("a", "answered", True), context)


def test_evaluate_never_runs_strings_as_code() -> None:
    types = {"t": "text"}
    payload = "__import__('os').system('false')"
    context = _context({"t": payload}, types)
    assert evaluate(AnswerCondition("t", "equals", payload), context)
    assert not evaluate(AnswerCondition("t", "equals", "0"), context)


def test_any_attached_file_counts_as_an_answer() -> None:
    # An attached file counts as an answer whatever its name.
    assert shows(cond("ev", answered=True), {"ev": [file_ref(name="x.bin", sha256=SHA)]}) is True
