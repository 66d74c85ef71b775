"""Backing up and restoring the whole store (``backup OUT``, ``restore FILE``)."""

from __future__ import annotations

import os
from pathlib import Path

from duediligence.paths import DataPaths, resolve_data_dir
from duediligence.storage.backup import ArchiveSummary, write_archive
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
