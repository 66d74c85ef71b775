"""A final assessment cannot change: refused by the services, and also by
the database itself when a program writes around them (ORM session, raw
SQL), thanks to the triggers the migrations create."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from duediligence import services
from duediligence.errors import ImmutableAssessment, StoreError
from duediligence.storage.models import Answer, Assessment, AuditEvent, Comment, Evidence, QuestionnaireVersion, Signature, utc_now
from duediligence.storage.store import Store
from tests.storage.fixtures import raw, table_counts
from tests.storage.sets import STANDARD_ANSWERS


@pytest.fixture
def final(store: Store, filled: int) -> int:
    services.finalise(store, filled)
    return filled


def service_writes(store: Store, assessment_id: int, tmp_path: Path) -> dict[str, Callable[[], object]]:
    other = tmp_path / "other.txt"
    other.write_text("more")
    sha = services.open_assessment(store, assessment_id).evidence[0].sha256
    return {
        "set answer": lambda: services.set_answer(store, assessment_id, "consent", "no"),
        "clear answer": lambda: services.clear_answer(store, assessment_id, "notes"),
        "set comment": lambda: services.set_comment(store, assessment_id, "consent", "changed my mind"),
        "clear comment": lambda: services.set_comment(store, assessment_id, "consent", ""),
        "attach evidence": lambda: services.attach_evidence(store, assessment_id, "policy", other),
        "remove evidence": lambda: services.remove_evidence(store, assessment_id, "policy", sha),
        "move to review": lambda: services.move_to_review(store, assessment_id),
        "return to draft": lambda: services.return_to_draft(store, assessment_id),
        "finalise again": lambda: services.finalise(store, assessment_id),
    }


def test_services_refuse_every_write_to_a_final_assessment(store: Store, final: int, tmp_path: Path) -> None:
    before = table_counts(store.path)
    for name, write in service_writes(store, final, tmp_path).items():
        with pytest.raises(ImmutableAssessment, match=f"assessment {final} is final") as refused:
            write()
        assert "new revision" in str(refused.value), name
    assert table_counts(store.path) == before


ORM_WRITES: dict[str, Callable[[Session, int], object]] = {
    "update answer": lambda s, a: s.execute(update(Answer).where(Answer.assessment_id == a).values(value='"no"')),
    "insert answer": lambda s, a: (s.add(Answer(assessment_id=a, question_id="hours", value="1", updated_at=utc_now())), s.flush()),
    "delete answer": lambda s, a: s.execute(delete(Answer).where(Answer.assessment_id == a)),
    "update comment": lambda s, a: s.execute(update(Comment).where(Comment.assessment_id == a).values(text="edited")),
    "insert comment": lambda s, a: (s.add(Comment(assessment_id=a, question_id="hours", text="x", updated_at=utc_now())), s.flush()),
    "delete comment": lambda s, a: s.execute(delete(Comment).where(Comment.assessment_id == a)),
    "update evidence": lambda s, a: s.execute(update(Evidence).where(Evidence.assessment_id == a).values(name="other.pdf")),
    "delete evidence": lambda s, a: s.execute(delete(Evidence).where(Evidence.assessment_id == a)),
    "insert evidence": lambda s, a: (
        s.add(Evidence(assessment_id=a, question_id="policy", position=5, sha256="cd" * 32, name="x.pdf", size=1, media_type="", attached_at=utc_now())),
        s.flush(),
    ),
    "back to draft": lambda s, a: s.execute(update(Assessment).where(Assessment.id == a).values(status="draft")),
    "change assessor": lambda s, a: s.execute(update(Assessment).where(Assessment.id == a).values(assessor_name="Mallory")),
    "change cached score": lambda s, a: s.execute(update(Assessment).where(Assessment.id == a).values(score_overall=0.0)),
    "delete assessment": lambda s, a: s.execute(delete(Assessment).where(Assessment.id == a)),
    "ORM object edit": lambda s, a: (setattr(s.get(Assessment, a), "status", "in_review"), s.flush()),
}


@pytest.mark.parametrize("name", list(ORM_WRITES))
def test_the_database_refuses_writes_to_a_final_assessment_through_the_orm(store: Store, final: int, name: str) -> None:
    before = table_counts(store.path)
    with pytest.raises(ImmutableAssessment, match="final and cannot be changed"), store.write() as session:
        ORM_WRITES[name](session, final)
    assert table_counts(store.path) == before
    assert services.get_assessment(store, final).status == "final"


def test_raw_sql_is_refused_too(store: Store, final: int) -> None:
    connection = raw(store.path)
    for statement in (
        f"UPDATE answers SET value = '\"no\"' WHERE assessment_id = {final}",
        f"DELETE FROM comments WHERE assessment_id = {final}",
        f"UPDATE assessments SET status = 'draft' WHERE id = {final}",
        "INSERT INTO assessments (vendor_id, questionnaire_version_id, assessor_name, assessor_organisation, status, revision, created_at, updated_at) "
        "VALUES (1, 1, '', '', 'final', 1, '', '')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="final assessment is immutable"):
            connection.execute(statement)
    connection.close()


def test_a_draft_can_still_be_written_directly(store: Store, draft: int) -> None:
    with store.write() as session:
        session.execute(update(Assessment).where(Assessment.id == draft).values(assessor_name="Jane"))
    assert services.get_assessment(store, draft).assessor_name == "Jane"


def test_the_audit_trail_and_stored_sets_are_append_only(store: Store, draft: int) -> None:
    refusals = {
        "edit an event": lambda s: s.execute(update(AuditEvent).values(who="mallory")),
        "delete an event": lambda s: s.execute(delete(AuditEvent)),
        "edit a stored set": lambda s: s.execute(update(QuestionnaireVersion).values(title="Other")),
    }
    for name, write in refusals.items():
        with pytest.raises(StoreError) as refused, store.write() as session:
            write(session)
        assert str(store.path) in str(refused.value), name


def test_only_a_final_assessment_takes_signatures_and_they_never_change(store: Store, draft: int, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="only a final assessment can be signed"), store.write() as session:
        session.add(Signature(assessment_id=draft, signer_subject="CN=x", certificate_sha256="a" * 64, signed_at=utc_now(), report_sha256="b" * 64))
        session.flush()
    for question_id, value in STANDARD_ANSWERS.items():
        services.set_answer(store, draft, question_id, value)
    services.finalise(store, draft, allow_incomplete=True)
    signature = services.record_signature(store, draft, signer_subject="CN=Jane", certificate_sha256="a" * 64, report_sha256="b" * 64)
    assert services.open_assessment(store, draft).signatures == (signature,)
    with pytest.raises(StoreError, match="append-only"), store.write() as session:
        session.execute(text("UPDATE signatures SET signer_subject = 'CN=Mallory'"))
    assert services.verify_audit(store, draft).ok
    assert services.audit_trail(store, draft)[-1].action == "signed"
