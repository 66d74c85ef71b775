"""One change to one assessment, in one transaction.

Every use case that writes to an assessment goes through ``edit()``: it
takes the write lock, checks that the assessment may change (not final,
not replaced by a newer revision), hands the use case its question set
and answers, and on the way out records the audit events, the new chain
head and the recomputed cached score in the same transaction. So "saved"
always means: answer, audit event and score, all durable together.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from duediligence.errors import ImmutableAssessment
from duediligence.questionnaire.model import Questionnaire
from duediligence.questionnaire.scoring import Score, score_answers
from duediligence.storage.audit import ChainHead, append_event
from duediligence.storage.models import utc_now
from duediligence.storage.records import CachedScore
from duediligence.storage.repository import (
    WriteTarget,
    cached_score_values,
    questionnaire_of,
    save_assessment_state,
    stored_answers,
    write_target,
)
from duediligence.storage.store import AnswersCache, Store


def current_user() -> str:
    """Who is making a change, for the audit trail: the operating system's
    user name (the desktop app has no accounts of its own)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "unknown"


def ensure_editable(target: WriteTarget) -> None:
    if target.status == "final":
        raise ImmutableAssessment(
            f"assessment {target.id} is final and cannot be changed; create a new revision of it to make changes"
        )
    if target.superseded_by is not None:
        raise ImmutableAssessment(
            f"assessment {target.id} has been replaced by revision {target.superseded_by}; change that one instead"
        )


@dataclass
class Edit:
    """What a use case sees while it changes one assessment."""

    session: Session
    target: WriteTarget
    questionnaire: Questionnaire
    who: str
    cache: AnswersCache
    now: datetime = field(default_factory=utc_now)
    head: ChainHead = field(init=False)
    _answers: dict[str, object] | None = field(default=None, init=False)
    #: Extra assessment columns to write with the new head (status, say).
    columns: dict[str, object] = field(default_factory=dict, init=False)
    #: The cached score written when the edit ended (None: unchanged).
    saved_score: CachedScore | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.head = self.target.head
        # Core statements go straight to the connection: the ORM's
        # per-statement bookkeeping would be a third of an answer change.
        self.connection: Connection = self.session.connection()

    @property
    def assessment_id(self) -> int:
        return self.target.id

    @property
    def answers(self) -> dict[str, object]:
        """The stored answers, loaded on first use; keep it current with each change."""
        if self._answers is None:
            self._answers = self.cache.get(self.target.id, self.target.head.hash)
            if self._answers is None:
                self._answers = stored_answers(self.connection, self.target.id, self.questionnaire)
        return self._answers

    @property
    def changed(self) -> bool:
        return self.head != self.target.head

    def record(self, action: str, question_id: str | None = None, old: object = None, new: object = None) -> None:
        """Append one audit event for a change made in this edit."""
        self.head = append_event(
            self.connection, self.head, assessment_id=self.target.id, who=self.who, at=self.now,
            action=action, question_id=question_id, old=old, new=new,
        )

    def score(self, as_of: date | None = None) -> Score:
        return score_answers(self.questionnaire, self.answers, as_of or date.today())


def begin_edit(store: Store, session: Session, assessment_id: int, who: str | None, *, check_editable: bool = True) -> Edit:
    """Start changing an assessment inside the caller's write transaction."""
    target = write_target(session.connection(), assessment_id)
    if check_editable:
        ensure_editable(target)
    questionnaire = questionnaire_of(session, store.questionnaires, target.questionnaire_row_id, target.questionnaire_sha256)
    return Edit(session, target, questionnaire, who or current_user(), store.answers_cache)


def finish_edit(change: Edit) -> None:
    """Write the chain head, and for a row that is not final the time and
    the recomputed cached score, in one UPDATE."""
    if not (change.changed or change.columns):
        return
    values = dict(change.columns)
    if change.target.status != "final":  # a final row keeps its time and score
        today = date.today()
        change.saved_score = CachedScore.from_score(change.score(today), today)
        values.update(updated_at=change.now, **cached_score_values(change.saved_score))
    save_assessment_state(change.connection, change.assessment_id, head=change.head, **values)
    if change._answers is not None:
        change.cache.put(change.assessment_id, change.head.hash, change._answers)


@contextmanager
def edit(store: Store, assessment_id: int, who: str | None = None, *, check_editable: bool = True) -> Iterator[Edit]:
    """One write transaction on one assessment (see the module doc)."""
    with store.write() as session:
        change = begin_edit(store, session, assessment_id, who, check_editable=check_editable)
        yield change
        finish_edit(change)
