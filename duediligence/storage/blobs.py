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

from duediligence.errors import EvidenceError, StoreError
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
        """A stored blob: a regular file, never a link (a planted link would
        make content from outside the data dir pass for stored evidence)."""
        try:
            return stat.S_ISREG(os.lstat(self.path_for(sha256)).st_mode)
        except OSError:
            return False

    def check_file(self, source: Path) -> None:
        """Refuse a folder, a missing, special (device, pipe) or too big file
        before any copying. A link is followed for reading: its target's
        content is copied in, nothing is ever written through it."""
        try:
            info = source.stat()
        except FileNotFoundError:
            raise EvidenceError(f"{source}: no such file") from None
        except (OSError, ValueError) as exc:  # a NUL byte, a name too long, a loop of links
            reason = getattr(exc, "strerror", None) or str(exc)
            raise EvidenceError(f"{ascii(str(source))[1:-1]}: cannot be read ({reason}); choose another file") from None
        if stat.S_ISDIR(info.st_mode):
            raise EvidenceError(f"{source} is a folder; attach a file")
        if not stat.S_ISREG(info.st_mode):
            raise EvidenceError(f"{source} is not a regular file (a device, pipe or socket); attach a file")
        if info.st_size > self.max_bytes:
            raise EvidenceError(self._too_big(source, info.st_size))

    def own_folder(self, folder: Path) -> Path:
        """``folder`` (inside the blob store), created if needed, refused when
        it or the store itself is a link: a link planted in the data dir must
        not make the app write outside it."""
        for path in (self.root, folder):
            if path.is_symlink():
                raise EvidenceError(
                    f"{path} is a symbolic link; the evidence store never writes through links. "
                    "Replace it with a folder (or restore a backup) and try again."
                )
        folder.mkdir(parents=True, exist_ok=True)
        return folder

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
        try:
            return self._add_stream(reader, label, expected_sha256)
        except OSError as exc:  # a full disk, an I/O error, a read-only folder
            raise StoreError(
                f"cannot store {label} in {self.root}: {exc.strerror or exc}. Free some disk space "
                "(or make the data dir writable) and try again; nothing was changed."
            ) from exc

    def _add_stream(self, reader: BinaryIO, label: str, expected_sha256: str | None) -> StoredBlob:
        digest = hashlib.sha256()
        size = 0
        with temporary_path(self.own_folder(self.root / "tmp"), ".blob") as temp:
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
            if not self.has(sha256):
                # A link planted at the blob's name is replaced, not followed.
                self.own_folder(final.parent)
                os.chmod(temp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                os.replace(temp, final)
                fsync_dir(final.parent)
        return StoredBlob(sha256, size)

    def _too_big(self, label: object, size: int) -> str:
        return (
            f"{label} is {size:,} bytes or more; evidence files are limited to "
            f"{self.max_bytes // (1024 * 1024)} MiB. Attach a smaller extract or a link in a comment."
        )
