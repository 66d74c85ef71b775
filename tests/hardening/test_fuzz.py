"""Fuzzing the three ways a file gets in: the question set loader, the
answers validator and the import into the store. Seeds are the shipped
sets and Google's VSAQ questionnaires (another format, the kind of JSON a
user loads by mistake). The only outcomes allowed are a model or a
documented error (a ``DueDiligenceError``); memory stays bounded.

Budget: ``DUEDILIGENCE_FUZZ_EXAMPLES`` cases per fuzz test (default 80, so
about 450 cases in all for CI). Nightly, 10,000 and more:

    DUEDILIGENCE_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/hardening/test_fuzz.py

(six fuzz tests x 2,000 = 12,000 cases; the largest in-limit set is loaded too).
"""

from __future__ import annotations

import json
import os
import re
import resource
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duediligence import services
from duediligence.errors import DueDiligenceError, InvalidAnswers, InvalidDocument, InvalidQuestionnaire
from duediligence.questionnaire import answer_problems, answers_from_json, load_questionnaire, load_questionnaire_bytes
from duediligence.questionnaire.jsonfile import MAX_FILE_BYTES
from duediligence.questionnaire.model import Questionnaire
from duediligence.storage.store import Store
from tests.conftest import BIOMETRIC_SET, EXAMPLE_ANSWERS, EXAMPLE_SET, FORMS, VSAQ
from tests.hardening.conftest import cli_in_process

