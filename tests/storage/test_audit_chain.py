"""The audit chain: every change is one event; editing, deleting or
reordering events behind the app's back (with sqlite3, after dropping the
triggers) is found by ``verify`` and reported at the first broken event."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from duediligence import services
from duediligence.storage.store import Store
from tests.storage.fixtures import raw


@pytest.fixture
def history(store: Store, draft: int) -> int:
    """A draft with a chain of 7 events: created, 4 answers, a comment, review."""
    services.set_answer(store, draft, "consent", "yes", who="alice")
    services.set_answer(store, draft, "hours", 12, who="alice")
    services.set_answer(store, draft, "consent", "no", who="bob")
    services.set_comment(store, draft, "consent", "Changed after the call", who="bob")
    services.clear_answer(store, draft, "hours", who="bob")
    services.move_to_review(store, draft, who="carol")
    return draft


def tamper(path: Path, *statements: str) -> None:
    """What someone with the file and sqlite3 could do: drop the guards, edit."""
    connection = raw(path)
    connection.execute("DROP TRIGGER audit_events_no_update")
    connection.execute("DROP TRIGGER audit_events_no_delete")
    for statement in statements:
        connection.execute(statement)
    connection.close()


def first_break(store: Store, assessment_id: int) -> tuple[int, str]:
    report = services.verify_audit(store, assessment_id)
    assert not report.ok
    broken = report.breaks[0]
    return broken.seq, broken.reason


def test_every_change_is_one_event_with_who_old_and_new(store: Store, history: int) -> None:
    trail = services.audit_trail(store, history)
    assert [(e.seq, e.action, e.who, e.question_id, e.old, e.new) for e in trail[1:]] == [
        (2, "answer_set", "alice", "consent", None, "yes"),
        (3, "answer_set", "alice", "hours", None, 12),
        (4, "answer_set", "bob", "consent", "yes", "no"),
        (5, "comment_set", "bob", "consent", None, "Changed after the call"),
        (6, "answer_cleared", "bob", "hours", 12, None),
        (7, "status_changed", "carol", None, "draft", "in_review"),
    ]
    assert trail[0].action == "assessment_created"
    report = services.verify_audit(store)
    assert report.ok and report.events == 7


def test_setting_the_same_value_again_adds_no_event(store: Store, history: int) -> None:
    count = len(services.audit_trail(store, history))
    assert not services.set_answer(store, history, "consent", "no").changed
    assert len(services.audit_trail(store, history)) == count


def test_the_hash_is_sha256_of_the_canonical_event(store: Store, history: int) -> None:
    """Recomputed here independently of the app's code, from the stored rows."""
    connection = raw(store.path)
    rows = connection.execute(
        "SELECT seq, who, at, action, question_id, old_value, new_value, prev_hash, hash FROM audit_events "
        "WHERE assessment_id = ? ORDER BY seq", (history,)
    ).fetchall()
    previous = "0" * 64
    for seq, who, at, action, question, old, new, prev_hash, digest in rows:
        content = {"prev_hash": previous, "seq": seq, "who": who, "when": at, "assessment": history,
                   "action": action, "question": question, "old": old, "new": new}
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert prev_hash == previous
        assert digest == hashlib.sha256(canonical.encode()).hexdigest()
        previous = digest
    assert connection.execute("SELECT audit_head, audit_count FROM assessments WHERE id = ?", (history,)).fetchone() == (previous, 7)


def test_an_edited_value_is_found(store: Store, history: int) -> None:
    tamper(store.path, f"UPDATE audit_events SET new_value = '\"yes\"' WHERE assessment_id = {history} AND seq = 4")
    assert first_break(store, history) == (4, "its content does not match its hash (edited?)")


def test_an_edited_author_or_time_is_found(store: Store, history: int) -> None:
    tamper(store.path, f"UPDATE audit_events SET who = 'alice' WHERE assessment_id = {history} AND seq = 6")
    assert first_break(store, history)[0] == 6
    tamper_time = f"UPDATE audit_events SET at = '2020-01-01T00:00:00.000000+00:00' WHERE assessment_id = {history} AND seq = 2"
    connection = raw(store.path)
    connection.execute(tamper_time)
    connection.close()
    assert first_break(store, history)[0] == 2


def test_a_deleted_event_is_found(store: Store, history: int) -> None:
    tamper(store.path, f"DELETE FROM audit_events WHERE assessment_id = {history} AND seq = 3")
    seq, reason = first_break(store, history)
    assert seq == 4 and "event 3 is missing" in reason


def test_a_deleted_last_event_is_found(store: Store, history: int) -> None:
    tamper(store.path, f"DELETE FROM audit_events WHERE assessment_id = {history} AND seq = 7")
    seq, reason = first_break(store, history)
    assert seq == 6 and "records 7" in reason


def test_a_deleted_event_with_renumbering_is_found(store: Store, history: int) -> None:
    tamper(
        store.path,
        f"DELETE FROM audit_events WHERE assessment_id = {history} AND seq = 3",
        f"UPDATE audit_events SET seq = seq - 1 WHERE assessment_id = {history} AND seq > 3",
    )
    seq, reason = first_break(store, history)
    assert seq == 3 and "does not link" in reason


def test_reordered_events_are_found(store: Store, history: int) -> None:
    tamper(
        store.path,
        f"UPDATE audit_events SET seq = 100 WHERE assessment_id = {history} AND seq = 4",
        f"UPDATE audit_events SET seq = 4 WHERE assessment_id = {history} AND seq = 5",
        f"UPDATE audit_events SET seq = 5 WHERE assessment_id = {history} AND seq = 100",
    )
    assert first_break(store, history)[0] == 4


def test_verify_all_reports_each_broken_chain_and_only_those(store: Store, history: int, source: object) -> None:
    from duediligence.questionnaire import Vendor

    other = services.create_assessment(store, source, Vendor("Other Vendor"))  # type: ignore[arg-type]
    services.set_answer(store, other, "consent", "yes")
    tamper(store.path, f"UPDATE audit_events SET action = 'nothing' WHERE assessment_id = {history} AND seq = 2")
    report = services.verify_audit(store)
    assert report.assessments == 2
    assert [b.assessment_id for b in report.breaks] == [history]
    assert services.verify_audit(store, other).ok
    assert str(report.breaks[0]).startswith(f"assessment {history}: event 2")
