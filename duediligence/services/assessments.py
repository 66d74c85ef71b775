"""Assessments: create, list, open, the review workflow, revisions and
moving to a newer question set version.

Status moves ``draft`` -> ``in_review`` -> ``final`` (and back from
review to draft). A final assessment never changes again; to change its
content, ``new_revision`` copies it into a new draft that names the one
it supersedes. An assessment that has been superseded is read-only too,
so there is one current revision to edit. Nothing here deletes anything.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from duediligence.errors import DueDiligenceError, WorkflowError
from duediligence.questionnaire.answers import Assessor, Vendor, answer_problems
from duediligence.questionnaire.model import ChoiceQuestion, Questionnaire
from duediligence.questionnaire.scoring import Score, score_answers
from duediligence.services.answers import apply_answer, apply_comment
from duediligence.services.editing import Edit, begin_edit, edit, finish_edit
from duediligence.services.library import SetSource, semver_key, store_set
from duediligence.storage.models import STATUSES, Signature, utc_now
from duediligence.storage.records import AssessmentSummary, AuditEntry, EvidenceRecord, SignatureRecord
from duediligence.storage.repository import (
    audit_entries,
    copy_content,
    evidence_of,
    find_or_add_vendor,
    get_summary,
    insert_assessment,
    list_summaries,
    questionnaire_of,
    signatures_of,
    stored_answers,
    stored_comments,
    write_target,
)
from duediligence.storage.store import Store

# --- create, list, open ----------------------------------------------------------------


def start_assessment(
    store: Store, session: Session, source: SetSource, vendor: Vendor, assessor: Assessor, who: str | None
) -> Edit:
    """Insert a new draft (and its vendor and question set if new) inside
    the caller's transaction; the caller adds answers and finishes the edit."""
    row, _ = store_set(session, source)
    now = utc_now()
    vendor_id = find_or_add_vendor(session, vendor.name, vendor.website, vendor.contact, now)
    assessment_id = insert_assessment(
        session, vendor_id=vendor_id, questionnaire_row_id=row.id,
        assessor_name=assessor.name, assessor_organisation=assessor.organisation, now=now,
    )
    change = begin_edit(store, session, assessment_id, who)
    change.record(
        "assessment_created",
        new={
            "vendor": vendor.name,
            "questionnaire": {"id": row.questionnaire_id, "version": row.version, "sha256": row.sha256},
            "assessor": {"name": assessor.name, "organisation": assessor.organisation},
        },
    )
    return change


def create_assessment(
    store: Store, source: SetSource, vendor: Vendor, assessor: Assessor = Assessor(), who: str | None = None
) -> int:
    """A new draft assessment of ``vendor`` on the set ``source``; its id."""
    with store.write() as session:
        change = start_assessment(store, session, source, vendor, assessor, who)
        finish_edit(change)
        return change.assessment_id


def list_assessments(store: Store, *, status: str | None = None, search: str | None = None) -> list[AssessmentSummary]:
    """All assessments (newest change first) with their cached scores."""
    if status is not None and status not in STATUSES:
        raise DueDiligenceError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}")
    with store.read() as session:
        return list_summaries(session, status=status, search=search)


def get_assessment(store: Store, assessment_id: int) -> AssessmentSummary:
    with store.read() as session:
        return get_summary(session, assessment_id)


@dataclass(frozen=True)
class AssessmentView:
    """Everything a window or a report needs about one assessment."""

    summary: AssessmentSummary
    questionnaire: Questionnaire
    answers: dict[str, object]
    comments: dict[str, str]
    evidence: tuple[EvidenceRecord, ...]
    signatures: tuple[SignatureRecord, ...]
    #: Computed now (visibility, flags, completeness), as of ``as_of``.
    score: Score
    as_of: date


def open_assessment(store: Store, assessment_id: int, as_of: date | None = None) -> AssessmentView:
    day = as_of or date.today()
    with store.read() as session:
        summary = get_summary(session, assessment_id)
        target = write_target(session, assessment_id)
        questionnaire = questionnaire_of(session, store.questionnaires, target.questionnaire_row_id, target.questionnaire_sha256)
        answers = stored_answers(session, assessment_id, questionnaire)
        comments = stored_comments(session, assessment_id)
        evidence = tuple(evidence_of(session, assessment_id, store.blobs.has))
        signatures = tuple(signatures_of(session, assessment_id))
    # Same snapshot as the head: the first change after opening starts warm.
    # A copy, so that a caller changing the view cannot change the cache.
    store.answers_cache.put(assessment_id, target.head.hash, copy.deepcopy(answers))
    score = score_answers(questionnaire, answers, day)
    return AssessmentView(summary, questionnaire, answers, comments, evidence, signatures, score, day)


