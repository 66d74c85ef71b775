"""Property-based tests (hypothesis).

1. Arbitrary JSON values make ``questionnaire_from_json`` return a model or
   raise ``InvalidQuestionnaire``, never anything else.
2. So do mutations of the shipped sets (and of a set built by the factory).
3. Random valid answer documents, generated from the model, always
   validate and score within 0-100 with a tier of the set.
4. Arbitrary bytes make ``load_questionnaire_bytes`` raise only
   ``InvalidQuestionnaire``.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duediligence.errors import InvalidQuestionnaire
from duediligence.questionnaire import (
    Questionnaire,
    answers_from_json,
    answers_problems,
    load_questionnaire_bytes,
    questionnaire_from_json,
    score_answers,
)
from duediligence.questionnaire.model import (
    ChoiceQuestion,
    DateQuestion,
    EvidenceQuestion,
    ListQuestion,
    NumberQuestion,
    Question,
    TextQuestion,
    YesNoQuestion,
)
from tests.conftest import BIOMETRIC_SET, EXAMPLE_SET
from tests.unit.questionnaire_factory import answers_doc, every_type_set

# --- the sets under test -------------------------------------------------------------------


def _shipped_documents() -> dict[str, Any]:
    docs: dict[str, Any] = {"factory": every_type_set(), "factory-exclude": every_type_set("exclude")}
    for name, path in (("biometric-vendor", BIOMETRIC_SET), ("all-types", EXAMPLE_SET)):
        if Path(path).exists():
            docs[name] = json.loads(Path(path).read_text(encoding="utf-8"))
    return docs


DOCUMENTS = _shipped_documents()
SET_NAMES = sorted(DOCUMENTS)


def test_the_shipped_sets_are_there_for_the_properties() -> None:
    # The properties below run on every set found; make sure the shipped
    # ones are among them rather than silently testing only the factory's.
    assert {"biometric-vendor", "all-types"} <= set(DOCUMENTS)


def check_load(document: object) -> Questionnaire | None:
    """Load, accepting only a model or InvalidQuestionnaire with sane problems."""
    try:
        return questionnaire_from_json(document, "<prop>")
    except InvalidQuestionnaire as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.source == "<prop>"
            assert problem.path.startswith("$")
            assert problem.message.strip()
        return None


# --- 1. arbitrary JSON values ---------------------------------------------------------------

# Keys and strings of the format, so random objects often look almost right
# and reach the deeper checks instead of failing at the top.
VOCABULARY = [
    "$schema", "format", "id", "version", "title", "description", "language", "scoring", "sections",
    "tiers", "label", "min_score", "unanswered", "max_risk", "exclude", "questions", "weight",
    "visible_if", "type", "text", "help", "references", "required", "flags", "when", "severity",
    "message", "risk", "allow_unknown", "options", "value", "min_selected", "max_selected",
    "multiline", "max_length", "pattern", "min", "max", "integer", "unit", "risk_bands", "accept",
    "max_files", "risk_if_missing", "fields", "min_items", "max_items", "answer", "equals",
    "not_equals", "in", "includes", "gt", "gte", "lt", "lte", "answered", "all", "any", "not",
    "yes_no", "single_choice", "multi_choice", "number", "date", "evidence", "list", "yes", "no",
    "unknown", "info", "warning", "knockout", "duediligence/questionnaire@1", "1.0.0", "a", "b",
    "2026-01-01", "test-set",
]

QUESTION_TYPES = ["yes_no", "single_choice", "multi_choice", "text", "number", "date", "evidence", "list"]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(VOCABULARY)
)
json_keys = st.sampled_from(VOCABULARY) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(json_keys, children, max_size=6),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json_gives_a_model_or_invalid_questionnaire(value: object) -> None:
    check_load(value)


def _skeleton(sections: object) -> dict[str, Any]:
    return {
        "format": "duediligence/questionnaire@1",
        "id": "prop-set",
        "version": "1.0.0",
        "title": "Prop",
        "scoring": {"tiers": [{"id": "low", "label": "Low", "min_score": 0}]},
        "sections": sections,
    }


small_values = st.recursive(json_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(json_keys, c, max_size=3), max_leaves=8)
question_like = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c"]), "type": st.sampled_from(QUESTION_TYPES), "text": st.just("Q")},
    optional={key: small_values for key in ("visible_if", "flags", "risk", "options", "risk_bands", "fields", "min", "max", "weight", "pattern", "allow_unknown")},
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"id": st.sampled_from(["s", "t"]), "title": st.just("S"), "questions": st.lists(question_like, min_size=1, max_size=4)},
            optional={"visible_if": small_values, "weight": json_scalars},
        ),
        min_size=1,
        max_size=3,
    )
)
def test_arbitrary_questions_in_a_valid_skeleton(sections: list) -> None:
    check_load(_skeleton(sections))


# --- 2. mutations of the shipped sets ----------------------------------------------------------


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``node`` (not the root)."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append(prefix + (key,))
            out.extend(_paths(value, prefix + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.append(prefix + (index,))
            out.extend(_paths(value, prefix + (index,)))
    return out


PATHS = {name: _paths(doc) for name, doc in DOCUMENTS.items()}
ID_PATHS = {name: [p for p in paths if p[-1] == "id"] for name, paths in PATHS.items()}
QUESTION_PATHS = {
    name: [(s, q) for s, section in enumerate(doc["sections"]) for q in range(len(section["questions"]))]
    for name, doc in DOCUMENTS.items()
}


def _parent(doc: Any, path: tuple) -> Any:
    node = doc
    for part in path[:-1]:
        node = node[part]
    return node


def _mutate(data: st.DataObject, name: str) -> Any:
    doc = copy.deepcopy(DOCUMENTS[name])
    kind = data.draw(st.sampled_from(["delete", "replace", "duplicate", "rename", "move"]), label="mutation")
    if kind == "delete":
        path = data.draw(st.sampled_from(PATHS[name]), label="path")
        parent = _parent(doc, path)
        del parent[path[-1]]
    elif kind == "replace":
        path = data.draw(st.sampled_from(PATHS[name]), label="path")
        _parent(doc, path)[path[-1]] = data.draw(json_values, label="value")
    elif kind == "duplicate":
        s, q = data.draw(st.sampled_from(QUESTION_PATHS[name]), label="question")
        target = data.draw(st.sampled_from(QUESTION_PATHS[name]), label="to")
        doc["sections"][target[0]]["questions"].insert(target[1], copy.deepcopy(doc["sections"][s]["questions"][q]))
    elif kind == "rename":
        path = data.draw(st.sampled_from(ID_PATHS[name]), label="id")
        existing = [_parent(DOCUMENTS[name], p)[p[-1]] for p in ID_PATHS[name]]
        new = data.draw(st.sampled_from(existing) | st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), label="new id")
        _parent(doc, path)[path[-1]] = new
    else:  # move a question elsewhere: conditions may now look forward
        s, q = data.draw(st.sampled_from(QUESTION_PATHS[name]), label="question")
        moved = doc["sections"][s]["questions"].pop(q)
        target = data.draw(st.sampled_from(QUESTION_PATHS[name]), label="to")
        questions = doc["sections"][min(target[0], len(doc["sections"]) - 1)]["questions"]
        questions.insert(min(target[1], len(questions)), moved)
    return doc


@pytest.mark.parametrize("name", SET_NAMES)
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_mutated_sets_give_a_model_or_invalid_questionnaire(name: str, data: st.DataObject) -> None:
    check_load(_mutate(data, name))


@pytest.mark.parametrize("name", SET_NAMES)
def test_unmutated_sets_load(name: str) -> None:
    assert check_load(copy.deepcopy(DOCUMENTS[name])) is not None


# --- 3. random valid answers ---------------------------------------------------------------------

FAR_PAST = date(1900, 1, 1)
FAR_FUTURE = date(2100, 12, 31)
SAFE_TEXT = st.characters(min_codepoint=32, max_codepoint=126)


def _sized_list(element: st.SearchStrategy, low: int | None, high: int | None, unique: bool = False, cap: int = 4) -> st.SearchStrategy:
    """[] (unanswered) or a list within [low, high]."""
    low = low or 0
    high = high if high is not None else max(low, cap)
    filled = st.lists(element, min_size=max(low, 1), max_size=max(high, 1), unique=unique)
    return st.just([]) | filled


def answer_strategy(question: Question) -> st.SearchStrategy:
    """Valid answer values for one question, built from the model."""
    if isinstance(question, YesNoQuestion):
        return st.sampled_from(question.allowed_values)
    if isinstance(question, ChoiceQuestion) and question.type == "single_choice":
        return st.sampled_from(question.option_values)
    if isinstance(question, ChoiceQuestion):
        values = question.option_values
        return _sized_list(st.sampled_from(values), question.min_selected, question.max_selected or len(values), unique=True)
    if isinstance(question, TextQuestion):
        limit = min(question.max_length or 60, 60)
        if question.pattern:
            return st.from_regex(question.pattern, fullmatch=True, alphabet=SAFE_TEXT).filter(lambda s: len(s) <= limit)
        return st.text(max_size=limit)
    if isinstance(question, NumberQuestion):
        low = question.min if question.min is not None else -1e9
        high = question.max if question.max is not None else 1e9
        if question.integer:
            return st.integers(min_value=int(-(-low // 1)), max_value=int(high // 1))
        return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)
    if isinstance(question, DateQuestion):
        return st.dates(min_value=question.min or FAR_PAST, max_value=question.max or FAR_FUTURE).map(date.isoformat)
    if isinstance(question, EvidenceQuestion):
        extension = st.sampled_from(question.accept or (".pdf", ".png"))
        file = st.fixed_dictionaries(
            {
                "name": st.tuples(st.text(alphabet="abcxyz-_ ", min_size=1, max_size=20), extension).map("".join),
                "size": st.integers(min_value=0, max_value=10**9),
                "sha256": st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
            }
        )
        return _sized_list(file, 0, question.max_files, cap=3)
    if isinstance(question, ListQuestion):
        item = st.fixed_dictionaries({}, optional={f.id: answer_strategy(f) for f in question.fields})
        return _sized_list(item, question.min_items, question.max_items, cap=3)
    raise AssertionError(f"no strategy for {question.type}")


def answers_strategy(q: Questionnaire) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={x.id: st.none() | answer_strategy(x) for x in q.questions})


MODELS = {name: questionnaire_from_json(copy.deepcopy(doc), name) for name, doc in DOCUMENTS.items()}


@pytest.mark.parametrize("name", SET_NAMES)
@settings(max_examples=100, deadline=None)
@given(data=st.data(), today=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_random_valid_answers_validate_and_score_within_0_to_100(name: str, data: st.DataObject, today: date) -> None:
    q = MODELS[name]
    answers = data.draw(answers_strategy(q), label="answers")
    raw = answers_doc(q, answers)
    assert answers_problems(q, raw) == []
    document = answers_from_json(q, raw)
    result = score_answers(q, document.answers, today)
    assert 0 <= result.overall <= 100
    assert result.tier in q.scoring.tiers
    assert result.tier == max((t for t in q.scoring.tiers if t.min_score <= result.overall), key=lambda t: t.min_score)
    for value in result.sections.values():
        assert value is None or 0 <= value <= 100
    assert 0 <= result.completeness.answered <= result.completeness.required
    assert result.knockout == any(f.severity == "knockout" for f in result.flags)
    json.dumps(result.to_json(), allow_nan=False)  # the CLI's --json output is real JSON


# --- 4. arbitrary bytes --------------------------------------------------------------------------


def _raises_only_invalid_questionnaire(data: bytes) -> None:
    try:
        load_questionnaire_bytes(data, "<bytes>")
    except InvalidQuestionnaire as exc:
        assert exc.problems
        assert all(p.source == "<bytes>" and p.path.startswith("$") for p in exc.problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_invalid_questionnaire(data: bytes) -> None:
    _raises_only_invalid_questionnaire(data)


SEED_BYTES = json.dumps(every_type_set()).encode()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(SEED_BYTES) - 1), st.integers(0, 40), st.binary(max_size=6)),
        min_size=1,
        max_size=4,
    )
)
def test_spliced_set_bytes_raise_only_invalid_questionnaire(edits: list[tuple[int, int, bytes]]) -> None:
    # Start from a valid file and cut or insert bytes: these reach the
    # parser's and the schema's error paths much more often than noise does.
    data = SEED_BYTES
    for start, length, insert in edits:
        data = data[:start] + insert + data[start + length :]
    _raises_only_invalid_questionnaire(data)
