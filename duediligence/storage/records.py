"""Plain, frozen values that leave the store.

Services return these rather than ORM objects: they can cross threads
(the GUI works off its main thread), outlive their session, and be
compared in tests. Each has ``to_json()`` in the shape the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from duediligence.questionnaire.scoring import Score
from duediligence.storage.models import utc_text


@dataclass(frozen=True)
class QuestionnaireRecord:
    """A question set stored in the library (or, with ``row_id`` None, a built-in one not yet used)."""

    row_id: int | None
    questionnaire_id: str
    version: str
    title: str
    sha256: str
    added_at: datetime | None
    source: str  # "library" or "built-in"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.questionnaire_id,
            "version": self.version,
            "title": self.title,
            "sha256": self.sha256,
            "source": self.source,
            "added_at": None if self.added_at is None else utc_text(self.added_at),
        }


class CachedScore(NamedTuple):
    """The score as computed at the last change, on day ``as_of``.

    A NamedTuple, like ``AssessmentSummary``: a listing builds 10,000 of
    each, and a frozen dataclass takes four times as long to construct."""

    overall: float
    tier: str
    tier_label: str
    knockout: bool
    answered: int
    required: int
    as_of: date

    @classmethod
    def from_score(cls, score: Score, as_of: date) -> CachedScore:
        return cls(
            score.overall, score.tier.id, score.tier.label, score.knockout,
            score.completeness.answered, score.completeness.required, as_of,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "overall": round(self.overall, 2),
            "tier": self.tier,
            "tier_label": self.tier_label,
            "knockout": self.knockout,
            "completeness": {"answered": self.answered, "required": self.required},
            "as_of": self.as_of.isoformat(),
        }


class AssessmentSummary(NamedTuple):
    """One line of the assessment list (a NamedTuple: see ``CachedScore``)."""

    id: int
    vendor_id: int
    vendor_name: str
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_title: str
    assessor_name: str
    assessor_organisation: str
    status: str
    revision: int
    supersedes_id: int | None
    superseded_by: int | None
    created_at: datetime
    updated_at: datetime
    finalised_at: datetime | None
    score: CachedScore | None

    @property
    def editable(self) -> bool:
        """Whether answers may change: not final and not replaced by a newer revision."""
        return self.status != "final" and self.superseded_by is None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "vendor": {"id": self.vendor_id, "name": self.vendor_name},
            "questionnaire": {
                "id": self.questionnaire_id,
                "version": self.questionnaire_version,
                "title": self.questionnaire_title,
            },
            "assessor": {"name": self.assessor_name, "organisation": self.assessor_organisation},
            "status": self.status,
            "revision": self.revision,
            "supersedes": self.supersedes_id,
            "superseded_by": self.superseded_by,
            "created_at": utc_text(self.created_at),
            "updated_at": utc_text(self.updated_at),
            "finalised_at": None if self.finalised_at is None else utc_text(self.finalised_at),
            "score": None if self.score is None else self.score.to_json(),
        }


@dataclass(frozen=True)
class EvidenceRecord:
    id: int
    question_id: str
    position: int
    sha256: str
    name: str
    size: int
    media_type: str
    attached_at: datetime
    #: Whether the bytes are in this store (an imported document may name
    #: files that never arrived).
    available: bool

    def answer_item(self) -> dict[str, object]:
        """The item in the answers document's list for this file."""
        item: dict[str, object] = {"name": self.name, "size": self.size, "sha256": self.sha256}
        if self.media_type:
            item["media_type"] = self.media_type
        return item


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    who: str
    action: str
    question_id: str | None
    old: object
    new: object
    hash: str

    def to_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": utc_text(self.at),
            "who": self.who,
            "action": self.action,
            "question": self.question_id,
            "old": self.old,
            "new": self.new,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class SignatureRecord:
    id: int
    signer_subject: str
    certificate_sha256: str
    signed_at: datetime
    report_sha256: str
