"""A cached score on every assessment, so a listing never recomputes
scores from all answers.

The columns start empty; ``services.scores.fill_missing_scores`` computes
them at the next start (a migration does not import the scoring code,
which will change after this file is frozen). A final assessment's cached
score may be filled once, when empty, and never changed after that.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCORE_COLUMNS = (
    ("score_overall", sa.Float()),
    ("score_tier", sa.String(64)),
    ("score_tier_label", sa.String(200)),
    ("score_knockout", sa.Boolean()),
    ("score_answered", sa.Integer()),
    ("score_required", sa.Integer()),
    ("score_as_of", sa.Date()),
)
FROZEN_SCORE_TRIGGER = (
    f"CREATE TRIGGER assessments_final_score BEFORE UPDATE OF {', '.join(n for n, _ in SCORE_COLUMNS)} "
    "ON assessments WHEN OLD.status = 'final' AND OLD.score_as_of IS NOT NULL BEGIN "
    "SELECT RAISE(ABORT, 'final assessment is immutable: its score is frozen'); END"
)

# Snapshots of 0001's triggers on assessments, for the downgrade (which
# rebuilds the table and so loses them).
TRIGGERS_0001 = (
    "CREATE TRIGGER assessments_final_update BEFORE UPDATE OF id, vendor_id, questionnaire_version_id, "
    "assessor_name, assessor_organisation, status, revision, supersedes_id, created_at, updated_at, "
    "finalised_at ON assessments WHEN OLD.status = 'final' BEGIN "
    "SELECT RAISE(ABORT, 'final assessment is immutable: create a new revision'); END",
    "CREATE TRIGGER assessments_final_delete BEFORE DELETE ON assessments WHEN OLD.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'final assessment is immutable: it cannot be deleted'); END",
    "CREATE TRIGGER assessments_final_insert BEFORE INSERT ON assessments WHEN NEW.status = 'final' "
    "BEGIN SELECT RAISE(ABORT, 'final assessment is immutable: a new assessment starts as a draft'); END",
)


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:  # a plain ADD COLUMN: no rebuild
        for name, type_ in SCORE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.execute(FROZEN_SCORE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER assessments_final_score")
    # The rebuild drops and renames the table, which the triggers of other
    # tables name; without the legacy rename rule SQLite refuses the rename.
    op.execute("PRAGMA legacy_alter_table = ON")
    with op.batch_alter_table("assessments", recreate="always") as batch:
        for name, _ in SCORE_COLUMNS:
            batch.drop_column(name)
    op.execute("PRAGMA legacy_alter_table = OFF")
    for statement in TRIGGERS_0001:
        op.execute(statement)
