"""The checks made after the meta-schema: each has its own test, naming
the exact JSON path and the key part of the message."""

from __future__ import annotations

import pytest

from tests.unit.questionnaire_factory import (
    add_question,
    add_section,
    bands,
    cond,
    date_q,
    evidence,
    flag,
    list_q,
    load,
    minimal_set,
    multi_choice,
    number,
    only_problem,
    problems_of,
    questionnaire,
    section,
    single_choice,
    text,
    yes_no,
)

Q0 = "$.sections[0].questions[0]"
Q1 = "$.sections[0].questions[1]"


def test_the_minimal_set_is_valid() -> None:
    q = load(minimal_set())
    assert q.id == "test-set"
    assert [x.id for x in q.questions] == ["q1"]


# --- duplicate ids ------------------------------------------------------------------


def test_duplicate_section_id() -> None:
    doc = questionnaire(section("s", yes_no("a")), section("s", yes_no("b")))
    problem = only_problem(doc)
    assert problem.path == "$.sections[1].id"
    assert "duplicate section id 's'" in problem.message
    assert "$.sections[0]" in problem.message


def test_duplicate_question_id_across_sections() -> None:
    doc = questionnaire(section("one", yes_no("a")), section("two", yes_no("b"), yes_no("a")))
    problem = only_problem(doc)
    assert problem.path == "$.sections[1].questions[1].id"
    assert "duplicate question id 'a'" in problem.message
    assert "$.sections[0].questions[0]" in problem.message


def test_duplicate_option_value() -> None:
    doc = questionnaire(single_choice("a", {"x": 0, "y": 5, "z": 1}))
    doc["sections"][0]["questions"][0]["options"][2]["value"] = "x"
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.options[2].value"
    assert "duplicate option value 'x'" in problem.message


def test_duplicate_list_field_id() -> None:
    doc = questionnaire(list_q("items", text("name"), number("count"), text("name")))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.fields[2].id"
    assert "duplicate field id 'name'" in problem.message


def test_list_field_ids_are_unique_within_their_list_only() -> None:
    # The same field id in two lists, and a field named like a question, are fine.
    doc = questionnaire(yes_no("name"), list_q("one", text("name")), list_q("two", text("name")))
    q = load(doc)
    assert [f.id for f in q.question("two").fields] == ["name"]


# --- conditions: what they may name ----------------------------------------------------


