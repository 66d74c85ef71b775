"""Writing output files all at once: a report (or identity) appears
complete under its name or not at all, never half written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from duediligence.errors import OutputFileError


def write_atomically(path: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into
    place; on any error the temporary file is removed and ``path`` untouched."""
    target = Path(path)
    if target.is_dir():
        raise OutputFileError(f"Cannot write {target}: it is a folder; give a file name.")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputFileError(f"Cannot write {target}: {exc.strerror} ({target.parent}).") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputFileError(f"Cannot write {target}: {exc.strerror}.") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
