"""The SQLite engine: pragmas on every connection, explicit transactions,
and database errors turned into sentences a user can act on.

Why the transaction handling is done by hand: Python's ``sqlite3`` starts
a transaction only at the first write, so a read-then-write use case (read
the audit chain's head, then append to it) could interleave with another
process. Every write transaction here starts with ``BEGIN IMMEDIATE``,
which takes the write lock up front; read transactions use a plain
``BEGIN`` so that they see one consistent snapshot and never block a
writer (WAL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from duediligence.errors import (
    DatabaseLocked,
    DatabaseUnusable,
    DataDirUnusable,
    DueDiligenceError,
    ImmutableAssessment,
    StoreError,
)

#: How long a writer waits for another writer before giving up.
DEFAULT_BUSY_TIMEOUT_MS = 5000

# Messages of the triggers created by the migrations (RAISE(ABORT, ...)).
FINAL_TRIGGER_MESSAGE = "final assessment is immutable"
APPEND_ONLY_TRIGGER_MESSAGE = "is append-only"
UNCHANGEABLE_TRIGGER_MESSAGE = "is never changed"
UNSIGNABLE_TRIGGER_MESSAGE = "only a final assessment can be signed"


def connection_pragmas(busy_timeout_ms: int, foreign_keys: bool = True) -> tuple[str, ...]:
    """The pragmas every connection runs, in order (busy_timeout first, so
    that switching to WAL waits for a lock rather than failing)."""
    return (
        f"PRAGMA busy_timeout = {int(busy_timeout_ms)}",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
        f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}",
    )


def casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


def make_engine(
    path: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, foreign_keys: bool = True
) -> Engine:
    """An engine on the file at ``path`` with the store's pragmas and
    ``BEGIN IMMEDIATE`` transactions (``BEGIN`` when the execution option
    ``sqlite_begin`` says ``DEFERRED``)."""
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )
    pragmas = connection_pragmas(busy_timeout_ms, foreign_keys)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        for pragma in pragmas:
            dbapi_connection.execute(pragma).fetchall()
        # SQLite's lower() and LIKE fold ASCII only; search folds every script.
        dbapi_connection.create_function("casefold", 1, casefold, deterministic=True)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """One database file: its engine and the two kinds of transaction.

    ``write()`` and ``read()`` each give a session inside one transaction
    that commits (or rolls back) when the block ends; there is no session
    that outlives a use case.
    """

    def __init__(self, path: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS):
        self.path = path
        self.engine = make_engine(path, busy_timeout_ms=busy_timeout_ms)
        self._identity = file_identity(path)
        self._writes = sessionmaker(self.engine, expire_on_commit=False)
        self._reads = sessionmaker(
            self.engine.execution_options(sqlite_begin="DEFERRED"), expire_on_commit=False
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, durable once the block has ended."""
        self.check_file()
        with translated_errors(self.path), self._writes.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A consistent read-only snapshot."""
        self.check_file()
        with translated_errors(self.path), self._reads.begin() as session:
            yield session

    def check_file(self) -> None:
        """Refuse to go on when the file was deleted or replaced while open:
        SQLite would write on into the old, unlinked file (every change
        lost at close) or into a new empty one. One stat, about a microsecond."""
        if file_identity(self.path) != self._identity:
            raise StoreError(
                f"{self.path} was deleted, moved or replaced while the app had it open; nothing more "
                "was written to it. Close the app (changes not yet saved are lost), put the file back "
                "or restore the newest backup from the data dir's backups folder with "
                "`duediligence restore FILE`, then start again."
            )

    def close(self) -> None:
        self.engine.dispose()


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``, None when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


@contextmanager
def translated_errors(path: Path) -> Iterator[None]:
    """Turn the database errors a user can meet into ``DueDiligenceError``s."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        error = user_error(exc.orig if isinstance(exc, DBAPIError) else exc, path)
        if error is None:
            raise  # a bug, not a condition a user can fix
        raise error from exc
    except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800") in some text: not storable
        raise DueDiligenceError(
            f"a text contains {exc.object[exc.start:exc.end]!a}, a lone UTF-16 surrogate, which is not "
            "valid Unicode and cannot be stored; remove it and try again. Nothing was changed."
        ) from None


def user_error(exc: BaseException | None, path: Path) -> DueDiligenceError | None:
    """The ``DueDiligenceError`` for a database error a user can meet, else None."""
    message = str(exc)
    lowered = message.lower()
    if FINAL_TRIGGER_MESSAGE in lowered:
        return ImmutableAssessment(
            "the assessment is final and cannot be changed; create a new revision to change it"
        )
    if APPEND_ONLY_TRIGGER_MESSAGE in lowered or UNCHANGEABLE_TRIGGER_MESSAGE in lowered:
        return StoreError(f"refused by {path}: {message}")
    if UNSIGNABLE_TRIGGER_MESSAGE in lowered:
        return StoreError(f"refused by {path}: {message}; finalise the assessment first")
    if "locked" in lowered or "busy" in lowered:
        return DatabaseLocked(
            f"{path} is locked by another program (is duediligence running in another window "
            "or command?). Close it and try again; nothing was changed."
        )
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return DataDirUnusable(
            f"{path} cannot be opened for writing ({message}). Make the file and its folder "
            "writable, or choose another data dir with --data-dir or $DUEDILIGENCE_DATA_DIR; "
            "nothing was changed."
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered or "could not decode" in lowered:
        return damaged_database(path, message)
    if "disk is full" in lowered or "disk i/o" in lowered:
        return StoreError(f"cannot write {path}: {message}. Free some disk space and try again.")
    return None


def damaged_database(path: Path, reason: str) -> DatabaseUnusable:
    return DatabaseUnusable(
        f"{path} is damaged or is not a duediligence database ({reason}). It was left "
        "untouched: restore a backup with `duediligence restore FILE`, or move the file "
        "away to start with an empty store."
    )
