"""The report's look as data: page geometry, colours, paragraph and table
styles. The builder names styles and never sets a font or colour itself, so
the look can change here without touching the story code (and no style can
forget its font and fall back to Helvetica)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from duediligence.report.fonts import BOLD, MONO, REGULAR


@dataclass(frozen=True)
class PageLayout:
    """Page size and margins; the header and footer sit inside the margins."""

    size: tuple[float, float] = A4
    left: float = 20 * mm
    right: float = 20 * mm
    top: float = 22 * mm
    bottom: float = 20 * mm
    header_offset: float = 12 * mm  # baseline of the header below the page top
    footer_offset: float = 11 * mm  # baseline of the footer above the page bottom

    @property
    def frame_width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.size[1] - self.top - self.bottom


PAGE = PageLayout()

COLOURS: dict[str, colors.Color] = {
    "ink": colors.HexColor("#1f2933"),
    "muted": colors.HexColor("#5f6b7a"),
    "rule": colors.HexColor("#c9d1da"),
    "accent": colors.HexColor("#1f4e79"),
    "panel": colors.HexColor("#f3f5f8"),
    "head": colors.HexColor("#e4e9ef"),
    "knockout": colors.HexColor("#b71c1c"),
    "warning": colors.HexColor("#e65100"),
    "info": colors.HexColor("#1565c0"),
    "white": colors.white,
}

#: Tier colours from least to most risky; a set's tiers are spread over it.
TIER_GRADIENT: tuple[str, ...] = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828")

SEVERITY_LABELS: dict[str, tuple[str, str]] = {
    # severity: (label printed, colour name)
    "knockout": ("KNOCK-OUT", "knockout"),
    "warning": ("WARNING", "warning"),
    "info": ("NOTE", "info"),
}

_BODY: dict[str, Any] = {"fontName": REGULAR, "fontSize": 9.5, "leading": 12.5, "textColor": COLOURS["ink"]}

#: Paragraph styles by name: keyword arguments of ParagraphStyle on top of _BODY.
PARAGRAPH_STYLES: dict[str, dict[str, Any]] = {
    "body": {},
    "small": {"fontSize": 8, "leading": 10},
    "muted": {"fontSize": 8.5, "leading": 11, "textColor": COLOURS["muted"]},
    "kicker": {"fontName": BOLD, "fontSize": 10, "leading": 13, "textColor": COLOURS["muted"], "spaceAfter": 4},
    "title": {"fontName": BOLD, "fontSize": 22, "leading": 27, "spaceAfter": 10, "textColor": COLOURS["accent"]},
    "vendor": {"fontName": BOLD, "fontSize": 17, "leading": 21, "spaceAfter": 2},
    "h1": {"fontName": BOLD, "fontSize": 15, "leading": 19, "spaceBefore": 4, "spaceAfter": 8, "textColor": COLOURS["accent"]},
    "h2": {"fontName": BOLD, "fontSize": 11.5, "leading": 14.5, "spaceBefore": 10, "spaceAfter": 4, "keepWithNext": 1},
    "section_note": {"fontSize": 8.5, "leading": 11, "textColor": COLOURS["muted"], "spaceAfter": 4},
    "question": {"fontName": BOLD, "fontSize": 9.5, "leading": 12.5, "spaceBefore": 9, "keepWithNext": 1},
    "answer": {"leftIndent": 14},
    "meta": {"fontSize": 8, "leading": 10.5, "textColor": COLOURS["muted"], "leftIndent": 14, "spaceBefore": 1},
    "flag": {"fontSize": 8.5, "leading": 11, "leftIndent": 14, "spaceBefore": 1},
    "summary_flag": {"fontSize": 9, "leading": 12, "leftIndent": 10, "firstLineIndent": -10, "spaceBefore": 3},
    "cell": {"fontSize": 8, "leading": 10},
    "cell_head": {"fontName": BOLD, "fontSize": 8, "leading": 10},
    "cell_mono": {"fontName": MONO, "fontSize": 6.2, "leading": 8},
    "verdict": {"fontName": BOLD, "fontSize": 26, "leading": 31},
    "verdict_note": {"fontName": BOLD, "fontSize": 12, "leading": 15},
    "header": {"fontSize": 7.5, "leading": 9, "textColor": COLOURS["muted"]},
    "header_right": {"fontSize": 7.5, "leading": 9, "textColor": COLOURS["muted"], "alignment": TA_RIGHT},
    "stamp": {"fontSize": 7.5, "leading": 9.2},
    "stamp_title": {"fontName": BOLD, "fontSize": 8.5, "leading": 10.5},
}


@lru_cache(maxsize=1)
def paragraph_styles() -> dict[str, ParagraphStyle]:
    return {name: ParagraphStyle(name, **{**_BODY, **spec}) for name, spec in PARAGRAPH_STYLES.items()}


#: Every table starts with these: ReportLab sets each cell's font before
#: drawing it, even a cell holding a Paragraph, and its default is Helvetica.
TABLE_BASE: list[tuple[Any, ...]] = [
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("FONTSIZE", (0, 0), (-1, -1), 8),
    ("LEADING", (0, 0), (-1, -1), 10),
]

#: TableStyle commands shared by every data table (a header row, light grid).
DATA_TABLE: list[tuple[Any, ...]] = [
    *TABLE_BASE,
    ("BACKGROUND", (0, 0), (-1, 0), COLOURS["head"]),
    ("GRID", (0, 0), (-1, -1), 0.4, COLOURS["rule"]),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
]

#: Label/value tables (cover, appendix): no header row, labels in a panel.
FACT_TABLE: list[tuple[Any, ...]] = [
    *TABLE_BASE,
    ("BACKGROUND", (0, 0), (0, -1), COLOURS["panel"]),
    ("LINEBELOW", (0, 0), (-1, -1), 0.4, COLOURS["rule"]),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]

#: Rows per table chunk: a long list answer becomes several tables, so no
#: single table is re-measured in full at every page break.
TABLE_CHUNK_ROWS = 120


def tier_colour(index: int, count: int) -> colors.Color:
    """The colour of a set's ``index``-th tier (of ``count``), by position on
    TIER_GRADIENT: question sets name tiers but give them no colours."""
    if count <= 1:
        return colors.HexColor(TIER_GRADIENT[0])
    position = index * (len(TIER_GRADIENT) - 1) / (count - 1)
    low = int(position)
    high = min(low + 1, len(TIER_GRADIENT) - 1)
    return colors.linearlyInterpolatedColor(
        colors.HexColor(TIER_GRADIENT[low]), colors.HexColor(TIER_GRADIENT[high]), 0, 1, position - low
    )
