"""Moving an assessment to a newer version of its question set."""

from __future__ import annotations

import pytest

from duediligence import services
from duediligence.errors import QuestionnaireConflict, WorkflowError
from duediligence.storage.store import Store
from tests.storage.sets import choice, evidence, number, question_set, source_of, text, yes_no

V1 = question_set(
    yes_no("consent"),
    choice("retention", values=("days", "months", "forever")),
    choice("regions", values=("eu", "us", "cn"), multi=True),
    text("notes"),
    number("hours"),
    yes_no("dropped_question"),
    evidence("policy"),
)
# 1.1.0: ``dropped_question`` is gone, ``hours`` became text, ``forever`` and
# ``cn`` are no longer options, ``hours`` max is lower, a question is new.
V2 = question_set(
    yes_no("consent"),
    choice("retention", values=("days", "months")),
    choice("regions", values=("eu", "us"), multi=True),
    text("notes", max_length=5),
    text("hours"),
    evidence("policy"),
    yes_no("new_question"),
    version="1.1.0",
)

ANSWERS = {
    "consent": "yes",
    "retention": "forever",
    "regions": ["eu", "cn"],
    "notes": "much longer than five",
    "hours": 12,
    "dropped_question": "no",
    "policy": [{"name": "p.pdf", "size": 3, "sha256": "ab" * 32}],
}


@pytest.fixture
def on_v1(store: Store) -> int:
    from duediligence.questionnaire import Vendor

    assessment_id = services.create_assessment(store, source_of(V1), Vendor("Acme"))
    for question_id, value in ANSWERS.items():
        services.set_answer(store, assessment_id, question_id, value)
    services.set_comment(store, assessment_id, "consent", "confirmed")
    services.set_comment(store, assessment_id, "dropped_question", "gone with it")
    return assessment_id


def test_answers_still_valid_are_carried_and_the_others_reported(store: Store, on_v1: int) -> None:
    report = services.upgrade_assessment(store, on_v1, source_of(V2), who="jane")
    assert (report.from_version, report.to_version) == ("1.0.0", "1.1.0")
    assert set(report.carried) == {"consent", "policy"}
    reasons = {d.question_id: (d.old_value, d.reason) for d in report.dropped}
    assert reasons["dropped_question"] == ("no", "removed")
    assert reasons["hours"] == (12, "type changed from number to text")
    assert reasons["retention"] == ("forever", "option gone: forever")
    assert reasons["regions"] == (["eu", "cn"], "option gone: cn")
    assert reasons["notes"][1].startswith("no longer valid: ")

    new = services.open_assessment(store, report.assessment_id)
    assert new.questionnaire.version == "1.1.0"
    assert new.answers == {"consent": "yes", "policy": ANSWERS["policy"]}
    assert new.comments == {"consent": "confirmed"}
    assert (new.summary.status, new.summary.revision, new.summary.supersedes_id) == ("draft", 2, on_v1)
    [event] = [e for e in services.audit_trail(store, report.assessment_id) if e.action == "upgraded"]
    assert len(report.dropped) == 5
    assert event.new["dropped"] == [d.to_json() for d in report.dropped]  # type: ignore[index]


def test_nothing_is_deleted_from_the_old_revision(store: Store, on_v1: int) -> None:
    before = services.open_assessment(store, on_v1)
    report = services.upgrade_assessment(store, on_v1, source_of(V2))
    after = services.open_assessment(store, on_v1)
    assert after.answers == before.answers == ANSWERS
    assert after.comments == before.comments
    assert after.questionnaire.version == "1.0.0"
    assert after.summary.superseded_by == report.assessment_id
    assert services.verify_audit(store).ok


def test_only_a_newer_version_of_the_same_set(store: Store, on_v1: int) -> None:
    with pytest.raises(WorkflowError, match="is not newer"):
        services.upgrade_assessment(store, on_v1, source_of(V1))
    other = dict(V2, id="other-set")
    with pytest.raises(WorkflowError, match="uses question set store-test, not other-set"):
        services.upgrade_assessment(store, on_v1, source_of(other))
    services.upgrade_assessment(store, on_v1, source_of(V2))
    with pytest.raises(WorkflowError, match="already has a newer revision"):
        services.upgrade_assessment(store, on_v1, source_of(dict(V2, version="1.2.0")))


def test_a_final_assessment_can_be_upgraded_into_a_new_draft(store: Store, on_v1: int) -> None:
    services.finalise(store, on_v1, allow_incomplete=True)
    report = services.upgrade_assessment(store, on_v1, source_of(V2))
    assert services.get_assessment(store, report.assessment_id).status == "draft"
    assert services.get_assessment(store, on_v1).status == "final"


def test_a_published_version_never_changes(store: Store, on_v1: int) -> None:
    edited = dict(V1, title="Edited without a new version")
    with pytest.raises(QuestionnaireConflict, match="give the edited set a new version number"):
        services.add_questionnaire(store, source_of(edited))
    assert services.newest_version(store, "store-test").questionnaire.version == "1.0.0"  # type: ignore[union-attr]
    services.add_questionnaire(store, source_of(V2))
    assert services.newest_version(store, "store-test").questionnaire.version == "1.1.0"  # type: ignore[union-attr]
    assert services.newest_version(store, "no-such-set") is None
