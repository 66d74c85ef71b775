"""Writing files so that a crash leaves either the old file or the new one.

Write to a temporary file in the same folder, ``fsync`` it, rename it over
the target, then ``fsync`` the folder so the rename itself is durable.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where
    folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


@contextmanager
def atomic_write(target: Path) -> Iterator[BinaryIO]:
    """Yield a file to write; on success it replaces ``target`` durably, on
    error it is removed and ``target`` is untouched."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


TEMPORARY_PREFIX = ".tmp-"


def remove_stale_temporaries(folder: Path, max_age_seconds: float = 24 * 3600) -> int:
    """Delete ``temporary_path`` leftovers older than ``max_age_seconds``
    (a crash can leave one); younger ones may belong to a running process."""
    removed = 0
    cutoff = time.time() - max_age_seconds
    for path in folder.glob(f"{TEMPORARY_PREFIX}*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


@contextmanager
def temporary_path(folder: Path, suffix: str) -> Iterator[Path]:
    """A fresh path in ``folder`` (on the same file system as the final
    file, so it can be renamed into place), removed afterwards if still there."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX, suffix=suffix)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)
