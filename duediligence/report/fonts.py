"""The bundled TrueType fonts and the choice of a font for each run of text.

Reports are read by auditors in many countries and vendors type names in
any script, so no standard PDF font (Helvetica & co.: Latin-1 only, never
embedded) is ever used. Every character goes to the first bundled font that
has a glyph for it; a character no bundled font covers is replaced by a
visible U+FFFD rather than printed as an empty box. A missing font file is
an installation error and fails loudly instead of degrading quietly.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from duediligence.errors import ReportError

FONT_PACKAGE = "duediligence.resources.fonts"


@dataclass(frozen=True)
class FontFace:
    """One bundled font file, as data (what it is for, where its licence is)."""

    name: str
    file: str
    licence: str
    covers: str
    family: str


#: Every font the report may use. Names are ReportLab font names.
FACES: tuple[FontFace, ...] = (
    FontFace("DejaVuSans", "DejaVuSans.ttf", "LICENSE-DejaVu.txt", "Latin, Greek, Cyrillic, Arabic, Hebrew", "DejaVu Sans"),
    FontFace("DejaVuSans-Bold", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt", "the same, bold", "DejaVu Sans"),
    FontFace("DejaVuSansMono", "DejaVuSansMono.ttf", "LICENSE-DejaVu.txt", "hashes", "DejaVu Sans Mono"),
    FontFace(
        "DroidSansFallback", "DroidSansFallback.ttf", "LICENSE-DroidSansFallback.txt", "Chinese, Japanese, Korean (Hangul)", "Droid Sans Fallback"
    ),
    FontFace(
        "DroidSansFallbackFull", "DroidSansFallbackFull.ttf", "LICENSE-DroidSansFallback.txt", "rarer Chinese (CJK Extension A)", "Droid Sans Fallback"
    ),
    FontFace("Symbola", "Symbola.ttf", "LICENSE-Symbola.txt", "emoji and symbols (monochrome)", "Symbola"),
)

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"
#: Tried in this order after a run's own font.
FALLBACKS: tuple[str, ...] = ("DejaVuSans", "DroidSansFallback", "DroidSansFallbackFull", "Symbola")
#: The bold of each family. A font without a bold is its own bold, so
#: ``<b>`` around a CJK run keeps the CJK font instead of failing.
BOLD_OF: dict[str, str] = {REGULAR: BOLD, BOLD: BOLD}
REPLACEMENT = "\ufffd"


class BundledFonts:
    """The registered fonts and their character coverage.

    Built once per process (``bundled_fonts()``): parsing the CJK font costs
    ~50 ms, and ReportLab's font registry is global anyway.
    """

    def __init__(self, faces: tuple[FontFace, ...] = FACES):
        ttfonts.makeToUnicodeCMap = to_unicode_cmap
        self.faces = {face.name: face for face in faces}
        self._coverage: dict[str, dict[int, int]] = {}
        self._choice: dict[tuple[str, str], str | None] = {}
        for face in faces:
            font = TTFont(face.name, io.BytesIO(_font_bytes(face)))
            pdfmetrics.registerFont(font)
            self._coverage[face.name] = font.face.charToGlyph
        for face in faces:
            bold = BOLD_OF.get(face.name, face.name)
            normal = REGULAR if bold == BOLD else face.name
            pdfmetrics.registerFontFamily(face.name, normal=normal, bold=bold, italic=normal, boldItalic=bold)

    def covers(self, font: str, char: str) -> bool:
        return ord(char) in self._coverage[font]

    def font_for(self, char: str, base: str) -> str | None:
        """The font that draws ``char`` in a run whose own font is ``base``;
        None when no bundled font has it."""
        key = (base, char)
        try:
            return self._choice[key]
        except KeyError:
            pass
        code = ord(char)
        chosen = next(
            (name for name in (base, *FALLBACKS) if code in self._coverage[name]),
            None,
        )
        self._choice[key] = chosen  # a dict store is atomic; a race only recomputes
        return chosen

    def runs(self, text: str, base: str = REGULAR) -> list[tuple[str, str]]:
        """Split ``text`` into (font, run) pairs, each run drawable by its font.

        Characters no font covers become U+FFFD, except invisible format
        characters (zero-width joiners, variation selectors), which are
        dropped: they only steer shaping that ReportLab does not do.
        """
        if text.isascii():  # the common case: every bundled text font has ASCII
            return [(base, text)] if text else []
        runs: list[tuple[str, str]] = []
        current_font = base
        current: list[str] = []
        for char in text:
            font = self.font_for(char, base)
            if font is None:
                if unicodedata.category(char) in ("Cf", "Mn", "Me") or 0xFE00 <= ord(char) <= 0xFE0F:
                    continue
                char, font = REPLACEMENT, self.font_for(REPLACEMENT, base) or REGULAR
            if font != current_font and current:
                runs.append((current_font, "".join(current)))
                current = []
            current_font = font
            current.append(char)
        if current:
            runs.append((current_font, "".join(current)))
        return runs


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond U+FFFF written as
    UTF-16 surrogate pairs.

    ReportLab writes them as five hex digits, which PDF readers misread:
    copying an emoji from the report gave a Greek letter. Installed in place
    of ``reportlab.pdfbase.ttfonts.makeToUnicodeCMap``; for characters up
    to U+FFFF the output is byte for byte the same.
    """
    entries = [f"<{index:02X}> <{_utf16_hex(code)}>" for index, code in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _utf16_hex(code: int) -> str:
    if code <= 0xFFFF:
        return f"{code:04X}"
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def _font_bytes(face: FontFace) -> bytes:
    try:
        return resources.files(FONT_PACKAGE).joinpath(face.file).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise ReportError(
            f"The bundled font {face.file} ({face.covers}) is missing from this installation; "
            "reinstall duediligence. Reports are never made with a substitute font."
        ) from exc


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> BundledFonts:
    return BundledFonts()


def bundled_fonts() -> BundledFonts:
    """Register the bundled fonts with ReportLab (once) and return them."""
    with _lock:
        return _load()
