"""The tables of the store, as typed SQLAlchemy 2 models.

The models describe the schema at the newest migration; the migrations in
``migrations/versions`` are what actually builds a file, and a test checks
that the two agree. Rules that must hold whatever program writes to the
file (a final assessment never changes, the audit trail is append-only)
are SQLite triggers created by the migrations (``migrations/versions``).

Timestamps are stored as ISO 8601 text in UTC with microseconds, so an
audit event's time reads back exactly as it was hashed.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    Dialect,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from duediligence.storage.statuses import STATUSES
#: ``prev_hash`` of the first event of every chain.
GENESIS_HASH = "0" * 64


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime stored as ``2026-11-26T15:02:03.123456+00:00``."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def utc_text(value: datetime) -> str:
    """The one text form of a time, as stored and as hashed into the audit chain."""
    if value.tzinfo is None:
        raise ValueError("naive datetime; the store keeps aware UTC times only")
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


class Base(DeclarativeBase):
    # Named constraints: Alembic's batch mode on SQLite rebuilds tables and
    # needs a name for every constraint it has to carry over.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UtcDateTime(), date: Date()}


class Vendor(Base):
    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    website: Mapped[str] = mapped_column(String(2000), default="")
    contact: Mapped[str] = mapped_column(String(2000), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (Index(None, "name"),)


class QuestionnaireVersion(Base):
    """One published question set, stored byte for byte; added once, never changed."""

    __tablename__ = "questionnaire_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    assessor_name: Mapped[str] = mapped_column(String(500), default="")
    assessor_organisation: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    revision: Mapped[int] = mapped_column(default=1)
    #: The revision this one replaces; unique, so a revision has one successor at most.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    finalised_at: Mapped[datetime | None]
    #: Length and last hash of the audit chain, so a deleted last event shows.
    audit_count: Mapped[int] = mapped_column(default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    # The cached score (migration 0002): written in the same transaction as
    # every answer change, so a listing never recomputes scores.
    score_overall: Mapped[float | None] = mapped_column(Float)
    score_tier: Mapped[str | None] = mapped_column(String(64))
    score_tier_label: Mapped[str | None] = mapped_column(String(200))
    score_knockout: Mapped[bool | None]
    score_answered: Mapped[int | None]
    score_required: Mapped[int | None]
    score_as_of: Mapped[date | None]

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'in_review', 'final')", name="status"),
        CheckConstraint("revision >= 1", name="revision"),
        Index(None, "vendor_id"),
        Index(None, "updated_at"),
    )


class PerQuestion:
    """Columns of a row that belongs to one question of one assessment."""

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class Answer(PerQuestion, Base):
    """One answer's value as canonical JSON. Evidence answers live in ``evidence``."""

    __tablename__ = "answers"

    value: Mapped[str] = mapped_column(Text)


class Comment(PerQuestion, Base):
    """The assessor's note on one question (at most one per question)."""

    __tablename__ = "comments"

    text: Mapped[str] = mapped_column(Text)


class Evidence(Base):
    """A file attached to an evidence question. The bytes live in the blob
    store under their sha256; this row keeps what the user knows the file by.
    An imported answers document may name a file whose bytes never arrived,
    so there is no foreign key to the blob."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    question_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    #: "" when unknown (an imported document need not say).
    media_type: Mapped[str] = mapped_column(String(255), default="")
    attached_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("assessment_id", "question_id", "sha256"),)


class AuditEvent(Base):
    """One change, chained to the one before it by hash (see ``audit.py``)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    #: 1, 2, 3... within one assessment's chain; a gap means a deleted event.
    seq: Mapped[int]
    at: Mapped[datetime]
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("assessment_id", "seq"),)


class Signature(Base):
    """A signature over a final assessment's report; append-only."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    signer_subject: Mapped[str] = mapped_column(String(1000))
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    report_sha256: Mapped[str] = mapped_column(String(64))
