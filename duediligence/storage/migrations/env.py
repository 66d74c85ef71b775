"""Alembic's entry point, run by ``duediligence.storage.migrate``.

The app hands over an open connection (already inside a ``BEGIN IMMEDIATE``
transaction with foreign keys off) in ``config.attributes["connection"]``,
so a whole upgrade commits or rolls back as one. For a developer's
``alembic -c duediligence/storage/migrations/alembic.ini -x db=FILE
revision --autogenerate -m "..."`` the database file comes from ``-x db``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import context

from duediligence.storage.models import Base


def run_migrations(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table.
        # A rebuilt table loses its triggers: a migration that rebuilds one
        # must create its triggers again.
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    from duediligence.storage.db import make_engine

    database = context.get_x_argument(as_dictionary=True).get("db")
    if not database:
        raise SystemExit("pass the database file with -x db=FILE")
    engine = make_engine(Path(database), foreign_keys=False)
    with engine.begin() as developer_connection:
        run_migrations(developer_connection)
    engine.dispose()
