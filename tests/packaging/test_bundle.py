"""Smoke test of the built Linux bundle, as someone without Python runs it.

Slow (the bundle is built once per run, about a minute here; see
conftest.py), and run in CI all the same. Every command runs the bundle's
own executable in a clean environment, outside the repo, on the files
inside the bundle.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from duediligence import __version__
from duediligence.report.fonts import FACES

pytestmark = pytest.mark.slow

COMMAND_TIMEOUT_S = 120
WINDOW_TIMEOUT_S = 10
PASSPHRASE = "smoke test passphrase"
MAX_ARCHIVE_BYTES = 150 * 1024 * 1024


def package_dir(bundle: Path) -> Path:
    return bundle / "_internal" / "duediligence"


def run(bundle: Path, env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / "duediligence"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )


def test_version(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    result = run(bundle, clean_env, tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"duediligence {__version__}"


def test_the_bundle_has_its_data_and_not_what_it_does_not_use(bundle: Path) -> None:
    package = package_dir(bundle)
    for path in (
        "forms/biometric-vendor.json",
        "forms/examples/all-types.json",
        "forms/examples/all-types.answers.json",
        "questionnaire/schema/questionnaire.schema.json",
        "resources/icons/duediligence.svg",
        "resources/icons/duediligence-256.png",
        # Alembic reads these by path, so they must be files, not only modules.
        "storage/migrations/env.py",
        "storage/migrations/script.py.mako",
        "storage/migrations/versions/0001_initial.py",
    ):
        assert (package / path).is_file(), path
    for face in FACES:
        assert (package / "resources" / "fonts" / face.file).is_file(), face.file
        assert (package / "resources" / "fonts" / face.licence).is_file(), face.licence
    assert (bundle / "install-desktop-integration").is_file()
    assert (bundle / "share" / "applications" / "duediligence.desktop").is_file()

    names = [p.relative_to(bundle).as_posix() for p in bundle.rglob("*")]
    unwanted = ("libQt6Quick", "libQt6Qml", "libQt6WebEngine", "libQt6Pdf", "libQt6Designer", "libQt63D",
                "libQt6Multimedia", "Qt/translations/", "Qt/qml/", "platformthemes/libqgtk3",
                "/pytest", "/_pytest", "/hypothesis", "/tkinter", "/PyInstaller/")
    found = [n for n in names if any(u in "/" + n for u in unwanted)]
    assert not found, f"left out on purpose, yet bundled: {found[:10]}"
    assert any(n.endswith("platforms/libqxcb.so") for n in names)
    assert any(n.endswith("platforms/libqoffscreen.so") for n in names)
    assert not list(bundle.rglob("__pycache__")), "nothing may be compiled into the bundle at run time"


def test_python_modules_in_the_bundle(bundle: Path) -> None:
    """Every module of the package is in the archive (the CLI imports some
    by name), and no development tool from the venv slipped in."""
    from PyInstaller.archive.readers import CArchiveReader  # installed by the build

    modules = set(CArchiveReader(str(bundle / "duediligence")).open_embedded_archive("PYZ.pyz").toc)
    for module in ("duediligence.cli.store_commands", "duediligence.cli.report_commands", "duediligence.ui.app",
                   "duediligence.ui.main_window", "duediligence.services", "duediligence.forms",
                   "duediligence.storage.migrations.versions", "jsonschema_rs", "pyhanko.sign", "alembic.command"):
        assert module in modules, module
    tools = {"pytest", "_pytest", "pytestqt", "hypothesis", "pygments", "numpy", "matplotlib", "fontTools",
             "tkinter", "PyInstaller", "pip", "setuptools"}
    unused_qt = ("PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtNetwork", "PySide6.QtWebEngine")
    found = sorted(m for m in modules if m.split(".")[0] in tools or m.startswith(unused_qt))
    assert not found, found[:20]


def test_archive(bundle: Path) -> None:
    archives = sorted(bundle.parent.glob(f"duediligence-{__version__}-linux-*.tar.gz"))
    assert archives, "packaging/build-linux packs dist/duediligence-VERSION-linux-ARCH.tar.gz"
    archive = archives[-1]
    assert archive.stat().st_size < MAX_ARCHIVE_BYTES, f"{archive.stat().st_size / 2**20:.1f} MiB"
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
    assert {m.name.split("/")[0] for m in members} == {"duediligence"}
    executable = next(m for m in members if m.name == "duediligence/duediligence")
    assert executable.mode & 0o111 and executable.uid == 0 and executable.uname == ""


def test_validate_the_builtin_sets(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    forms = package_dir(bundle) / "forms"
    result = run(bundle, clean_env, tmp_path, "validate", str(forms / "biometric-vendor.json"), str(forms / "examples" / "all-types.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "biometric-vendor.json: ok: biometric-vendor" in result.stdout
    assert "all-types.json: ok: example-vendor" in result.stdout


def test_store_migrates_and_lists_the_builtin_sets(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    """A new data dir is created by running the Alembic migrations from
    the bundle, then the built-in sets come from the bundled package data."""
    data = tmp_path / "store"
    result = run(bundle, clean_env, tmp_path, "--data-dir", str(data), "questionnaires", "list", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {(row["id"], row["source"]) for row in json.loads(result.stdout)}
    assert ("biometric-vendor", "built-in") in listed
    assert (data / "duediligence.sqlite3").is_file()


def test_signed_report_verifies(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    examples = package_dir(bundle) / "forms" / "examples"
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    identity, report = tmp_path / "assessor.p12", tmp_path / "report.pdf"

    created = run(bundle, clean_env, tmp_path, "identity", "create", "--name", "Smoke Test", "--out", str(identity), "--passphrase-file", str(secret))
    assert created.returncode == 0, created.stdout + created.stderr

    made = run(
        bundle, clean_env, tmp_path,
        "report", str(examples / "all-types.json"), str(examples / "all-types.answers.json"),
        "-o", str(report), "--sign", str(identity), "--passphrase-file", str(secret),
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "signed by Smoke Test" in made.stdout
    assert report.read_bytes().startswith(b"%PDF-")

    verified = run(bundle, clean_env, tmp_path, "verify", str(report), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    verdict = json.loads(verified.stdout)
    assert verdict["ok"] and verdict["answers"]["status"] == "matches"
    assert run(bundle, clean_env, tmp_path, "verify", str(report)).returncode == 0


def test_gui_starts_offscreen_and_quits_cleanly(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    """The app's smoke hook (ui/app.py): with DUEDILIGENCE_SMOKE_QUIT_AFTER_MS
    set it logs "main window shown" once the window is up, then quits."""
    data = tmp_path / "gui-data"
    log = data / "duediligence.log"
    env = {**clean_env, "QT_QPA_PLATFORM": "offscreen", "DUEDILIGENCE_SMOKE_QUIT_AFTER_MS": "500"}
    started = time.monotonic()
    process = subprocess.Popen(
        [str(bundle / "duediligence"), "--data-dir", str(data)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        shown_after = None
        while time.monotonic() - started < WINDOW_TIMEOUT_S:
            if log.is_file() and "main window shown" in log.read_text(encoding="utf-8", errors="replace"):
                shown_after = time.monotonic() - started
                break
            if process.poll() is not None:
                break
            time.sleep(0.05)
        if shown_after is None:
            process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=COMMAND_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else "(no log)"
    assert shown_after is not None, f"no main window within {WINDOW_TIMEOUT_S} s\nlog:\n{text}\nstderr:\n{err}"
    assert process.returncode == 0, f"exit code {process.returncode}\nlog:\n{text}\nstderr:\n{err}"
    assert f"starting duediligence {__version__}" in text
    assert "ERROR" not in text, text
    print(f"\nmain window shown {shown_after:.1f} s after start")


def test_install_desktop_integration(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    """The script shipped in the bundle installs and removes the menu
    entry, icons and metadata for one user, and nothing else."""
    env = {**clean_env, "DUEDILIGENCE_BIN_DIR": str(tmp_path / "bin")}
    share = Path(env["XDG_DATA_HOME"])
    script = bundle / "install-desktop-integration"

    installed = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    desktop = (share / "applications" / "duediligence.desktop").read_text()
    assert f"Exec={bundle.resolve() / 'duediligence'} %f\n" in desktop
    assert "Icon=duediligence\n" in desktop
    for size in (16, 32, 48, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "duediligence.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "duediligence.svg").is_file()
    assert (share / "metainfo" / "org.duediligence.app.metainfo.xml").is_file()
    link = tmp_path / "bin" / "duediligence"
    assert os.path.realpath(link) == str((bundle / "duediligence").resolve())

    removed = subprocess.run([str(script), "--uninstall"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert not (share / "applications" / "duediligence.desktop").exists()
    assert not list((share / "icons").rglob("duediligence.*"))
    assert not link.exists() and not link.is_symlink()
