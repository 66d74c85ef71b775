"""One window writes to a data dir at a time.

SQLite already keeps two writers from interleaving inside one transaction
(``BEGIN IMMEDIATE`` and a busy timeout), but two windows editing the same
assessment would each show a state the other keeps changing. So the
desktop app takes this lock at start: the first instance gets it and
writes; a second one gets ``None`` and opens the store read-only with a
notice (or hands over to the first). The command line does not take it:
a script may run beside an open window, one transaction at a time.

The lock is an OS file lock (``flock`` on POSIX, ``msvcrt.locking`` on
Windows) on ``<data dir>/duediligence.lock``, so it is released by the
operating system when its holder exits or is killed: a crash never leaves
a stale lock behind. The file's content (pid, host, start time) is only
information for the notice, never trusted for the decision.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

LOCK_NAME = "duediligence.lock"


@dataclass(frozen=True)
class LockHolder:
    """Who holds the lock, as the holder wrote it (for the notice)."""

    pid: int | None
    host: str
    since: str


class WriterLock:
    """The held lock; ``release()`` (or leaving the ``with`` block, or the
    process ending) gives it up."""

    def __init__(self, path: Path, handle: IO[str]):
        self.path = path
        self._handle: IO[str] | None = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire_writer_lock(data_dir: str | os.PathLike[str]) -> WriterLock | None:
    """Take the data dir's writer lock without waiting; ``None`` when another
    process (or another ``acquire`` in this one) holds it. The data dir must
    exist (``services.open_store`` creates it)."""
    path = Path(data_dir) / LOCK_NAME
    handle = open(path, "a+", encoding="utf-8")  # never truncates a holder's note
    try:
        if not _try_lock(handle):
            handle.close()
            return None
        handle.seek(0)
        handle.truncate()
        note = {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        handle.write(json.dumps(note))
        handle.flush()
    except BaseException:
        handle.close()
        raise
    return WriterLock(path, handle)


def lock_holder(data_dir: str | os.PathLike[str]) -> LockHolder | None:
    """What the current holder wrote about itself, if anything readable."""
    try:
        note = json.loads((Path(data_dir) / LOCK_NAME).read_text(encoding="utf-8"))
        return LockHolder(int(note["pid"]), str(note["host"]), str(note["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
