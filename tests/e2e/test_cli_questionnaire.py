"""The ``validate``, ``score`` and ``schema`` commands, run as a user runs
them: a subprocess, with exit codes and output as the contract."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BIOMETRIC_SET, EXAMPLE_ANSWERS, EXAMPLE_SET, REPO
from tests.unit.questionnaire_factory import (
    answers_doc,
    bands,
    cond,
    date_q,
    flag,
    questionnaire,
    section,
    text,
    yes_no,
)


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "duediligence", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        cwd=cwd or REPO,
        env=env,
        timeout=120,
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def strict_json(text_: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text_, parse_constant=refuse)


# A small set whose scores are easy to work out by hand.
SET = questionnaire(
    section(
        "main",
        yes_no("scrapes", (10, 0, 5), required=True, flags=[flag(cond(equals="yes"), "knockout", "Scrapes the web")]),
        date_q("audit", risk_bands=bands((365, 1), (None, 9)), required=True),
    ),
    section("extra", text("notes"), yes_no("other", (6, 0, 3), flags=[flag(cond(equals="yes"), "warning", "Other risk")])),
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "set": write(tmp_path / "set.json", SET),
        "answers": write(tmp_path / "answers.json", answers_doc(SET, {"scrapes": "no", "audit": "2025-01-01", "other": "yes"})),
    }


# --- validate ------------------------------------------------------------------------------


def test_validate_valid_files_one_summary_line_each(files: dict[str, Path], tmp_path: Path) -> None:
    second = dict(SET, id="second-set", version="2.1.0")
    other = write(tmp_path / "other.json", second)
    result = run("validate", files["set"], other)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(str(files["set"]))
    assert "test-set" in lines[0] and "1.0.0" in lines[0]
    assert "2 sections" in lines[0] and "4 questions" in lines[0]
    assert "second-set" in lines[1] and "2.1.0" in lines[1]
    assert_no_traceback(result)


def test_validate_shipped_sets() -> None:
    result = run("validate", BIOMETRIC_SET, EXAMPLE_SET)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert "biometric-vendor" in result.stdout


def test_validate_invalid_file_lists_every_problem(tmp_path: Path) -> None:
    bad = dict(SET, version="1.0")
    bad["sections"] = json.loads(json.dumps(SET["sections"]))
    bad["sections"][1]["questions"][1]["visible_if"] = cond("scrape", equals="yes")
    path = write(tmp_path / "bad.json", bad)
    result = run("validate", path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines
    by_path = {}
    for line in lines:
        file_part, json_path, message = line.split(": ", 2)
        assert file_part == str(path)
        by_path[json_path] = message
    assert "MAJOR.MINOR.PATCH" in by_path["$.version"]
    assert "did you mean 'scrapes'?" in by_path["$.sections[1].questions[1].visible_if.answer"]
    assert_no_traceback(result)


def test_validate_mixed_files_exit_1_but_reports_both(files: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": ', encoding="utf-8")
    result = run("validate", files["set"], bad)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{files['set']}: ")
    assert re.fullmatch(re.escape(f"{bad}: $: ") + r"not valid JSON: .* line 1, column \d+", lines[1])


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("score", "only-one.json"),
        ("score", "a.json", "b.json", "--as-of", "June 1st"),
        ("score", "a.json", "b.json", "--as-of", "2026-02-30"),
        ("no-such-command",),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "usage:" in result.stderr
    assert_no_traceback(result)


# --- score -------------------------------------------------------------------------------------


def test_score_json_shape(files: dict[str, Path]) -> None:
    result = run("score", files["set"], files["answers"], "--json", "--as-of", "2025-06-01")
    assert result.returncode == 0, result.stderr
    data = strict_json(result.stdout)
    # main: scrapes "no" = 0, audit 151 days old = 1 -> 10 x (0 + 1) / 2 = 5
    # extra: other "yes" = 6 -> 60; overall (5 + 60) / 2 = 32.5 -> Medium
    assert isinstance(data["overall"], (int, float)) and not isinstance(data["overall"], bool)
    assert data["overall"] == pytest.approx(32.5)
    assert data["tier"] == "medium"
    assert data["knockout"] is False
    assert data["sections"] == {"main": pytest.approx(5), "extra": pytest.approx(60)}
    assert data["flags"] == [{"question": "other", "severity": "warning", "message": "Other risk"}]
    assert data["completeness"]["answered"] == 2
    assert data["completeness"]["required"] == 2


def test_score_json_knockout_and_flag_order(tmp_path: Path, files: dict[str, Path]) -> None:
    answers = write(tmp_path / "ko.json", answers_doc(SET, {"scrapes": "yes", "other": "yes"}))
    result = run("score", files["set"], answers, "--json", "--as-of", "2025-06-01")
    assert result.returncode == 0, result.stderr
    data = strict_json(result.stdout)
    assert data["knockout"] is True
    assert [f["question"] for f in data["flags"]] == ["scrapes", "other"]
    assert data["flags"][0] == {"question": "scrapes", "severity": "knockout", "message": "Scrapes the web"}
    # main: 10 (yes) and 10 (audit unanswered, max_risk) -> 100; extra 60 -> 80
    assert data["overall"] == pytest.approx(80)
    assert data["tier"] == "critical"
    assert data["completeness"]["answered"] == 1
    assert data["completeness"]["required"] == 2


def test_score_text_output(files: dict[str, Path]) -> None:
    result = run("score", files["set"], files["answers"], "--as-of", "2025-06-01")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Acme Face Inc." in out
    assert "Test set" in out
    assert "32.5" in out
    assert "Medium" in out
    assert "2/2" in out
    assert "Section main: 5.0" in out
    assert "Other risk" in out
    assert "DO NOT PROCEED" not in out
    assert not out.lstrip().startswith("{")


def test_as_of_changes_date_band_results(files: dict[str, Path]) -> None:
    early = strict_json(run("score", files["set"], files["answers"], "--json", "--as-of", "2025-12-31").stdout)
    late = strict_json(run("score", files["set"], files["answers"], "--json", "--as-of", "2026-01-02").stdout)
    # 2025-01-01 is 364 days old on 2025-12-31 (risk 1), 366 on 2026-01-02 (risk 9)
    assert early["sections"]["main"] == pytest.approx(10 * (0 + 1) / 2)
    assert late["sections"]["main"] == pytest.approx(10 * (0 + 9) / 2)
    assert early["overall"] == pytest.approx((5 + 60) / 2)
    assert late["overall"] == pytest.approx((45 + 60) / 2)


def test_as_of_on_the_shipped_example() -> None:
    early = run("score", EXAMPLE_SET, EXAMPLE_ANSWERS, "--json", "--as-of", "2025-06-01")
    late = run("score", EXAMPLE_SET, EXAMPLE_ANSWERS, "--json", "--as-of", "2030-06-01")
    assert early.returncode == 0 and late.returncode == 0, early.stderr + late.stderr
    early_data, late_data = strict_json(early.stdout), strict_json(late.stdout)
    assert late_data["overall"] > early_data["overall"]
    for data in (early_data, late_data):
        assert 0 <= data["overall"] <= 100
        assert isinstance(data["knockout"], bool)
        assert all(set(f) >= {"question", "severity", "message"} for f in data["flags"])


def test_invalid_answers_exit_1_with_the_errors(tmp_path: Path, files: dict[str, Path]) -> None:
    answers = write(tmp_path / "bad-answers.json", answers_doc(SET, {"scrape": "no", "audit": "2026-02-30", "other": "maybe"}))
    result = run("score", files["set"], answers, "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{answers}: $.answers.scrape: unknown question id 'scrape'; did you mean 'scrapes'?" in result.stderr
    assert f"{answers}: $.answers.audit: " in result.stderr
    assert f"{answers}: $.answers.other: " in result.stderr
    assert_no_traceback(result)


def test_answers_for_another_set_exit_1(tmp_path: Path, files: dict[str, Path]) -> None:
    answers = write(tmp_path / "other.json", answers_doc({"id": "other-set", "version": "1.0.0"}, {}))
    result = run("score", files["set"], answers)
    assert result.returncode == 1
    assert "'other-set'" in result.stderr
    assert_no_traceback(result)


def test_score_json_is_strict_json_for_extreme_weights(tmp_path: Path) -> None:
    heavy = questionnaire(yes_no("a", (5, 0, 0), weight=1000), yes_no("b", (5, 0, 0), weight=1000))
    qs = write(tmp_path / "heavy.json", heavy)
    answers = write(tmp_path / "heavy-answers.json", answers_doc(heavy, {"a": "yes", "b": "yes"}))
    result = run("score", qs, answers, "--json")
    assert result.returncode == 0, result.stderr
    data = strict_json(result.stdout)
    assert data["overall"] == pytest.approx(50)


def test_weights_beyond_the_cap_are_refused_at_their_path(tmp_path: Path) -> None:
    heavy = questionnaire(yes_no("a", (5, 0, 0), weight=1e308))
    result = run("validate", write(tmp_path / "heavy.json", heavy))
    assert result.returncode == 1
    assert "$.sections[0].questions[0].weight: must be at most 1000" in result.stdout
    assert_no_traceback(result)


# --- never a traceback ------------------------------------------------------------------------


def _bad_inputs(tmp_path: Path, good_set: Path, good_answers: Path) -> list[tuple[str, ...]]:
    def raw(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    deep = raw("deep.json", b"[" * 5000 + b"]" * 5000)
    garbage = raw("garbage.json", bytes(range(256)) * 4)
    bom = raw("bom.json", b"\xef\xbb\xbf" + good_set.read_bytes())
    empty = raw("empty.json", b"")
    array = raw("array.json", b"[1, 2]")
    nan = raw("nan.json", b'{"a": NaN}')
    dup = raw("dup.json", b'{"a": 1, "a": 2}')
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)
    bad_set = str(write(tmp_path / "bad-set.json", dict(SET, format="x")))
    answers_not_object = raw("answers-array.json", b"[]")
    surrogate_vendor = raw(
        "surrogate.json", json.dumps(answers_doc(SET, {"scrapes": "no"})).replace("Acme Face Inc.", "\\ud800").encode()
    )
    pattern_set = str(write(tmp_path / "pattern.json", questionnaire(text("code", pattern=r"^\d{3}\Z"))))
    pattern_answers = str(write(tmp_path / "pattern-answers.json", answers_doc(SET, {"code": "123"})))
    missing = str(tmp_path / "missing.json")
    folder = str(tmp_path)
    s, a = str(good_set), str(good_answers)
    return [
        ("validate", deep, garbage, bom, empty, array, nan, dup, str(big), bad_set, missing, folder),
        ("score", deep, a),
        ("score", s, deep),
        ("score", garbage, a),
        ("score", s, garbage),
        ("score", s, bom),
        ("score", s, empty),
        ("score", s, str(big)),
        ("score", bad_set, a),
        ("score", s, answers_not_object),
        ("score", missing, a),
        ("score", s, missing),
        ("score", folder, a),
        ("score", s, folder),
        ("score", s, surrogate_vendor),
        ("score", pattern_set, pattern_answers, "--json"),
    ]


def test_never_a_traceback_for_bad_input(tmp_path: Path, files: dict[str, Path]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cases = _bad_inputs(tmp_path, files["set"], files["answers"])
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda args: run(*args), cases))
    failures = []
    for args, result in zip(cases, results):
        if "Traceback" in result.stderr or result.returncode not in (0, 1):
            last = result.stderr.strip().splitlines()[-1:] or [""]
            failures.append(f"{' '.join(Path(x).name if '/' in x else x for x in args)} -> exit {result.returncode}: {last[0]}")
    assert failures == []


def test_lone_surrogate_escapes_never_crash_the_output(tmp_path: Path, files: dict[str, Path]) -> None:
    # "\ud800" is a syntactically valid JSON escape but no character: the
    # loader accepts it, so printing it must not raise UnicodeEncodeError.
    key = tmp_path / "surrogate-key.json"
    key.write_text(json.dumps(SET).replace('"title": "Test set"', '"title": "Test set", "\\ud800": 1'), encoding="utf-8")
    vendor = tmp_path / "surrogate-vendor.json"
    vendor.write_text(
        json.dumps(answers_doc(SET, {"scrapes": "no"})).replace("Acme Face Inc.", "\\ud800"), encoding="utf-8"
    )
    validated = run("validate", key)
    assert validated.returncode == 1
    assert_no_traceback(validated)
    scored = run("score", files["set"], vendor)
    assert scored.returncode in (0, 1)
    assert_no_traceback(scored)


def test_bad_files_in_score_exit_1_naming_the_file(tmp_path: Path, files: dict[str, Path]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  oops\n}", encoding="utf-8")
    result = run("score", files["set"], broken)
    assert result.returncode == 1
    assert f"{broken}: $: not valid JSON" in result.stderr
    assert "line 2, column 3" in result.stderr
    assert_no_traceback(result)


def test_schema_command_prints_json() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = strict_json(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
