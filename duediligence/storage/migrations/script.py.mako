"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

A migration is a snapshot: write the SQL it needs here rather than
importing it from the app, whose code will move on. If it rebuilds a
table (batch mode), create that table's triggers again, and wrap the
rebuild in PRAGMA legacy_alter_table = ON/OFF when other tables'
triggers name it (see 0002's downgrade).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
