"""Shared fixtures. Qt runs offscreen everywhere, so CI needs no screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
FORMS = REPO / "forms"
BIOMETRIC_SET = FORMS / "biometric-vendor.json"
EXAMPLE_SET = FORMS / "examples" / "all-types.json"
EXAMPLE_ANSWERS = FORMS / "examples" / "all-types.answers.json"
VSAQ = REPO.parent / "shared" / "data" / "vsaq"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir for the store, also exported for subprocesses."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("DUEDILIGENCE_DATA_DIR", str(path))
    return path
