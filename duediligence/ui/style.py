"""Colours shared by the screens, kept as data in one place.

Tiers get colours by their position in the set (first = green, last =
red), so a loaded set with its own tier ids still looks right.
"""

from __future__ import annotations

from duediligence.questionnaire.model import Questionnaire

TIER_PALETTE = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a")
SEVERITY_COLOURS = {"info": "#1565c0", "warning": "#ef6c00", "knockout": "#c62828"}
SEVERITY_LABELS = {"info": "Note", "warning": "Warning", "knockout": "Knock-out"}
UNSCORED_COLOUR = "#757575"


def tier_colour(tier_id: str, questionnaire: Questionnaire | None = None, index: int | None = None) -> str:
    """The colour of a tier, by its position among the set's tiers."""
    if index is None and questionnaire is not None:
        ids = [t.id for t in questionnaire.scoring.tiers]
        index = ids.index(tier_id) if tier_id in ids else 0
        if len(ids) > 1:
            index = round(index * (len(TIER_PALETTE) - 2) / (len(ids) - 1))
    return TIER_PALETTE[min(index or 0, len(TIER_PALETTE) - 1)]


def risk_colour(score: float | None) -> str:
    """A colour for a 0-100 risk score (None: not scored)."""
    if score is None:
        return UNSCORED_COLOUR
    if score < 25:
        return TIER_PALETTE[0]
    if score < 50:
        return "#9e7c00"
    if score < 75:
        return TIER_PALETTE[2]
    return TIER_PALETTE[3]
