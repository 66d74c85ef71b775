"""Importing and exporting answers documents (``duediligence/answers@1``).

An import is all or nothing: the whole document is checked against its
question set before the first row is written, and everything it creates
(vendor, assessment, answers, comments, audit events) is one transaction.

Evidence travels beside the document, named by sha256: export copies the
stored bytes to ``evidence/<sha256>`` next to the JSON file, and import
looks there (and right beside the document) for each file the document
lists. A listed file that is not found is still recorded (name, size,
hash) and reported, so it can be attached later.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from duediligence.errors import DueDiligenceError, InvalidAnswers, Problem
from duediligence.questionnaire.answers import AnswersDocument, Assessor, Vendor, answers_from_json, read_answers_json
from duediligence.questionnaire.model import EvidenceQuestion, Questionnaire
from duediligence.services.answers import apply_answer, apply_comment
from duediligence.services.assessments import AssessmentView, open_assessment, start_assessment
from duediligence.services.editing import edit, finish_edit
from duediligence.services.library import SetSource, find_set, read_set_file
from duediligence.storage.files import atomic_write, fsync_dir
from duediligence.storage.repository import stored_comments, vendor_details
from duediligence.storage.store import Store

EVIDENCE_FOLDER = "evidence"


@dataclass(frozen=True)
class ImportResult:
    assessment_id: int
    evidence_stored: int
    #: Files the document lists whose bytes were not found beside it.
    evidence_missing: tuple[str, ...]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    evidence_written: int
    evidence_missing: tuple[str, ...]


def target_of(raw: object, source: str) -> tuple[str, str]:
    """The question set id and version an answers document names."""
    target = raw.get("questionnaire") if isinstance(raw, dict) else None
    if not (isinstance(target, dict) and isinstance(target.get("id"), str) and isinstance(target.get("version"), str)):
        raise InvalidAnswers(
            [Problem(source, "$.questionnaire", 'missing: name the question set as {"id": ..., "version": ...}')]
        )
    return target["id"], target["version"]


def set_for_document(store: Store, raw: object, source: str, questionnaire_path: str | os.PathLike[str] | None) -> SetSource:
    questionnaire_id, version = target_of(raw, source)
    if questionnaire_path is None:
        return find_set(store, questionnaire_id, version)
    given = read_set_file(questionnaire_path)
    q = given.questionnaire
    if (q.id, q.version) != (questionnaire_id, version):
        raise InvalidAnswers(
            [Problem(source, "$.questionnaire", f"answers are for {questionnaire_id} {version}, but {questionnaire_path} is {q.id} {q.version}")]
        )
    return given


def evidence_items(questionnaire: Questionnaire, answers: Mapping[str, object]) -> Iterator[dict[str, object]]:
    for question in questionnaire.questions:
        if isinstance(question, EvidenceQuestion):
            yield from answers.get(question.id) or []  # type: ignore[misc]


def bring_evidence(store: Store, document_path: Path, items: list[dict[str, object]]) -> tuple[int, tuple[str, ...]]:
    """Store the bytes of each listed file found beside the document;
    return how many were stored and the hashes not found."""
    stored = 0
    missing = []
    for item in items:
        sha256 = str(item["sha256"])
        if store.blobs.has(sha256):
            continue
        for candidate in (document_path.parent / EVIDENCE_FOLDER / sha256, document_path.parent / sha256):
            if candidate.is_file():
                with open(candidate, "rb") as reader:
                    store.blobs.add_stream(reader, str(candidate), expected_sha256=sha256)
                stored += 1
                break
        else:
            missing.append(sha256)
    return stored, tuple(dict.fromkeys(missing))


def import_answers_file(
    store: Store, path: str | os.PathLike[str], questionnaire_path: str | os.PathLike[str] | None = None, who: str | None = None
) -> ImportResult:
    """Create a vendor (if new) and an assessment from an answers document."""
    document_path = Path(path)
    raw = read_answers_json(document_path)
    source = set_for_document(store, raw, str(document_path), questionnaire_path)
    document = answers_from_json(source.questionnaire, raw, str(document_path))
    stored, missing = bring_evidence(store, document_path, list(evidence_items(source.questionnaire, document.answers)))
    with store.write() as session:
        change = start_assessment(store, session, source, document.vendor, document.assessor, who)
        for question_id, value in document.answers.items():
            apply_answer(change, question_id, value, action="answer_imported")
        for question_id, text in document.comments.items():
            apply_comment(change, question_id, text, None)
        finish_edit(change)
    return ImportResult(change.assessment_id, stored, missing)


def apply_answers_file(store: Store, assessment_id: int, path: str | os.PathLike[str], who: str | None = None) -> ImportResult:
    """Set every answer and comment a document gives on an existing
    assessment (``null`` clears one); those it does not mention stay."""
    document_path = Path(path)
    raw = read_answers_json(document_path)
    with edit(store, assessment_id, who) as change:
        document = answers_from_json(change.questionnaire, raw, str(document_path))
        stored, missing = bring_evidence(store, document_path, list(evidence_items(change.questionnaire, document.answers)))
        for question_id in raw["answers"]:  # type: ignore[index]
            apply_answer(change, question_id, document.answers.get(question_id), action="answer_imported")
        comments = stored_comments(change.connection, assessment_id)
        for question_id, text in document.comments.items():
            apply_comment(change, question_id, text, comments.get(question_id))
    return ImportResult(assessment_id, stored, missing)


def export_answers(store: Store, assessment_id: int) -> AnswersDocument:
    """The assessment as an answers document that imports to the same answers."""
    return answers_document(store, open_assessment(store, assessment_id))


def answers_document(store: Store, view: AssessmentView) -> AnswersDocument:
    with store.read() as session:
        name, website, contact = vendor_details(session, view.summary.vendor_id)
    order = [q.id for q in view.questionnaire.questions]
    return AnswersDocument(
        questionnaire_id=view.questionnaire.id,
        questionnaire_version=view.questionnaire.version,
        vendor=Vendor(name, website, contact),
        assessor=Assessor(view.summary.assessor_name, view.summary.assessor_organisation),
        answers={qid: view.answers[qid] for qid in order if qid in view.answers},
        comments={qid: view.comments[qid] for qid in order if qid in view.comments},
    )


def write_json_export(store: Store, assessment_id: int, out: str | os.PathLike[str]) -> ExportResult:
    """Write the answers document to ``out`` (atomically) and the evidence
    bytes to ``evidence/`` beside it."""
    target = Path(out)
    view = open_assessment(store, assessment_id)
    text = json.dumps(answers_document(store, view).to_json(), indent=2, ensure_ascii=False) + "\n"
    try:
        with atomic_write(target) as handle:
            handle.write(text.encode("utf-8"))
    except OSError as exc:
        raise DueDiligenceError(f"cannot write {target}: {exc.strerror or exc}") from exc
    folder = target.parent / EVIDENCE_FOLDER
    written = 0
    missing = []
    for record in view.evidence:
        copy = folder / record.sha256
        if not record.available:
            missing.append(record.sha256)
        elif not copy.exists():
            folder.mkdir(exist_ok=True)
            shutil.copyfile(store.blobs.path_for(record.sha256), copy)
            written += 1
    if written:
        fsync_dir(folder)
    return ExportResult(target, written, tuple(dict.fromkeys(missing)))