def audit_trail(store: Store, assessment_id: int) -> list[AuditEntry]:
    """The assessment's audit events, oldest first."""
    with store.read() as session:
        get_summary(session, assessment_id)  # NotFound for a wrong id
        return audit_entries(session, assessment_id)


# --- the workflow -------------------------------------------------------------------------


def change_status(change: Edit, new_status: str, allowed_from: tuple[str, ...]) -> None:
    old = change.target.status
    if old not in allowed_from:
        raise WorkflowError(
            f"assessment {change.assessment_id} is {old.replace('_', ' ')}; only an assessment that is "
            f"{' or '.join(s.replace('_', ' ') for s in allowed_from)} can move to {new_status.replace('_', ' ')}"
        )
    change.columns["status"] = new_status
    change.record("status_changed", old=old, new=new_status)


def move_to_review(store: Store, assessment_id: int, who: str | None = None) -> None:
    with edit(store, assessment_id, who) as change:
        change_status(change, "in_review", ("draft",))


def return_to_draft(store: Store, assessment_id: int, who: str | None = None) -> None:
    with edit(store, assessment_id, who) as change:
        change_status(change, "draft", ("in_review",))


def finalise(store: Store, assessment_id: int, who: str | None = None, *, allow_incomplete: bool = False) -> AssessmentSummary:
    """Make the assessment final: from now on nothing about it changes.
    Refused while required questions are unanswered, unless ``allow_incomplete``."""
    with edit(store, assessment_id, who) as change:
        missing = change.score().completeness.missing
        if missing and not allow_incomplete:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise WorkflowError(
                f"assessment {assessment_id} cannot be finalised: {len(missing)} required "
                f"question(s) unanswered: {shown}. Answer them, or finalise it incomplete "
                "(--allow-incomplete)."
            )
        change_status(change, "final", ("draft", "in_review"))
        change.columns["finalised_at"] = change.now
    return get_assessment(store, assessment_id)


def record_signature(
    store: Store,
    assessment_id: int,
    *,
    signer_subject: str,
    certificate_sha256: str,
    report_sha256: str,
    who: str | None = None,
) -> SignatureRecord:
    """Record that the final assessment's report was signed (the signing itself is ``report/``)."""
    with edit(store, assessment_id, who, check_editable=False) as change:
        if change.target.status != "final":
            raise WorkflowError(f"assessment {assessment_id} is not final; finalise it before signing")
        signature = Signature(
            assessment_id=assessment_id, signer_subject=signer_subject,
            certificate_sha256=certificate_sha256, signed_at=change.now, report_sha256=report_sha256,
        )
        change.session.add(signature)
        change.session.flush()
        change.record(
            "signed",
            new={"signer": signer_subject, "certificate_sha256": certificate_sha256, "report_sha256": report_sha256},
        )
        return SignatureRecord(signature.id, signer_subject, certificate_sha256, change.now, report_sha256)


# --- revisions and upgrades ----------------------------------------------------------------


def successor_check(summary: AssessmentSummary) -> None:
    if summary.superseded_by is not None:
        raise WorkflowError(
            f"assessment {summary.id} already has a newer revision, {summary.superseded_by}; work on that one"
        )


def new_revision(store: Store, assessment_id: int, who: str | None = None) -> int:
    """Copy a final assessment into a new draft that supersedes it; the new id."""
    with store.write() as session:
        summary = get_summary(session, assessment_id)
        successor_check(summary)
        if summary.status != "final":
            raise WorkflowError(
                f"assessment {assessment_id} is {summary.status.replace('_', ' ')}, not final; change it directly"
            )
        source = write_target(session, assessment_id)
        new_id = insert_assessment(
            session, vendor_id=summary.vendor_id, questionnaire_row_id=source.questionnaire_row_id,
            assessor_name=summary.assessor_name, assessor_organisation=summary.assessor_organisation,
            now=utc_now(), revision=summary.revision + 1, supersedes_id=assessment_id,
        )
        copy_content(session, assessment_id, new_id)
        change = begin_edit(store, session, new_id, who)
        change.record(
            "revision_created",
            new={"supersedes": assessment_id, "supersedes_audit_head": source.head.hash, "revision": summary.revision + 1},
        )
        finish_edit(change)
        return new_id


