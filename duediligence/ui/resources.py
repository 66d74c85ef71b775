"""Icons shipped in ``resources/``, loaded through importlib.resources so
they work from source, from a wheel and from a frozen bundle."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtGui import QIcon, QPixmap

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


@cache
def app_icon() -> QIcon:
    """The app icon at every size, so high-DPI screens get a sharp one."""
    icon = QIcon()
    folder = resources.files("duediligence.resources.icons")
    for size in ICON_SIZES:
        pixmap = QPixmap()
        pixmap.loadFromData(folder.joinpath(f"duediligence-{size}.png").read_bytes())
        icon.addPixmap(pixmap)
    return icon
