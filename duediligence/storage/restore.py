"""Restoring a store from a backup archive or a bare database copy.

Nothing is replaced until the file to restore has been checked in full
(a zip with a manifest whose hashes match, an SQLite file that passes
``integrity_check``, a schema this app knows). An existing database is
replaced only with ``force``, and a copy of it goes to ``backups/`` first.

The new content goes into the live file through SQLite's backup API, in
one transaction, so a running app that has the file open sees the new
data rather than writing on into a replaced file. Only a live file that
SQLite cannot open at all (damaged) is replaced by a rename.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

from duediligence.errors import BackupError, DatabaseTooNew, DueDiligenceError
from duediligence.paths import DATABASE_NAME, DataPaths
from duediligence.storage.backup import (
    ARCHIVE_FORMAT,
    BACKUP_SUFFIX,
    MANIFEST_NAME,
    copy_database,
    sha256_of_file,
    timestamped_name,
)
from duediligence.storage.blobs import BlobStore
from duediligence.storage.db import DEFAULT_BUSY_TIMEOUT_MS
from duediligence.storage.files import fsync_dir, fsync_file, temporary_path
from duediligence.storage.migrate import HEAD_REVISION, known_revisions

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class RestoreOutcome:
    restored_from: Path
    replaced_copy: Path | None
    evidence_restored: int


def restore(paths: DataPaths, source: Path, *, force: bool = False) -> RestoreOutcome:
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    current = paths.database
    if has_content(current) and not force:
        raise BackupError(
            f"{current} already holds a store; restoring would replace it. Run again with "
            f"--force to replace it (a copy of it is kept in {paths.backups})."
        )
    paths.root.mkdir(parents=True, exist_ok=True)
    with temporary_path(paths.root, BACKUP_SUFFIX) as staged:
        evidence = stage(source, staged, BlobStore(paths.evidence))
        check_database(staged, source)
        replaced = keep_copy(paths) if has_content(current) else None
        install(staged, current)
    return RestoreOutcome(source, replaced, evidence)


def has_content(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def stage(source: Path, staged: Path, blobs: BlobStore) -> int:
    """Put the database to restore at ``staged`` and its evidence into the
    blob store; return how many evidence files came with it."""
    with open(source, "rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        try:
            copy_database(source, staged)
        except BackupError as exc:
            raise BackupError(f"{source} is damaged ({exc.__cause__}); nothing was changed") from exc
        return 0
    if zipfile.is_zipfile(source):
        return stage_archive(source, staged, blobs)
    raise BackupError(
        f"{source} is neither a duediligence backup archive nor a database file; nothing was changed"
    )


def stage_archive(source: Path, staged: Path, blobs: BlobStore) -> int:
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read(MANIFEST_NAME))
            if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
                raise BackupError(f"{source} is not a duediligence backup ({MANIFEST_NAME} has another format)")
            with archive.open(DATABASE_NAME) as reader, open(staged, "wb") as writer:
                shutil.copyfileobj(reader, writer, 1024 * 1024)
            if sha256_of_file(staged) != manifest["database"]["sha256"]:
                raise BackupError(f"{source} is damaged: its database does not match the manifest's sha256")
            evidence = list(manifest.get("evidence", []))
            for sha256 in evidence:
                with archive.open(f"evidence/{sha256}") as reader:
                    blobs.add_stream(reader, f"{source}: evidence/{sha256}", expected_sha256=sha256)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{source} is not a complete duediligence backup ({exc}); nothing was changed") from exc
    except DueDiligenceError as exc:
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"{exc}; nothing was changed") from exc
    fsync_file(staged)
    return len(evidence)


def check_database(staged: Path, source: Path) -> None:
    """Refuse a database that is damaged, foreign, or newer than this app."""
    try:
        connection = sqlite3.connect(f"{staged.resolve().as_uri()}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{source} is damaged ({exc}); nothing was changed") from exc
    if verdict != "ok":
        raise BackupError(f"{source} is damaged (integrity check: {verdict}); nothing was changed")
    if revision is None:
        raise BackupError(f"{source} is not a duediligence database; nothing was changed")
    if revision != HEAD_REVISION and revision not in known_revisions():
        raise DatabaseTooNew(
            f"{source} was written by a newer version of duediligence (schema revision {revision}); "
            "install that version to restore it. Nothing was changed."
        )


def keep_copy(paths: DataPaths) -> Path:
    """Copy the database about to be replaced into ``backups/``."""
    destination = paths.backups / timestamped_name("before-restore")
    try:
        copy_database(paths.database, destination)
    except BackupError:
        # Too damaged for SQLite to read: keep the raw files instead.
        paths.backups.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal"):
            original = Path(f"{paths.database}{suffix}")
            if original.exists():
                shutil.copy2(original, Path(f"{destination}{suffix}"))
        fsync_dir(paths.backups)
    return destination


def install(staged: Path, current: Path) -> None:
    """Make ``staged`` the content of ``current``."""
    if has_content(current):
        try:
            reader = sqlite3.connect(staged)
            writer = sqlite3.connect(current, timeout=DEFAULT_BUSY_TIMEOUT_MS / 1000)
            try:
                reader.backup(writer)
            finally:
                writer.close()
                reader.close()
            return
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise BackupError(
                    f"{current} is in use by another program; close duediligence and try again. "
                    "Nothing was changed."
                ) from exc
        except sqlite3.DatabaseError:
            pass  # the live file is damaged: replace it below
    for suffix in ("-wal", "-shm"):
        Path(f"{current}{suffix}").unlink(missing_ok=True)
    staged.replace(current)
    fsync_dir(current.parent)