@dataclass(frozen=True)
class DroppedAnswer:
    question_id: str
    old_value: object
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"question": self.question_id, "old_value": self.old_value, "reason": self.reason}


@dataclass(frozen=True)
class UpgradeReport:
    """The new revision, what was carried over and what was not, and why."""

    assessment_id: int
    from_version: str
    to_version: str
    carried: tuple[str, ...]
    dropped: tuple[DroppedAnswer, ...]


def carry_over(old: Questionnaire, new: Questionnaire, answers: dict[str, object]) -> tuple[dict[str, object], list[DroppedAnswer]]:
    """Split answers to ``old`` into those still valid for ``new`` (by
    question id) and those dropped, each with the reason."""
    kept: dict[str, object] = {}
    dropped: list[DroppedAnswer] = []
    for question_id, value in answers.items():
        target = new.questions_by_id.get(question_id)
        before = old.questions_by_id.get(question_id)
        if target is None:
            dropped.append(DroppedAnswer(question_id, value, "removed"))
        elif before is not None and before.type != target.type:
            dropped.append(DroppedAnswer(question_id, value, f"type changed from {before.type} to {target.type}"))
        elif problems := answer_problems(new, question_id, value):
            dropped.append(DroppedAnswer(question_id, value, drop_reason(target, value, problems)))
        else:
            kept[question_id] = value
    return kept, dropped


def drop_reason(question: object, value: object, problems: list[str]) -> str:
    if isinstance(question, ChoiceQuestion):
        chosen = value if isinstance(value, list) else [value]
        gone = [str(v) for v in chosen if v not in question.option_values]
        if gone:
            return f"option gone: {', '.join(gone)}"
    return "no longer valid: " + "; ".join(problems)


def upgrade_assessment(store: Store, assessment_id: int, target: SetSource, who: str | None = None) -> UpgradeReport:
    """Move an assessment to a newer version of its question set: a new
    draft revision with every answer that is still valid; the old revision
    keeps everything. Comments follow the questions that still exist."""
    new_set = target.questionnaire
    with store.write() as session:
        summary = get_summary(session, assessment_id)
        successor_check(summary)
        source = write_target(session, assessment_id)
        old_set = questionnaire_of(session, store.questionnaires, source.questionnaire_row_id, source.questionnaire_sha256)
        if new_set.id != old_set.id:
            raise WorkflowError(f"assessment {assessment_id} uses question set {old_set.id}, not {new_set.id}")
        if semver_key(new_set.version) <= semver_key(old_set.version):
            raise WorkflowError(
                f"assessment {assessment_id} is on version {old_set.version}; {new_set.version} is not newer"
            )
        row, _ = store_set(session, target)
        kept, dropped = carry_over(old_set, new_set, stored_answers(session, assessment_id, old_set))
        comments = stored_comments(session, assessment_id)
        new_id = insert_assessment(
            session, vendor_id=summary.vendor_id, questionnaire_row_id=row.id,
            assessor_name=summary.assessor_name, assessor_organisation=summary.assessor_organisation,
            now=utc_now(), revision=summary.revision + 1, supersedes_id=assessment_id,
        )
        change = begin_edit(store, session, new_id, who)
        change.record(
            "upgraded",
            new={
                "supersedes": assessment_id, "supersedes_audit_head": source.head.hash,
                "from_version": old_set.version, "to_version": new_set.version,
                "dropped": [d.to_json() for d in dropped],
            },
        )
        for question_id, value in kept.items():
            apply_answer(change, question_id, value, action="answer_carried")
        for question_id, text in comments.items():
            if question_id in new_set.questions_by_id:
                apply_comment(change, question_id, text, None)
        finish_edit(change)
    return UpgradeReport(new_id, old_set.version, new_set.version, tuple(kept), tuple(dropped))
