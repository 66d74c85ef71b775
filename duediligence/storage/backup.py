"""Backups: consistent copies of the database, and archives of a whole store.

A copy is taken with SQLite's online backup API, never by copying the
file: in WAL mode the newest changes may still sit in ``-wal``, and a
file copy taken during a write is torn. Copies are self-contained
(rollback journal mode, no ``-wal`` beside them).

``duediligence backup OUT`` writes a zip archive holding the database,
every evidence blob the database names, and a manifest with their
sha256, so a backup moved to another machine is complete. ``restore``
(``restore.py``) accepts such an archive or a bare database copy.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from duediligence import __version__
from duediligence.errors import BackupError
from duediligence.paths import DATABASE_NAME, DataPaths
from duediligence.storage.blobs import BlobStore
from duediligence.storage.files import atomic_write, fsync_dir, fsync_file, temporary_path

ARCHIVE_FORMAT = "duediligence/backup@1"
MANIFEST_NAME = "manifest.json"
BACKUP_SUFFIX = ".sqlite3"


def timestamped_name(reason: str) -> str:
    """``duediligence-20261126T150203123456Z-<reason>.sqlite3``: sorts by time."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"duediligence-{stamp}-{reason}{BACKUP_SUFFIX}"


def keep_newest(folder: Path, count: int) -> list[Path]:
    """Delete all but the ``count`` newest automatic backups; return the deleted."""
    backups = sorted(folder.glob(f"duediligence-*{BACKUP_SUFFIX}"))
    doomed = backups[:-count] if count else backups
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


@dataclass(frozen=True)
class BackupCopy:
    """One automatic copy in ``backups/`` (what the app can offer to restore)."""

    path: Path
    taken_at: datetime
    #: Why it was taken: ``before-upgrade-from-0001``, ``before-restore``...
    reason: str
    size: int


_BACKUP_NAME = re.compile(r"^duediligence-(\d{8}T\d{12})Z-(.+)\.sqlite3$")


def list_backups(backups: Path) -> list[BackupCopy]:
    """The automatic copies in the folder ``backups``, newest first; files
    that are not SQLite databases (or not named by the app) are left out."""
    found = []
    try:
        candidates = list(backups.iterdir())
    except OSError:
        return []
    for path in candidates:
        match = _BACKUP_NAME.match(path.name)
        if match is None:
            continue
        try:
            if not path.is_file() or path.is_symlink():
                continue
            with open(path, "rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    continue
            size = path.stat().st_size
        except OSError:
            continue
        taken_at = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc)
        found.append(BackupCopy(path, taken_at, match.group(2), size))
    return sorted(found, key=lambda copy: copy.taken_at, reverse=True)


def newest_backup(backups: Path) -> BackupCopy | None:
    """The newest automatic copy in ``backups``, or None."""
    copies = list_backups(backups)
    return copies[0] if copies else None


def copy_database(source: Path, destination: Path) -> None:
    """Copy the live database at ``source`` to ``destination`` consistently
    (the backup API reads one snapshot, WAL included) and durably."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with temporary_path(destination.parent, BACKUP_SUFFIX) as temp:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        writer = sqlite3.connect(temp)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode = DELETE").fetchall()
        except sqlite3.Error as exc:
            raise BackupError(f"cannot copy {source} to {destination}: {exc}") from exc
        finally:
            writer.close()
            reader.close()
        fsync_file(temp)
        temp.replace(destination)
    fsync_dir(destination.parent)


@dataclass(frozen=True)
class ArchiveSummary:
    path: Path
    database_sha256: str
    evidence_count: int
    missing_evidence: tuple[str, ...]


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def referenced_blobs(database: Path) -> list[str]:
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT DISTINCT sha256 FROM evidence ORDER BY sha256")]
    finally:
        connection.close()


def write_archive(paths: DataPaths, out: Path) -> ArchiveSummary:
    """Write a backup archive of the store at ``paths`` to ``out`` (never
    over an existing file)."""
    if out.exists():
        raise BackupError(f"{out} already exists; choose another name or remove it first")
    blobs = BlobStore(paths.evidence)
    with temporary_path(out.parent if out.parent.exists() else paths.root, BACKUP_SUFFIX) as copy:
        copy_database(paths.database, copy)
        database_sha256 = sha256_of_file(copy)
        wanted = referenced_blobs(copy)
        present = [sha for sha in wanted if blobs.has(sha)]
        missing = tuple(sha for sha in wanted if not blobs.has(sha))
        manifest = {
            "format": ARCHIVE_FORMAT,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "app_version": __version__,
            "database": {"name": DATABASE_NAME, "sha256": database_sha256},
            "evidence": present,
        }
        try:
            with atomic_write(out) as handle, zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
                archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2))
                archive.write(copy, DATABASE_NAME, compress_type=zipfile.ZIP_DEFLATED)
                for sha in present:
                    # Evidence is mostly PDFs and images, already compressed.
                    archive.write(blobs.path_for(sha), f"evidence/{sha}", compress_type=zipfile.ZIP_STORED)
        except OSError as exc:
            raise BackupError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return ArchiveSummary(out, database_sha256, len(present), missing)
