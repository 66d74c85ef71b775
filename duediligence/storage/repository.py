"""Rows to domain values and back, for the services.

The hot paths (one answer change, the assessment list) use Core
statements on the mapped tables rather than ORM units of work: an answer
change must stay within a few times the cost of a bare INSERT + COMMIT,
and the list must read 10,000 rows in a few milliseconds. Nothing here
begins or commits a transaction; the services own those.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Connection, Select, String, type_coerce, and_, bindparam, delete, func, literal, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from duediligence.errors import NotFound
from duediligence.questionnaire.loader import load_questionnaire_bytes
from duediligence.questionnaire.model import EvidenceQuestion, Questionnaire
from duediligence.storage.audit import ChainHead, canonical_json
from duediligence.storage.models import (
    GENESIS_HASH,
    Answer,
    Assessment,
    AuditEvent,
    Comment,
    Evidence,
    QuestionnaireVersion,
    Signature,
    Vendor,
)
from duediligence.storage.records import (
    AssessmentSummary,
    AuditEntry,
    CachedScore,
    EvidenceRecord,
    QuestionnaireRecord,
    SignatureRecord,
)

ASSESSMENTS = Assessment.__table__
ANSWERS = Answer.__table__
COMMENTS = Comment.__table__
EVIDENCE = Evidence.__table__
VENDORS = Vendor.__table__
VERSIONS = QuestionnaireVersion.__table__
AUDIT = AuditEvent.__table__
SIGNATURES = Signature.__table__

QuestionnaireCache = dict[tuple[int, str], Questionnaire]
#: Core statements run on a session or, on hot paths, straight on its connection.
Executor = Session | Connection


# --- question sets ------------------------------------------------------------------


def questionnaire_record(row: QuestionnaireVersion) -> QuestionnaireRecord:
    return QuestionnaireRecord(row.id, row.questionnaire_id, row.version, row.title, row.sha256, row.added_at, "library")


def stored_questionnaire(session: Session, questionnaire_id: str, version: str) -> QuestionnaireVersion | None:
    return session.scalars(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id, QuestionnaireVersion.version == version
        )
    ).one_or_none()


def questionnaire_of(session: Session, cache: QuestionnaireCache, row_id: int, sha256: str) -> Questionnaire:
    """The parsed question set of a library row, parsed once per store."""
    key = (row_id, sha256)
    found = cache.get(key)
    if found is None:
        row = session.execute(
            select(VERSIONS.c.document, VERSIONS.c.questionnaire_id, VERSIONS.c.version).where(VERSIONS.c.id == row_id)
        ).one()
        source = f"<store>/{row.questionnaire_id}@{row.version}"
        found = cache[key] = load_questionnaire_bytes(row.document, source)
    return found


# --- assessments: the list ------------------------------------------------------------


def as_text(column: ColumnElement[object]) -> ColumnElement[str]:
    """The stored text of a time column; parsed in bulk below, which is
    several times cheaper than a type processor per value."""
    return type_coerce(column, String).label(column.key)


def summaries_query() -> Select:
    successor = ASSESSMENTS.alias("successor")
    a = ASSESSMENTS.c
    return (
        select(
            a.id, a.vendor_id, VENDORS.c.name, VERSIONS.c.questionnaire_id, VERSIONS.c.version, VERSIONS.c.title,
            a.assessor_name, a.assessor_organisation, a.status, a.revision, a.supersedes_id, successor.c.id,
            as_text(a.created_at), as_text(a.updated_at), as_text(a.finalised_at),
            a.score_overall, a.score_tier, a.score_tier_label, a.score_knockout, a.score_answered,
            a.score_required, type_coerce(a.score_as_of, String),
        )
        .join(VENDORS, VENDORS.c.id == a.vendor_id)
        .join(VERSIONS, VERSIONS.c.id == a.questionnaire_version_id)
        .outerjoin(successor, successor.c.supersedes_id == a.id)
    )


def summary_from_row(row: Sequence[object]) -> AssessmentSummary:
    """A row of ``summaries_query()``, unpacked by position (the list reads
    10,000 of them: attribute access by name would double its time)."""
    (assessment_id, vendor_id, vendor_name, questionnaire_id, version, title, assessor_name, organisation,
     status, revision, supersedes_id, superseded_by, created_at, updated_at, finalised_at,
     overall, tier, tier_label, knockout, answered, required, as_of) = row
    score = None
    if as_of is not None:
        score = CachedScore(overall, tier, tier_label, bool(knockout), answered, required, date.fromisoformat(as_of))  # type: ignore[arg-type]
    return AssessmentSummary(
        assessment_id, vendor_id, vendor_name, questionnaire_id, version, title, assessor_name, organisation,  # type: ignore[arg-type]
        status, revision, supersedes_id, superseded_by,  # type: ignore[arg-type]
        datetime.fromisoformat(created_at), datetime.fromisoformat(updated_at),  # type: ignore[arg-type]
        None if finalised_at is None else datetime.fromisoformat(finalised_at),  # type: ignore[arg-type]
        score,
    )


def like_pattern(text: str) -> str:
    """A LIKE pattern for "contains ``text``" (case-folded, wildcards escaped)."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_summaries(
    session: Session, *, status: str | None = None, search: str | None = None
) -> list[AssessmentSummary]:
    """Assessments, newest change first, with their cached scores; ``search``
    matches vendor, assessor, organisation and question set (any case)."""
    a = ASSESSMENTS.c
    query = summaries_query().order_by(a.updated_at.desc(), a.id.desc())
    if status:
        query = query.where(a.status == status)
    if search:
        pattern = like_pattern(search)
        searched = (VENDORS.c.name, a.assessor_name, a.assessor_organisation, VERSIONS.c.title, VERSIONS.c.questionnaire_id)
        query = query.where(or_(*(func.casefold(column).like(pattern, escape="\\") for column in searched)))
    return [summary_from_row(row) for row in session.connection().execute(query).all()]


