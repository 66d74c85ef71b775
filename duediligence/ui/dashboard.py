"""The dashboard: every assessment in one sortable, filterable table.

A ``QAbstractTableModel`` over plain ``AssessmentSummary`` rows (with the
score cached by the store), behind a filter proxy: 10,000 assessments are
10,000 tuples, not 10,000 widgets, and filtering never touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duediligence.storage.records import AssessmentSummary
from duediligence.ui.style import TIER_PALETTE, risk_colour

COLUMNS = ("Vendor", "Question set", "Status", "Tier", "Score", "Knock-out", "Completeness", "Updated")
STATUS_LABELS = {"draft": "Draft", "in_review": "In review", "final": "Final"}
#: Tier colours by the tier ids the built-in sets use; others by score.
TIER_COLOURS = {"low": TIER_PALETTE[0], "medium": TIER_PALETTE[1], "high": TIER_PALETTE[2], "critical": TIER_PALETTE[3]}
#: The tier filter lists these first (the built-in sets' tiers), then any other label in use.
STANDARD_TIERS = ("Low", "Medium", "High", "Critical")
SortRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2


class AssessmentTableModel(QAbstractTableModel):
    def __init__(self, rows: Sequence[AssessmentSummary] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: list[AssessmentSummary] = list(rows)

    def set_rows(self, rows: Sequence[AssessmentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> AssessmentSummary:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        score = row.score
        if role == IdRole:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            sort = role == SortRole
            if column == 0:
                return row.vendor_name.casefold() if sort else row.vendor_name
            if column == 1:
                return f"{row.questionnaire_title} {row.questionnaire_version}"
            if column == 2:
                return row.status if sort else STATUS_LABELS.get(row.status, row.status)
            if column == 3:
                return (score.overall if score else -1) if sort else (score.tier_label if score else "")
            if column == 4:
                return (score.overall if score else -1.0) if sort else (f"{score.overall:.1f}" if score else "")
            if column == 5:
                return (int(score.knockout) if score else -1) if sort else ("Do not proceed" if score and score.knockout else "")
            if column == 6:
                if not score:
                    return -1.0 if sort else ""
                ratio = score.answered / score.required if score.required else 1.0
                return ratio if sort else f"{score.answered}/{score.required}"
            if column == 7:
                return row.updated_at.timestamp() if sort else row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if role == Qt.ItemDataRole.BackgroundRole and column == 3 and score:
            return QBrush(tier_background(score))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3 and score:
                return QBrush(QColor("white"))
            if column == 5 and score and score.knockout:
                return QBrush(QColor("#c62828"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (4, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"Revision {row.revision}" + (f", superseded by #{row.superseded_by}" if row.superseded_by else "")
        return None


def tier_background(score) -> QColor:
    return QColor(TIER_COLOURS.get(score.tier, risk_colour(score.overall)))


class AssessmentFilter(QSortFilterProxyModel):
    """Search text (vendor, set, assessor), status and tier filters."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = ""
        self.status: str | None = None
        self.tier: str | None = None
        self.setSortRole(SortRole)

    def set_filters(self, text: str, status: str | None, tier: str | None) -> None:
        if not hasattr(self, "beginFilterChange"):  # Qt < 6.9
            self.text, self.status, self.tier = text.casefold().strip(), status, tier
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()
        self.text, self.status, self.tier = text.casefold().strip(), status, tier
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, AssessmentTableModel)
        row = model.row_at(source_row)
        if self.status and row.status != self.status:
            return False
        if self.tier and (row.score is None or row.score.tier_label != self.tier):
            return False
        if self.text:
            haystack = f"{row.vendor_name} {row.questionnaire_title} {row.assessor_name} {row.assessor_organisation}".casefold()
            return all(word in haystack for word in self.text.split())
        return True


class Dashboard(QWidget):
    open_requested = Signal(int)
    new_requested = Signal()
    load_set_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search vendors, question sets, assessors (Ctrl+F)")
        self.search.setAccessibleName("Search assessments")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Filter by status")
        self.status_filter.addItem("All statuses", None)
        for value, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, value)
        self.tier_filter = QComboBox()
        self.tier_filter.setAccessibleName("Filter by tier")
        self.tier_filter.addItem("All tiers", None)
        for label in STANDARD_TIERS:
            self.tier_filter.addItem(label, label)
        self.count = QLabel()
        self.count.setAccessibleName("Assessments shown")
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.tier_filter)
        bar.addWidget(self.count)
        layout.addLayout(bar)

        self.model = AssessmentTableModel(parent=self)
        self.proxy = AssessmentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName("Assessments")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keeps a set's version in view
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((2, 90), (3, 90), (4, 70), (5, 120), (6, 110), (7, 140)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)  # Enter

        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch()
        text = QLabel(
            "<h2>No assessments yet</h2>"
            "<p>Start one with <b>New assessment</b> (Ctrl+N): pick the vendor, a question set "
            "(the built-in <i>Biometric vendor due diligence</i> set is ready), and answer the "
            "questions. Everything is saved as you go.</p>"
            "<p>You can also load your own question set (Ctrl+O) or import an answers file "
            "(<b>File → Import answers…</b>).</p>"
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        text.setMaximumWidth(620)
        empty_layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.new_button = QPushButton("New assessment…")
        self.new_button.clicked.connect(self.new_requested)
        self.load_button = QPushButton("Load question set…")
        self.load_button.clicked.connect(self.load_set_requested)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.load_button)
        buttons.addStretch()
        empty_layout.addLayout(buttons)
        empty_layout.addStretch()
        self.no_match = QLabel("No assessment matches the search and filters.")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        for widget in (self.table, self.empty, self.no_match):
            self.stack.addWidget(widget)
        layout.addWidget(self.stack, 1)

        self.search.textChanged.connect(self._filter)
        self.status_filter.currentIndexChanged.connect(self._filter)
        self.tier_filter.currentIndexChanged.connect(self._filter)
        # Ctrl+F is the main window's "Find assessments", which calls focus_search().

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_rows(self, rows: Sequence[AssessmentSummary]) -> None:
        selected = self.selected_id()
        self.model.set_rows(rows)
        self._add_tier_choices(rows)
        self._update_state()
        if selected is not None:
            self.select(selected)

    def _add_tier_choices(self, rows: Sequence[AssessmentSummary]) -> None:
        """Loaded sets may name their tiers differently: offer every label in use."""
        known = {self.tier_filter.itemData(i) for i in range(self.tier_filter.count())}
        for label in sorted({r.score.tier_label for r in rows if r.score} - known, key=str.casefold):
            self.tier_filter.addItem(label, label)

    def _filter(self) -> None:
        self.proxy.set_filters(self.search.text(), self.status_filter.currentData(), self.tier_filter.currentData())
        self._update_state()

    def _update_state(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.stack.setCurrentWidget(self.empty)
        elif shown == 0:
            self.stack.setCurrentWidget(self.no_match)
        else:
            self.stack.setCurrentWidget(self.table)
        self.count.setText("" if total == 0 else f"{shown:,} of {total:,}" if shown != total else f"{total:,} assessments")

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(IdRole)))

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return int(index.data(IdRole)) if index.isValid() else None

    def selected_summary(self) -> AssessmentSummary | None:
        index = self.table.currentIndex()
        return self.model.row_at(self.proxy.mapToSource(index).row()) if index.isValid() else None

    def select(self, assessment_id: int) -> bool:
        """Make an assessment the current row (if it is shown)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(IdRole) == assessment_id:
                self.table.setCurrentIndex(index)
                return True
        return False
