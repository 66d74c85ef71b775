"""The spec's Windows and macOS branches cannot be built here, so they are
run here with stand-ins for PyInstaller's build classes: what the spec
asks PyInstaller for on each platform is checked, not what PyInstaller
makes of it."""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from duediligence import __version__

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "duediligence.spec"
ORIGINAL_PLATFORM = sys.platform


class Recorder:
    """Stands in for one of PyInstaller's spec classes; remembers its call."""

    def __init__(self, calls: list, kind: str):
        self.calls, self.kind = calls, kind

    def __call__(self, *args, **kwargs):
        result = SimpleNamespace(kind=self.kind, args=args, kwargs=kwargs, binaries=[], datas=[], pure=[], scripts=[])
        self.calls.append(result)
        return result


def run_spec(platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list, dict]:
    pytest.importorskip("PyInstaller", reason="PyInstaller (the `package` extra) is installed by packaging/build-linux")
    calls: list = []
    namespace = {
        "__file__": str(SPEC),
        "SPECPATH": str(SPEC.parent),
        "DISTPATH": str(tmp_path / "dist"),
        "workpath": str(tmp_path / "work"),
        **{name: Recorder(calls, name) for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    if platform == "win32":
        # PyInstaller's version-resource module imports pefile and win32api
        # (Windows-only), which it needs only to read and write .exe files.
        import PyInstaller.compat

        if "pefile" not in sys.modules:
            monkeypatch.setitem(sys.modules, "pefile", ModuleType("pefile"))
        monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    monkeypatch.setattr(sys, "platform", ORIGINAL_PLATFORM)
    return calls, namespace


def of_kind(calls: list, kind: str) -> list:
    return [c for c in calls if c.kind == kind]


def test_windows_gets_a_windowed_and_a_console_exe_with_icon_and_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, _ = run_spec("win32", tmp_path, monkeypatch)
    exes = {c.kwargs["name"]: c.kwargs for c in of_kind(calls, "EXE")}
    assert set(exes) == {"duediligence", "duediligence-cli"}
    assert exes["duediligence"]["console"] is False and exes["duediligence-cli"]["console"] is True
    for options in exes.values():
        assert options["icon"].endswith("duediligence.ico") and Path(options["icon"]).is_file()
        assert options["exclude_binaries"] is True and options["upx"] is False
        version = str(options["version"])
        assert f"ProductVersion', '{__version__}'" in version, version
    assert "OriginalFilename', 'duediligence-cli.exe'" in str(exes["duediligence-cli"]["version"])
    collect = of_kind(calls, "COLLECT")[0]
    assert collect.kwargs["name"] == "duediligence" and collect.kwargs["strip"] is False
    assert not of_kind(calls, "BUNDLE")
    assert not (tmp_path / "dist").exists(), "the Linux desktop files are for Linux only"


def test_macos_gets_an_app_bundle_with_id_and_document_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUEDILIGENCE_CODESIGN_IDENTITY", raising=False)
    calls, _ = run_spec("darwin", tmp_path, monkeypatch)
    (exe,) = of_kind(calls, "EXE")
    assert exe.kwargs["icon"].endswith("duediligence.icns") and Path(exe.kwargs["icon"]).is_file()
    assert exe.kwargs["codesign_identity"] is None and exe.kwargs["argv_emulation"] is False
    (bundle,) = of_kind(calls, "BUNDLE")
    assert bundle.kwargs["name"] == "duediligence.app"
    assert bundle.kwargs["bundle_identifier"] == "org.duediligence.app"
    plist = bundle.kwargs["info_plist"]
    assert plist["CFBundleShortVersionString"] == __version__
    (document,) = plist["CFBundleDocumentTypes"]
    assert document["LSItemContentTypes"] == ["public.json"] and document["LSHandlerRank"] == "Alternate"
    assert float(plist["LSMinimumSystemVersion"]) >= 11
    plistlib.dumps(plist)  # only types a plist can hold


def test_macos_signing_identity_brings_the_entitlements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUEDILIGENCE_CODESIGN_IDENTITY", "Developer ID Application: Example (TEAMID1234)")
    calls, _ = run_spec("darwin", tmp_path, monkeypatch)
    (exe,) = of_kind(calls, "EXE")
    assert exe.kwargs["codesign_identity"] == "Developer ID Application: Example (TEAMID1234)"
    entitlements = plistlib.loads(Path(exe.kwargs["entitlements_file"]).read_bytes())
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True}


def test_the_package_is_staged_as_a_wheel_lays_it_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, namespace = run_spec("win32", tmp_path, monkeypatch)
    (analysis,) = of_kind(calls, "Analysis")
    hidden = analysis.kwargs["hiddenimports"]
    for module in ("duediligence.cli.store_commands", "duediligence.ui.app", "duediligence.forms",
                   "duediligence.resources.icons", "duediligence.storage.migrations.versions"):
        assert module in hidden
    destinations = {(Path(src).name, dest.replace("\\", "/")) for src, dest in analysis.kwargs["datas"]}
    assert ("biometric-vendor.json", "duediligence/forms") in destinations
    assert ("all-types.json", "duediligence/forms/examples") in destinations
    assert ("DejaVuSans.ttf", "duediligence/resources/fonts") in destinations
    assert ("env.py", "duediligence/storage/migrations") in destinations
    assert ("0001_initial.py", "duediligence/storage/migrations/versions") in destinations
    assert not [name for name, _ in destinations if name.endswith((".ico", ".icns", ".pyc"))]
    assert "PySide6.QtQuick" in analysis.kwargs["excludes"]