def get_summary(session: Session, assessment_id: int) -> AssessmentSummary:
    row = session.connection().execute(summaries_query().where(ASSESSMENTS.c.id == assessment_id)).one_or_none()
    if row is None:
        raise not_found(assessment_id)
    return summary_from_row(row)


def not_found(assessment_id: int) -> NotFound:
    return NotFound(f"there is no assessment {assessment_id}; `duediligence list` shows them all")


# --- assessments: what a change needs ----------------------------------------------------


@dataclass(frozen=True)
class WriteTarget:
    """The few columns of an assessment that every change reads first."""

    id: int
    status: str
    questionnaire_row_id: int
    questionnaire_sha256: str
    superseded_by: int | None
    head: ChainHead


_SUCCESSOR = ASSESSMENTS.alias("successor")
#: Built once: constructing a statement costs more than running it here.
_WRITE_TARGET = (
    select(
        ASSESSMENTS.c.status, ASSESSMENTS.c.questionnaire_version_id, VERSIONS.c.sha256,
        _SUCCESSOR.c.id, ASSESSMENTS.c.audit_count, ASSESSMENTS.c.audit_head,
    )
    .join(VERSIONS, VERSIONS.c.id == ASSESSMENTS.c.questionnaire_version_id)
    .outerjoin(_SUCCESSOR, _SUCCESSOR.c.supersedes_id == ASSESSMENTS.c.id)
    .where(ASSESSMENTS.c.id == bindparam("assessment_id"))
)


def write_target(session: Executor, assessment_id: int) -> WriteTarget:
    row = session.execute(_WRITE_TARGET, {"assessment_id": assessment_id}).one_or_none()
    if row is None:
        raise not_found(assessment_id)
    return WriteTarget(assessment_id, row[0], row[1], row[2], row[3], ChainHead(row[4], row[5]))


def insert_assessment(
    session: Session,
    *,
    vendor_id: int,
    questionnaire_row_id: int,
    assessor_name: str,
    assessor_organisation: str,
    now: datetime,
    revision: int = 1,
    supersedes_id: int | None = None,
) -> int:
    """A new draft; its audit chain starts empty."""
    result = session.execute(
        ASSESSMENTS.insert().values(
            vendor_id=vendor_id, questionnaire_version_id=questionnaire_row_id,
            assessor_name=assessor_name, assessor_organisation=assessor_organisation,
            status="draft", revision=revision, supersedes_id=supersedes_id,
            created_at=now, updated_at=now, audit_count=0, audit_head=GENESIS_HASH,
        )
    )
    return int(result.inserted_primary_key[0])


