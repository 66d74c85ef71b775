"""The vendors page: each vendor's assessments and revisions over time.

On the left the vendors (with their latest tier); on the right the chosen
vendor's assessments oldest first, each with its tier, score and the
change since the one before, so a reassessment can be compared with the
last one at a glance. Built from the same summaries as the dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from duediligence.storage.records import AssessmentSummary
from duediligence.ui.dashboard import STATUS_LABELS, tier_background
from duediligence.ui.question_widgets import escape_html
from duediligence.ui.style import TIER_PALETTE

COLUMNS = ("Started", "Revision", "Question set", "Status", "Tier", "Score", "Change", "Knock-out", "Completeness")
#: Less risk is better: a falling score is shown green, a rising one red.
BETTER, WORSE = TIER_PALETTE[0], TIER_PALETTE[3]


def score_change(previous: AssessmentSummary | None, current: AssessmentSummary) -> float | None:
    if previous is None or previous.score is None or current.score is None:
        return None
    return current.score.overall - previous.score.overall


class VendorsView(QWidget):
    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._by_vendor: dict[int, list[AssessmentSummary]] = {}
        splitter = QSplitter()
        self.vendor_list = QListWidget()
        self.vendor_list.setAccessibleName("Vendors")
        self.vendor_list.setMinimumWidth(220)
        self.vendor_list.setSpacing(3)
        self.vendor_list.currentItemChanged.connect(lambda item, _: self._show_vendor(item))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Assessments of the vendor")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.cellDoubleClicked.connect(lambda row, _: self._open_row(row))
        self.table.activated.connect(lambda index: self._open_row(index.row()))
        hint = QLabel("Double-click an assessment (or press Enter) to open it. "
                      "Change is the score's difference from the vendor's previous assessment.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(hint)
        splitter.addWidget(self.vendor_list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.empty_text = "<p>No vendors yet: they appear here with their first assessment.</p>"

    def show_assessments(self, summaries: Sequence[AssessmentSummary]) -> None:
        current = self.vendor_list.currentItem()
        current_id = current.data(Qt.ItemDataRole.UserRole) if current else None
        grouped: dict[int, list[AssessmentSummary]] = defaultdict(list)
        for summary in summaries:
            grouped[summary.vendor_id].append(summary)
        self._by_vendor = {vid: sorted(rows, key=lambda s: (s.created_at, s.id)) for vid, rows in grouped.items()}
        self.vendor_list.blockSignals(True)
        self.vendor_list.clear()
        for vendor_id, rows in sorted(self._by_vendor.items(), key=lambda kv: kv[1][0].vendor_name.casefold()):
            latest = rows[-1]
            tier = f" · {latest.score.tier_label}" if latest.score else ""
            item = QListWidgetItem(f"{latest.vendor_name}\n{len(rows)} assessment{'s' if len(rows) != 1 else ''}{tier}")
            item.setData(Qt.ItemDataRole.UserRole, vendor_id)
            self.vendor_list.addItem(item)
            if vendor_id == current_id:
                self.vendor_list.setCurrentItem(item)
        self.vendor_list.blockSignals(False)
        if self.vendor_list.currentItem() is None and self.vendor_list.count():
            self.vendor_list.setCurrentRow(0)
        self._show_vendor(self.vendor_list.currentItem())

    def select_vendor(self, name: str) -> bool:
        for row in range(self.vendor_list.count()):
            if self.vendor_list.item(row).text().split("\n")[0] == name:
                self.vendor_list.setCurrentRow(row)
                return True
        return False

    def _show_vendor(self, item: QListWidgetItem | None) -> None:
        self.table.setRowCount(0)
        if item is None:
            self.heading.setText(self.empty_text)
            return
        rows = self._by_vendor.get(item.data(Qt.ItemDataRole.UserRole), [])
        if not rows:
            return
        self.heading.setText(f"<h2>{escape_html(rows[-1].vendor_name)}</h2>")
        previous = None
        for summary in rows:
            self._add_row(summary, score_change(previous, summary))
            previous = summary
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _add_row(self, summary: AssessmentSummary, change: float | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        score = summary.score
        superseded = f", replaced by #{summary.superseded_by}" if summary.superseded_by else ""
        values = (
            summary.created_at.astimezone().strftime("%Y-%m-%d"),
            f"{summary.revision} (#{summary.id}{superseded})",
            f"{summary.questionnaire_title} {summary.questionnaire_version}",
            STATUS_LABELS.get(summary.status, summary.status),
            score.tier_label if score else "",
            f"{score.overall:.1f}" if score else "",
            "" if change is None else "±0.0" if abs(change) < 0.05 else f"{change:+.1f}",
            "Do not proceed" if score and score.knockout else "",
            f"{score.answered}/{score.required}" if score else "",
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            if column in (5, 6, 8):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        if score:
            tier = self.table.item(row, 4)
            tier.setBackground(QBrush(tier_background(score)))
            tier.setForeground(QBrush(QColor("white")))
        if change is not None and abs(change) >= 0.05:
            self.table.item(row, 6).setForeground(QBrush(QColor(WORSE if change > 0 else BETTER)))
        if score and score.knockout:
            self.table.item(row, 7).setForeground(QBrush(QColor(WORSE)))

    def _open_row(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.open_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
