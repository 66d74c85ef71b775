"""Backing up and restoring the whole store (``backup OUT``, ``restore FILE``)."""

from __future__ import annotations

import os
from pathlib import Path

from duediligence.paths import DataPaths, resolve_data_dir
from duediligence.storage.backup import ArchiveSummary, BackupCopy, list_backups, write_archive
from duediligence.storage.backup import newest_backup as newest_in
from duediligence.storage.restore import RestoreOutcome, restore
from duediligence.services.startup import open_store
from duediligence.storage.store import Store, ensure_writable_dir


def backup_store(store: Store, out: str | os.PathLike[str]) -> ArchiveSummary:
    """A zip archive of the database and its evidence at ``out``."""
    return write_archive(store.paths, Path(out))


def restore_store(
    source: str | os.PathLike[str], *, data_dir: str | os.PathLike[str] | None = None, force: bool = False
) -> RestoreOutcome:
    """Replace the store in ``data_dir`` with a backup archive or database
    copy. Works without opening the store first, so a damaged database can
    be replaced (with ``force``); an older copy is then migrated."""
    paths = DataPaths(resolve_data_dir(data_dir))
    ensure_writable_dir(paths.root)
    outcome = restore(paths, Path(source), force=force)
    # Bring a restored older copy to this version's schema at once, so a
    # window that has the store open keeps working.
    open_store(paths.root).close()
    return outcome


def available_backups(data_dir: str | os.PathLike[str] | None = None) -> list[BackupCopy]:
    """The automatic database copies of a data dir, newest first. Needs no
    open store: it is what a window offers when the database is damaged."""
    return list_backups(DataPaths(resolve_data_dir(data_dir)).backups)


def newest_backup(data_dir: str | os.PathLike[str] | None = None) -> BackupCopy | None:
    """The newest automatic copy of the data dir's database (None if none);
    put it back with ``restore_store(copy.path, data_dir=..., force=True)``."""
    return newest_in(DataPaths(resolve_data_dir(data_dir)).backups)