def copy_content(session: Session, source_id: int, target_id: int) -> None:
    """Copy answers, comments and evidence of one assessment to another
    (a new revision), as they are, in three INSERT ... SELECTs."""
    for table in (ANSWERS, COMMENTS, EVIDENCE):
        columns = [c for c in table.c if c.name not in ("id", "assessment_id")]
        session.execute(
            table.insert().from_select(
                ["assessment_id", *(c.name for c in columns)],
                select(literal(target_id), *columns).where(table.c.assessment_id == source_id),
            )
        )


#: The SET clause comes from the parameters given at execution.
_UPDATE_ASSESSMENT = update(ASSESSMENTS).where(ASSESSMENTS.c.id == bindparam("target_id"))


def save_assessment_state(session: Executor, assessment_id: int, *, head: ChainHead, **columns: object) -> None:
    """Record the new audit chain head and any other columns in one UPDATE."""
    values = {"audit_count": head.count, "audit_head": head.hash, **columns, "target_id": assessment_id}
    session.execute(_UPDATE_ASSESSMENT, values)


def cached_score_values(score: CachedScore) -> dict[str, object]:
    return {
        "score_overall": score.overall,
        "score_tier": score.tier,
        "score_tier_label": score.tier_label,
        "score_knockout": score.knockout,
        "score_answered": score.answered,
        "score_required": score.required,
        "score_as_of": score.as_of,
    }


def save_cached_score(session: Executor, assessment_id: int, score: CachedScore) -> None:
    """Fill the cached score alone (the time of the last change stays)."""
    session.execute(_UPDATE_ASSESSMENT, {**cached_score_values(score), "target_id": assessment_id})


def assessments_without_score(session: Executor) -> list[int]:
    return list(session.execute(select(ASSESSMENTS.c.id).where(ASSESSMENTS.c.score_as_of.is_(None))).scalars())


# --- answers, comments, evidence ---------------------------------------------------------


_ANSWERS_OF = select(ANSWERS.c.question_id, ANSWERS.c.value).where(ANSWERS.c.assessment_id == bindparam("assessment_id"))
_PUT_ANSWER = sqlite_insert(ANSWERS).values(
    assessment_id=bindparam("assessment_id"), question_id=bindparam("question_id"),
    value=bindparam("value"), updated_at=bindparam("updated_at"),
)
_PUT_ANSWER = _PUT_ANSWER.on_conflict_do_update(
    index_elements=[ANSWERS.c.assessment_id, ANSWERS.c.question_id],
    set_={"value": _PUT_ANSWER.excluded.value, "updated_at": _PUT_ANSWER.excluded.updated_at},
)
_REMOVE_ANSWER = delete(ANSWERS).where(
    ANSWERS.c.assessment_id == bindparam("assessment_id"), ANSWERS.c.question_id == bindparam("question_id")
)


def stored_answers(session: Executor, assessment_id: int, questionnaire: Questionnaire) -> dict[str, object]:
    """All answers of an assessment, evidence lists included, as plain JSON values."""
    answers: dict[str, object] = {
        question_id: json.loads(value)
        for question_id, value in session.execute(_ANSWERS_OF, {"assessment_id": assessment_id})
    }
    if any(isinstance(q, EvidenceQuestion) for q in questionnaire.questions):
        for record in evidence_of(session, assessment_id, lambda sha: True):
            answers.setdefault(record.question_id, []).append(record.answer_item())  # type: ignore[union-attr]
    return answers


def put_answer(session: Executor, assessment_id: int, question_id: str, value: object, now: datetime) -> None:
    session.execute(
        _PUT_ANSWER,
        {"assessment_id": assessment_id, "question_id": question_id, "value": canonical_json(value), "updated_at": now},
    )


def remove_answer(session: Executor, assessment_id: int, question_id: str) -> None:
    session.execute(_REMOVE_ANSWER, {"assessment_id": assessment_id, "question_id": question_id})


def stored_comments(session: Executor, assessment_id: int) -> dict[str, str]:
    rows = session.execute(
        select(COMMENTS.c.question_id, COMMENTS.c.text).where(COMMENTS.c.assessment_id == assessment_id)
    )
    return {question_id: text for question_id, text in rows}


