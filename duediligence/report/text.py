"""User strings made safe for ReportLab Paragraphs.

A Paragraph parses its text as markup, so a vendor called ``<b>Acme``
would turn bold and ``<a href=...>`` would become a live link. There are
two safe ways in:

- ``plain_paragraph()``: a paragraph of user text only. It is built from
  ReportLab's text fragments directly, so the text is never parsed as
  markup at all (and layout skips the parser, the costliest step for the
  thousands of answers in a large report).
- ``markup()``: user text inside markup written by the report code:
  control characters removed, ``& < >`` escaped.

Both give each run of text the bundled font that has its glyphs. Long
texts are cut into blocks so that no single flowable has to be laid out
(and re-laid out at every page break) as one huge paragraph.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paraparser import ParaFrag, ParaParser

from duediligence.report.fonts import REGULAR, BundledFonts

#: C0/C1 controls (but tab and newline) and lone surrogates: not text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: Longest block of text handed to one Paragraph. Paragraph layout cost is
#: linear in its length, but a paragraph that spans pages is re-wrapped at
#: every split, so huge ones grow quadratically.
BLOCK_CHARS = 2_000


def clean(text: str) -> str:
    """Normalise line ends and tabs; drop characters that are not text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _CONTROL.sub("", text)


def escape(text: str) -> str:
    """Escape markup characters so they print literally."""
    return _xml_escape(text, {'"': "&quot;"})


def markup(text: object, fonts: BundledFonts, base: str = REGULAR) -> str:
    """Paragraph markup that prints ``text`` literally, in fonts that have
    its glyphs. Newlines become line breaks."""
    lines = clean(str(text)).split("\n")
    return "<br/>".join(_line_markup(line, fonts, base) for line in lines)


def _line_markup(line: str, fonts: BundledFonts, base: str) -> str:
    parts = []
    for font, run in fonts.runs(line, base):
        escaped = escape(run)
        parts.append(escaped if font == base else f'<font name="{font}">{escaped}</font>')
    return "".join(parts)


def plain_paragraph(text: object, style: ParagraphStyle, fonts: BundledFonts) -> Paragraph:
    """A Paragraph showing ``text`` literally, in fonts that have its glyphs."""
    text_frag, break_frag = _fragment_templates(style)
    frags: list[ParaFrag] = []
    for index, line in enumerate(clean(str(text)).split("\n")):
        if index:
            frags.append(break_frag.clone())
        frags.extend(text_frag.clone(text=run, fontName=font) for font, run in fonts.runs(line, style.fontName))
    return Paragraph("", style, frags=frags or [text_frag.clone(text="")])


_templates: dict[int, tuple[ParagraphStyle, ParaFrag, ParaFrag]] = {}


def _fragment_templates(style: ParagraphStyle) -> tuple[ParaFrag, ParaFrag]:
    """A text fragment and a line break fragment for ``style``, made by
    ReportLab's own parser once per style, so every attribute a fragment
    needs is set exactly as for parsed text."""
    cached = _templates.get(id(style))
    if cached is None or cached[0] is not style:
        _, frags, _ = ParaParser().parse("x<br/>x", style)
        cached = _templates[id(style)] = (style, frags[0], frags[1])
    return cached[1], cached[2]


def blocks(text: str, limit: int = BLOCK_CHARS) -> list[str]:
    """Split a long text into paragraph-sized blocks.

    Blank lines end a block; a block longer than ``limit`` is cut at the
    last line break or space before the limit (or hard at the limit, for a
    "word" with no spaces such as a pasted hash or base64).
    """
    result: list[str] = []
    for paragraph in re.split(r"\n\s*\n", clean(text)):
        paragraph = paragraph.strip("\n")
        while len(paragraph) > limit:
            cut = max(paragraph.rfind("\n", 0, limit), paragraph.rfind(" ", 0, limit))
            if cut < limit // 2:
                cut = limit
            result.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip(" \n")
        if paragraph.strip():
            result.append(paragraph)
    return result


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (for one-line places)."""
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
