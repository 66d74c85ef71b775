"""Validating answers documents (``duediligence/answers@1``) against the
schema generated from a question set: every error names the question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from duediligence.errors import InvalidAnswers, InvalidQuestionnaire
from duediligence.questionnaire import (
    answer_problems,
    answers_from_json,
    answers_problems,
    answers_schema,
    load_answers,
    load_questionnaire,
    questionnaire_from_json,
)
from tests.conftest import EXAMPLE_ANSWERS, EXAMPLE_SET
from tests.unit.questionnaire_factory import (
    answer_errors,
    answers_doc,
    every_type_set,
    file_ref,
    load,
    multi_choice,
    questionnaire,
    text,
)

Q = load(every_type_set())

VALID_ANSWERS = {
    "uses_faces": "yes",
    "sourcing": "licensed",
    "uses": ["access", "emotion"],
    "vendor_name": "Acme Face",
    "notes": "Line one\nLine two",
    "accuracy": 99.5,
    "staff": 12,
    "audit_date": "2025-11-30",
    "dpia": [file_ref("dpia.pdf"), {**file_ref("annex.DOCX"), "media_type": "application/octet-stream"}],
    "breaches": [{"when": "2020-02-26", "records": 2200, "severity": "major", "summary": "Leak"}, {"records": 0}],
    "emotion_detail": "no",
}


def one_error(answers: dict, **extra: object):
    problems = answer_errors(Q, answers, **extra)
    assert len(problems) == 1, problems
    return problems[0]


def test_valid_answers_have_no_problems() -> None:
    assert answers_problems(Q, answers_doc(Q, VALID_ANSWERS)) == []


def test_empty_answers_are_valid() -> None:
    assert answers_problems(Q, answers_doc(Q, {})) == []


@pytest.mark.parametrize("qid", list(VALID_ANSWERS))
def test_null_is_unanswered_and_valid_for_every_type(qid: str) -> None:
    assert answers_problems(Q, answers_doc(Q, {qid: None})) == []


# --- question ids ------------------------------------------------------------------------


def test_unknown_question_id_with_suggestion() -> None:
    problem = one_error({"uses_face": "yes"})
    assert problem.path == "$.answers.uses_face"
    assert "unknown question id 'uses_face'" in problem.message
    assert "did you mean 'uses_faces'?" in problem.message


def test_unknown_question_id_in_comments() -> None:
    problem = one_error({}, comments={"sourcng": "typo"})
    assert problem.path == "$.comments.sourcng"
    assert "did you mean 'sourcing'?" in problem.message


def test_list_field_ids_are_not_question_ids() -> None:
    problem = one_error({"records": 5})
    assert "unknown question id 'records'" in problem.message


# --- values --------------------------------------------------------------------------------


def test_wrong_option() -> None:
    problem = one_error({"sourcing": "scrapped"})
    assert problem.path == "$.answers.sourcing"
    assert "'sourcing'" in problem.message
    assert "'scrapped'" in problem.message
    assert "did you mean 'scraped'?" in problem.message


def test_yes_no_boolean_is_wrong() -> None:
    problem = one_error({"uses_faces": True})
    assert problem.path == "$.answers.uses_faces"
    assert "'uses_faces'" in problem.message
    assert "yes, no, unknown" in problem.message


def test_yes_no_unknown_when_not_allowed() -> None:
    q = load(questionnaire({"id": "a", "type": "yes_no", "text": "A", "allow_unknown": False}))
    problems = answer_problems(q, "a", "unknown")
    assert len(problems) == 1
    assert "'a'" in problems[0] and "'unknown'" in problems[0]
    assert answer_problems(q, "a", "no") == []


@pytest.mark.parametrize(
    ("qid", "value"),
    [("accuracy", "99"), ("accuracy", True), ("vendor_name", 5), ("uses", "access"), ("audit_date", 20260101), ("dpia", file_ref()), ("breaches", {"records": 1})],
)
def test_wrong_type(qid: str, value: object) -> None:
    problem = one_error({qid: value})
    assert problem.path == f"$.answers.{qid}"
    assert f"'{qid}'" in problem.message
    assert "expected" in problem.message


def test_number_above_max() -> None:
    problem = one_error({"accuracy": 100.5})
    assert problem.path == "$.answers.accuracy"
    assert "'accuracy'" in problem.message
    assert "at most 100" in problem.message


def test_number_below_min() -> None:
    problem = one_error({"accuracy": -0.1})
    assert "at least 0" in problem.message


def test_number_at_bounds_is_fine() -> None:
    assert answers_problems(Q, answers_doc(Q, {"accuracy": 0})) == []
    assert answers_problems(Q, answers_doc(Q, {"accuracy": 100})) == []


def test_integer_required() -> None:
    problem = one_error({"staff": 2.5})
    assert problem.path == "$.answers.staff"
    assert "'staff'" in problem.message
    assert "integer" in problem.message


def test_pattern() -> None:
    problem = one_error({"vendor_name": "Acme 2"})
    assert problem.path == "$.answers.vendor_name"
    assert "'vendor_name'" in problem.message
    assert "pattern" in problem.message


def test_pattern_error_names_the_question_for_a_trailing_newline() -> None:
    # "^[A-Za-z ]+$" does not match "Acme\n" (JSON Schema regexes follow
    # ECMA-262, where "$" is the very end): the answer is refused, and the
    # error must name the question like any other.
    problem = one_error({"vendor_name": "Acme\n"})
    assert problem.path == "$.answers.vendor_name"
    assert "'vendor_name'" in problem.message


def test_empty_string_is_unanswered_even_with_a_pattern() -> None:
    assert answers_problems(Q, answers_doc(Q, {"vendor_name": ""})) == []


def test_max_length() -> None:
    problem = one_error({"vendor_name": "A" * 41})
    assert problem.path == "$.answers.vendor_name"
    assert "41" in problem.message and "40" in problem.message


def test_text_without_max_length_still_has_a_limit() -> None:
    q = load(questionnaire(text("t")))
    assert answer_problems(q, "t", "x" * 10_000) == []
    (message,) = answer_problems(q, "t", "x" * 1_000_001)
    assert "'t'" in message


def test_multi_choice_too_many() -> None:
    problem = one_error({"uses": ["access", "search", "emotion"]})
    assert problem.path == "$.answers.uses"
    assert "at most 2" in problem.message


def test_multi_choice_too_few() -> None:
    q = load(questionnaire(multi_choice("m", {"a": 1, "b": 2, "c": 3}, min_selected=2)))
    (message,) = answer_problems(q, "m", ["a"])
    assert "'m'" in message
    assert answer_problems(q, "m", ["a", "b"]) == []
    assert answer_problems(q, "m", []) == []  # empty = unanswered


def test_multi_choice_duplicates() -> None:
    problem = one_error({"uses": ["access", "access"]})
    assert problem.path == "$.answers.uses"
    assert "same option twice" in problem.message


def test_multi_choice_value_not_an_option() -> None:
    problem = one_error({"uses": ["acess"]})
    assert problem.path == "$.answers.uses[0]"
    assert "did you mean 'access'?" in problem.message


# --- lists ---------------------------------------------------------------------------------


def test_list_item_with_unknown_field() -> None:
    problem = one_error({"breaches": [{"recrods": 5}]})
    assert problem.path == "$.answers.breaches[0]"
    assert "'breaches'" in problem.message
    assert "unknown key 'recrods'" in problem.message
    assert "did you mean 'records'?" in problem.message


def test_list_item_field_out_of_bounds() -> None:
    problem = one_error({"breaches": [{"records": 1}, {"records": -5}]})
    assert problem.path == "$.answers.breaches[1].records"
    assert "'breaches'" in problem.message


def test_list_item_field_impossible_date() -> None:
    problem = one_error({"breaches": [{"when": "2026-02-30"}]})
    assert problem.path == "$.answers.breaches[0].when"
    assert "not a real date" in problem.message


def test_list_with_too_many_items() -> None:
    problem = one_error({"breaches": [{}] * 6})
    assert problem.path == "$.answers.breaches"
    assert "at most 5" in problem.message


def test_list_item_that_is_not_an_object() -> None:
    problem = one_error({"breaches": ["leak"]})
    assert problem.path == "$.answers.breaches[0]"


# --- evidence ---------------------------------------------------------------------------


def test_evidence_missing_sha256() -> None:
    problem = one_error({"dpia": [{"name": "a.pdf", "size": 10}]})
    assert problem.path == "$.answers.dpia[0]"
    assert "'dpia'" in problem.message
    assert "'sha256'" in problem.message


def test_evidence_malformed_sha256() -> None:
    problem = one_error({"dpia": [file_ref(sha256="AB" * 32)]})
    assert problem.path == "$.answers.dpia[0].sha256"
    assert "64 lowercase hex" in problem.message


def test_evidence_wrong_extension() -> None:
    problem = one_error({"dpia": [file_ref("setup.exe")]})
    assert problem.path == "$.answers.dpia[0].name"
    assert "'dpia'" in problem.message
    assert ".pdf" in problem.message


def test_evidence_extension_check_ignores_case() -> None:
    assert answers_problems(Q, answers_doc(Q, {"dpia": [file_ref("REPORT.PDF")]})) == []


def test_evidence_too_many_files() -> None:
    problem = one_error({"dpia": [file_ref("a.pdf"), file_ref("b.pdf"), file_ref("c.pdf")]})
    assert problem.path == "$.answers.dpia"
    assert "at most 2" in problem.message


# --- dates ---------------------------------------------------------------------------------


def test_date_that_does_not_exist() -> None:
    problem = one_error({"audit_date": "2026-02-30"})
    assert problem.path == "$.answers.audit_date"
    assert "'audit_date'" in problem.message
    assert "not a real date" in problem.message


def test_date_in_another_format() -> None:
    problem = one_error({"audit_date": "30/11/2025"})
    assert "YYYY-MM-DD" in problem.message


def test_date_before_min() -> None:
    problem = one_error({"audit_date": "1999-12-31"})
    assert problem.path == "$.answers.audit_date"
    assert "before the earliest allowed date 2000-01-01" in problem.message


def test_date_after_max() -> None:
    problem = one_error({"audit_date": "2101-01-01"})
    assert "after the latest allowed date 2100-12-31" in problem.message


def test_leap_day_is_a_real_date() -> None:
    assert answers_problems(Q, answers_doc(Q, {"audit_date": "2024-02-29"})) == []


# --- the document ----------------------------------------------------------------------


def test_wrong_questionnaire_id() -> None:
    problem = one_error({}, questionnaire={"id": "other-set", "version": "1.0.0"})
    assert problem.path == "$.questionnaire.id"
    assert "'other-set'" in problem.message and "'test-set'" in problem.message


def test_wrong_questionnaire_version() -> None:
    problem = one_error({}, questionnaire={"id": "test-set", "version": "2.0.0"})
    assert problem.path == "$.questionnaire.version"
    assert "2.0.0" in problem.message and "1.0.0" in problem.message


def test_format_const() -> None:
    problem = one_error({}, format="duediligence/answers@2")
    assert problem.path == "$.format"
    assert "duediligence/answers@1" in problem.message


def test_missing_vendor() -> None:
    problem = one_error({}, vendor=None)
    assert problem.path == "$"
    assert "'vendor'" in problem.message


def test_answers_not_an_object() -> None:
    doc = answers_doc(Q, {})
    doc["answers"] = ["yes"]
    with pytest.raises(InvalidAnswers) as info:
        answers_from_json(Q, doc)
    assert [p.path for p in info.value.problems] == ["$.answers"]


def test_top_level_not_an_object() -> None:
    with pytest.raises(InvalidAnswers) as info:
        answers_from_json(Q, [answers_doc(Q, {})])
    (problem,) = info.value.problems
    assert problem.path == "$"


def test_every_error_is_reported_and_names_its_question() -> None:
    bad = {"sourcing": "x", "accuracy": 500, "staff": 1.5, "audit_date": "2026-02-30", "dpia": [file_ref("a.exe")]}
    problems = answer_errors(Q, bad)
    assert sorted(p.path for p in problems) == sorted(
        ["$.answers.sourcing", "$.answers.accuracy", "$.answers.staff", "$.answers.audit_date", "$.answers.dpia[0].name"]
    )
    for problem in problems:
        qid = problem.path.split(".")[2].split("[")[0]
        assert f"'{qid}'" in problem.message


def test_answer_problems_for_one_value() -> None:
    assert answer_problems(Q, "accuracy", 50) == []
    (message,) = answer_problems(Q, "accuracy", 500)
    assert "'accuracy'" in message
    (unknown,) = answer_problems(Q, "acuracy", 5)
    assert "did you mean 'accuracy'?" in unknown


# --- round trip ----------------------------------------------------------------------------


def test_full_document_round_trips_unchanged() -> None:
    raw = answers_doc(
        Q,
        VALID_ANSWERS,
        vendor={"name": "Acme Face Inc.", "website": "https://acme.example", "contact": "cto@acme.example"},
        assessor={"name": "Jane Buyer", "organisation": "City Procurement"},
        comments={"sourcing": "Confirmed in call on 2026-11-02"},
    )
    document = answers_from_json(Q, json.loads(json.dumps(raw)))
    assert document.to_json() == raw
    assert document.answers["breaches"][0]["records"] == 2200
    assert document.vendor.website == "https://acme.example"
    assert document.assessor.organisation == "City Procurement"


def test_minimal_document_round_trips_through_to_json() -> None:
    first = answers_from_json(Q, answers_doc(Q, {"sourcing": "consented", "staff": None}))
    assert "staff" not in first.answers  # null is "unanswered": not stored
    data = first.to_json()
    assert answers_problems(Q, data) == []
    assert answers_from_json(Q, data) == first
    assert json.loads(json.dumps(data)) == data


def test_generated_schema_is_2020_12_and_names_every_question() -> None:
    schema = answers_schema(Q)
    Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]["answers"]["properties"]) == {q.id for q in Q.questions}


def test_shipped_example_answers_are_valid() -> None:
    q = load_questionnaire(EXAMPLE_SET)
    document = load_answers(q, EXAMPLE_ANSWERS)
    assert document.questionnaire_id == q.id
    assert document.answers
    again = answers_from_json(q, document.to_json())
    assert again == document


def test_answers_file_errors_are_invalid_answers(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"\xef\xbb\xbf{}")
    with pytest.raises(InvalidAnswers) as info:
        load_answers(Q, path)
    (problem,) = info.value.problems
    assert problem.source == str(path)
    assert "BOM" in problem.message
    with pytest.raises(InvalidAnswers):
        load_answers(Q, tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("pattern", "matching", "not_matching"),
    [
        (r"^\d{3}\Z", "123", "12a"),  # \Z: Python's end of string
        (r"^(?P<c>[a-z])(?P=c)$", "aa", "ab"),  # a named back-reference
        (r"^(?>ab)c$", "abc", "abd"),  # an atomic group (Python 3.11+)
    ],
)
def test_a_pattern_the_loader_accepts_never_breaks_answer_validation(pattern: str, matching: str, not_matching: str) -> None:
    # Either the loader refuses the pattern at its path, or answers are
    # checked against it; never an exception from inside the validator.
    try:
        q = questionnaire_from_json(questionnaire(text("t", pattern=pattern)))
    except InvalidQuestionnaire as exc:
        assert [p.path for p in exc.problems] == ["$.sections[0].questions[0].pattern"]
        return
    assert answer_problems(q, "t", matching) == []
    (message,) = answer_problems(q, "t", not_matching)
    assert "'t'" in message
