"""Import and export of answers documents, and the question set library."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from duediligence import services
from duediligence.errors import ImmutableAssessment, InvalidAnswers, InvalidQuestionnaire, NotFound
from duediligence.storage.store import Store
from tests.storage.fixtures import POLICY, fill, table_counts
from tests.storage.sets import STANDARD_ANSWERS, answers_document, source_of, standard_set


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def set_file(tmp_path: Path) -> Path:
    return write_json(tmp_path / "set.json", standard_set())


def test_import_with_the_set_file_adds_it_to_the_library(store: Store, set_file: Path, tmp_path: Path) -> None:
    document = answers_document(standard_set(), STANDARD_ANSWERS, comments={"consent": "on the call"})
    result = services.import_answers_file(store, write_json(tmp_path / "a.json", document), set_file)
    view = services.open_assessment(store, result.assessment_id)
    assert view.answers == STANDARD_ANSWERS and view.comments == {"consent": "on the call"}
    assert (view.summary.vendor_name, view.summary.assessor_name, view.summary.status) == ("Acme Face Inc.", "Jane Buyer", "draft")
    library = [r for r in services.list_questionnaires(store) if r.questionnaire_id == "store-test"]
    assert [(r.version, r.source) for r in library] == [("1.0.0", "library")]
    actions = [e.action for e in services.audit_trail(store, result.assessment_id)]
    assert actions == ["assessment_created"] + ["answer_imported"] * len(STANDARD_ANSWERS) + ["comment_set"]
    # Once in the library, the set is found without the file.
    assert services.import_answers_file(store, tmp_path / "a.json").assessment_id != result.assessment_id


def test_import_of_a_set_not_in_the_library_says_what_to_do(store: Store, tmp_path: Path) -> None:
    document = answers_document(standard_set(), STANDARD_ANSWERS)
    with pytest.raises(NotFound, match="--questionnaire FILE"):
        services.import_answers_file(store, write_json(tmp_path / "a.json", document))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["answers"].update(consent="perhaps"), "'perhaps' is not one of"),
        (lambda d: d["answers"].update(unknown_q=1), "unknown question id"),
        (lambda d: d.pop("vendor"), "missing required key 'vendor'"),
        (lambda d: d["questionnaire"].update(version="2.0.0"), "2.0.0"),
    ],
)
def test_an_invalid_document_imports_nothing(store: Store, set_file: Path, tmp_path: Path, change: object, message: str) -> None:
    services.add_questionnaire_file(store, set_file)
    before = table_counts(store.path)
    document = answers_document(standard_set(), dict(STANDARD_ANSWERS))
    change(document)  # type: ignore[operator]
    with pytest.raises((InvalidAnswers, InvalidQuestionnaire, NotFound), match=message):
        services.import_answers_file(store, write_json(tmp_path / "bad.json", document), set_file)
    assert table_counts(store.path) == before


def test_not_json_imports_nothing(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidAnswers, match="not valid JSON"):
        services.import_answers_file(store, bad)


def test_export_reimports_to_the_same_answers_with_the_evidence(store: Store, draft: int, tmp_path: Path) -> None:
    fill(store, draft, tmp_path, comment="a comment \u2713")
    out = tmp_path / "out" / "acme.json"
    result = services.write_json_export(store, draft, out)
    sha = hashlib.sha256(POLICY).hexdigest()
    assert result.evidence_written == 1 and (out.parent / "evidence" / sha).read_bytes() == POLICY
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["format"] == "duediligence/answers@1"

    elsewhere = services.open_store(tmp_path / "second store")
    try:
        imported = services.import_answers_file(elsewhere, out, questionnaire_path=write_json(tmp_path / "s.json", standard_set()))
        assert imported.evidence_stored == 1 and imported.evidence_missing == ()
        original = services.open_assessment(store, draft)
        copy = services.open_assessment(elsewhere, imported.assessment_id)
        assert copy.answers == original.answers and copy.comments == original.comments
        assert all(e.available for e in copy.evidence)
        again = tmp_path / "again.json"
        services.write_json_export(elsewhere, imported.assessment_id, again)
        assert json.loads(again.read_text(encoding="utf-8")) == exported
    finally:
        elsewhere.close()


def test_evidence_named_but_absent_is_recorded_and_reported(store: Store, set_file: Path, tmp_path: Path) -> None:
    answers = dict(STANDARD_ANSWERS, policy=[{"name": "lost.pdf", "size": 5, "sha256": "cd" * 32}])
    path = write_json(tmp_path / "a.json", answers_document(standard_set(), answers))
    result = services.import_answers_file(store, path, set_file)
    assert result.evidence_missing == ("cd" * 32,)
    [record] = services.open_assessment(store, result.assessment_id).evidence
    assert (record.name, record.available) == ("lost.pdf", False)


def test_evidence_beside_the_document_that_does_not_match_its_hash_is_refused(store: Store, set_file: Path, tmp_path: Path) -> None:
    answers = dict(STANDARD_ANSWERS, policy=[{"name": "p.pdf", "size": 5, "sha256": "cd" * 32}])
    path = write_json(tmp_path / "a.json", answers_document(standard_set(), answers))
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / ("cd" * 32)).write_bytes(b"swapped content")
    before = table_counts(store.path)
    with pytest.raises(Exception, match="does not match its sha256"):
        services.import_answers_file(store, path, set_file)
    assert table_counts(store.path) == before


def test_import_into_an_existing_assessment(store: Store, draft: int, tmp_path: Path) -> None:
    services.set_answer(store, draft, "notes", "kept")
    services.set_answer(store, draft, "hours", 5)
    document = answers_document(standard_set(), {"consent": "no", "hours": None}, comments={"consent": "from file"})
    result = services.apply_answers_file(store, draft, write_json(tmp_path / "a.json", document))
    assert result.assessment_id == draft
    view = services.open_assessment(store, draft)
    assert view.answers == {"notes": "kept", "consent": "no"}
    assert view.comments == {"consent": "from file"}
    services.finalise(store, draft, allow_incomplete=True)
    with pytest.raises(ImmutableAssessment):
        services.apply_answers_file(store, draft, tmp_path / "a.json")


def test_the_library_lists_built_in_and_added_sets(store: Store, set_file: Path) -> None:
    builtin = {(r.questionnaire_id, r.version) for r in services.list_questionnaires(store) if r.source == "built-in"}
    assert ("biometric-vendor", "1.0.0") in builtin
    first = services.add_questionnaire_file(store, set_file)
    again = services.add_questionnaire_file(store, set_file)
    assert first.added and not again.added and first.record == again.record
    with pytest.raises(InvalidQuestionnaire):
        services.add_questionnaire_file(store, set_file.parent / "missing.json")


def test_a_built_in_set_is_pinned_into_the_library_when_used(store: Store) -> None:
    from duediligence.questionnaire import Vendor

    source = services.find_set(store, "biometric-vendor", "1.0.0")
    assessment_id = services.create_assessment(store, source, Vendor("Acme"))
    records = [r for r in services.list_questionnaires(store) if r.questionnaire_id == "biometric-vendor"]
    assert [(r.source, r.sha256) for r in records] == [("library", source.questionnaire.sha256)]
    assert services.open_assessment(store, assessment_id).questionnaire.question_count == source.questionnaire.question_count


def test_a_stored_set_is_used_even_if_the_file_changes_later(store: Store, tmp_path: Path) -> None:
    from duediligence.questionnaire import Vendor

    assessment_id = services.create_assessment(store, source_of(standard_set()), Vendor("Acme"))
    edited = standard_set()
    edited["title"] = "Edited on disk"
    path = write_json(tmp_path / "set.json", edited)
    with pytest.raises(Exception, match="different content"):
        services.add_questionnaire_file(store, path)
    assert services.open_assessment(store, assessment_id).questionnaire.title == "Store test set 1.0.0"