def test_condition_naming_an_unknown_question_suggests_the_closest() -> None:
    doc = questionnaire(yes_no("scrapes"), yes_no("b", visible_if=cond("scrape", equals="yes")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.answer"
    assert "unknown question 'scrape'" in problem.message
    assert "did you mean 'scrapes'?" in problem.message


def test_condition_naming_an_unknown_question_without_a_close_match() -> None:
    doc = questionnaire(yes_no("scrapes"), yes_no("b", visible_if=cond("zzzzzz", equals="yes")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.answer"
    assert "unknown question 'zzzzzz'" in problem.message
    assert "did you mean" not in problem.message


def test_condition_on_a_later_question() -> None:
    doc = questionnaire(yes_no("a", visible_if=cond("b", equals="yes")), yes_no("b"))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.visible_if.answer"
    assert "'b'" in problem.message
    assert "earlier questions" in problem.message


def test_condition_on_a_question_in_a_later_section() -> None:
    doc = questionnaire(
        section("one", yes_no("a", visible_if=cond("b", answered=True))),
        section("two", yes_no("b")),
    )
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.visible_if.answer"
    assert "earlier questions" in problem.message


def test_condition_on_the_question_itself() -> None:
    doc = questionnaire(yes_no("a"), yes_no("b", visible_if=cond("b", equals="yes")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.answer"
    assert "'b'" in problem.message
    assert "earlier questions" in problem.message


def test_a_cycle_is_refused() -> None:
    doc = questionnaire(
        yes_no("a", visible_if=cond("b", equals="yes")), yes_no("b", visible_if=cond("a", equals="yes"))
    )
    problem = only_problem(doc)  # the backward edge b -> a is fine, a -> b is not
    assert problem.path == f"{Q0}.visible_if.answer"


def test_nested_condition_path_names_the_inner_condition() -> None:
    when = {"all": [cond("a", equals="yes"), {"not": {"any": [cond("a", answered=True), cond("nope", equals="x")]}}]}
    doc = questionnaire(yes_no("a"), yes_no("b", visible_if=when))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.all[1].not.any[1].answer"
    assert "unknown question 'nope'" in problem.message


def test_section_visible_if_on_a_question_in_the_same_section() -> None:
    doc = questionnaire(
        section("one", yes_no("a")),
        section("two", yes_no("b"), yes_no("c"), visible_if=cond("c", equals="yes")),
    )
    problem = only_problem(doc)
    assert problem.path == "$.sections[1].visible_if.answer"
    assert "'c'" in problem.message
    assert "section 'two'" in problem.message


def test_section_visible_if_on_the_sections_own_first_question() -> None:
    doc = questionnaire(
        section("one", yes_no("a")),
        section("two", yes_no("b"), visible_if=cond("b", answered=True)),
    )
    problem = only_problem(doc)
    assert problem.path == "$.sections[1].visible_if.answer"


def test_section_visible_if_on_a_question_in_a_later_section() -> None:
    doc = questionnaire(
        section("one", yes_no("a")),
        section("two", yes_no("b"), visible_if=cond("c", equals="yes")),
        section("three", yes_no("c")),
    )
    problem = only_problem(doc)
    assert problem.path == "$.sections[1].visible_if.answer"
    assert "'c'" in problem.message


def test_section_visible_if_on_an_earlier_section_is_fine() -> None:
    doc = questionnaire(
        section("one", yes_no("a")),
        section("two", yes_no("b"), visible_if=cond("a", equals="yes")),
    )
    assert load(doc).sections[1].visible_if is not None


# --- conditions: operators and values ---------------------------------------------------


def test_gt_on_yes_no_does_not_fit() -> None:
    doc = questionnaire(yes_no("a"), yes_no("b", visible_if=cond("a", gt=1)))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.gt"
    assert "operator 'gt' does not fit question 'a' of type yes_no" in problem.message
    assert "equals" in problem.message  # and says what would fit


def test_includes_on_single_choice_does_not_fit() -> None:
    doc = questionnaire(single_choice("a"), yes_no("b", visible_if=cond("a", includes="low")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.includes"
    assert "operator 'includes' does not fit question 'a' of type single_choice" in problem.message


def test_equals_on_multi_choice_does_not_fit() -> None:
    doc = questionnaire(multi_choice("a"), yes_no("b", visible_if=cond("a", equals="low")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.equals"
    assert "operator 'equals' does not fit question 'a' of type multi_choice" in problem.message
    assert "includes" in problem.message


@pytest.mark.parametrize(
    ("target", "operator", "value"),
    [
        (text("t"), "gt", "abc"),
        (evidence("t"), "equals", "x"),
        (list_q("t"), "in", ["x"]),
        (date_q("t"), "includes", "2026-01-01"),
    ],
)
def test_other_operators_that_do_not_fit(target: dict, operator: str, value: object) -> None:
    doc = questionnaire(target, yes_no("b", visible_if=cond("t", **{operator: value})))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.{operator}"
    assert f"operator {operator!r} does not fit" in problem.message


@pytest.mark.parametrize(
    ("target", "condition"),
    [
        (yes_no("t"), cond("t", not_equals="no")),
        (single_choice("t"), cond("t", **{"in": ["low", "mid"]})),
        (multi_choice("t"), cond("t", includes="high")),
        (text("t"), cond("t", equals="hello")),
        (number("t"), cond("t", lte=3.5)),
        (date_q("t"), cond("t", gte="2026-01-31")),
        (evidence("t"), cond("t", answered=False)),
        (list_q("t"), cond("t", answered=True)),
    ],
)
def test_operators_that_fit_load(target: dict, condition: dict) -> None:
    q = load(questionnaire(target, yes_no("b", visible_if=condition)))
    assert q.question("b").visible_if is not None


def test_equals_a_value_that_is_not_an_option() -> None:
    doc = questionnaire(single_choice("a", {"scraped": 10, "licensed": 0}), yes_no("b", visible_if=cond("a", equals="scrapped")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.equals"
    assert "'scrapped' is not an option of 'a'" in problem.message
    assert "did you mean 'scraped'?" in problem.message


def test_in_with_one_value_that_is_not_an_option() -> None:
    doc = questionnaire(single_choice("a"), yes_no("b", visible_if=cond("a", **{"in": ["low", "nope"]})))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.in[1]"
    assert "'nope' is not an option of 'a'" in problem.message


def test_includes_a_value_that_is_not_an_option() -> None:
    doc = questionnaire(multi_choice("a", {"face": 5, "voice": 3}), yes_no("b", visible_if=cond("a", includes="fingerprint")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.includes"
    assert "'fingerprint' is not an option of 'a'" in problem.message


def test_yes_no_value_maybe() -> None:
    doc = questionnaire(yes_no("a"), yes_no("b", visible_if=cond("a", equals="maybe")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.equals"
    assert "'maybe'" in problem.message
    assert "yes, no, unknown" in problem.message


def test_yes_no_value_unknown_when_unknown_is_not_allowed() -> None:
    doc = questionnaire(yes_no("a", (10, 0), allow_unknown=False), yes_no("b", visible_if=cond("a", equals="unknown")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.equals"
    assert "'unknown'" in problem.message


def test_number_compared_with_a_string() -> None:
    doc = questionnaire(number("n"), yes_no("b", visible_if=cond("n", gt="10")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.gt"
    assert "'n' is a number" in problem.message


def test_number_compared_with_a_boolean() -> None:
    doc = questionnaire(number("n"), yes_no("b", visible_if=cond("n", equals=True)))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.equals"
    assert "'n' is a number" in problem.message


def test_date_compared_with_an_invalid_date() -> None:
    doc = questionnaire(date_q("d"), yes_no("b", visible_if=cond("d", lt="2026-02-30")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.lt"
    assert "'2026-02-30' is not a real date" in problem.message


def test_date_compared_with_a_number() -> None:
    doc = questionnaire(date_q("d"), yes_no("b", visible_if=cond("d", gt=20260101)))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.gt"
    assert "'d' is a date" in problem.message


def test_text_compared_with_a_number() -> None:
    doc = questionnaire(text("t"), yes_no("b", visible_if=cond("t", equals=3)))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if.equals"
    assert "'t' is text" in problem.message


def test_condition_with_no_operator() -> None:
    doc = questionnaire(yes_no("a"), yes_no("b", visible_if=cond("a")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if"
    assert "exactly one operator" in problem.message
    assert "found none" in problem.message


def test_condition_with_two_operators() -> None:
    doc = questionnaire(yes_no("a"), yes_no("b", visible_if=cond("a", equals="yes", not_equals="no")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if"
    assert "exactly one operator" in problem.message
    assert "'equals'" in problem.message and "'not_equals'" in problem.message


def test_visible_if_without_answer() -> None:
    doc = questionnaire(yes_no("a"), yes_no("b", visible_if=cond(equals="yes")))
    problem = only_problem(doc)
    assert problem.path == f"{Q1}.visible_if"
    assert '"answer"' in problem.message


# --- flags ------------------------------------------------------------------------------


def test_flag_without_answer_means_its_own_question() -> None:
    q = load(questionnaire(yes_no("a", flags=[flag(cond(equals="yes"), "knockout", "No")])))
    (rule,) = q.question("a").flags
    assert rule.when.question == "a"
    assert rule.severity == "knockout"


def test_flag_naming_its_own_question_is_fine() -> None:
    q = load(questionnaire(yes_no("z"), yes_no("a", flags=[flag(cond("a", equals="no"))])))
    assert q.question("a").flags[0].when.question == "a"


def test_flag_may_look_at_an_earlier_question() -> None:
    q = load(questionnaire(yes_no("z"), yes_no("a", flags=[flag({"all": [cond("z", equals="yes"), cond(equals="no")]})])))
    assert len(q.question("a").flags) == 1


def test_flag_on_a_later_question_is_refused() -> None:
    doc = questionnaire(yes_no("a", flags=[flag(cond("b", equals="yes"))]), yes_no("b"))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.flags[0].when.answer"
    assert "earlier questions" in problem.message


def test_flag_condition_type_checks_use_its_own_question() -> None:
    doc = questionnaire(yes_no("a", flags=[flag(cond(gt=3))]))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.flags[0].when.gt"
    assert "does not fit question 'a' of type yes_no" in problem.message


# --- choices ------------------------------------------------------------------------------


def test_min_selected_greater_than_max_selected() -> None:
    doc = questionnaire(multi_choice("m", min_selected=3, max_selected=2))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.min_selected"
    assert "min_selected (3) is greater than max_selected (2)" in problem.message


def test_max_selected_more_than_the_options() -> None:
    doc = questionnaire(multi_choice("m", {"a": 1, "b": 2}, max_selected=3))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.max_selected"
    assert "more than the 2 options" in problem.message


def test_options_with_partial_risk() -> None:
    doc = questionnaire(single_choice("s", {"a": 1, "b": None, "c": 3}))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.options"
    assert "every option has a risk or none" in problem.message
    assert "'b'" in problem.message


def test_options_without_any_risk_are_fine_and_unscored() -> None:
    q = load(questionnaire(single_choice("s", ["a", "b"])))
    assert not q.question("s").is_scored


# --- risk bands -----------------------------------------------------------------------


def test_risk_bands_not_ascending() -> None:
    doc = questionnaire(number("n", risk_bands=bands((10, 1), (5, 2), (None, 3))))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.risk_bands[1].max"
    assert "ascending" in problem.message


def test_risk_bands_with_equal_maxima_are_not_ascending() -> None:
    doc = questionnaire(date_q("d", risk_bands=bands((30, 1), (30, 2), (None, 3))))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.risk_bands[1].max"
    assert "ascending" in problem.message


def test_risk_bands_not_closed_by_null() -> None:
    doc = questionnaire(number("n", risk_bands=bands((10, 1), (20, 2))))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.risk_bands[1].max"
    assert '"max": null' in problem.message


def test_risk_bands_null_not_last() -> None:
    doc = questionnaire(number("n", risk_bands=bands((None, 1), (20, 2), (None, 3))))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.risk_bands[0].max"
    assert "only the last band" in problem.message


def test_single_open_band_is_fine() -> None:
    q = load(questionnaire(number("n", risk_bands=bands((None, 4)))))
    assert q.question("n").risk_bands[0].max is None


# --- risks outside 0-10 -------------------------------------------------------------------


def test_yes_no_risk_above_10() -> None:
    problem = only_problem(questionnaire(yes_no("a", (11, 0, 5))))
    assert problem.path == f"{Q0}.risk.yes"
    assert "0 (no concern) to 10 (worst)" in problem.message
    assert "11" in problem.message


def test_option_risk_below_0() -> None:
    problem = only_problem(questionnaire(single_choice("s", {"a": -1, "b": 3})))
    assert problem.path == f"{Q0}.options[0].risk"
    assert "-1" in problem.message


def test_band_risk_outside_range() -> None:
    problem = only_problem(questionnaire(number("n", risk_bands=bands((5, 0), (None, 10.5)))))
    assert problem.path == f"{Q0}.risk_bands[1].risk"
    assert "10.5" in problem.message


def test_risk_if_missing_outside_range() -> None:
    problem = only_problem(questionnaire(evidence("e", risk_if_missing=12)))
    assert problem.path == f"{Q0}.risk_if_missing"
    assert "12" in problem.message


def test_risk_in_a_list_field_outside_range() -> None:
    problem = only_problem(questionnaire(list_q("l", yes_no("f", (0, 0, 20)))))
    assert problem.path == f"{Q0}.fields[0].risk.unknown"


def test_risks_at_0_and_10_are_fine() -> None:
    q = load(questionnaire(yes_no("a", (10, 0, 10)), evidence("e", risk_if_missing=0)))
    assert q.question("a").risk_of("yes") == 10
    assert q.question("e").risk_if_missing == 0


# --- tiers ----------------------------------------------------------------------------------


def test_tiers_not_ascending() -> None:
    tiers = [
        {"id": "low", "label": "Low", "min_score": 0},
        {"id": "high", "label": "High", "min_score": 60},
        {"id": "mid", "label": "Mid", "min_score": 30},
    ]
    problem = only_problem(questionnaire(tiers=tiers))
    assert problem.path == "$.scoring.tiers[2].min_score"
    assert "ascending" in problem.message


def test_tiers_with_equal_min_scores_are_not_ascending() -> None:
    tiers = [
        {"id": "low", "label": "Low", "min_score": 0},
        {"id": "mid", "label": "Mid", "min_score": 40},
        {"id": "high", "label": "High", "min_score": 40},
    ]
    problem = only_problem(questionnaire(tiers=tiers))
    assert problem.path == "$.scoring.tiers[2].min_score"


def test_first_tier_not_at_0() -> None:
    tiers = [{"id": "low", "label": "Low", "min_score": 5}, {"id": "high", "label": "High", "min_score": 50}]
    problem = only_problem(questionnaire(tiers=tiers))
    assert problem.path == "$.scoring.tiers[0].min_score"
    assert "start at 0" in problem.message


def test_duplicate_tier_id() -> None:
    tiers = [{"id": "low", "label": "Low", "min_score": 0}, {"id": "low", "label": "Also low", "min_score": 50}]
    problem = only_problem(questionnaire(tiers=tiers))
    assert problem.path == "$.scoring.tiers[1].id"
    assert "duplicate tier id 'low'" in problem.message


def test_one_tier_at_0_is_fine() -> None:
    q = load(questionnaire(tiers=[{"id": "all", "label": "All", "min_score": 0}]))
    assert [t.id for t in q.scoring.tiers] == ["all"]


# --- yes/no risk completeness ---------------------------------------------------------


def test_yes_no_risk_missing_unknown() -> None:
    problem = only_problem(questionnaire(yes_no("a", (10, 0))))
    assert problem.path == f"{Q0}.risk"
    assert "'unknown'" in problem.message
    assert "allow_unknown" in problem.message


def test_yes_no_risk_missing_no() -> None:
    problem = only_problem(questionnaire(yes_no("a", {"yes": 10, "unknown": 5})))
    assert problem.path == f"{Q0}.risk"
    assert "'no'" in problem.message


def test_yes_no_risk_without_unknown_is_fine_when_unknown_is_not_allowed() -> None:
    q = load(questionnaire(yes_no("a", (10, 0), allow_unknown=False)))
    assert q.question("a").allowed_values == ("yes", "no")


# --- bounds ----------------------------------------------------------------------------


def test_number_min_greater_than_max() -> None:
    problem = only_problem(questionnaire(number("n", min=10, max=1)))
    assert problem.path == f"{Q0}.min"
    assert "min (10) is greater than max (1)" in problem.message


def test_number_min_equal_to_max_is_fine() -> None:
    assert load(questionnaire(number("n", min=3, max=3))).question("n").min == 3


def test_date_min_after_max() -> None:
    problem = only_problem(questionnaire(date_q("d", min="2026-06-01", max="2026-01-01")))
    assert problem.path == f"{Q0}.min"
    assert "after max" in problem.message


def test_date_min_that_is_not_a_real_date() -> None:
    problem = only_problem(questionnaire(date_q("d", min="2026-02-30")))
    assert problem.path == f"{Q0}.min"
    assert "'2026-02-30' is not a real date" in problem.message


def test_date_max_that_is_not_a_real_date_in_a_list_field() -> None:
    problem = only_problem(questionnaire(list_q("l", date_q("when", max="2025-13-01"))))
    assert problem.path == f"{Q0}.fields[0].max"
    assert "not a real date" in problem.message


def test_invalid_regex_pattern() -> None:
    problem = only_problem(questionnaire(text("t", pattern="^(abc$")))
    assert problem.path == f"{Q0}.pattern"
    assert "not a valid regular expression" in problem.message


def test_list_min_items_greater_than_max_items() -> None:
    problem = only_problem(questionnaire(list_q("l", min_items=4, max_items=2)))
    assert problem.path == f"{Q0}.min_items"
    assert "greater than max_items" in problem.message


# --- all errors at once ----------------------------------------------------------------


def test_all_independent_problems_are_reported() -> None:
    doc = questionnaire(
        section(
            "one",
            yes_no("a", (11, 0, 5)),  # 1: risk outside 0-10
            single_choice("b", {"x": 0, "y": 5}),
            yes_no("c", visible_if=cond("b", equals="z")),  # 2: not an option
        ),
        section(
            "two",
            number("n", min=5, max=1),  # 3: min > max
            multi_choice("m", min_selected=3, max_selected=1),  # 4: min_selected > max_selected
        ),
        tiers=[{"id": "low", "label": "Low", "min_score": 1}, {"id": "high", "label": "High", "min_score": 50}],  # 5
    )
    problems = problems_of(doc)
    assert sorted(p.path for p in problems) == sorted(
        [
            "$.scoring.tiers[0].min_score",
            f"{Q0}.risk.yes",
            "$.sections[0].questions[2].visible_if.equals",
            "$.sections[1].questions[0].min",
            "$.sections[1].questions[1].min_selected",
        ]
    )
    assert all(p.source == "<test>" for p in problems)


def test_schema_and_semantic_problems_are_reported_together() -> None:
    doc = questionnaire(yes_no("scrapes"), yes_no("b", visible_if=cond("scrape", equals="yes")))
    doc["sections"][0]["questions"][0]["hlep"] = "typo"
    problems = problems_of(doc)
    by_path = {p.path: p.message for p in problems}
    assert f"{Q0}.hlep" in by_path
    assert "did you mean 'help'?" in by_path[f"{Q0}.hlep"]
    assert "unknown question 'scrape'" in by_path[f"{Q1}.visible_if.answer"]
    assert len(problems) == 2


def test_many_duplicates_each_reported() -> None:
    doc = minimal_set()
    for _ in range(3):
        add_question(doc, yes_no("q1"))
    add_section(doc, "main", yes_no("q9"))
    problems = problems_of(doc)
    assert [p.path for p in problems].count("$.sections[1].id") == 1
    dup_questions = [p for p in problems if "duplicate question id" in p.message]
    assert [p.path for p in dup_questions] == [f"$.sections[0].questions[{i}].id" for i in (1, 2, 3)]


def test_problems_come_in_document_order() -> None:
    doc = questionnaire(
        section("one", number("n", min=5, max=1), yes_no("a", (11, 0, 5))),
        section("two", single_choice("s", {"a": -1, "b": 0})),
    )
    paths = [p.path for p in problems_of(doc)]
    assert paths == [
        "$.sections[0].questions[0].min",
        "$.sections[0].questions[1].risk.yes",
        "$.sections[1].questions[0].options[0].risk",
    ]
