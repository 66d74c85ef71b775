"""The files a release ships besides the code: the version in step across
CHANGELOG.md and the AppStream metadata, the desktop entry, the icons."""

from __future__ import annotations

import configparser
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from duediligence import __version__

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "resources"
DESKTOP = RESOURCES / "duediligence.desktop"
METAINFO = RESOURCES / "org.duediligence.app.metainfo.xml"
ICONS = RESOURCES / "icons"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign] - keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_changelog_has_the_current_version() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)


def test_appstream_metadata_matches_the_app() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == "org.duediligence.app"
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    assert [r.get("version") for r in root.iter("release")][0] == __version__
    assert root.findtext("icon") == desktop_entry()["Icon"]


def test_desktop_entry() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    # install-desktop-integration replaces these two with the bundle's path.
    assert entry["Exec"] == "duediligence %f" and entry["TryExec"] == "duediligence"
    assert entry["Icon"] == "duediligence"
    assert (ICONS / f"{entry['Icon']}.svg").is_file()
    # "Open with": `duediligence FILE.json` loads the question set in the window.
    assert entry["MimeType"] == "application/json;"


@pytest.mark.parametrize(
    ("tool", "args", "path"),
    [
        ("desktop-file-validate", [], DESKTOP),
        ("appstreamcli", ["validate", "--no-net"], METAINFO),
    ],
)
def test_validators_accept_the_files(tool: str, args: list[str], path: Path) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (Debian: desktop-file-utils, appstream)")
    result = subprocess.run([tool, *args, str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_windows_icon_has_every_size() -> None:
    data = (ICONS / "duediligence.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}
    assert sizes == {16, 24, 32, 48, 64, 128, 256}


def test_macos_icon_has_every_size() -> None:
    data = (ICONS / "duediligence.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    kinds, offset = set(), 8
    while offset < len(data):
        kind, length = struct.unpack_from(">4sI", data, offset)
        kinds.add(kind)
        offset += length
    # 16, 32, 64, 128, 256, 512 and 1024 px (512 @2x)
    assert {b"ic11", b"ic12", b"ic07", b"ic13", b"ic08", b"ic14", b"ic09", b"ic10"} <= kinds
