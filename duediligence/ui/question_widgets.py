"""One widget per question type, each speaking plain answer values.

A ``QuestionCard`` shows a question's text (required ones marked), an
editor fitted to its type, an inline error line, expandable help and
references, and a comment box. It emits ``answer_edited(qid, value)`` only
for edits a person makes, never for values set by code, so undo/redo and
reloading never echo back into the store.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from duediligence.questionnaire.model import (
    ChoiceQuestion,
    DateQuestion,
    EvidenceQuestion,
    ListQuestion,
    NumberQuestion,
    Question,
    TextQuestion,
    YesNoQuestion,
)

#: Past this many options a single choice becomes a combo box.
RADIO_LIMIT = 6
#: Typing pauses this long (ms) before a text answer is saved.
TEXT_SAVE_DELAY_MS = 600

YES_NO_LABELS = {"yes": "Yes", "no": "No", "unknown": "Unknown / vendor declined"}


class AnswerEditor(QWidget):
    """Base of the per-type editors: ``value()``, ``set_value()``, ``edited``."""

    edited = Signal(object)

    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(parent)
        self.question = question
        self._loading = False

    def value(self) -> object:
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: object) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        for child in self.findChildren(QWidget):
            child.setEnabled(not read_only)

    def _emit(self) -> None:
        if not self._loading:
            self.edited.emit(self.value())


class YesNoEditor(AnswerEditor):
    def __init__(self, question: YesNoQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QRadioButton] = {}
        for answer in question.allowed_values:
            button = QRadioButton(YES_NO_LABELS[answer])
            button.setAccessibleName(f"{question.id}: {YES_NO_LABELS[answer]}")
            self.group.addButton(button)
            self.buttons[answer] = button
            layout.addWidget(button)
            button.toggled.connect(lambda checked: checked and self._emit())
        layout.addStretch()

    def value(self) -> object:
        return next((a for a, b in self.buttons.items() if b.isChecked()), None)

    def _show(self, value: object) -> None:
        self.group.setExclusive(False)
        for answer, button in self.buttons.items():
            button.setChecked(answer == value)
        self.group.setExclusive(True)


class SingleChoiceEditor(AnswerEditor):
    def __init__(self, question: ChoiceQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo: QComboBox | None = None
        self.buttons: dict[str, QRadioButton] = {}
        if len(question.options) > RADIO_LIMIT:
            self.combo = QComboBox()
            self.combo.setAccessibleName(question.text)
            self.combo.addItem("(not answered)", None)
            for option in question.options:
                self.combo.addItem(option.label, option.value)
            self.combo.currentIndexChanged.connect(lambda _: self._emit())
            layout.addWidget(self.combo)
        else:
            self.group = QButtonGroup(self)
            for option in question.options:
                button = QRadioButton(option.label)
                button.setAccessibleName(f"{question.id}: {option.label}")
                self.group.addButton(button)
                self.buttons[option.value] = button
                layout.addWidget(button)
                button.toggled.connect(lambda checked: checked and self._emit())

    def value(self) -> object:
        if self.combo is not None:
            return self.combo.currentData()
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)

    def _show(self, value: object) -> None:
        if self.combo is not None:
            index = self.combo.findData(value)
            self.combo.setCurrentIndex(max(index, 0))
            return
        self.group.setExclusive(False)
        for option_value, button in self.buttons.items():
            button.setChecked(option_value == value)
        self.group.setExclusive(True)


class MultiChoiceEditor(AnswerEditor):
    def __init__(self, question: ChoiceQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for option in question.options:
            box = QCheckBox(option.label)
            box.setAccessibleName(f"{question.id}: {option.label}")
            self.boxes[option.value] = box
            layout.addWidget(box)
            box.toggled.connect(lambda _: self._emit())

    def value(self) -> object:
        chosen = [v for v, b in self.boxes.items() if b.isChecked()]
        return chosen or None

    def _show(self, value: object) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        for option_value, box in self.boxes.items():
            box.setChecked(option_value in chosen)


class TextEditor(AnswerEditor):
    """Saves after a short pause in typing, and at once on leaving the field."""

    def __init__(self, question: TextQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TEXT_SAVE_DELAY_MS)
        self.timer.timeout.connect(self._emit)
        self._last_emitted: object = None
        if question.multiline:
            self.field: QPlainTextEdit | QLineEdit = QPlainTextEdit()
            self.field.setTabChangesFocus(True)
            self.field.setMaximumHeight(120)
            self.field.textChanged.connect(self._typed)
        else:
            self.field = QLineEdit()
            if question.max_length:
                self.field.setMaxLength(question.max_length)
            self.field.textEdited.connect(self._typed)
            self.field.editingFinished.connect(self.flush)
        self.field.setAccessibleName(question.text)
        layout.addWidget(self.field)

    def _typed(self, *_: object) -> None:
        if not self._loading:
            self.timer.start()

    def flush(self) -> None:
        """Save now if anything was typed since the last save."""
        if self.timer.isActive():
            self.timer.stop()
            self._emit()

    def _emit(self) -> None:
        if not self._loading and self.value() != self._last_emitted:
            self._last_emitted = self.value()
            self.edited.emit(self._last_emitted)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.flush()
        super().focusOutEvent(event)

    def value(self) -> object:
        text = self.field.toPlainText() if isinstance(self.field, QPlainTextEdit) else self.field.text()
        return text or None

    def _show(self, value: object) -> None:
        text = value if isinstance(value, str) else ""
        self._last_emitted = value if text else None
        if isinstance(self.field, QPlainTextEdit):
            if self.field.toPlainText() != text:
                self.field.setPlainText(text)
        else:
            self.field.setText(text)


class NumberEditor(AnswerEditor):
    def __init__(self, question: NumberQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit()
        self.field.setAccessibleName(question.text)
        self.field.setMaximumWidth(180)
        if question.integer:
            self.field.setValidator(QIntValidator(self.field))
        else:
            validator = QDoubleValidator(self.field)
            validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            self.field.setValidator(validator)
        bounds = []
        if question.min is not None:
            bounds.append(f"min {question.min:g}")
        if question.max is not None:
            bounds.append(f"max {question.max:g}")
        self.field.setPlaceholderText(", ".join(bounds))
        self.field.editingFinished.connect(self._emit)
        layout.addWidget(self.field)
        if question.unit:
            layout.addWidget(QLabel(question.unit))
        layout.addStretch()
        self._last: object = None

    def value(self) -> object:
        text = self.field.text().strip().replace(",", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # shown as an inline error by the answer check
        return int(number) if self.question.integer and number.is_integer() else number  # type: ignore[attr-defined]

    def _emit(self) -> None:
        if not self._loading and self.value() != self._last:
            self._last = self.value()
            self.edited.emit(self._last)

    def _show(self, value: object) -> None:
        self._last = value
        self.field.setText("" if value is None else f"{value:g}" if isinstance(value, float) else str(value))


class DateEditor(AnswerEditor):
    """A date picker with a real "not answered" state (Qt's has none)."""

    def __init__(self, question: DateQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field = QDateEdit()
        self.field.setAccessibleName(question.text)
        self.field.setCalendarPopup(True)
        self.field.setDisplayFormat("yyyy-MM-dd")
        earliest = question.min or date(1900, 1, 2)
        self.blank = QDate(earliest.year, earliest.month, earliest.day).addDays(-1)
        self.field.setMinimumDate(self.blank)
        if question.max:
            self.field.setMaximumDate(QDate(question.max.year, question.max.month, question.max.day))
        self.field.setSpecialValueText("(not answered)")
        self.field.setDate(self.blank)
        self.field.dateChanged.connect(lambda _: self._emit())
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setAccessibleName(f"Clear {question.id}")
        self.clear_button.clicked.connect(lambda: self.field.setDate(self.blank))
        layout.addWidget(self.field)
        layout.addWidget(self.clear_button)
        layout.addStretch()

    def value(self) -> object:
        current = self.field.date()
        return None if current == self.blank else current.toString("yyyy-MM-dd")

    def _show(self, value: object) -> None:
        if isinstance(value, str):
            parsed = QDate.fromString(value, "yyyy-MM-dd")
            self.field.setDate(parsed if parsed.isValid() else self.blank)
        else:
            self.field.setDate(self.blank)


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


class EvidenceEditor(AnswerEditor):
    """Lists attached files (name, size, sha256). Attaching and opening go
    through the page's handlers, because files live in the store."""

    attach_requested = Signal(list)
    open_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, question: EvidenceQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.files = QTreeWidget()
        self.files.setAccessibleName(f"{question.id}: attached files")
        self.files.setHeaderLabels(["File", "Size", "SHA-256"])
        self.files.setRootIsDecorated(False)
        self.files.setMaximumHeight(110)
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.files.itemDoubleClicked.connect(lambda item, _: self.open_requested.emit(item.data(0, Qt.ItemDataRole.UserRole)))
        buttons = QHBoxLayout()
        accept = ", ".join(question.accept) if question.accept else "any file"
        self.attach_button = QPushButton("Attach file…")
        self.attach_button.setToolTip(f"Accepted: {accept}. You can also drop files here.")
        self.attach_button.setAccessibleName(f"Attach file to {question.id}")
        self.attach_button.clicked.connect(self._choose_files)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self._open_selected)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove_selected)
        for button in (self.attach_button, self.open_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addWidget(self.files)
        layout.addLayout(buttons)
        self._value: list[dict[str, object]] = []

    def _choose_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        patterns = " ".join(f"*{ext}" for ext in self.question.accept) or "*"  # type: ignore[attr-defined]
        paths, _ = QFileDialog.getOpenFileNames(self, "Attach evidence", "", f"Evidence ({patterns});;All files (*)")
        if paths:
            self.attach_requested.emit(paths)

    def _selected_hash(self) -> str | None:
        item = self.files.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _open_selected(self) -> None:
        if digest := self._selected_hash():
            self.open_requested.emit(digest)

    def _remove_selected(self) -> None:
        if digest := self._selected_hash():
            self.remove_requested.emit(digest)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() and self.attach_button.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.attach_requested.emit(paths)

    def value(self) -> object:
        return list(self._value) or None

    def _show(self, value: object) -> None:
        self._value = [dict(v) for v in value] if isinstance(value, list) else []
        self.files.clear()
        for item in self._value:
            row = QTreeWidgetItem([str(item.get("name", "")), human_size(int(item.get("size", 0))), str(item.get("sha256", ""))])
            row.setData(0, Qt.ItemDataRole.UserRole, item.get("sha256"))
            self.files.addTopLevelItem(row)


class ListEditor(AnswerEditor):
    """An editable table: one row per item, one column per field, with add,
    remove and reorder. Cells hold text; values are typed per field."""

    def __init__(self, question: ListQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields = question.fields
        self.table = QTableWidget(0, len(self.fields))
        self.table.setAccessibleName(f"{question.id}: items")
        self.table.setHorizontalHeaderLabels([f.text for f in self.fields])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        for column, field in enumerate(self.fields):
            hint = self._hint(field)
            if hint:
                self.table.horizontalHeaderItem(column).setToolTip(hint)
        self.table.itemChanged.connect(lambda _: self._emit())
        buttons = QHBoxLayout()
        for text, slot in (("Add row", self.add_row), ("Remove row", self.remove_row), ("Move up", lambda: self.move_row(-1)), ("Move down", lambda: self.move_row(1))):
            button = QPushButton(text)
            button.setAccessibleName(f"{text} in {question.id}")
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    @staticmethod
    def _hint(field: Question) -> str:
        if isinstance(field, ChoiceQuestion):
            return "One of: " + ", ".join(o.value for o in field.options) + (" (comma-separated)" if field.type == "multi_choice" else "")
        if isinstance(field, YesNoQuestion):
            return "yes, no" + (", unknown" if field.allow_unknown else "")
        if isinstance(field, DateQuestion):
            return "YYYY-MM-DD"
        if isinstance(field, NumberQuestion):
            return f"a number{(' in ' + field.unit) if field.unit else ''}"
        return ""

    def _cell_widget(self, row: int, column: int, value: object) -> None:
        field = self.fields[column]
        if isinstance(field, (ChoiceQuestion, YesNoQuestion)) and field.type != "multi_choice":
            combo = QComboBox()
            combo.addItem("", None)
            choices = (
                [(o.label, o.value) for o in field.options]
                if isinstance(field, ChoiceQuestion)
                else [(YES_NO_LABELS[a], a) for a in field.allowed_values]
            )
            for label, data in choices:
                combo.addItem(label, data)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.currentIndexChanged.connect(lambda _: self._emit())
            self.table.setCellWidget(row, column, combo)
        else:
            text = ", ".join(value) if isinstance(value, list) else "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
            self.table.setItem(row, column, QTableWidgetItem(text))

    def add_row(self) -> None:
        self._loading = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column in range(len(self.fields)):
            self._cell_widget(row, column, None)
        self._loading = False
        self.table.setCurrentCell(row, 0)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._emit()

    def move_row(self, step: int) -> None:
        row = self.table.currentRow()
        items = self._items()
        target = row + step
        if row < 0 or not 0 <= target < len(items):
            return
        items[row], items[target] = items[target], items[row]
        self.set_value(items)
        self.table.setCurrentCell(target, 0)
        self._emit()

    def _cell_value(self, row: int, column: int) -> object:
        field = self.fields[column]
        widget = self.table.cellWidget(row, column)
        if isinstance(widget, QComboBox):
            return widget.currentData()
        item = self.table.item(row, column)
        text = item.text().strip() if item else ""
        if not text:
            return None
        if isinstance(field, NumberQuestion):
            try:
                number = float(text.replace(",", ""))
            except ValueError:
                return text
            return int(number) if field.integer and number.is_integer() else number
        if field.type == "multi_choice":
            return [part.strip() for part in text.split(",") if part.strip()]
        return text

    def _items(self) -> list[dict[str, object]]:
        items = []
        for row in range(self.table.rowCount()):
            item = {}
            for column, field in enumerate(self.fields):
                value = self._cell_value(row, column)
                if value is not None:
                    item[field.id] = value
            items.append(item)
        return items

    def value(self) -> object:
        return self._items() or None

    def _show(self, value: object) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for item in value if isinstance(value, list) else []:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, field in enumerate(self.fields):
                self._cell_widget(row, column, item.get(field.id) if isinstance(item, dict) else None)
        self.table.blockSignals(False)


def editor_for(question: Question) -> AnswerEditor:
    if isinstance(question, YesNoQuestion):
        return YesNoEditor(question)
    if isinstance(question, ChoiceQuestion):
        return SingleChoiceEditor(question) if question.type == "single_choice" else MultiChoiceEditor(question)
    if isinstance(question, TextQuestion):
        return TextEditor(question)
    if isinstance(question, NumberQuestion):
        return NumberEditor(question)
    if isinstance(question, DateQuestion):
        return DateEditor(question)
    if isinstance(question, EvidenceQuestion):
        return EvidenceEditor(question)
    if isinstance(question, ListQuestion):
        return ListEditor(question)
    raise TypeError(f"no editor for question type {question.type}")


class QuestionCard(QFrame):
    """A question with its editor, inline errors, help and comment."""

    answer_edited = Signal(str, object)
    comment_edited = Signal(str, str)

    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(parent)
        self.question = question
        self.setObjectName(f"question-{question.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        marker = ' <span style="color:#b00020">*</span>' if question.required else ""
        self.title = QLabel(f"<b>{_escape(question.text)}</b>{marker}")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        if question.required:
            self.title.setToolTip("Required")
        header.addWidget(self.title, 1)
        self.help_button = QToolButton()
        self.help_button.setText("?")
        self.help_button.setCheckable(True)
        self.help_button.setAccessibleName(f"Help for {question.id}")
        self.help_button.setToolTip("Why we ask (and references)")
        header.addWidget(self.help_button)
        layout.addLayout(header)

        self.help = QLabel(_help_html(question))
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.setStyleSheet("color: palette(mid); padding: 4px;")
        self.help.setVisible(False)
        self.help_button.toggled.connect(self.help.setVisible)
        layout.addWidget(self.help)

        self.editor = editor_for(question)
        self.editor.edited.connect(lambda value: self.answer_edited.emit(question.id, value))
        layout.addWidget(self.editor)

        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)

        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Comment (source, call date, who said it)…")
        self.comment.setAccessibleName(f"Comment on {question.id}")
        self.comment.editingFinished.connect(self._comment_finished)
        self._comment = ""
        layout.addWidget(self.comment)

    def _comment_finished(self) -> None:
        text = self.comment.text()
        if text != self._comment:
            self._comment = text
            self.comment_edited.emit(self.question.id, text)

    def set_answer(self, value: object) -> None:
        self.editor.set_value(value)

    def set_comment(self, text: str) -> None:
        self._comment = text
        self.comment.setText(text)

    def show_problems(self, problems: list[str]) -> None:
        self.error.setText("\n".join(problems))
        self.error.setVisible(bool(problems))

    def set_read_only(self, read_only: bool) -> None:
        self.editor.set_read_only(read_only)
        self.comment.setReadOnly(read_only)

    def flush(self) -> None:
        if isinstance(self.editor, TextEditor):
            self.editor.flush()
        self._comment_finished()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _help_html(question: Question) -> str:
    parts = [_escape(question.help)] if question.help else []
    if question.references:
        parts.append("<i>References:</i> " + "; ".join(_escape(r) for r in question.references))
    return "<br>".join(parts) or "<i>No help text.</i>"