def put_comment(session: Executor, assessment_id: int, question_id: str, text: str, now: datetime) -> None:
    statement = sqlite_insert(COMMENTS).values(
        assessment_id=assessment_id, question_id=question_id, text=text, updated_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[COMMENTS.c.assessment_id, COMMENTS.c.question_id],
            set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
        )
    )


def remove_comment(session: Executor, assessment_id: int, question_id: str) -> None:
    session.execute(
        delete(COMMENTS).where(and_(COMMENTS.c.assessment_id == assessment_id, COMMENTS.c.question_id == question_id))
    )


_EVIDENCE_OF = (
    select(EVIDENCE)
    .where(EVIDENCE.c.assessment_id == bindparam("assessment_id"))
    .order_by(EVIDENCE.c.question_id, EVIDENCE.c.position)
)


def evidence_of(session: Executor, assessment_id: int, available: Callable[[str], bool]) -> list[EvidenceRecord]:
    """The files attached to an assessment, in question and attach order;
    ``available(sha256) -> bool`` says whether the bytes are present."""
    rows = session.execute(_EVIDENCE_OF, {"assessment_id": assessment_id})
    return [
        EvidenceRecord(
            r.id, r.question_id, r.position, r.sha256, r.name, r.size, r.media_type, r.attached_at,
            available(r.sha256),
        )
        for r in rows
    ]


def replace_evidence(
    session: Session, assessment_id: int, question_id: str, items: Iterable[Mapping[str, object]], now: datetime
) -> None:
    """Make the question's attached files exactly ``items`` (answer items:
    name, size, sha256, media_type), keeping the attach time of those kept."""
    where = and_(EVIDENCE.c.assessment_id == assessment_id, EVIDENCE.c.question_id == question_id)
    attached = {sha: at for sha, at in session.execute(select(EVIDENCE.c.sha256, EVIDENCE.c.attached_at).where(where))}
    session.execute(delete(EVIDENCE).where(where))
    rows = [
        {
            "assessment_id": assessment_id, "question_id": question_id, "position": position,
            "sha256": item["sha256"], "name": item["name"], "size": item["size"],
            "media_type": item.get("media_type", ""), "attached_at": attached.get(item["sha256"], now),  # type: ignore[arg-type]
        }
        for position, item in enumerate(items)
    ]
    if rows:
        session.execute(EVIDENCE.insert(), rows)


# --- vendors, audit entries, signatures ------------------------------------------------------


def find_or_add_vendor(session: Session, name: str, website: str, contact: str, now: datetime) -> int:
    """The vendor with this name (in any case, any script), or a new one.
    Its details are not overwritten: other assessments show them."""
    wanted = name.casefold()
    found = session.execute(
        select(VENDORS.c.id).where(func.casefold(VENDORS.c.name) == wanted).order_by(VENDORS.c.id).limit(1)
    ).scalar()
    if found is not None:
        return int(found)
    result = session.execute(
        VENDORS.insert().values(name=name, website=website, contact=contact, notes="", created_at=now)
    )
    return int(result.inserted_primary_key[0])


def vendor_details(session: Session, vendor_id: int) -> tuple[str, str, str]:
    row = session.execute(select(VENDORS.c.name, VENDORS.c.website, VENDORS.c.contact).where(VENDORS.c.id == vendor_id)).one()
    return row[0], row[1], row[2]


def audit_entries(session: Session, assessment_id: int) -> list[AuditEntry]:
    rows = session.execute(select(AUDIT).where(AUDIT.c.assessment_id == assessment_id).order_by(AUDIT.c.seq))
    return [
        AuditEntry(
            r.seq, r.at, r.who, r.action, r.question_id,
            None if r.old_value is None else json.loads(r.old_value),
            None if r.new_value is None else json.loads(r.new_value),
            r.hash,
        )
        for r in rows
    ]


def signatures_of(session: Session, assessment_id: int) -> list[SignatureRecord]:
    rows = session.execute(select(SIGNATURES).where(SIGNATURES.c.assessment_id == assessment_id).order_by(SIGNATURES.c.id))
    return [SignatureRecord(r.id, r.signer_subject, r.certificate_sha256, r.signed_at, r.report_sha256) for r in rows]