BUDGET = int(os.environ.get("DUEDILIGENCE_FUZZ_EXAMPLES", "80"))
NIGHTLY = BUDGET >= 1000
FUZZ = settings(
    max_examples=BUDGET, deadline=None, derandomize=not NIGHTLY, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

SET_FILES = sorted(p for p in FORMS.rglob("*.json") if not p.name.endswith(".answers.json"))
VSAQ_FILES = sorted(VSAQ.glob("*.json"))


def strip_js_comments(text: str) -> str:
    """VSAQ files are JavaScript-flavoured JSON: drop the // comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def seeds() -> list[bytes]:
    found = [p.read_bytes() for p in SET_FILES] + [p.read_bytes() for p in VSAQ_FILES]
    found += [strip_js_comments(p.read_text(encoding="utf-8")).encode() for p in VSAQ_FILES]
    return found


SEEDS = seeds()
SEED_DOCUMENTS = [json.loads(p.read_bytes()) for p in SET_FILES]
for _text in (strip_js_comments(p.read_text(encoding="utf-8")) for p in VSAQ_FILES):
    try:
        SEED_DOCUMENTS.append(json.loads(_text))
    except ValueError:
        pass  # a few VSAQ files are not JSON even without their comments


def test_the_seeds_are_there() -> None:
    assert len(SET_FILES) >= 2 and len(VSAQ_FILES) >= 6
    assert len(SEED_DOCUMENTS) > len(SET_FILES)  # some VSAQ files parse as JSON once uncommented


# --- strategies -------------------------------------------------------------------------------------

NASTY_TEXT = st.sampled_from([
    "", " ", "\x00", "\x1b[31m", "\u202egnp.exe", "\ud800", "a" * 10_000, "2026-02-30", "0000-00-00", "9999-12-31",
    "NaN", "1e309", "-0", "$.sections", "__proto__", "constructor", "<script>", "../../etc/passwd", "😀" * 100,
])
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), NASTY_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=20
)


def nodes(document: object, path: tuple[object, ...] = ()) -> Iterator[tuple[tuple[object, ...], object]]:
    yield path, document
    if isinstance(document, dict):
        for key, value in document.items():
            yield from nodes(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from nodes(value, (*path, index))


@st.composite
def structurally_mutated(draw: st.DrawFn, documents: list[object]) -> bytes:
    """A seed document with a few nodes replaced, deleted or duplicated."""
    document = json.loads(json.dumps(draw(st.sampled_from(documents))))
    for _ in range(draw(st.integers(1, 4))):
        candidates = [path for path, _ in nodes(document) if path]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = document
        for part in path[:-1]:
            parent = parent[part]  # type: ignore[index]
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "delete":
            del parent[path[-1]]  # type: ignore[arg-type, union-attr]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[path[-1]])))  # type: ignore[index]
        else:
            parent[path[-1]] = draw(JSON_VALUES)  # type: ignore[index]
    return json.dumps(document, allow_nan=True).encode()


@st.composite
def byte_mutated(draw: st.DrawFn, seeds: list[bytes] = SEEDS) -> bytes:
    """A seed file with bytes flipped, cut, inserted or repeated."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 300))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from([b"{", b"[", b"]", b"}", b'"', b",", b"\\ud800", b"1e309", b"NaN", b"\xff\xfe", b"\xef\xbb\xbf", b"//"]))
        else:
            start = draw(st.integers(0, max(0, len(data) - 1)))
            data[at:at] = data[start : start + draw(st.integers(1, 500))]
    return bytes(data)


def load_or_refuse(data: bytes) -> Questionnaire | None:
    """The loader's contract: a model, or InvalidQuestionnaire with problems."""
    try:
        return load_questionnaire_bytes(data, "<fuzz>")
    except InvalidQuestionnaire as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return None


# --- the loader --------------------------------------------------------------------------------------


@FUZZ
@given(byte_mutated())
def test_loader_byte_mutations_give_a_model_or_problems(data: bytes) -> None:
    load_or_refuse(data)


@FUZZ
@given(structurally_mutated(SEED_DOCUMENTS))
def test_loader_structural_mutations_give_a_model_or_problems(data: bytes) -> None:
    questionnaire = load_or_refuse(data)
    if questionnaire is not None:  # what loads, scores
        from datetime import date

        from duediligence.questionnaire import score_answers

        score_answers(questionnaire, {}, date(2026, 11, 26))


@pytest.mark.parametrize("path", VSAQ_FILES, ids=lambda p: p.name)
def test_a_vsaq_file_loaded_by_mistake_gets_a_clear_error(path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    with pytest.raises(InvalidQuestionnaire) as refused:
        load_questionnaire(path)
    messages = [p.message for p in refused.value.problems]
    assert any("comment" in m or "missing required key 'format'" in m for m in messages), messages
    code, out, err = cli_in_process(["validate", path], capsys)
    assert code == 1 and "Traceback" not in out + err and path.name in out + err
    for argv in (["questionnaires", "add", path], ["import", path]):  # as a set, then as answers
        code, out, err = cli_in_process(["--data-dir", data_dir, *argv], capsys)
        assert code == 1 and "Traceback" not in out + err and str(path) in err, (argv, err)


# --- answers -------------------------------------------------------------------------------------------


EXAMPLE = load_questionnaire(EXAMPLE_SET)
BIOMETRIC = load_questionnaire(BIOMETRIC_SET)
EXAMPLE_DOCUMENT = json.loads(EXAMPLE_ANSWERS.read_bytes())


@FUZZ
@given(st.sampled_from([EXAMPLE, BIOMETRIC]), st.data())
def test_any_single_answer_value_is_checked_without_crashing(questionnaire: Questionnaire, data: st.DataObject) -> None:
    question = data.draw(st.sampled_from(questionnaire.questions))
    value = data.draw(JSON_VALUES)
    problems = answer_problems(questionnaire, question.id, value)
    assert all(isinstance(p, str) and p for p in problems)


@FUZZ
@given(structurally_mutated([EXAMPLE_DOCUMENT]))
def test_answers_documents_give_a_document_or_problems(data: bytes) -> None:
    from duediligence.questionnaire.jsonfile import parse_json_bytes

    try:
        document = parse_json_bytes(data, "<fuzz>")
        answers_from_json(EXAMPLE, document, "<fuzz>")
    except InvalidDocument as exc:
        assert exc.problems


HOSTILE_ANSWERS = {
    "1 MB string": ("product_description", "x" * 1_000_000),
    "control characters": ("product_description", "a\x00b\x07c\x1b[2Jd\x7f"),
    "lone surrogate": ("product_description", "\ud800"),
    "huge number": ("employees", 1e308 * 10),
    "NaN": ("employees", float("nan")),
    "2026-02-30": ("pentest_date", "2026-02-30"),
    "date with time": ("pentest_date", "2026-02-01T00:00:00"),
    "negative zero": ("employees", -0.0),
    "integer beyond a double": ("employees", 10**400),
}


@pytest.mark.parametrize("case", list(HOSTILE_ANSWERS))
def test_hostile_answer_values_are_refused_clearly_or_stored_faithfully(store: Store, case: str) -> None:
    """(A lone surrogate used to end in a UnicodeEncodeError from the database driver.)"""
    question, value = HOSTILE_ANSWERS[case]
    from duediligence.questionnaire import Vendor
    from duediligence.services.library import read_set_file

    assessment_id = services.create_assessment(store, read_set_file(EXAMPLE_SET), Vendor("Fuzz"))
    try:
        change = services.set_answer(store, assessment_id, question, value)
    except InvalidAnswers as exc:
        assert question in str(exc) and exc.problems
        assert question not in services.open_assessment(store, assessment_id).answers
        return
    stored = services.open_assessment(store, assessment_id).answers[question]
    assert stored == value and type(stored) is type(value) and change.changed


@pytest.mark.parametrize(
    "escape, refused",
    [('"\\ud800"', True), ('"\\udfff tail"', True), ('"\\ud83d\\ude00"', False), ("1e309", True), ("NaN", True), ("-Infinity", True)],
)
def test_json_escapes_and_numbers_in_an_imported_file(store: Store, tmp_path: Path, escape: str, refused: bool) -> None:
    document = json.loads(EXAMPLE_ANSWERS.read_bytes())
    field = "employees" if escape[0] != '"' else "product_description"
    document["answers"][field] = "PLACEHOLDER"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(document).replace('"PLACEHOLDER"', escape), encoding="utf-8")
    before = len(services.list_assessments(store))
    if refused:
        with pytest.raises(DueDiligenceError):
            services.import_answers_file(store, path, EXAMPLE_SET)
        assert len(services.list_assessments(store)) == before
    else:
        result = services.import_answers_file(store, path, EXAMPLE_SET)
        assert services.open_assessment(store, result.assessment_id).answers["product_description"] == "😀"


# --- the import path --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def import_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    folder = tmp_path_factory.mktemp("fuzz-import")
    store = services.open_store(folder / "data")
    services.add_questionnaire_file(store, EXAMPLE_SET)
    yield store, folder
    store.close()


def imports_or_refuses(store: Store, path: Path) -> None:
    """An ImportResult, or a DueDiligenceError and nothing created."""
    before = len(services.list_assessments(store))
    try:
        result = services.import_answers_file(store, path)
    except DueDiligenceError as exc:
        assert str(exc)
        assert len(services.list_assessments(store)) == before
        return
    assert services.open_assessment(store, result.assessment_id).summary.status == "draft"


@FUZZ
@given(st.one_of(structurally_mutated([EXAMPLE_DOCUMENT]), byte_mutated([EXAMPLE_ANSWERS.read_bytes()])))
def test_import_gives_an_assessment_or_a_clear_error(import_store: tuple[Store, Path], data: bytes) -> None:
    store, folder = import_store
    path = folder / "fuzzed.answers.json"
    path.write_bytes(data)
    imports_or_refuses(store, path)


@FUZZ
@given(st.binary(max_size=2000))
def test_import_of_random_bytes(import_store: tuple[Store, Path], data: bytes) -> None:
    store, folder = import_store
    path = folder / "random.json"
    path.write_bytes(data)
    imports_or_refuses(store, path)


# --- bounded memory -----------------------------------------------------------------------------------------


def python_peak_during(action) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_50_mb_file_is_refused_by_its_size_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    def load() -> None:
        with pytest.raises(InvalidQuestionnaire, match="the limit is 16,777,216 bytes"):
            load_questionnaire(path)

    assert python_peak_during(load) < 1024 * 1024


def a_million_questions() -> bytes:
    question = '{"id":"q%d","type":"yes_no","text":"x","risk":{"yes":1,"no":0,"unknown":1}}'
    questions = ",".join(question % i for i in range(1_000_000))
    return (
        '{"format":"duediligence/questionnaire@1","id":"big","version":"1.0.0","title":"t",'
        '"scoring":{"tiers":[{"id":"l","label":"L","min_score":0}]},'
        '"sections":[{"id":"s","title":"S","questions":[' + questions + "]}]}"
    ).encode()


def test_a_million_questions_are_refused_by_size_in_bounded_memory(tmp_path: Path) -> None:
    data = a_million_questions()
    assert len(data) > MAX_FILE_BYTES
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def load() -> None:
        with pytest.raises(InvalidQuestionnaire, match="bytes; the limit is"):
            load_questionnaire_bytes(data, "big")

    assert python_peak_during(load) < 1024 * 1024
    (tmp_path / "big.json").write_bytes(data)
    assert python_peak_during(lambda: pytest.raises(InvalidQuestionnaire, load_questionnaire, tmp_path / "big.json")) < 1024 * 1024
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 200 * 1024  # KiB: < 200 MB beyond the string itself


def test_the_largest_set_within_the_limit_loads_in_bounded_memory() -> None:
    """Memory grows with the file, not beyond: a set just under the size
    limit (200,000 questions nightly; 20,000 in CI) costs < 30x its size."""
    count = 200_000 if NIGHTLY else 20_000
    question = '{"id":"q%d","type":"yes_no","text":"x","risk":{"yes":1,"no":0,"unknown":1}}'
    data = (
        '{"format":"duediligence/questionnaire@1","id":"big","version":"1.0.0","title":"t",'
        '"scoring":{"tiers":[{"id":"l","label":"L","min_score":0}]},'
        '"sections":[{"id":"s","title":"S","questions":[' + ",".join(question % i for i in range(count)) + "]}]}"
    ).encode()
    assert len(data) < MAX_FILE_BYTES
    loaded: list[Questionnaire] = []
    peak = python_peak_during(lambda: loaded.append(load_questionnaire_bytes(data, "big")))
    assert len(loaded[0].questions) == count
    assert peak < 30 * len(data), f"{peak / len(data):.1f}x the file size"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_refused_not_a_recursion_error(depth: int, store: Store, tmp_path: Path) -> None:
    for opener, closer in (("[", "]"), ('{"a":', "}")):
        data = (opener * depth + "1" + closer * depth).encode()
        with pytest.raises(InvalidQuestionnaire, match="nested too deeply|not valid JSON"):
            load_questionnaire_bytes(data, "deep")
        path = tmp_path / "deep.answers.json"
        path.write_bytes(data)
        with pytest.raises(DueDiligenceError):
            services.import_answers_file(store, path)


def test_deeply_nested_conditions_are_refused_at_their_path() -> None:
    document = json.loads(EXAMPLE_SET.read_bytes())
    condition: dict[str, object] = {"answer": "uses_own_gallery", "equals": "yes"}
    for _ in range(500):
        condition = {"not": condition}
    document["sections"][-1]["visible_if"] = condition
    with pytest.raises(InvalidQuestionnaire) as refused:
        load_questionnaire_bytes(json.dumps(document).encode(), "deep-conditions")
    assert any(re.search(r"nest|deep", p.message) for p in refused.value.problems)


def test_lone_surrogates_in_comments_and_vendor_names_are_refused(store: Store, draft: int, source: object) -> None:
    from duediligence.questionnaire import Vendor

    with pytest.raises(InvalidAnswers, match="surrogate"):
        services.set_comment(store, draft, "notes", "half an emoji \ud83d")
    before = len(services.list_assessments(store))
    with pytest.raises(DueDiligenceError, match="surrogate.*Nothing was changed"):
        services.create_assessment(store, source, Vendor("Acme \udfff"))  # type: ignore[arg-type]
    assert len(services.list_assessments(store)) == before
    assert services.open_assessment(store, draft).comments == {}


def test_a_catastrophic_pattern_cannot_hang_answer_checking() -> None:
    """A set's pattern runs on every answer: `(a+)+$` backtracks for ever in
    Python's re; the engine used (one linear-time one) answers at once."""
    import time

    document = json.loads(EXAMPLE_SET.read_bytes())
    question = next(q for s in document["sections"] for q in s["questions"] if q["id"] == "company_number")
    question["pattern"] = "^(a+)+$"
    question.pop("max_length")
    questionnaire = load_questionnaire_bytes(json.dumps(document).encode(), "redos")
    started = time.monotonic()
    problems = answer_problems(questionnaire, "company_number", "a" * 50 + "!")
    assert any("pattern" in p for p in problems) and time.monotonic() - started < 1.0
