"""The open store: one data dir with its database and its evidence blobs.

``Store.open(data_dir)`` checks everything that can be wrong before it
touches the file (the folder is writable, the file is an SQLite
database, its schema is one this app knows), so that a problem ends in a
message naming the file and what to do, and the existing file is never
overwritten. It takes the data dir as a parameter: there is no global
store, and a test simply passes a temporary folder.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections import OrderedDict
from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy.orm import Session

from duediligence.errors import DatabaseUnusable, DataDirUnusable
from duediligence.paths import DataPaths
from duediligence.questionnaire.model import Questionnaire
from duediligence.storage.backup import newest_backup
from duediligence.storage.blobs import MAX_EVIDENCE_BYTES, BlobStore
from duediligence.storage.db import DEFAULT_BUSY_TIMEOUT_MS, Database, damaged_database
from duediligence.storage.files import remove_stale_temporaries
from duediligence.storage.migrate import MigrationOutcome, upgrade_to_head
from duediligence.storage.restore import SQLITE_HEADER


class AnswersCache:
    """The answers of the last few assessments changed, keyed by their audit
    chain head: every change moves the head, so an entry can only be used
    while the stored answers are exactly the ones it holds (another
    process's change, a restore, a failed commit all show as another head).
    Saves reading and decoding every answer on each change. The entries own
    their values: the services copy what goes in from callers and what goes
    out to them."""

    def __init__(self, size: int = 32):
        self.size = size
        self._entries: OrderedDict[int, tuple[str, dict[str, object]]] = OrderedDict()
        self._lock = threading.Lock()  # the GUI calls services from worker threads

    def get(self, assessment_id: int, head: str) -> dict[str, object] | None:
        with self._lock:
            entry = self._entries.get(assessment_id)
        if entry is None or entry[0] != head:
            return None
        return dict(entry[1])  # a copy: a change that fails must not alter the entry

    def put(self, assessment_id: int, head: str, answers: dict[str, object]) -> None:
        with self._lock:
            self._entries[assessment_id] = (head, dict(answers))
            self._entries.move_to_end(assessment_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class Store:
    def __init__(self, paths: DataPaths, database: Database, blobs: BlobStore, migration: MigrationOutcome):
        self.paths = paths
        self.database = database
        self.blobs = blobs
        #: What opening did to the file (created, upgraded from, backup taken).
        self.migration = migration
        #: Question sets parsed from stored JSON, keyed by (row id, sha256).
        #: Stored versions never change, so entries never go stale.
        self.questionnaires: dict[tuple[int, str], Questionnaire] = {}
        self.answers_cache = AnswersCache()

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str],
        *,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        max_evidence_bytes: int = MAX_EVIDENCE_BYTES,
    ) -> Store:
        paths = DataPaths(Path(data_dir))
        ensure_writable_dir(paths.root)
        try:
            check_database_file(paths.database)
            migration = upgrade_to_head(paths, busy_timeout_ms=busy_timeout_ms)
        except DatabaseUnusable as exc:
            raise with_newest_backup(exc, paths) from None
        # What a killed process may have left half-written (never in use:
        # only files a day old go).
        remove_stale_temporaries(paths.root)
        remove_stale_temporaries(paths.evidence / "tmp")
        database = Database(paths.database, busy_timeout_ms=busy_timeout_ms)
        return cls(paths, database, BlobStore(paths.evidence, max_evidence_bytes), migration)

    @property
    def path(self) -> Path:
        return self.paths.database

    def read(self) -> AbstractContextManager[Session]:
        """A consistent read-only snapshot (see ``Database.read``)."""
        return self.database.read()

    def write(self) -> AbstractContextManager[Session]:
        """One write transaction, durable when the block ends."""
        return self.database.write()

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def with_newest_backup(error: DatabaseUnusable, paths: DataPaths) -> DatabaseUnusable:
    """The error, naming the newest automatic backup when there is one
    (``error.newest_backup``: its ``BackupCopy``, for a window to offer)."""
    newest = newest_backup(paths.backups)
    if newest is None:
        return error
    better = DatabaseUnusable(
        f"{error} The newest backup is {newest.path} (taken {newest.taken_at:%Y-%m-%d %H:%M} UTC); "
        f"`duediligence restore {newest.path} --force` puts it back and keeps a copy of the damaged file."
    )
    better.newest_backup = newest  # type: ignore[attr-defined]
    return better


def ensure_writable_dir(root: Path) -> None:
    """Create the data dir if needed and prove it is writable by writing to it
    (``os.access`` says yes to root on a read-only folder)."""
    what_to_do = "choose another data dir with --data-dir DIR or $DUEDILIGENCE_DATA_DIR"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DataDirUnusable(f"the data dir {root} is a file, not a folder; {what_to_do}") from None
    except OSError as exc:
        raise DataDirUnusable(f"cannot create the data dir {root} ({exc.strerror}); {what_to_do}") from None
    try:
        fd, probe = tempfile.mkstemp(dir=root, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise DataDirUnusable(
            f"the data dir {root} is not writable ({exc.strerror}); make it writable or {what_to_do}. "
            "Nothing was changed."
        ) from None


def check_database_file(path: Path) -> None:
    """Refuse, before SQLite sees it, a file that is not an SQLite database
    or that cannot be written."""
    if path.is_dir():
        raise damaged_database(path, "it is a folder")
    if not path.exists():
        return
    try:
        with open(path, "r+b") as handle:  # opening for update writes nothing
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise DataDirUnusable(
            f"{path} is read-only; make it writable (or choose another data dir with --data-dir). "
            "Nothing was changed."
        ) from None
    if header and header != SQLITE_HEADER:
        raise damaged_database(path, "it is not an SQLite file")
    missing = truncated_by(path)
    if missing:
        raise damaged_database(path, f"it is truncated: {missing:,} bytes at its end are missing")


def truncated_by(path: Path) -> int:
    """How many bytes are missing from the end of a database file whose
    header states its size (0: none, or it cannot be told). SQLite only
    notices a cut-off end when it reads there, which may be after the app
    has written more into the damaged file. Checked only without a
    write-ahead log: with one, pages may wait there for a checkpoint that
    SQLite completes on open."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return 0
    with open(path, "rb") as handle:
        header = handle.read(100)
        size = os.fstat(handle.fileno()).st_size
    if len(header) < 100:
        return 0
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The stated size is valid only when written by the same change as the counter.
    if header[24:28] != header[92:96] or not pages:
        return 0
    return max(0, pages * page_size - size)
