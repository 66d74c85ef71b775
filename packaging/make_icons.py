"""Make the Windows .ico and the macOS .icns from the committed PNG sizes.

    .venv/bin/python packaging/make_icons.py

Writes ``resources/icons/duediligence.ico`` (16-256 px) and
``resources/icons/duediligence.icns`` (16-512 px, 1x and 2x). Both are
committed; run this again only when the icon changes. Pillow is used
here, at build time only (it comes with ReportLab anyway); the app never
needs it. The PNGs are the source of truth for every size they cover, so
nothing is rescaled; the 1024 px one the .icns needs (512 @2x) is rendered
from the SVG with Qt's SVG renderer.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PIL import Image

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def png(size: int) -> Image.Image:
    return Image.open(ICONS / f"duediligence-{size}.png").convert("RGBA")


def render_svg(size: int) -> Image.Image:
    """The SVG drawn at ``size`` px (offscreen Qt, no window)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ICONS / "duediligence.svg"))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    largest = png(256)
    # Each size is its own drawn PNG: Pillow picks, for every size asked,
    # the appended image of exactly that size.
    largest.save(
        ICONS / "duediligence.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[png(s) for s in ICO_SIZES if s != 256],
    )
    biggest = png(512)
    biggest.save(
        ICONS / "duediligence.icns",
        format="ICNS",
        append_images=[png(s) for s in ICNS_SIZES if s != 512] + [render_svg(1024)],
    )
    for name in ("duediligence.ico", "duediligence.icns"):
        path = ICONS / name
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
