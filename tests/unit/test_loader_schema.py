"""The meta-schema pass and the file level: every broken file ends in
clear problems with JSON paths, never in another exception."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from duediligence.errors import InvalidQuestionnaire, Problem
from duediligence.questionnaire import load_questionnaire, load_questionnaire_bytes, meta_schema
from tests.conftest import BIOMETRIC_SET, EXAMPLE_SET, REPO
from tests.unit.questionnaire_factory import (
    cond,
    every_type_set,
    load,
    minimal_set,
    only_problem,
    problems_of,
    questionnaire,
    yes_no,
)

Q0 = "$.sections[0].questions[0]"


# --- meta-schema errors ---------------------------------------------------------------


def test_missing_required_top_level_key() -> None:
    doc = minimal_set()
    del doc["title"]
    problem = only_problem(doc)
    assert (problem.path, problem.message) == ("$", "missing required key 'title'")


def test_missing_required_question_key() -> None:
    doc = minimal_set()
    del doc["sections"][0]["questions"][0]["text"]
    problem = only_problem(doc)
    assert problem.path == Q0
    assert "missing required key 'text'" in problem.message


def test_missing_options_on_a_choice_question() -> None:
    doc = questionnaire({"id": "c", "type": "single_choice", "text": "Pick"})
    problem = only_problem(doc)
    assert problem.path == Q0
    assert "missing required key 'options'" in problem.message


def test_unknown_top_level_key_with_did_you_mean() -> None:
    doc = minimal_set()
    doc["descripton"] = "typo"
    problem = only_problem(doc)
    assert problem.path == "$.descripton"
    assert "unknown key 'descripton'" in problem.message
    assert "did you mean 'description'?" in problem.message


def test_unknown_question_key_with_did_you_mean() -> None:
    doc = minimal_set()
    doc["sections"][0]["questions"][0]["visble_if"] = cond("q1", answered=True)
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.visble_if"
    assert "unknown key 'visble_if'" in problem.message
    assert "did you mean 'visible_if'?" in problem.message


def test_key_of_another_question_type_is_unknown() -> None:
    doc = questionnaire(yes_no("a", options=[{"value": "x", "label": "X"}]))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.options"
    assert "unknown key 'options'" in problem.message
    assert "yes_no" in problem.message


def test_unknown_question_type_with_did_you_mean() -> None:
    doc = minimal_set()
    doc["sections"][0]["questions"][0]["type"] = "yesno"
    # One problem: the type, not also one per key that only fits yes_no.
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.type"
    assert "'yesno'" in problem.message
    assert "did you mean 'yes_no'?" in problem.message


def test_list_field_of_type_evidence_is_refused() -> None:
    doc = questionnaire({"id": "l", "type": "list", "text": "L", "fields": [{"id": "f", "type": "evidence", "text": "F"}]})
    problems = problems_of(doc)
    assert f"{Q0}.fields[0].type" in [p.path for p in problems]


@pytest.mark.parametrize(
    ("key", "value"),
    [("visible_if", cond("f", answered=True)), ("flags", [{"when": cond(equals="x"), "severity": "info", "message": "m"}])],
)
def test_visible_if_and_flags_on_a_list_field_are_refused(key: str, value: object) -> None:
    field = {"id": "f", "type": "text", "text": "F", key: value}
    doc = questionnaire({"id": "l", "type": "list", "text": "L", "fields": [field]})
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.fields[0].{key}"
    assert f"unknown key {key!r}" in problem.message


def test_wrong_format_const() -> None:
    doc = minimal_set()
    doc["format"] = "duediligence/questionnaire@2"
    problem = only_problem(doc)
    assert problem.path == "$.format"
    assert "'duediligence/questionnaire@1'" in problem.message
    assert "'duediligence/questionnaire@2'" in problem.message


@pytest.mark.parametrize("bad", ["Bad_ID", "a", "1abc", "with space", "x" * 65])
def test_bad_set_id(bad: str) -> None:
    doc = minimal_set()
    doc["id"] = bad
    problem = only_problem(doc)
    assert problem.path == "$.id"
    assert repr(bad) in problem.message
    assert "lowercase" in problem.message


def test_bad_question_id() -> None:
    doc = questionnaire(yes_no("Q1"))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.id"
    assert "'Q1'" in problem.message


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "1.0.0-beta", "01.0.0"])
def test_bad_version(bad: str) -> None:
    doc = minimal_set()
    doc["version"] = bad
    problem = only_problem(doc)
    assert problem.path == "$.version"
    assert "MAJOR.MINOR.PATCH" in problem.message


def test_set_id_with_a_trailing_newline_is_refused_at_its_path() -> None:
    # The published pattern is ^...$; in JSON Schema (ECMA-262) "$" does not
    # match before a final newline, so "abc\n" is not a valid id, and the
    # error must say where it is, like every other schema error.
    doc = minimal_set()
    doc["id"] = "abc\n"
    problem = only_problem(doc)
    assert problem.path == "$.id"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("sections", 0, "questions", 0, "weight"), "high", "expected number, found a string"),
        (("sections", 0, "questions", 0, "required"), "yes", "expected boolean, found a string"),
        (("sections",), {"a": 1}, "expected array, found an object"),
        (("title",), 7, "expected string, found a number"),
        (("scoring", "tiers", 0, "min_score"), None, "expected number, found null"),
    ],
)
def test_wrong_json_type(path: tuple, value: object, expected: str) -> None:
    doc = minimal_set()
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    problem = only_problem(doc)
    expected_path = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)
    assert problem.path == expected_path
    assert expected in problem.message


def test_negative_weight() -> None:
    doc = questionnaire(yes_no("a", weight=-1))
    problem = only_problem(doc)
    assert problem.path == f"{Q0}.weight"
    assert "at least 0" in problem.message


def test_empty_sections() -> None:
    doc = minimal_set()
    doc["sections"] = []
    problem = only_problem(doc)
    assert problem.path == "$.sections"
    assert "at least 1" in problem.message


def test_unknown_unanswered_mode() -> None:
    doc = questionnaire(unanswered="skip")
    problem = only_problem(doc)
    assert problem.path == "$.scoring.unanswered"
    assert "max_risk, exclude" in problem.message


def test_dollar_schema_key_is_accepted_and_ignored() -> None:
    doc = minimal_set()
    doc["$schema"] = "https://example.invalid/questionnaire.schema.json"
    assert load(doc).id == "test-set"


def test_several_schema_errors_are_all_reported() -> None:
    doc = minimal_set()
    doc["version"] = "one"
    doc["format"] = "nope"
    doc["sections"][0]["questions"][0]["weight"] = "heavy"
    paths = {p.path for p in problems_of(doc)}
    assert paths == {"$.format", "$.version", f"{Q0}.weight"}


# --- the file level -------------------------------------------------------------------


def _one_problem_from_bytes(data: bytes) -> Problem:
    with pytest.raises(InvalidQuestionnaire) as info:
        load_questionnaire_bytes(data, "in.json")
    problems = info.value.problems
    assert len(problems) == 1, problems
    assert problems[0].source == "in.json"
    assert problems[0].path == "$"
    return problems[0]


def _one_problem_from_file(path: Path) -> Problem:
    with pytest.raises(InvalidQuestionnaire) as info:
        load_questionnaire(path)
    problems = info.value.problems
    assert len(problems) == 1, problems
    assert problems[0].source == str(path)
    return problems[0]


def _good_bytes() -> bytes:
    return json.dumps(minimal_set()).encode("utf-8")


def test_not_json_gives_line_and_column() -> None:
    problem = _one_problem_from_bytes(b'{\n  "id": "x",\n  "title": oops\n}')
    assert "not valid JSON" in problem.message
    assert "line 3, column 12" in problem.message


def test_trailing_comma_gives_line_and_column() -> None:
    problem = _one_problem_from_bytes(b'{"a": 1,\n}')
    assert "line 2, column 1" in problem.message


def test_non_utf8() -> None:
    problem = _one_problem_from_bytes(b'{"title": "caf\xe9"}')
    assert "UTF-8" in problem.message


def test_utf8_bom() -> None:
    problem = _one_problem_from_bytes(b"\xef\xbb\xbf" + _good_bytes())
    assert "BOM" in problem.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(encoding: str) -> None:
    text = json.dumps(minimal_set())
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    problem = _one_problem_from_bytes(data)
    assert "UTF-16" in problem.message


def test_top_level_array() -> None:
    problem = _one_problem_from_bytes(b"[" + _good_bytes() + b"]")
    assert "top level must be an object" in problem.message
    assert "array" in problem.message


@pytest.mark.parametrize("data", [b"null", b"42", b'"text"', b"true"])
def test_top_level_scalars(data: bytes) -> None:
    assert "top level must be an object" in _one_problem_from_bytes(data).message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert "empty" in _one_problem_from_file(path).message


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.json"
    path.write_bytes(b" \n\t\r\n  ")
    assert "empty" in _one_problem_from_file(path).message


def test_3000_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"format": "duediligence/questionnaire@1", "sections": ' + b"[" * 3000 + b"]" * 3000 + b"}")
    assert "nested too deeply" in _one_problem_from_file(path).message


def test_3000_deep_objects() -> None:
    data = b'{"a": ' * 3000 + b"1" + b"}" * 3000
    assert "nested too deeply" in _one_problem_from_bytes(data).message


def test_500_deep_nesting_below_the_parsers_limit() -> None:
    data = b'{"sections": ' + b"[" * 500 + b"]" * 500 + b"}"
    assert "nested too deeply" in _one_problem_from_bytes(data).message


def test_deep_condition_inside_a_valid_set() -> None:
    doc = json.dumps(questionnaire(yes_no("a"), yes_no("b", visible_if="HERE")))
    depth = 50
    condition = '{"not": ' * depth + '{"answer": "a", "equals": "yes"}' + "}" * depth
    with pytest.raises(InvalidQuestionnaire) as info:
        load_questionnaire_bytes(doc.replace('"HERE"', condition).encode(), "in.json")
    (problem,) = info.value.problems
    assert problem.path.startswith("$.sections[0].questions[1].visible_if.not.not")


def test_50_mb_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(_good_bytes())
        handle.truncate(50 * 1024 * 1024)  # sparse: fast and no real disk use
    problem = _one_problem_from_file(path)
    assert problem.path == "$"
    assert "limit" in problem.message
    assert "bytes" in problem.message


def test_50_mb_of_bytes() -> None:
    data = b"{" + b" " * (50 * 1024 * 1024) + b"}"
    assert "limit" in _one_problem_from_bytes(data).message


def test_duplicate_keys() -> None:
    problem = _one_problem_from_bytes(b'{"id": "one", "title": "T", "id": "two"}')
    assert "duplicate key 'id'" in problem.message


def test_duplicate_keys_deep_inside() -> None:
    text = json.dumps(minimal_set()).replace('"text": "Question q1?"', '"text": "A", "text": "B"')
    assert "duplicate key 'text'" in _one_problem_from_bytes(text.encode()).message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity(constant: str) -> None:
    text = json.dumps(questionnaire(yes_no("a", weight=12345)))
    problem = _one_problem_from_bytes(text.replace("12345", constant).encode())
    assert constant in problem.message


def test_number_too_large_for_a_float() -> None:
    text = json.dumps(questionnaire(yes_no("a", weight=12345)))
    problem = _one_problem_from_bytes(text.replace("12345", "1e309").encode())
    assert "1e309" in problem.message


def test_integer_with_too_many_digits() -> None:
    text = json.dumps(questionnaire(yes_no("a", weight=12345)))
    problem = _one_problem_from_bytes(text.replace("12345", "9" * 5000).encode())
    assert "not valid JSON" in problem.message


def test_missing_file(tmp_path: Path) -> None:
    problem = _one_problem_from_file(tmp_path / "nope.json")
    assert problem.path == "$"
    assert "no such file" in problem.message


def test_a_directory(tmp_path: Path) -> None:
    problem = _one_problem_from_file(tmp_path)
    assert problem.path == "$"
    assert "folder" in problem.message


def test_valid_file_loads_with_its_sha256(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "ok.json"
    path.write_bytes(_good_bytes())
    q = load_questionnaire(path)
    assert q.sha256 == hashlib.sha256(_good_bytes()).hexdigest()
    assert q.source == str(path)


# --- the published meta-schema --------------------------------------------------------


@functools.cache
def _printed_schema_text() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "duediligence", "schema"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _printed_schema() -> dict:
    return json.loads(_printed_schema_text())


def test_schema_command_prints_a_2020_12_schema() -> None:
    schema = _printed_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema == meta_schema()


def test_factory_sets_validate_against_the_printed_schema() -> None:
    validator = Draft202012Validator(_printed_schema())
    assert list(validator.iter_errors(every_type_set())) == []
    bad = minimal_set()
    bad["format"] = "other"
    assert list(validator.iter_errors(bad)) != []


@pytest.mark.parametrize("path", [BIOMETRIC_SET, EXAMPLE_SET], ids=["biometric-vendor", "all-types"])
def test_shipped_sets_validate_against_the_printed_schema(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"shipped set {path} is missing")
    validator = Draft202012Validator(_printed_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text("utf-8")))]
    assert errors == []
    assert load_questionnaire(path).question_count > 0


def test_the_committed_meta_schema_is_what_its_generator_writes() -> None:
    import runpy

    from tests.conftest import REPO

    generator = runpy.run_path(str(REPO / "scripts" / "generate_meta_schema.py"))
    committed = (REPO / "duediligence" / "questionnaire" / "schema" / "questionnaire.schema.json").read_text()
    assert generator["render"]() == committed
