"""A fingerprint of everything a bundle is built from.

    .venv/bin/python packaging/build_key.py

prints a hash of the sources (duediligence/, forms/, resources/,
packaging/, pyproject.toml), the Python version and every installed
distribution with its version. packaging/build-linux writes it to
``dist/duediligence.build-key`` after a successful build; the bundle smoke
test (tests/packaging) builds again only when the key differs, so a second
local run, or a second test in the same CI run, reuses dist/.
"""

from __future__ import annotations

import hashlib
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("duediligence", "forms", "resources", "packaging")
SKIPPED_PARTS = {"__pycache__"}
SKIPPED_SUFFIXES = {".pyc", ".pyo", ".md"}  # notes do not change a bundle
KEY_FILE = ROOT / "dist" / "duediligence.build-key"


def source_files() -> list[Path]:
    files = [ROOT / "pyproject.toml"]
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and not SKIPPED_PARTS.intersection(path.parts) and path.suffix not in SKIPPED_SUFFIXES:
                files.append(path)
    return sorted(files)


def build_key() -> str:
    digest = hashlib.sha256()
    digest.update(f"python {sys.version}\n".encode())
    # The environment's own site-packages only: sys.path differs between a
    # script and pytest (which adds the repo, with its *.egg-info).
    site = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions(path=site))
    digest.update("\n".join(installed).encode())
    for path in source_files():
        digest.update(b"\0" + path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    print(build_key())
