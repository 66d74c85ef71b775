"""Scoring edge cases. Every expected number is worked out by hand in the
test, from the spec's formulas:

    section = 10 x sum(weight x risk) / sum(weight)    over counting questions
    overall = sum(section weight x section) / sum(section weight)
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from duediligence.errors import InvalidQuestionnaire
from duediligence.questionnaire import questionnaire_from_json, score_answers
from tests.unit.questionnaire_factory import (
    bands,
    cond,
    date_q,
    evidence,
    file_ref,
    flag,
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


def score(doc: dict, answers: dict, today: date = TODAY):
    return score_answers(load(doc), answers, today)


# --- the basic formula --------------------------------------------------------------


def test_weighted_section_score() -> None:
    doc = questionnaire(yes_no("a", (5, 0, 10), weight=2), yes_no("b", (8, 0, 10), weight=1))
    result = score(doc, {"a": "yes", "b": "yes"})
    expected = 10 * (2 * 5 + 1 * 8) / 3  # 60
    assert result.sections["main"] == pytest.approx(expected)
    assert result.overall == pytest.approx(expected)
    assert result.tier.id == "high"


def test_yes_no_unknown_has_its_own_risk() -> None:
    doc = questionnaire(yes_no("a", (10, 0, 7)))
    assert score(doc, {"a": "unknown"}).overall == pytest.approx(10 * 7 / 1)


def test_weighted_overall_over_sections() -> None:
    doc = questionnaire(
        section("one", yes_no("a", (8, 0, 0))),
        section("two", yes_no("b", (4, 0, 0)), weight=3),
    )
    result = score(doc, {"a": "yes", "b": "yes"})
    assert result.sections == {"one": pytest.approx(80), "two": pytest.approx(40)}
    assert result.overall == pytest.approx((1 * 80 + 3 * 40) / 4)  # 50


# --- visibility -----------------------------------------------------------------------


def _gated() -> dict:
    return questionnaire(
        yes_no("gate", None),  # unscored
        yes_no("b", (10, 0, 5), visible_if=cond("gate", equals="yes"), required=True),
        yes_no("c", (0, 6, 5)),
    )


def test_hidden_question_keeps_its_answer_but_is_not_scored() -> None:
    q = load(_gated())
    answers = {"gate": "yes", "b": "yes", "c": "no"}
    shown = score_answers(q, answers, TODAY)
    assert shown.sections["main"] == pytest.approx(10 * (10 + 6) / 2)  # 80

    answers["gate"] = "no"
    hidden = score_answers(q, answers, TODAY)
    assert hidden.sections["main"] == pytest.approx(10 * 6 / 1)  # 60: b left out, not max risk
    assert answers["b"] == "yes"  # the stored answer is untouched
    assert hidden.questions["b"].visible is False
    assert hidden.questions["b"].answered is True
    assert hidden.questions["b"].counted is False
    assert hidden.completeness.required == 0  # a hidden question is not required

    answers["gate"] = "yes"
    again = score_answers(q, answers, TODAY)
    assert again.sections["main"] == pytest.approx(80)  # it comes back
    assert again.questions["b"].counted is True


def test_hidden_unanswered_question_is_not_max_risk() -> None:
    result = score(_gated(), {"gate": "no", "c": "yes"})
    assert result.sections["main"] == pytest.approx(10 * 0 / 1)


def test_question_in_a_hidden_section_is_hidden() -> None:
    doc = questionnaire(
        section("one", yes_no("gate", (0, 2, 0))),
        section("two", yes_no("x", (10, 10, 10), required=True), visible_if=cond("gate", equals="yes")),
    )
    result = score(doc, {"gate": "no", "x": "yes"})
    assert result.section_visible == {"one": True, "two": False}
    assert result.is_visible("x") is False
    assert result.sections["two"] is None
    assert result.overall == pytest.approx(10 * 2 / 1)  # only section one
    assert result.completeness.required == 0


# --- unanswered --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("b", "missing"),
    [
        (multi_choice("b", {"x": 1, "y": 2}), {}),
        (multi_choice("b", {"x": 1, "y": 2}), {"b": None}),
        (multi_choice("b", {"x": 1, "y": 2}), {"b": []}),
        (single_choice("b", {"x": 1, "y": 2}), {"b": ""}),
    ],
)
def test_max_risk_counts_unanswered_as_10(b: dict, missing: dict) -> None:
    doc = questionnaire(yes_no("a", (2, 0, 0)), b, unanswered="max_risk")
    result = score(doc, {"a": "yes", **missing})
    assert result.overall == pytest.approx(10 * (2 + 10) / 2)  # 60
    assert result.questions["b"].answered is False
    assert result.questions["b"].counted is True


def test_exclude_leaves_unanswered_out() -> None:
    doc = questionnaire(yes_no("a", (2, 0, 0)), yes_no("b", (2, 0, 0)), unanswered="exclude")
    result = score(doc, {"a": "yes"})
    assert result.overall == pytest.approx(10 * 2 / 1)  # 20
    assert result.questions["b"].counted is False


def test_unanswered_defaults_to_max_risk() -> None:
    doc = questionnaire(yes_no("a", (2, 0, 0)), yes_no("b", (2, 0, 0)))
    assert "unanswered" not in doc["scoring"]
    assert score(doc, {"a": "yes"}).overall == pytest.approx(10 * (2 + 10) / 2)


def test_exclude_with_nothing_answered_leaves_the_section_unscored() -> None:
    doc = questionnaire(yes_no("a"), unanswered="exclude")
    result = score(doc, {})
    assert result.sections["main"] is None
    assert result.overall == 0
    assert result.tier.id == "low"


# --- sections left out ---------------------------------------------------------------


def test_unscored_sections_are_left_out_of_the_overall() -> None:
    doc = questionnaire(
        section("scored", yes_no("a", (8, 0, 0))),
        section("notes", text("t"), single_choice("s", ["x", "y"]), weight=5),
    )
    result = score(doc, {"a": "yes", "t": "hello", "s": "x"})
    assert result.sections["notes"] is None
    assert result.overall == pytest.approx(80)  # not (80 + 5 x 0) / 6


def test_all_sections_unscored_gives_overall_0() -> None:
    doc = questionnaire(section("one", text("t")), section("two", single_choice("s", ["x", "y"])))
    result = score(doc, {"t": "hello"})
    assert result.sections == {"one": None, "two": None}
    assert result.overall == 0
    assert result.tier.id == "low"


def test_section_weight_0_is_left_out() -> None:
    doc = questionnaire(
        section("ignored", yes_no("a", (10, 0, 0)), weight=0),
        section("counted", yes_no("b", (2, 0, 0))),
    )
    result = score(doc, {"a": "yes", "b": "yes"})
    assert result.sections["ignored"] == pytest.approx(100)  # still shown
    assert result.overall == pytest.approx((0 * 100 + 1 * 20) / 1)


def test_all_section_weights_0_gives_overall_0() -> None:
    doc = questionnaire(section("one", yes_no("a", (10, 0, 0)), weight=0))
    result = score(doc, {"a": "yes"})
    assert result.overall == 0


def test_question_weight_0_is_not_scored() -> None:
    doc = questionnaire(yes_no("a", (10, 10, 10), weight=0), yes_no("b", (2, 0, 0)))
    result = score(doc, {"a": "yes", "b": "yes"})
    assert result.overall == pytest.approx(10 * (1 * 2) / 1)
    assert result.questions["a"].counted is False
    # ... and, unanswered, is not counted at max risk either.
    assert score(doc, {"b": "yes"}).overall == pytest.approx(20)


def test_only_weight_0_questions_leave_the_section_unscored() -> None:
    doc = questionnaire(yes_no("a", weight=0))
    assert score(doc, {"a": "yes"}).sections["main"] is None


# --- tiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "tier"),
    [
        (0, "low"),
        (2.49, "low"),  # 24.9
        (2.5, "medium"),  # 25, exactly at min_score
        (4.99, "medium"),
        (5, "high"),
        (7.49, "high"),
        (7.5, "critical"),
        (10, "critical"),
    ],
)
def test_tier_boundaries(risk: float, tier: str) -> None:
    doc = questionnaire(single_choice("s", {"pick": risk, "other": 0}))
    result = score(doc, {"s": "pick"})
    assert result.overall == pytest.approx(10 * risk)
    assert result.tier.id == tier


def test_tier_boundary_reached_by_averaging() -> None:
    doc = questionnaire(yes_no("a", (2, 0, 0)), yes_no("b", (3, 0, 0)))
    result = score(doc, {"a": "yes", "b": "yes"})
    assert result.overall == pytest.approx(10 * (2 + 3) / 2)  # 25
    assert result.tier.id == "medium"


def test_score_exactly_at_a_boundary_gets_that_tier_despite_float_rounding() -> None:
    # 10 x (3 x 7.1 + 1 x 8.7) / 4 = 10 x 30 / 4 = 75 exactly: Critical.
    doc = questionnaire(
        single_choice("a", {"x": 7.1, "y": 0}, weight=3),
        single_choice("b", {"x": 8.7, "y": 0}, weight=1),
    )
    result = score(doc, {"a": "x", "b": "x"})
    assert result.to_json()["overall"] == 75
    assert result.tier.id == "critical"


def test_overall_exactly_at_a_boundary_across_sections_gets_that_tier() -> None:
    # one: 10 x (1x2 + 6x0) / 7 = 20/7;  two: 10 x (1x4 + 6x7) / 7 = 460/7
    # overall = (1 x 20/7 + 3 x 460/7) / 4 = 1400/28 = 50 exactly: High.
    doc = questionnaire(
        section("one", single_choice("a", {"x": 2, "z": 0}), single_choice("b", {"x": 2, "z": 0}, weight=6)),
        section(
            "two",
            single_choice("c", {"x": 4, "y": 7}),
            single_choice("d", {"x": 4, "y": 7}, weight=6),
            weight=3,
        ),
    )
    result = score(doc, {"a": "x", "b": "z", "c": "x", "d": "y"})
    assert result.sections["one"] == pytest.approx(20 / 7)
    assert result.sections["two"] == pytest.approx(460 / 7)
    assert result.to_json()["overall"] == 50
    assert result.tier.id == "high"


def test_weights_are_bounded_so_scores_cannot_overflow() -> None:
    # 1e308 x 5 overflows a double; the format caps weights at 1000 (docs/questionnaire-format.md).
    huge = questionnaire(yes_no("a", (5, 0, 0), weight=1e308), yes_no("b", (5, 0, 0), weight=1e308))
    with pytest.raises(InvalidQuestionnaire) as raised:
        questionnaire_from_json(huge)
    assert {p.path for p in raised.value.problems} == {
        "$.sections[0].questions[0].weight",
        "$.sections[0].questions[1].weight",
    }
    assert all("at most 1000" in p.message for p in raised.value.problems)


def test_the_largest_weights_still_give_a_score_within_0_to_100() -> None:
    # 10 x (1000 x 5 + 1 x 10) / 1001
    doc = questionnaire(yes_no("a", (5, 0, 0), weight=1000), yes_no("b", (10, 0, 0), weight=1))
    result = score(doc, {"a": "yes", "b": "yes"})
    assert math.isfinite(result.overall)
    assert result.overall == pytest.approx(10 * (1000 * 5 + 10) / 1001)


# --- multi choice and lists -------------------------------------------------------------


def test_multi_choice_risk_is_the_largest_chosen() -> None:
    doc = questionnaire(multi_choice("m", {"face": 2, "voice": 7, "iris": 4}))
    assert score(doc, {"m": ["face", "iris"]}).overall == pytest.approx(10 * 4)
    assert score(doc, {"m": ["iris", "voice", "face"]}).overall == pytest.approx(10 * 7)
    assert score(doc, {"m": ["face"]}).overall == pytest.approx(10 * 2)


def _breaches(**extra: object) -> dict:
    return list_q(
        "breaches",
        yes_no("reported", (0, 3, 5)),
        number("records", risk_bands=bands((100, 1), (None, 9))),
        text("summary"),
        **extra,
    )


def test_list_risk_is_the_largest_over_items_and_fields() -> None:
    doc = questionnaire(_breaches())
    items = [{"reported": "yes", "records": 50}, {"reported": "no"}, {"summary": "x"}]
    result = score(doc, {"breaches": items})
    # item 1: 0 and 1; item 2: 3 (records absent: skipped); item 3: nothing
    assert result.questions["breaches"].risk == 3
    assert result.overall == pytest.approx(10 * 3)


def test_list_item_absent_field_is_skipped_not_max_risk() -> None:
    doc = questionnaire(_breaches())
    result = score(doc, {"breaches": [{"records": 10}]})
    assert result.overall == pytest.approx(10 * 1)


def test_list_field_with_a_high_band() -> None:
    doc = questionnaire(_breaches())
    result = score(doc, {"breaches": [{"reported": "yes", "records": 100}, {"records": 101}]})
    assert result.overall == pytest.approx(10 * 9)


def test_list_whose_items_give_no_risk_does_not_count() -> None:
    doc = questionnaire(yes_no("a", (8, 0, 0)), _breaches(), unanswered="max_risk")
    result = score(doc, {"a": "yes", "breaches": [{"summary": "nothing to see"}, {}]})
    assert result.questions["breaches"].counted is False
    assert result.overall == pytest.approx(10 * 8 / 1)  # not (8 + 10) / 2


def test_unanswered_list_counts_as_max_risk() -> None:
    doc = questionnaire(yes_no("a", (8, 0, 0)), _breaches(), unanswered="max_risk")
    assert score(doc, {"a": "yes", "breaches": []}).overall == pytest.approx(10 * (8 + 10) / 2)


def test_list_without_risk_bearing_fields_is_not_scored() -> None:
    doc = questionnaire(yes_no("a", (8, 0, 0)), list_q("people", text("name"), yes_no("ok", None)))
    assert score(doc, {"a": "yes"}).overall == pytest.approx(80)


def test_list_date_field_uses_its_age() -> None:
    doc = questionnaire(list_q("events", date_q("when", risk_bands=bands((365, 2), (None, 7)))))
    result = score(doc, {"events": [{"when": "2026-06-01"}, {"when": "2020-01-01"}]})
    assert result.overall == pytest.approx(10 * 7)


# --- bands -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "risk"),
    [(-3, 1), (0, 1), (10, 1), (10.5, 5), (20, 5), (20.01, 9), (1e12, 9)],
)
def test_number_bands(value: float, risk: float) -> None:
    doc = questionnaire(number("n", risk_bands=bands((10, 1), (20, 5), (None, 9))))
    assert score(doc, {"n": value}).overall == pytest.approx(10 * risk)


@pytest.mark.parametrize(
    ("answer", "risk"),
    [
        ("2026-06-15", 0),  # age 0
        ("2026-05-16", 0),  # age 30: exactly at the first band's max
        ("2026-05-15", 4),  # age 31
        ("2025-06-15", 4),  # age 365
        ("2025-06-14", 9),  # age 366
        ("2030-01-01", 0),  # in the future: negative age, first band
    ],
)
def test_date_bands_on_age_in_days(answer: str, risk: float) -> None:
    doc = questionnaire(date_q("d", risk_bands=bands((30, 0), (365, 4), (None, 9))))
    assert score(doc, {"d": answer}, today=date(2026, 6, 15)).overall == pytest.approx(10 * risk)


def test_date_band_changes_with_today() -> None:
    doc = questionnaire(date_q("d", risk_bands=bands((365, 1), (None, 8))))
    answers = {"d": "2025-01-01"}
    assert score(doc, answers, today=date(2026, 1, 1)).overall == pytest.approx(10)  # 365 days
    assert score(doc, answers, today=date(2026, 1, 2)).overall == pytest.approx(80)  # 366 days


def test_date_band_across_a_leap_day() -> None:
    doc = questionnaire(date_q("d", risk_bands=bands((365, 1), (None, 8))))
    # 2024-03-01 -> 2025-03-01 is 365 days; 2024-02-28 -> 2025-02-28 is 366.
    assert score(doc, {"d": "2024-03-01"}, today=date(2025, 3, 1)).overall == pytest.approx(10)
    assert score(doc, {"d": "2024-02-28"}, today=date(2025, 2, 28)).overall == pytest.approx(80)


# --- evidence ------------------------------------------------------------------------------


def test_evidence_with_a_file_is_risk_0_without_is_risk_if_missing() -> None:
    doc = questionnaire(yes_no("a", (6, 0, 0)), evidence("e", risk_if_missing=8))
    with_file = score(doc, {"a": "yes", "e": [file_ref()]})
    assert with_file.overall == pytest.approx(10 * (6 + 0) / 2)
    without = score(doc, {"a": "yes"})
    assert without.overall == pytest.approx(10 * (6 + 8) / 2)  # 8, not the max risk 10


@pytest.mark.parametrize("missing", [{}, {"e": []}, {"e": None}])
def test_evidence_risk_if_missing_applies_even_under_exclude(missing: dict) -> None:
    doc = questionnaire(yes_no("a", (6, 0, 0)), evidence("e", risk_if_missing=8), unanswered="exclude")
    result = score(doc, {"a": "yes", **missing})
    assert result.overall == pytest.approx(10 * (6 + 8) / 2)
    assert result.questions["e"].counted is True


def test_evidence_without_risk_if_missing_is_not_scored() -> None:
    doc = questionnaire(yes_no("a", (6, 0, 0)), evidence("e"))
    assert score(doc, {"a": "yes"}).overall == pytest.approx(60)


def test_hidden_evidence_is_not_scored() -> None:
    doc = questionnaire(
        yes_no("gate", None), evidence("e", risk_if_missing=9, visible_if=cond("gate", equals="yes")), yes_no("a", (3, 0, 0))
    )
    assert score(doc, {"gate": "no", "a": "yes"}).overall == pytest.approx(10 * 3 / 1)


def test_evidence_weight_is_used() -> None:
    doc = questionnaire(yes_no("a", (6, 0, 0)), evidence("e", risk_if_missing=8, weight=3))
    assert score(doc, {"a": "yes"}).overall == pytest.approx(10 * (1 * 6 + 3 * 8) / 4)  # 75


# --- completeness -------------------------------------------------------------------------


def test_completeness_counts_only_required_visible_questions() -> None:
    doc = questionnaire(
        yes_no("gate", None),
        yes_no("r1", required=True),
        text("r2", required=True),
        multi_choice("r3", required=True),
        yes_no("r_hidden", required=True, visible_if=cond("gate", equals="yes")),
        yes_no("optional"),
    )
    result = score(doc, {"gate": "no", "r1": "no", "r2": "", "r3": [], "r_hidden": "yes"})
    assert (result.completeness.answered, result.completeness.required) == (1, 3)
    assert result.completeness.missing == ("r2", "r3")
    assert result.completeness.ratio == pytest.approx(1 / 3)

    shown = score(doc, {"gate": "yes", "r1": "no", "r2": "x", "r3": ["low"], "r_hidden": "yes"})
    assert (shown.completeness.answered, shown.completeness.required) == (4, 4)
    assert shown.completeness.missing == ()


def test_completeness_with_nothing_required() -> None:
    result = score(questionnaire(yes_no("a")), {})
    assert (result.completeness.answered, result.completeness.required) == (0, 0)
    assert result.completeness.ratio == 1.0


# --- flags ------------------------------------------------------------------------------


def test_flags_only_on_visible_questions_in_file_order() -> None:
    doc = questionnaire(
        section(
            "one",
            yes_no("gate", None, flags=[flag(cond(equals="no"), "info", "gate closed")]),
            yes_no(
                "hidden",
                flags=[flag(cond(answered=True), "knockout", "never shown")],
                visible_if=cond("gate", equals="yes"),
            ),
            yes_no(
                "a",
                flags=[
                    flag(cond(equals="yes"), "warning", "a first"),
                    flag(cond(equals="no"), "knockout", "a not raised"),
                    flag(cond(answered=True), "knockout", "a second"),
                ],
            ),
        ),
        section("two", yes_no("b", flags=[flag(cond("a", equals="yes"), "info", "b looks at a")])),
    )
    result = score(doc, {"gate": "no", "hidden": "yes", "a": "yes", "b": "no"})
    assert [(f.question, f.severity, f.message) for f in result.flags] == [
        ("gate", "info", "gate closed"),
        ("a", "warning", "a first"),
        ("a", "knockout", "a second"),
        ("b", "info", "b looks at a"),
    ]
    assert [f.message for f in result.knockouts] == ["a second"]
    assert [f.message for f in result.warnings] == ["a first"]


def test_flag_on_an_unanswered_question_is_not_raised_except_answered_false() -> None:
    doc = questionnaire(
        yes_no(
            "a",
            flags=[flag(cond(equals="yes"), "knockout", "yes"), flag(cond(answered=False), "warning", "missing")],
        )
    )
    result = score(doc, {})
    assert [f.message for f in result.flags] == ["missing"]
    assert result.knockout is False


def test_knockout_verdict_whatever_the_score() -> None:
    doc = questionnaire(
        yes_no("scrapes", (0, 0, 0), flags=[flag(cond(equals="yes"), "knockout", "Scrapes the web")]),
        yes_no("other", (0, 0, 0)),
    )
    result = score(doc, {"scrapes": "yes", "other": "no"})
    assert result.overall == 0
    assert result.tier.id == "low"
    assert result.knockout is True
    assert result.to_json()["knockout"] is True
    assert score(doc, {"scrapes": "no", "other": "no"}).knockout is False


def test_warning_alone_is_not_a_knockout() -> None:
    doc = questionnaire(yes_no("a", (10, 0, 0), flags=[flag(cond(equals="yes"), "warning", "careful")]))
    result = score(doc, {"a": "yes"})
    assert result.overall == pytest.approx(100)
    assert result.knockout is False


def test_knockout_on_a_hidden_question_does_not_count() -> None:
    doc = questionnaire(
        yes_no("gate", None),
        yes_no("x", flags=[flag(cond(equals="yes"), "knockout", "bad")], visible_if=cond("gate", equals="yes")),
    )
    assert score(doc, {"gate": "no", "x": "yes"}).knockout is False
    assert score(doc, {"gate": "yes", "x": "yes"}).knockout is True


# --- the result as JSON -----------------------------------------------------------------


def test_to_json_shape() -> None:
    doc = questionnaire(
        section("one", yes_no("a", (5, 0, 0), required=True, flags=[flag(cond(equals="yes"), "warning", "w")])),
        section("two", text("t")),
    )
    data = score(doc, {"a": "yes"}).to_json()
    assert data["overall"] == 50
    assert data["tier"] == "high"
    assert data["knockout"] is False
    assert data["sections"] == {"one": 50, "two": None}
    assert data["flags"] == [{"question": "a", "severity": "warning", "message": "w"}]
    assert data["completeness"]["answered"] == 1
    assert data["completeness"]["required"] == 1
