"""The section score chart (ReportLab graphics).

Bars are labelled by section number only: a graphics String has one font,
so a section title in Chinese would print as boxes there. The titles go in
a table under the chart, where per-run font fallback works.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from duediligence.report.fonts import REGULAR
from duediligence.report.styles import COLOURS

BAR_PITCH = 13.0  # points per section
#: Sections per chart; more make several charts so none outgrows a page.
SECTIONS_PER_CHART = 30


def section_chart(
    labels: Sequence[str],
    scores: Sequence[float | None],
    bar_colours: Sequence[colors.Color],
    thresholds: Sequence[tuple[float, colors.Color]],
    width: float,
) -> Drawing:
    """Horizontal bars of section scores (0-100) with a dashed line at each
    tier's lower bound. A section that is not scored gets no bar."""
    count = len(scores)
    plot_height = count * BAR_PITCH
    drawing = Drawing(width, plot_height + 34)
    drawing.initialFontName = REGULAR  # else the renderer selects Helvetica first
    chart = HorizontalBarChart()
    chart.x, chart.y = 26, 16
    chart.width, chart.height = width - 50, plot_height
    chart.data = [[None if s is None else round(s, 1) for s in scores]]
    chart.barSpacing = 0
    chart.groupSpacing = 3
    chart.bars.strokeColor = None
    for index, colour in enumerate(bar_colours):
        chart.bars[(0, index)].fillColor = colour
    chart.barLabelFormat = _bar_label
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    axis = chart.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = 0, 100, 10
    axis.labels.fontName = REGULAR
    axis.labels.fontSize = 7
    axis.strokeColor = COLOURS["rule"]
    axis.visibleGrid = True
    axis.gridStrokeColor = COLOURS["rule"]
    axis.gridStrokeWidth = 0.25
    categories = chart.categoryAxis
    categories.categoryNames = list(labels)
    categories.reverseDirection = 1  # first section at the top
    categories.labels.fontName = REGULAR
    categories.labels.fontSize = 7
    categories.strokeColor = COLOURS["rule"]
    drawing.add(chart)
    for min_score, colour in thresholds:
        x = chart.x + chart.width * min_score / 100
        drawing.add(Line(x, chart.y - 3, x, chart.y + plot_height + 3, strokeColor=colour, strokeWidth=1.1, strokeDashArray=[3, 2]))
        drawing.add(
            String(x, chart.y + plot_height + 6, f"{min_score:g}", fontName=REGULAR, fontSize=6.5, fillColor=colour, textAnchor="middle")
        )
    return drawing


def _bar_label(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
