"""The audit chain: one event per change, each hashing the one before it.

An event's hash is the sha256 of a canonical JSON object holding the
previous event's hash, its sequence number in the chain, who, when, the
assessment, the action, the question and the old and new values. So:

- an edited event no longer matches its hash;
- a deleted event leaves a gap in the sequence numbers, and the next
  event's ``prev_hash`` no longer matches;
- reordered events break the ``prev_hash`` links;
- deleted events at the end shorten the chain below the length and head
  hash recorded on the assessment row (updated in the same transaction).

Triggers make the table append-only for ordinary writes; the chain is
what shows an edit made around them (a hand-edited file). There is one
chain per assessment, which keeps appending cheap and lets ``verify``
check a single assessment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, String, insert, select, type_coerce
from sqlalchemy.orm import Session

from duediligence.storage.models import GENESIS_HASH, Assessment, AuditEvent, utc_text

AUDIT = AuditEvent.__table__
_INSERT_EVENT = insert(AUDIT)


def canonical_json(value: object) -> str:
    """One text per JSON value: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    who: str,
    when: str,
    assessment_id: int,
    action: str,
    question_id: str | None,
    old_value: str | None,
    new_value: str | None,
) -> str:
    """The hash of one event. ``when`` is the stored time text and
    ``old_value``/``new_value`` canonical JSON text: exactly what the row
    holds, so verifying needs no parsing that could hide an edit."""
    content = {
        "prev_hash": prev_hash,
        "seq": seq,
        "who": who,
        "when": when,
        "assessment": assessment_id,
        "action": action,
        "question": question_id,
        "old": old_value,
        "new": new_value,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """Where an assessment's chain ends: its length and its last hash."""

    count: int
    hash: str

    @classmethod
    def empty(cls) -> ChainHead:
        return cls(0, GENESIS_HASH)


def append_event(
    session: Session | Connection,
    head: ChainHead,
    *,
    assessment_id: int,
    who: str,
    at: datetime,
    action: str,
    question_id: str | None = None,
    old: object = None,
    new: object = None,
) -> ChainHead:
    """Insert the next event after ``head`` and return the new head. The
    caller stores the new head on the assessment row in the same transaction."""
    old_text = None if old is None else canonical_json(old)
    new_text = None if new is None else canonical_json(new)
    seq = head.count + 1
    digest = event_hash(
        prev_hash=head.hash, seq=seq, who=who, when=utc_text(at), assessment_id=assessment_id,
        action=action, question_id=question_id, old_value=old_text, new_value=new_text,
    )
    session.execute(
        _INSERT_EVENT,
        {
            "assessment_id": assessment_id, "seq": seq, "at": at, "who": who, "action": action,
            "question_id": question_id, "old_value": old_text, "new_value": new_text,
            "prev_hash": head.hash, "hash": digest,
        },
    )
    return ChainHead(seq, digest)


@dataclass(frozen=True)
class ChainBreak:
    """The first event of a chain that does not check out, and why."""

    assessment_id: int
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.seq}" + (f" (row id {self.event_id})" if self.event_id is not None else "")
        return f"assessment {self.assessment_id}: {where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    assessments: int
    events: int
    breaks: tuple[ChainBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks


def first_break(assessment_id: int, recorded: ChainHead, events: Iterable[Row]) -> ChainBreak | None:
    """Walk one chain in ``seq`` order; return its first broken event."""
    previous = GENESIS_HASH
    expected = 1
    last_id = None
    for event in events:
        if event.seq != expected:
            reason = (
                f"event {expected} is missing (deleted?)" if event.seq > expected
                else "sequence numbers are out of order (reordered or duplicated?)"
            )
            return ChainBreak(assessment_id, event.seq, event.id, reason)
        if event.prev_hash != previous:
            return ChainBreak(
                assessment_id, event.seq, event.id,
                "it does not link to the event before it (events deleted or reordered?)",
            )
        digest = event_hash(
            prev_hash=event.prev_hash, seq=event.seq, who=event.who, when=event.at,
            assessment_id=assessment_id, action=event.action, question_id=event.question_id,
            old_value=event.old_value, new_value=event.new_value,
        )
        if digest != event.hash:
            return ChainBreak(assessment_id, event.seq, event.id, "its content does not match its hash (edited?)")
        previous = event.hash
        expected += 1
        last_id = event.id
    count = expected - 1
    if count != recorded.count or previous != recorded.hash:
        return ChainBreak(
            assessment_id, count, last_id,
            f"the chain ends after {count} events but the assessment records {recorded.count} "
            "(events at the end deleted, or the assessment row edited?)",
        )
    return None


def events_of(session: Session, assessment_id: int) -> Iterable[Row]:
    """The stored rows as they are (times as text), in chain order."""
    columns = [type_coerce(c, String).label("at") if c.name == "at" else c for c in AUDIT.c]
    return session.execute(
        select(*columns).where(AUDIT.c.assessment_id == assessment_id).order_by(AUDIT.c.seq, AUDIT.c.id)
    )


def verify_chains(session: Session, assessment_id: int | None = None) -> ChainReport:
    """Check the chain of one assessment, or of all of them."""
    table = Assessment.__table__
    query = select(table.c.id, table.c.audit_count, table.c.audit_head).order_by(table.c.id)
    if assessment_id is not None:
        query = query.where(table.c.id == assessment_id)
    breaks = []
    assessments = events = 0
    for row in session.execute(query).all():
        assessments += 1
        events += row.audit_count
        found = first_break(row.id, ChainHead(row.audit_count, row.audit_head), events_of(session, row.id))
        if found:
            breaks.append(found)
    return ChainReport(assessments, events, tuple(breaks))
