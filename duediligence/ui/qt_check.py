"""Tell a person which system packages Qt lacks, before Qt aborts.

Without them Qt prints a raw plugin error ("could not load the Qt platform
plugin xcb") and aborts the process; this check runs first and names the
Debian/Ubuntu packages to install instead. It uses only ctypes, so it runs
before anything from Qt is imported.
"""

from __future__ import annotations

import ctypes
import os
import sys

#: Shared libraries Qt's xcb platform plugin loads, with their Debian packages.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
#: Needed by every platform, offscreen included.
COMMON_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0",
}


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def platform_in_use() -> str:
    explicit = os.environ.get("QT_QPA_PLATFORM", "")
    if explicit:
        return explicit.split(":")[0]
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def missing_packages() -> list[str]:
    """Debian packages whose libraries Qt will need here and cannot load."""
    if not sys.platform.startswith("linux"):
        return []
    needed = dict(COMMON_LIBRARIES)
    if platform_in_use() == "xcb":
        needed.update(XCB_LIBRARIES)
    return sorted({package for soname, package in needed.items() if not _loadable(soname)})


def startup_problem() -> str | None:
    """A message for the person, or None when Qt can start."""
    missing = missing_packages()
    if missing:
        return (
            "duediligence cannot open its window: Qt needs system libraries that are not installed.\n"
            f"On Debian or Ubuntu, install them with:\n\n    sudo apt-get install {' '.join(missing)}\n"
        )
    if sys.platform.startswith("linux") and platform_in_use() == "xcb" and not os.environ.get("DISPLAY"):
        return (
            "duediligence cannot open its window: no display was found (DISPLAY is not set).\n"
            "Run it in a desktop session, or use the command line (duediligence --help)."
        )
    return None
