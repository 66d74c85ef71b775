"""One widget per question type, each speaking plain answer values.

A ``QuestionCard`` shows a question's text (required ones marked), an
editor fitted to its type, an inline error line, expandable help and
references, and a comment box. It emits ``answer_edited(qid, value)`` only
for edits a person makes, never for values set by code, so undo/redo and
reloading never echo back into the store.

Typed answers (text, numbers, dates) are saved after a short pause in
typing and at once when the field loses focus; ``flush()`` saves what is
still pending (the editor calls it before closing, exporting or signing).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractItemModel, QDate, QEvent, QModelIndex, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractButton,
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
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
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
#: Typing pauses this long (ms) before a typed answer is saved.
TEXT_SAVE_DELAY_MS = 600

YES_NO_LABELS = {"yes": "Yes", "no": "No", "unknown": "Unknown / vendor declined"}
NOT_ANSWERED = "(not answered)"
#: What a number field lets through: digits, one sign, one decimal point.
#: Anything that passes is "acceptable" to Qt, so leaving the field always
#: saves (an empty field clears the answer); bounds are checked inline.
INTEGER_PATTERN = r"-?\d*"
DECIMAL_PATTERN = r"-?\d*(\.\d*)?"


class AnswerEditor(QWidget):
    """Base of the per-type editors: ``value()``, ``set_value()``, ``edited``."""

    edited = Signal(object)

    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(parent)
        self.question = question
        self._loading = False
        self._read_only = False

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
        self._read_only = read_only
        for child in self.findChildren(QWidget):
            child.setEnabled(not read_only)

    def flush(self) -> None:
        """Save an edit still waiting for a pause in typing (none by default)."""

    def focus_target(self) -> QWidget:
        """The widget that takes the keyboard focus when the question is jumped to."""
        for child in self.findChildren(QWidget):
            if child.focusPolicy() != Qt.FocusPolicy.NoFocus and child.isEnabled():
                return child
        return self

    def _emit(self) -> None:
        if not self._loading:
            self.edited.emit(self.value())


#: Option labels longer than this wrap beside their button instead of widening the page.
WRAP_LABEL_AT = 60


class _WrappedChoice(QWidget):
    """A check box or radio button whose long label wraps (Qt's own never
    does, and one long option would make the whole page scroll sideways).
    Clicking the label clicks the button, as with a normal label."""

    def __init__(self, button: QAbstractButton, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.button = button
        button.setAccessibleName(text)
        self.label = QLabel(text)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.button.isEnabled() and self.label.geometry().contains(event.position().toPoint()):
            self.button.click()
            self.button.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


def choice_widget(button: QAbstractButton, text: str) -> QWidget:
    """The button itself for a short label; a wrapping label beside it for a long one."""
    if len(text) <= WRAP_LABEL_AT:
        button.setText(text)
        return button
    return _WrappedChoice(button, text)


def _clear_button(question: Question, owner: AnswerEditor) -> QToolButton:
    """A small "Clear" button: radio buttons cannot be unchecked by a click."""
    button = QToolButton()
    button.setText("Clear")
    button.setAutoRaise(True)
    button.setToolTip("Clear the answer (the question becomes unanswered)")
    button.setAccessibleName(f"Clear the answer to: {question.text}")
    button.clicked.connect(lambda: owner.edited.emit(None))
    return button


class _RadioEditor(AnswerEditor):
    """Radio buttons for a set of values (in a row or a column), with a Clear button."""

    def __init__(self, question: Question, choices: list[tuple[str, str]], in_a_row: bool, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QHBoxLayout(self) if in_a_row else QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QRadioButton] = {}
        for value, label in choices:
            button = QRadioButton()
            button.setAccessibleDescription(question.text)
            self.group.addButton(button)
            self.buttons[value] = button
            layout.addWidget(choice_widget(button, label))
            button.toggled.connect(lambda checked: checked and self._emit())
        self.clear_button = _clear_button(question, self)
        if in_a_row:
            layout.addSpacing(12)
            layout.addWidget(self.clear_button)
            layout.addStretch()
        else:
            layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._update_clear()

    def value(self) -> object:
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)

    def _show(self, value: object) -> None:
        self.group.setExclusive(False)
        for option_value, button in self.buttons.items():
            button.setChecked(option_value == value)
        self.group.setExclusive(True)
        self._update_clear()

    def _emit(self) -> None:
        self._update_clear()
        super()._emit()

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(not self._read_only and self.value() is not None)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self._update_clear()


class YesNoEditor(_RadioEditor):
    def __init__(self, question: YesNoQuestion, parent: QWidget | None = None):
        super().__init__(question, [(a, YES_NO_LABELS[a]) for a in question.allowed_values], True, parent)


class SingleChoiceEditor(_RadioEditor):
    def __init__(self, question: ChoiceQuestion, parent: QWidget | None = None):
        super().__init__(question, [(o.value, o.label) for o in question.options], False, parent)


class ComboChoiceEditor(AnswerEditor):
    """A single choice with many options: a drop-down whose first entry is "not answered"."""

    def __init__(self, question: ChoiceQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setAccessibleName(question.text)
        self.combo.addItem(NOT_ANSWERED, None)
        for option in question.options:
            self.combo.addItem(option.label, option.value)
        self.combo.currentIndexChanged.connect(lambda _: self._emit())
        layout.addWidget(self.combo)
        layout.addStretch()

    def value(self) -> object:
        return self.combo.currentData()

    def _show(self, value: object) -> None:
        self.combo.setCurrentIndex(max(self.combo.findData(value), 0))


class MultiChoiceEditor(AnswerEditor):
    def __init__(self, question: ChoiceQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for option in question.options:
            box = QCheckBox()
            box.setAccessibleDescription(question.text)
            self.boxes[option.value] = box
            layout.addWidget(choice_widget(box, option.label))
            box.toggled.connect(lambda _: self._emit())

    def value(self) -> object:
        chosen = [v for v, b in self.boxes.items() if b.isChecked()]
        return chosen or None

    def _show(self, value: object) -> None:
        chosen = set(value) if isinstance(value, list) else set()
        for option_value, box in self.boxes.items():
            box.setChecked(option_value in chosen)


class _TypedEditor(AnswerEditor):
    """An editor whose value is typed: saved after a pause in typing, at
    once when its field loses focus, and on ``flush()``."""

    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(question, parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TEXT_SAVE_DELAY_MS)
        self.timer.timeout.connect(self._emit)
        self._last_emitted: object = None

    def _watch(self, field: QWidget) -> None:
        """Save when ``field`` loses the focus (QPlainTextEdit has no editingFinished)."""
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def _typed(self, *_: object) -> None:
        if not self._loading:
            self.timer.start()

    def flush(self) -> None:
        """Save now if anything was typed since the last save."""
        if self.timer.isActive():
            self.timer.stop()
            self._emit()

    def _emit(self) -> None:
        self.timer.stop()
        value = self.value()
        if not self._loading and value != self._last_emitted:
            self._last_emitted = value
            self.edited.emit(value)

    def set_value(self, value: object) -> None:
        self.timer.stop()
        super().set_value(value)
        self._last_emitted = self.value()


class TextEditor(_TypedEditor):
    def __init__(self, question: TextQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
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
            self.field.returnPressed.connect(self.flush)
        self.field.setAccessibleName(question.text)
        self._watch(self.field)
        layout.addWidget(self.field)

    def value(self) -> object:
        text = self.field.toPlainText() if isinstance(self.field, QPlainTextEdit) else self.field.text()
        return text or None

    def _show(self, value: object) -> None:
        text = value if isinstance(value, str) else ""
        if isinstance(self.field, QPlainTextEdit):
            if self.field.toPlainText() != text:
                self.field.setPlainText(text)
        elif self.field.text() != text:
            self.field.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        # Read-only, not disabled: a final answer can still be selected and copied.
        self._read_only = read_only
        self.field.setReadOnly(read_only)


def parse_number(text: str, integer: bool) -> object:
    """The number typed, or the text itself when it is not one (the
    answer check then shows an inline error)."""
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if integer and number.is_integer() else number


def format_number(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)


def number_validator(integer: bool, parent: QObject) -> QRegularExpressionValidator:
    pattern = INTEGER_PATTERN if integer else DECIMAL_PATTERN
    return QRegularExpressionValidator(QRegularExpression(pattern), parent)


def number_bounds(question: NumberQuestion) -> str:
    bounds = []
    if question.min is not None:
        bounds.append(f"min {question.min:g}")
    if question.max is not None:
        bounds.append(f"max {question.max:g}")
    return ", ".join(bounds)


class NumberEditor(_TypedEditor):
    def __init__(self, question: NumberQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit()
        self.field.setAccessibleName(question.text)
        self.field.setMaximumWidth(180)
        self.field.setValidator(number_validator(question.integer, self.field))
        self.field.setPlaceholderText(number_bounds(question) or ("whole number" if question.integer else "number"))
        self.field.textEdited.connect(self._typed)
        self.field.returnPressed.connect(self.flush)
        self._watch(self.field)
        layout.addWidget(self.field)
        if question.unit:
            layout.addWidget(QLabel(question.unit))
        layout.addStretch()

    def value(self) -> object:
        return parse_number(self.field.text(), self.question.integer)  # type: ignore[attr-defined]

    def _show(self, value: object) -> None:
        if self.value() != value:
            self.field.setText(format_number(value))

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.field.setReadOnly(read_only)


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class OptionalDateEdit(QDateEdit):
    """A date edit whose minimum date means "not answered" (shown as text).

    From that state, typing a digit, stepping with the arrow keys or opening
    the calendar starts at today rather than at the blank date decades ago."""

    def __init__(self, blank: QDate, parent: QWidget | None = None):
        super().__init__(parent)
        self.blank = blank
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(blank)
        self.setSpecialValueText(NOT_ANSWERED)
        self.setDate(blank)
        self.calendarWidget().installEventFilter(self)

    def is_blank(self) -> bool:
        return self.date() == self.blank

    def start_date(self) -> QDate:
        """Today, kept within the allowed dates."""
        today = QDate.currentDate()
        return max(self.minimumDate().addDays(1), min(today, self.maximumDate()))

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        if self.is_blank() and steps > 0:
            self.setDate(self.start_date())
            return
        super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self.is_blank() and event.text().isdigit():
            self.setDate(self.start_date())
            self.setSelectedSection(QDateEdit.Section.YearSection)
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.calendarWidget() and event.type() == QEvent.Type.Show and self.is_blank():
            start = self.start_date()
            QTimer.singleShot(0, self, lambda: self.calendarWidget().setCurrentPage(start.year(), start.month()))
        return super().eventFilter(watched, event)


class DateEditor(_TypedEditor):
    """A date picker with a real "not answered" state (Qt's has none)."""

    def __init__(self, question: DateQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        earliest = question.min or date(1900, 1, 2)
        self.blank = to_qdate(earliest).addDays(-1)
        self.field = OptionalDateEdit(self.blank)
        self.field.setAccessibleName(question.text)
        if question.max:
            self.field.setMaximumDate(to_qdate(question.max))
        self.field.dateChanged.connect(self._typed)
        self.field.editingFinished.connect(self.flush)
        self._watch(self.field)
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("Clear the date (the question becomes unanswered)")
        self.clear_button.setAccessibleName(f"Clear the date: {question.text}")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.field)
        layout.addWidget(self.clear_button)
        layout.addStretch()

    def clear(self) -> None:
        self.field.setDate(self.blank)
        self.flush()

    def value(self) -> object:
        return None if self.field.is_blank() else self.field.date().toString("yyyy-MM-dd")

    def _show(self, value: object) -> None:
        parsed = QDate.fromString(value, "yyyy-MM-dd") if isinstance(value, str) else QDate()
        self.field.setDate(parsed if parsed.isValid() else self.blank)


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


class EvidenceEditor(AnswerEditor):
    """Lists attached files (name, size, sha256). Attaching, opening and
    removing go through the editor's handlers, because files live in the store."""

    attach_requested = Signal(list)
    open_requested = Signal(str, str)  # sha256, the file's name
    remove_requested = Signal(str)

    def __init__(self, question: EvidenceQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.files = QTreeWidget()
        self.files.setAccessibleName(f"Files attached to: {question.text}")
        self.files.setHeaderLabels(["File", "Size", "SHA-256"])
        self.files.setRootIsDecorated(False)
        self.files.setMaximumHeight(110)
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.files.itemDoubleClicked.connect(lambda item, _: self._open_item(item))
        self.files.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.files.setVisible(False)
        self.drop_hint = QLabel()
        self.drop_hint.setStyleSheet("color: palette(placeholder-text);")
        buttons = QHBoxLayout()
        accept = ", ".join(question.accept) if question.accept else "any file"
        self.attach_button = QPushButton("Attach file…")
        self.attach_button.setToolTip(f"Accepted: {accept}. You can also drop files here.")
        self.attach_button.setAccessibleName(f"Attach a file to: {question.text}")
        self.attach_button.clicked.connect(self._choose_files)
        self.open_button = QPushButton("Open")
        self.open_button.setAccessibleName("Open the selected file")
        self.open_button.clicked.connect(lambda: self._open_item(self.files.currentItem()))
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove the selected file")
        self.remove_button.clicked.connect(self._remove_selected)
        for button in (self.attach_button, self.open_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addWidget(self.drop_hint, 1)
        layout.addWidget(self.files)
        layout.addLayout(buttons)
        self._value: list[dict[str, object]] = []
        self._accept_text = accept
        self._update_buttons()

    def _choose_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        patterns = " ".join(f"*{ext}" for ext in self.question.accept) or "*"  # type: ignore[attr-defined]
        paths, _ = QFileDialog.getOpenFileNames(self, "Attach evidence", "", f"Evidence ({patterns});;All files (*)")
        if paths:
            self.attach_requested.emit(paths)

    def _open_item(self, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.open_requested.emit(item.data(0, Qt.ItemDataRole.UserRole), item.text(0))

    def _remove_selected(self) -> None:
        item = self.files.currentItem()
        if item is not None:
            self.remove_requested.emit(item.data(0, Qt.ItemDataRole.UserRole))

    def _update_buttons(self) -> None:
        editable = not self._read_only
        selected = self.files.currentItem() is not None
        self.attach_button.setEnabled(editable)
        self.open_button.setEnabled(selected)
        self.remove_button.setEnabled(editable and selected)
        self.drop_hint.setText("" if not editable else f"or drop files here ({self._accept_text})")

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_buttons()  # the list and Open stay usable: final evidence can still be read

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() and not self._read_only:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and not self._read_only:
            self.attach_requested.emit(paths)

    def value(self) -> object:
        return list(self._value) or None

    def _show(self, value: object) -> None:
        self._value = [dict(v) for v in value] if isinstance(value, list) else []
        self.files.clear()
        for item in self._value:
            row = QTreeWidgetItem([str(item.get("name", "")), human_size(int(item.get("size", 0))), str(item.get("sha256", ""))])
            row.setData(0, Qt.ItemDataRole.UserRole, item.get("sha256"))
            row.setToolTip(0, "Double-click to open")
            self.files.addTopLevelItem(row)
        self.files.setVisible(bool(self._value))
        if self._value:
            self.files.setCurrentItem(self.files.topLevelItem(len(self._value) - 1))
        self._update_buttons()


# --- list questions ----------------------------------------------------------------------

#: The typed value of a list cell (the display role holds its text).
VALUE_ROLE = Qt.ItemDataRole.UserRole + 10


def _choices(field: Question) -> list[tuple[str, str]]:
    """(value, label) pairs of a choice or yes/no field."""
    if isinstance(field, ChoiceQuestion):
        return [(o.value, o.label) for o in field.options]
    if isinstance(field, YesNoQuestion):
        return [(a, YES_NO_LABELS[a]) for a in field.allowed_values]
    return []


def cell_text(field: Question, value: object) -> str:
    """How a list cell shows its value: labels for choices, plain numbers."""
    labels = dict(_choices(field))
    if isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value)
    if isinstance(value, str):
        return labels.get(value, value)
    return format_number(value)


class ListCellDelegate(QStyledItemDelegate):
    """Edits a list cell with a widget fitted to its field: a combo box for
    yes/no and single choice, check boxes for multi choice, a date picker,
    a number field, or a text field. The cell keeps the typed value."""

    def __init__(self, owner: ListEditor):
        super().__init__(owner)
        self.owner = owner

    def field(self, index: QModelIndex) -> Question:
        return self.owner.fields[index.column()]

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:  # noqa: N802
        field = self.field(index)
        editor: QWidget
        if field.type == "multi_choice":
            editor = QListWidget(parent)
            for value, label in _choices(field):
                item = QListWidgetItem(label, editor)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Unchecked)
        elif _choices(field):
            editor = QComboBox(parent)
            editor.addItem("", None)
            for value, label in _choices(field):
                editor.addItem(label, value)
        elif isinstance(field, DateQuestion):
            editor = QDateEdit(parent)
            editor.setDisplayFormat("yyyy-MM-dd")
            editor.setCalendarPopup(True)
            if field.min:
                editor.setMinimumDate(to_qdate(field.min))
            if field.max:
                editor.setMaximumDate(to_qdate(field.max))
        else:
            editor = QLineEdit(parent)
            if isinstance(field, NumberQuestion):
                editor.setValidator(number_validator(field.integer, editor))
                editor.setPlaceholderText(number_bounds(field))
            elif isinstance(field, TextQuestion) and field.max_length:
                editor.setMaxLength(field.max_length)
        editor.setAccessibleName(field.text)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        value = index.data(VALUE_ROLE)
        if isinstance(editor, QListWidget):
            chosen = set(value) if isinstance(value, list) else set()
            for row in range(editor.count()):
                item = editor.item(row)
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen else Qt.CheckState.Unchecked)
            editor.setCurrentRow(0)
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QDateEdit):
            parsed = QDate.fromString(value, "yyyy-MM-dd") if isinstance(value, str) else QDate()
            editor.setDate(parsed if parsed.isValid() else QDate.currentDate())
        elif isinstance(editor, QLineEdit):
            editor.setText(cell_text(self.field(index), value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:  # noqa: N802
        field = self.field(index)
        value: object
        if isinstance(editor, QListWidget):
            chosen = [editor.item(r).data(Qt.ItemDataRole.UserRole) for r in range(editor.count())
                      if editor.item(r).checkState() == Qt.CheckState.Checked]
            value = chosen or None
        elif isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QDateEdit):
            value = editor.date().toString("yyyy-MM-dd")
        elif isinstance(field, NumberQuestion):
            value = parse_number(editor.text(), field.integer)  # type: ignore[attr-defined]
        else:
            value = editor.text().strip() or None  # type: ignore[attr-defined]
        self.owner.set_cell(index.row(), index.column(), value)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        rect = option.rect
        if isinstance(editor, QListWidget):  # room for every option, not one row's height
            rect.setHeight(max(rect.height(), editor.sizeHintForRow(0) * editor.count() + 2 * editor.frameWidth()))
        editor.setGeometry(rect)


class ListTable(QTableWidget):
    """The list editor's table: Delete clears the current cell."""

    clear_requested = Signal(int, int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
            and self.currentIndex().isValid()
            and self.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
        ):
            self.clear_requested.emit(self.currentRow(), self.currentColumn())
            return
        super().keyPressEvent(event)


class ListEditor(AnswerEditor):
    """An editable table: one row per item, one column per field, with add,
    remove and reorder. Each cell holds a typed value (a number is a number,
    a choice its option value); rows left completely empty are ignored."""

    def __init__(self, question: ListQuestion, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields = question.fields
        self.table = ListTable(0, len(self.fields))
        self.table.setAccessibleName(f"Items of: {question.text}")
        self.table.setHorizontalHeaderLabels([f.text + (" *" if f.required else "") for f in self.fields])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else in the form
        self.table.setMinimumHeight(120)
        self._edit_triggers = self.table.editTriggers()
        self.table.setItemDelegate(ListCellDelegate(self))
        self.table.clear_requested.connect(lambda row, column: self.set_cell(row, column, None))
        for column, field in enumerate(self.fields):
            self.table.horizontalHeaderItem(column).setToolTip(field.help or field.text)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in (("Add row", self.add_row), ("Remove row", self.remove_row),
                           ("Move up", lambda: self.move_row(-1)), ("Move down", lambda: self.move_row(1))):
            button = QPushButton(text)
            button.setAccessibleName(f"{text}: {question.text}")
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[text] = button
        hint = QLabel("Double-click or type in a cell to edit; Delete clears it.")
        hint.setStyleSheet("color: palette(placeholder-text);")
        buttons.addWidget(hint, 1)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for button in self.buttons.values():
            button.setEnabled(not read_only)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else self._edit_triggers)

    def _put(self, row: int, column: int, value: object) -> None:
        item = QTableWidgetItem(cell_text(self.fields[column], value))
        item.setData(VALUE_ROLE, value)
        self.table.setItem(row, column, item)

    def set_cell(self, row: int, column: int, value: object) -> None:
        """A person edited a cell: keep its typed value and report the list."""
        if self._read_only:
            return
        self._put(row, column, value)
        self._emit()

    def add_row(self) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column in range(len(self.fields)):
            self._put(row, column, None)
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._emit()

    def move_row(self, step: int) -> None:
        row, column = self.table.currentRow(), self.table.currentColumn()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        rows = self._rows()
        rows[row], rows[target] = rows[target], rows[row]
        self._fill(rows)
        self.table.setCurrentCell(target, max(column, 0))
        self._emit()

    def _rows(self) -> list[list[object]]:
        return [
            [item.data(VALUE_ROLE) if (item := self.table.item(row, column)) else None for column in range(len(self.fields))]
            for row in range(self.table.rowCount())
        ]

    def _fill(self, rows: list[list[object]]) -> None:
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self._put(row, column, value)

    def value(self) -> object:
        items = [
            {field.id: value for field, value in zip(self.fields, values, strict=True) if value is not None}
            for values in self._rows()
        ]
        return [item for item in items if item] or None

    def _show(self, value: object) -> None:
        if value == self.value():
            return  # the list just saved: keep the rows (and the empty one being filled) as they are
        items = value if isinstance(value, list) else []
        self._fill([[item.get(f.id) if isinstance(item, dict) else None for f in self.fields] for item in items])


def editor_for(question: Question) -> AnswerEditor:
    if isinstance(question, YesNoQuestion):
        return YesNoEditor(question)
    if isinstance(question, ChoiceQuestion):
        if question.type == "multi_choice":
            return MultiChoiceEditor(question)
        return ComboChoiceEditor(question) if len(question.options) > RADIO_LIMIT else SingleChoiceEditor(question)
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
        self.setAccessibleName(question.text)
        self.setAccessibleDescription("Required question" if question.required else "Optional question")
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        marker = ' <span style="color:#b00020">*</span>' if question.required else ""
        self.title = QLabel(f"<b>{escape_html(question.text)}</b>{marker}")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        if question.required:
            self.title.setToolTip("Required")
        header.addWidget(self.title, 1)
        self.help_button = QToolButton()
        self.help_button.setText("?")
        self.help_button.setCheckable(True)
        self.help_button.setAccessibleName(f"Help: {question.text}")
        self.help_button.setToolTip("Why we ask (and references)")
        header.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        self.help = QLabel(_help_html(question))
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.setStyleSheet("background: palette(alternate-base); padding: 6px;")
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
        self.error.setAccessibleName(f"Problem with the answer to: {question.text}")
        layout.addWidget(self.error)

        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Comment (source, call date, who said it)…")
        self.comment.setAccessibleName(f"Comment on: {question.text}")
        self.comment.editingFinished.connect(self._comment_finished)
        self._comment = ""
        layout.addWidget(self.comment)

    def _comment_finished(self) -> None:
        text = self.comment.text()
        if text != self._comment and not self.comment.isReadOnly():
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
        self.editor.flush()
        self._comment_finished()

    def focus_editor(self) -> None:
        self.editor.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _help_html(question: Question) -> str:
    parts = [escape_html(question.help)] if question.help else []
    if question.references:
        parts.append("<i>References:</i> " + "; ".join(escape_html(r) for r in question.references))
    return "<br>".join(parts) or "<i>No help text.</i>"
