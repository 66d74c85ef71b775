"""The Linux bundle, built once per test run (and not again while its
sources are unchanged): packaging/build-linux writes a fingerprint of what
it was built from (packaging/build_key.py) beside dist/duediligence/."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
BUNDLE = DIST / "duediligence"
EXECUTABLE = BUNDLE / "duediligence"
#: The build takes about a minute here (2 cores); a cold CI machine also
#: downloads PyInstaller. Far below CI's 90 minutes.
BUILD_TIMEOUT_S = 30 * 60


def build_key_module() -> ModuleType:
    # Loaded by path: "packaging" is also the name of a library on sys.path.
    spec = importlib.util.spec_from_file_location("duediligence_build_key", REPO / "packaging" / "build_key.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def is_current(key_file: Path, key: str) -> bool:
    return EXECUTABLE.is_file() and key_file.is_file() and key_file.read_text().strip() == key


@pytest.fixture(scope="session")
def bundle() -> Path:
    """dist/duediligence/, freshly built unless the existing one was built
    from exactly these sources, Python and installed packages."""
    if not sys.platform.startswith("linux"):
        pytest.skip("packaging/build-linux builds the Linux bundle; see packaging/README.md for the others")
    keys = build_key_module()
    if not is_current(keys.KEY_FILE, keys.build_key()):
        started = time.monotonic()
        env = {**os.environ, "PYTHON": sys.executable}
        result = subprocess.run(
            [str(REPO / "packaging" / "build-linux")],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
        assert result.returncode == 0, (
            f"packaging/build-linux failed ({result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
        )
        print(f"\nbuilt the bundle in {time.monotonic() - started:.0f} s")
        # The build writes the key of what it built from; it must match now.
        assert is_current(keys.KEY_FILE, keys.build_key()), "the bundle's build key does not match its sources"
    return BUNDLE


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """An environment with nothing of the development setup in it: no venv,
    no PYTHONPATH, a home of its own, so the bundle must stand alone."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "DUEDILIGENCE_DATA_DIR": str(tmp_path / "data"),
    }
