"""The review workflow, revisions, listing and searching."""

from __future__ import annotations

import pytest

from duediligence import services
from duediligence.errors import DueDiligenceError, ImmutableAssessment, WorkflowError
from duediligence.questionnaire import Assessor, Vendor
from duediligence.services import SetSource
from duediligence.storage.store import Store
from tests.storage.sets import STANDARD_ANSWERS


def answer_all(store: Store, assessment_id: int) -> None:
    for question_id, value in STANDARD_ANSWERS.items():
        services.set_answer(store, assessment_id, question_id, value)


def test_a_new_assessment_is_a_draft_with_a_chain_and_a_score(store: Store, source: SetSource) -> None:
    assessment_id = services.create_assessment(store, source, Vendor("Acme", "https://acme.example"), Assessor("Jane", "City"))
    summary = services.get_assessment(store, assessment_id)
    assert (summary.status, summary.revision, summary.vendor_name, summary.assessor_name) == ("draft", 1, "Acme", "Jane")
    assert summary.editable and summary.score is not None
    assert summary.questionnaire_id == source.questionnaire.id
    assert [e.action for e in services.audit_trail(store, assessment_id)] == ["assessment_created"]


def test_the_same_vendor_is_reused_by_name(store: Store, source: SetSource) -> None:
    first = services.create_assessment(store, source, Vendor("Acme Überwachung"))
    second = services.create_assessment(store, source, Vendor("ACME ÜBERWACHUNG"))
    third = services.create_assessment(store, source, Vendor("Acme Other"))
    vendor = {i: services.get_assessment(store, i).vendor_id for i in (first, second, third)}
    assert vendor[first] == vendor[second] != vendor[third]


def test_review_then_final(store: Store, draft: int) -> None:
    answer_all(store, draft)
    services.move_to_review(store, draft)
    assert services.get_assessment(store, draft).status == "in_review"
    services.set_answer(store, draft, "notes", "edited during review")  # review is still editable
    services.return_to_draft(store, draft)
    with pytest.raises(WorkflowError, match="is draft; only an assessment that is in review"):
        services.return_to_draft(store, draft)
    services.move_to_review(store, draft)
    summary = services.finalise(store, draft)
    assert summary.status == "final" and summary.finalised_at is not None and not summary.editable
    statuses = [(e.old, e.new) for e in services.audit_trail(store, draft) if e.action == "status_changed"]
    assert statuses == [("draft", "in_review"), ("in_review", "draft"), ("draft", "in_review"), ("in_review", "final")]


def test_finalising_needs_the_required_answers(store: Store, draft: int) -> None:
    services.set_answer(store, draft, "consent", "yes")
    with pytest.raises(WorkflowError, match=r"1 required question\(s\) unanswered: retention"):
        services.finalise(store, draft)
    assert services.get_assessment(store, draft).status == "draft"
    assert services.finalise(store, draft, allow_incomplete=True).status == "final"


def test_a_final_score_stays_as_it_was(store: Store, draft: int) -> None:
    answer_all(store, draft)
    final = services.finalise(store, draft)
    assert services.get_assessment(store, draft).score == final.score
    assert services.get_assessment(store, draft).updated_at == final.updated_at


def test_a_new_revision_copies_everything_and_freezes_the_old_one(store: Store, filled: int) -> None:
    draft = filled
    with pytest.raises(WorkflowError, match="not final; change it directly"):
        services.new_revision(store, draft)
    services.finalise(store, draft)
    old_head = services.audit_trail(store, draft)[-1].hash

    revision = services.new_revision(store, draft, who="jane")
    old, new = services.open_assessment(store, draft), services.open_assessment(store, revision)
    assert (new.summary.status, new.summary.revision, new.summary.supersedes_id) == ("draft", 2, draft)
    assert old.summary.superseded_by == revision
    assert new.answers == old.answers and new.comments == old.comments
    assert [e.sha256 for e in new.evidence] == [e.sha256 for e in old.evidence]
    [created] = services.audit_trail(store, revision)
    assert created.action == "revision_created" and created.new["supersedes_audit_head"] == old_head  # type: ignore[index]

    services.set_answer(store, revision, "consent", "no")
    assert services.open_assessment(store, draft).answers["consent"] == "yes"
    with pytest.raises(WorkflowError, match=f"already has a newer revision, {revision}"):
        services.new_revision(store, draft)
    assert services.verify_audit(store).ok


def test_a_superseded_draft_is_read_only(store: Store, draft: int, source: SetSource) -> None:
    from tests.storage.sets import source_of, standard_set

    report = services.upgrade_assessment(store, draft, source_of(standard_set("1.1.0")))
    with pytest.raises(ImmutableAssessment, match=f"replaced by revision {report.assessment_id}"):
        services.set_answer(store, draft, "consent", "yes")


def test_signatures_are_recorded_on_final_assessments_only(store: Store, draft: int) -> None:
    with pytest.raises(WorkflowError, match="finalise it before signing"):
        services.record_signature(store, draft, signer_subject="CN=x", certificate_sha256="a" * 64, report_sha256="b" * 64)
    answer_all(store, draft)
    services.finalise(store, draft)
    record = services.record_signature(store, draft, signer_subject="CN=Jane", certificate_sha256="a" * 64, report_sha256="b" * 64)
    assert services.open_assessment(store, draft).signatures == (record,)


def test_list_filters_and_searches(store: Store, source: SetSource) -> None:
    acme = services.create_assessment(store, source, Vendor("Acme Face Inc."), Assessor("Jane", "City of Springfield"))
    clear = services.create_assessment(store, source, Vendor("Clear_View 100%"), Assessor("Bob", "County"))
    answer_all(store, clear)
    services.finalise(store, clear)

    def ids(**kwargs: str) -> list[int]:
        return [s.id for s in services.list_assessments(store, **kwargs)]

    assert ids() == [clear, acme]  # newest change first
    assert ids(status="final") == [clear]
    assert ids(status="draft") == [acme]
    assert ids(search="acme") == [acme]
    assert ids(search="springfield") == [acme]
    assert ids(search="100%") == [clear]  # % is text, not a wildcard
    assert ids(search="_") == [clear]
    assert ids(search="store test set") == [clear, acme]  # the question set's title
    assert ids(search="nobody") == []
    surveillance = services.create_assessment(store, source, Vendor("ÜBERWACHUNG Straße AG"))
    assert ids(search="überwachung strasse") == [surveillance]  # folded in every script, not ASCII only
    with pytest.raises(DueDiligenceError, match="unknown status"):
        services.list_assessments(store, status="approved")
