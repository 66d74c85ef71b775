"""Evidence bytes, stored by content: ``evidence/ab/abcdef...`` (sha256).

Never under the user's file name, which may be anything (``../x``, a
reserved Windows name, 300 characters of emoji); the name is metadata in
the database. The same content attached twice is stored once. A blob is
written to a temporary file, fsynced and renamed into place before the
database row that names it is committed, so a committed row never points
at a half-written file; a crash in between leaves only an unreferenced
blob. Blobs are never changed, and never deleted by the app (a final
assessment, or a backup, may still name them).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from duediligence.errors import EvidenceError
from duediligence.storage.files import fsync_dir, temporary_path

#: Largest evidence file accepted: 200 MiB (a long scanned contract is ~50 MB).
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class BlobStore:
    def __init__(self, root: Path, max_bytes: int = MAX_EVIDENCE_BYTES):
        self.root = root
        self.max_bytes = max_bytes

    def path_for(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def check_file(self, source: Path) -> None:
        """Refuse a folder, a missing file or a too big one before any copying."""
        if source.is_dir():
            raise EvidenceError(f"{source} is a folder; attach a file")
        try:
            size = source.stat().st_size
        except FileNotFoundError:
            raise EvidenceError(f"{source}: no such file") from None
        if size > self.max_bytes:
            raise EvidenceError(self._too_big(source, size))

    def add_file(self, source: Path) -> StoredBlob:
        """Store the file at ``source`` (see ``check_file`` for what is refused)."""
        self.check_file(source)
        try:
            with open(source, "rb") as reader:
                return self.add_stream(reader, str(source))
        except FileNotFoundError:
            raise EvidenceError(f"{source}: no such file") from None
        except PermissionError:
            raise EvidenceError(f"{source}: permission denied; check the file's permissions") from None

    def add_stream(self, reader: BinaryIO, label: str, expected_sha256: str | None = None) -> StoredBlob:
        """Store what ``reader`` yields; with ``expected_sha256``, refuse
        content that does not hash to it (a damaged backup, say)."""
        digest = hashlib.sha256()
        size = 0
        with temporary_path(self.root / "tmp", ".blob") as temp:
            with open(temp, "wb") as writer:
                while chunk := reader.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise EvidenceError(self._too_big(label, size))
                    digest.update(chunk)
                    writer.write(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            sha256 = digest.hexdigest()
            if expected_sha256 is not None and sha256 != expected_sha256:
                raise EvidenceError(f"{label}: content does not match its sha256 {expected_sha256}")
            final = self.path_for(sha256)
            if not final.is_file():
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(temp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                os.replace(temp, final)
                fsync_dir(final.parent)
        return StoredBlob(sha256, size)

    def _too_big(self, label: object, size: int) -> str:
        return (
            f"{label} is {size:,} bytes or more; evidence files are limited to "
            f"{self.max_bytes // (1024 * 1024)} MiB. Attach a smaller extract or a link in a comment."
        )
