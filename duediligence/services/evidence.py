"""Attaching and removing evidence files.

The bytes go to the blob store first (durable, by sha256), then the
attachment is recorded as a change of the evidence question's answer,
with its audit event and the new score, in one transaction. Removing an
attachment leaves the blob: other assessments, final revisions and
backups may name the same content.
"""

from __future__ import annotations

import copy
import mimetypes
import re
from pathlib import Path

from duediligence.errors import EvidenceError, NotFound
from duediligence.questionnaire.model import EvidenceQuestion
from duediligence.services.answers import AnswerChange, apply_answer
from duediligence.services.editing import edit, ensure_editable
from duediligence.storage.repository import questionnaire_of, write_target
from duediligence.storage.store import Store

MAX_NAME_LENGTH = 255
#: Bidirectional embedding, override and isolate controls: in a file name
#: they only serve to disguise it ("invoice\u202efdp.exe" shows as
#: "invoiceexe.pdf"), so the kept name shows each as U+FFFD instead.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def evidence_question(store: Store, assessment_id: int, question_id: str) -> EvidenceQuestion:
    """The question, checked before any bytes are copied: the assessment
    may change and the question takes files."""
    with store.read() as session:
        target = write_target(session, assessment_id)
        ensure_editable(target)
        questionnaire = questionnaire_of(session, store.questionnaires, target.questionnaire_row_id, target.questionnaire_sha256)
    question = questionnaire.questions_by_id.get(question_id)
    if not isinstance(question, EvidenceQuestion):
        what = "no question" if question is None else f"a {question.type} question, not an evidence question"
        raise EvidenceError(f"{question_id!r} is {what} in assessment {assessment_id}")
    return question


def display_name(path: Path) -> str:
    """The name kept for the user (never used on disk), cut to the limit
    with its extension kept."""
    name = BIDI_CONTROLS.sub("\ufffd", path.name)
    if len(name) <= MAX_NAME_LENGTH:
        return name
    suffix = BIDI_CONTROLS.sub("\ufffd", path.suffix)
    return name[: MAX_NAME_LENGTH - len(suffix)] + suffix


def attach_evidence(
    store: Store, assessment_id: int, question_id: str, path: str | Path, who: str | None = None, media_type: str | None = None
) -> AnswerChange:
    source = Path(path)
    question = evidence_question(store, assessment_id, question_id)
    store.blobs.check_file(source)
    name = display_name(source)
    if question.accept and not name.lower().endswith(question.accept):
        raise EvidenceError(f"{source}: {question_id!r} accepts only {', '.join(question.accept)} files")
    blob = store.blobs.add_file(source)
    item = {
        "name": name,
        "size": blob.size,
        "sha256": blob.sha256,
        "media_type": media_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
    }
    with edit(store, assessment_id, who) as change:
        current = list(change.answers.get(question_id) or [])  # type: ignore[call-overload]
        if any(existing["sha256"] == blob.sha256 for existing in current):
            raise EvidenceError(f"{source} is already attached to {question_id!r} (same content)")
        apply_answer(change, question_id, [*current, item], action="evidence_attached")
        new = copy.deepcopy(change.answers.get(question_id))
    return AnswerChange(assessment_id, question_id, copy.deepcopy(current) or None, new, True, change.saved_score)


def remove_evidence(store: Store, assessment_id: int, question_id: str, sha256: str, who: str | None = None) -> AnswerChange:
    with edit(store, assessment_id, who) as change:
        current = list(change.answers.get(question_id) or [])  # type: ignore[call-overload]
        kept = [item for item in current if item["sha256"] != sha256]
        if len(kept) == len(current):
            raise NotFound(f"no file with sha256 {sha256} is attached to {question_id!r} in assessment {assessment_id}")
        apply_answer(change, question_id, kept, action="evidence_removed")
        new = copy.deepcopy(change.answers.get(question_id))
    return AnswerChange(assessment_id, question_id, copy.deepcopy(current), new, True, change.saved_score)


def evidence_file(store: Store, sha256: str) -> Path:
    """Where the bytes of an attached file are (to open or copy them)."""
    if not store.blobs.has(sha256):
        raise NotFound(f"the evidence file {sha256} is not in this store; it may have been imported without its bytes")
    return store.blobs.path_for(sha256)
