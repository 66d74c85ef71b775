"""Bringing a database file to the schema this app understands.

- a new (empty) file is built by running every migration, which leaves
  it stamped at head;
- an older file is first copied to ``backups/`` (the last 10 are kept),
  then upgraded in one transaction;
- a file stamped with a revision this app does not know was written by a
  newer version: it is refused and left untouched;
- an SQLite file with tables but no revision is someone else's database:
  refused and left untouched.

Alembic is imported only when a migration is needed, because it adds a
tenth of a second to every start of the command line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from duediligence.errors import DatabaseTooNew, DatabaseUnusable, StoreError
from duediligence.paths import DataPaths
from duediligence.storage.backup import copy_database, keep_newest, timestamped_name
from duediligence.storage.db import make_engine, translated_errors

#: The newest revision in ``migrations/versions`` (a test keeps them in step).
HEAD_REVISION = "0002"
SCRIPT_LOCATION = "duediligence.storage:migrations"
#: Automatic backups kept in ``backups/``.
BACKUPS_KEPT = 10


@dataclass(frozen=True)
class MigrationOutcome:
    """What opening the file did: created it, upgraded it (from which
    revision, with which backup), or nothing."""

    created: bool = False
    upgraded_from: str | None = None
    backup: Path | None = None


def alembic_config(connection: Connection | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def script_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


Rows = Callable[[str], list[Any]]


def stamped_revision(rows: Rows, path: Path) -> str | None:
    """The file's revision; None for a file without any table (a new one).
    ``rows(sql)`` runs a query on whichever connection the caller has."""
    tables = {row[0] for row in rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" in tables:
        found = rows("SELECT version_num FROM alembic_version")
        if not found:
            raise DatabaseUnusable(f"{path} has an empty schema version table; restore a backup.")
        return str(found[0][0])
    if {t for t in tables if not t.startswith("sqlite_")}:
        raise DatabaseUnusable(
            f"{path} is an SQLite database but not a duediligence store (it has tables of "
            "another program). It was left untouched: choose another data dir with --data-dir, "
            "or move the file away."
        )
    return None


def inspect_revision(path: Path, busy_timeout_ms: int) -> str | None:
    """Read the revision of an existing file without writing to it: no
    pragma that could change it (not even the switch to WAL) runs before
    the file is known to be ours and of a schema this app knows."""
    with translated_errors(path):
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=busy_timeout_ms / 1000)
        try:
            return stamped_revision(lambda sql: connection.execute(sql).fetchall(), path)
        finally:
            connection.close()


def refuse_unknown(revision: str | None, path: Path) -> None:
    if revision is not None and revision != HEAD_REVISION and revision not in known_revisions():
        raise DatabaseTooNew(
            f"{path} was written by a newer version of duediligence (schema "
            f"revision {revision}; this version knows up to {HEAD_REVISION}). It was "
            "left untouched: install the newer version, or restore a backup made "
            "by this one with `duediligence restore FILE`."
        )


def upgrade_to_head(paths: DataPaths, *, busy_timeout_ms: int) -> MigrationOutcome:
    """Create or upgrade the database at ``paths.database``; see the module doc."""
    path = paths.database
    if path.exists() and path.stat().st_size > 0:
        revision = inspect_revision(path, busy_timeout_ms)
        if revision == HEAD_REVISION:
            return MigrationOutcome()
        refuse_unknown(revision, path)
    engine = make_engine(path, busy_timeout_ms=busy_timeout_ms, foreign_keys=False)
    try:
        with translated_errors(path), engine.connect() as connection:
            check_wal(connection, path)
            # Under the write lock now: look again, another process may
            # have migrated the file in the meantime.
            revision = stamped_revision(lambda sql: connection.exec_driver_sql(sql).fetchall(), path)
            if revision == HEAD_REVISION:
                return MigrationOutcome()
            refuse_unknown(revision, path)
            backup = None
            if revision is not None:
                backup = paths.backups / timestamped_name(f"before-upgrade-from-{revision}")
                copy_database(path, backup)
                keep_newest(paths.backups, BACKUPS_KEPT)
            run_migrations(connection)
            connection.commit()
            return MigrationOutcome(created=revision is None, upgraded_from=revision, backup=backup)
    finally:
        engine.dispose()


def run_migrations(connection: Connection, target: str = "head") -> None:
    """Upgrade inside the caller's transaction (foreign keys off, as batch
    mode needs), then check that no foreign key was left dangling."""
    from alembic import command

    command.upgrade(alembic_config(connection), target)
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if dangling:
        raise StoreError(f"a migration left {len(dangling)} dangling references; nothing was changed")


def check_wal(connection: Connection, path: Path) -> None:
    mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    if str(mode).lower() != "wal":
        raise StoreError(
            f"{path} cannot use write-ahead logging (journal mode {mode!r}); keep the data dir "
            "on a local disk (--data-dir) and make sure it is writable."
        )
