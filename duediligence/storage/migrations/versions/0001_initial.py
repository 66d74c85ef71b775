"""The initial schema: vendors, question sets, assessments, answers,
comments, evidence, the audit trail and signatures, with the triggers
that keep final assessments immutable and the audit trail append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
NOW = sa.String(32)

#: Assessment columns that never change once the status is final (as of 0001).
ASSESSMENT_CONTENT_COLUMNS = (
    "id", "vendor_id", "questionnaire_version_id", "assessor_name", "assessor_organisation",
    "status", "revision", "supersedes_id", "created_at", "updated_at", "finalised_at",
)


def child_guard_triggers(table: str) -> list[str]:
    """No insert, update or delete of ``table`` rows of a final assessment."""
    status_of = "(SELECT status FROM assessments WHERE id = {}.assessment_id) = 'final'"
    message = f"final assessment is immutable: its {table} cannot change"
    conditions = {
        "insert": status_of.format("NEW"),
        "update": f"{status_of.format('OLD')} OR {status_of.format('NEW')}",
        "delete": status_of.format("OLD"),
    }
    return [
        f"CREATE TRIGGER {table}_final_{event} BEFORE {event.upper()} ON {table} "
        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for event, condition in conditions.items()
    ]


def assessment_update_trigger(columns: tuple[str, ...]) -> str:
    return (
        f"CREATE TRIGGER assessments_final_update BEFORE UPDATE OF {', '.join(columns)} "
        "ON assessments WHEN OLD.status = 'final' BEGIN "
        "SELECT RAISE(ABORT, 'final assessment is immutable: create a new revision'); END"
    )


def refuse(name: str, event: str, table: str, message: str, when: str = "") -> str:
    condition = f"WHEN {when} " if when else ""
    return (
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} {condition}"
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


TRIGGERS = [
    *child_guard_triggers("answers"),
    *child_guard_triggers("comments"),
    *child_guard_triggers("evidence"),
    assessment_update_trigger(ASSESSMENT_CONTENT_COLUMNS),
    refuse("assessments_final_delete", "DELETE", "assessments",
           "final assessment is immutable: it cannot be deleted", "OLD.status = 'final'"),
    refuse("assessments_final_insert", "INSERT", "assessments",
           "final assessment is immutable: a new assessment starts as a draft", "NEW.status = 'final'"),
    refuse("audit_events_no_update", "UPDATE", "audit_events", "the audit trail is append-only"),
    refuse("audit_events_no_delete", "DELETE", "audit_events", "the audit trail is append-only"),
    refuse("questionnaire_versions_no_update", "UPDATE", "questionnaire_versions",
           "a stored question set version is never changed"),
    refuse("signatures_no_update", "UPDATE", "signatures", "the signature list is append-only"),
    refuse("signatures_no_delete", "DELETE", "signatures", "the signature list is append-only"),
    refuse("signatures_final_only", "INSERT", "signatures", "only a final assessment can be signed",
           "(SELECT status FROM assessments WHERE id = NEW.assessment_id) IS NOT 'final'"),
]


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("website", sa.String(2000), nullable=False),
        sa.Column("contact", sa.String(2000), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_vendors"),
    )
    op.create_index("ix_vendors_name", "vendors", ["name"])
    op.create_table(
        "questionnaire_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaire_versions"),
        sa.UniqueConstraint("questionnaire_id", "version", name="uq_questionnaire_versions_questionnaire_id_version"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("assessor_name", sa.String(500), nullable=False),
        sa.Column("assessor_organisation", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
        sa.Column("finalised_at", NOW, nullable=True),
        sa.Column("audit_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("audit_head", sa.String(64), nullable=False, server_default=GENESIS_HASH),
        sa.CheckConstraint("status IN ('draft', 'in_review', 'final')", name="status"),
        sa.CheckConstraint("revision >= 1", name="revision"),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name="fk_assessments_vendor_id_vendors"),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"], ["questionnaire_versions.id"],
            name="fk_assessments_questionnaire_version_id_questionnaire_versions",
        ),
        sa.ForeignKeyConstraint(["supersedes_id"], ["assessments.id"], name="fk_assessments_supersedes_id_assessments"),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint("supersedes_id", name="uq_assessments_supersedes_id"),
    )
    op.create_index("ix_assessments_vendor_id", "assessments", ["vendor_id"])
    op.create_index("ix_assessments_updated_at", "assessments", ["updated_at"])
    for table, value_column in (("answers", "value"), ("comments", "text")):
        op.create_table(
            table,
            sa.Column("assessment_id", sa.Integer(), nullable=False),
            sa.Column("question_id", sa.String(64), nullable=False),
            sa.Column(value_column, sa.Text(), nullable=False),
            sa.Column("updated_at", NOW, nullable=False),
            sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name=f"fk_{table}_assessment_id_assessments"),
            sa.PrimaryKeyConstraint("assessment_id", "question_id", name=f"pk_{table}"),
        )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(255), nullable=False),
        sa.Column("attached_at", NOW, nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name="fk_evidence_assessment_id_assessments"),
        sa.PrimaryKeyConstraint("id", name="pk_evidence"),
        sa.UniqueConstraint("assessment_id", "question_id", "sha256", name="uq_evidence_assessment_id_question_id_sha256"),
    )
    op.create_index("ix_evidence_sha256", "evidence", ["sha256"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", NOW, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name="fk_audit_events_assessment_id_assessments"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
        sa.UniqueConstraint("assessment_id", "seq", name="uq_audit_events_assessment_id_seq"),
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("signer_subject", sa.String(1000), nullable=False),
        sa.Column("certificate_sha256", sa.String(64), nullable=False),
        sa.Column("signed_at", NOW, nullable=False),
        sa.Column("report_sha256", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name="fk_signatures_assessment_id_assessments"),
        sa.PrimaryKeyConstraint("id", name="pk_signatures"),
    )
    op.create_index("ix_signatures_assessment_id", "signatures", ["assessment_id"])
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for table in ("signatures", "audit_events", "evidence", "comments", "answers",
                  "assessments", "questionnaire_versions", "vendors"):
        op.drop_table(table)  # drops the table's triggers with it
