"""The assessment editor: sections on the left, questions in the centre,
the live score on the right.

Every edit goes straight to the store through an ``EditorBackend`` (the
services, in the app) inside an undoable command, so there is no Save
button and nothing shown as saved can be lost. Section pages are built
the first time they are shown: a 2,000-question set opens with one page
of widgets, not forty.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Protocol

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from duediligence.errors import DueDiligenceError
from duediligence.questionnaire.answers import answer_problems
from duediligence.questionnaire.conditions import is_unanswered
from duediligence.questionnaire.model import Questionnaire, Section
from duediligence.questionnaire.scoring import Score, score_answers
from duediligence.ui.question_widgets import EvidenceEditor, QuestionCard, escape_html
from duediligence.ui.style import SEVERITY_COLOURS, SEVERITY_LABELS, risk_colour, tier_colour


class EditorBackend(Protocol):
    """What the editor needs from the store; the app passes a services adapter."""

    def set_answer(self, question_id: str, value: object) -> None: ...
    def set_comment(self, question_id: str, text: str) -> None: ...
    def attach_evidence(self, question_id: str, path: str) -> object:
        """Attach one file; return the question's new answer (the file list)."""
    def remove_evidence(self, question_id: str, sha256: str) -> object:
        """Detach one file; return the question's new answer."""
    def open_evidence(self, sha256: str, name: str) -> None: ...


def short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class AnswerCommand(QUndoCommand):
    """One answer change; redo and undo both write through to the store.

    Undoing or redoing brings the question into view, so the person sees
    what changed. A change the store refuses never enters the stack."""

    def __init__(self, editor: AssessmentEditor, question_id: str, old: object, new: object):
        question = editor.questionnaire.questions_by_id[question_id]
        super().__init__(f"answer to “{short(question.text)}”")
        self.editor = editor
        self.question_id = question_id
        self.old = old
        self.new = new
        self._pushed = False

    def redo(self) -> None:
        stored = self.editor.store_answer(self.question_id, self.new)
        if not self._pushed:
            self._pushed = True
            self.setObsolete(not stored)
        elif stored:
            self.editor.reveal_question(self.question_id)

    def undo(self) -> None:
        if self.editor.store_answer(self.question_id, self.old):
            self.editor.reveal_question(self.question_id)


class WrappedTextDelegate(QStyledItemDelegate):
    """Item heights that fit the whole wrapped text. Qt's own estimate can
    come out a line short for long messages, which then end in "…"."""

    #: Room the style takes around an item's text (focus frame, margins).
    MARGIN = 12

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt API
        view = self.parent()
        width = max(80, view.viewport().width() - self.MARGIN)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        bounds = QFontMetrics(option.font).boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text)
        return QSize(width, bounds.height() + 6)


class ScorePanel(QFrame):
    """Overall score, tier, verdict, section scores and raised flags."""

    flag_activated = Signal(str)

    def __init__(self, questionnaire: Questionnaire, parent: QWidget | None = None):
        super().__init__(parent)
        self.questionnaire = questionnaire
        self.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        caption = QLabel("Risk score (0 = lowest, 100 = highest)")
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption.setStyleSheet("color: palette(placeholder-text);")
        self.overall = QLabel()
        self.overall.setObjectName("overall-score")
        self.overall.setAccessibleName("Overall risk score")
        self.overall.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overall.setStyleSheet("font-size: 28px; font-weight: bold;")
        self.tier = QLabel()
        self.tier.setObjectName("tier")
        self.tier.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tier.setAccessibleName("Risk tier")
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setWordWrap(True)
        self.completeness = QLabel()
        self.sections = QLabel()
        self.sections.setTextFormat(Qt.TextFormat.RichText)
        self.sections.setWordWrap(True)
        self.flags = QListWidget()
        self.flags.setWordWrap(True)
        self.flags.setSpacing(3)
        self.flags.setItemDelegate(WrappedTextDelegate(self.flags))
        self.flags.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.flags.setResizeMode(QListWidget.ResizeMode.Adjust)  # re-wrap the messages when the panel is resized
        self.flags.setAccessibleName("Raised flags")
        self.flags.setAccessibleDescription("Click a flag or press Enter on it to go to its question")
        # Enter (activated) and a single click both jump; a double click would
        # emit both, so it is left to itemClicked.
        self.flags.itemClicked.connect(lambda item: self.flag_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.flags.itemActivated.connect(self._activated)
        self.flags_title = QLabel()
        for widget in (caption, self.overall, self.tier, self.verdict, self.completeness, QLabel("<b>Sections</b>"),
                       self.sections, self.flags_title, self.flags):
            layout.addWidget(widget)

    def _activated(self, item: QListWidgetItem) -> None:
        if not QApplication.mouseButtons():  # the keyboard, not the second click of a double click
            self.flag_activated.emit(item.data(Qt.ItemDataRole.UserRole))

    def show_score(self, score: Score) -> None:
        self.overall.setText(f"{score.overall:.1f}")
        colour = tier_colour(score.tier.id, self.questionnaire)
        self.tier.setText(f"Risk tier: {score.tier.label}")
        self.tier.setStyleSheet(f"background: {colour}; color: white; padding: 4px; border-radius: 3px;")
        if score.knockout:
            self.verdict.setText("Do not proceed: a knock-out was raised")
            self.verdict.setStyleSheet(f"color: {SEVERITY_COLOURS['knockout']}; font-weight: bold;")
        else:
            self.verdict.setText("No knock-out raised")
            self.verdict.setStyleSheet("")
        c = score.completeness
        self.completeness.setText(f"Required answered: {c.answered}/{c.required}")
        rows = []
        for section in self.questionnaire.sections:
            value = score.sections[section.id]
            shown = "hidden" if not score.section_visible[section.id] else "not scored" if value is None else f"{value:.1f}"
            colour = "#888888" if not score.section_visible[section.id] else risk_colour(value)
            rows.append(f'{escape_html(section.title)}: <span style="color: {colour};">{shown}</span>')
        self.sections.setText("<br>".join(rows))
        self.flags_title.setText(f"<b>Flags</b> ({len(score.flags)})" + (": click one to go to its question" if score.flags else ""))
        self.flags.clear()
        for flag in score.flags:
            item = QListWidgetItem(f"{SEVERITY_LABELS[flag.severity]}: {flag.message}")
            item.setData(Qt.ItemDataRole.UserRole, flag.question)
            item.setForeground(QBrush(QColor(SEVERITY_COLOURS[flag.severity])))
            question = self.questionnaire.questions_by_id.get(flag.question)
            item.setToolTip(question.text if question else flag.question)
            self.flags.addItem(item)


class SectionPage(QScrollArea):
    """The question cards of one section, built on first show."""

    def __init__(self, section: Section, parent: QWidget | None = None):
        super().__init__(parent)
        self.section = section
        self.setWidgetResizable(True)
        # Cards wrap their text to the page's width instead of scrolling sideways.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        title = QLabel(f"<h2>{escape_html(section.title)}</h2>")
        title.setWordWrap(True)
        self.layout_.addWidget(title)
        if section.description:
            description = QLabel(section.description)
            description.setTextFormat(Qt.TextFormat.PlainText)
            description.setWordWrap(True)
            self.layout_.addWidget(description)
        self.hidden_note = QLabel(
            "This section does not apply with the answers given so far (its condition is not met). "
            "Its questions appear as soon as it does; answers already given here are kept."
        )
        self.hidden_note.setWordWrap(True)
        self.hidden_note.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        self.hidden_note.setVisible(False)
        self.layout_.addWidget(self.hidden_note)
        self.cards: dict[str, QuestionCard] = {}
        for question in section.questions:
            card = QuestionCard(question)
            self.cards[question.id] = card
            self.layout_.addWidget(card)
        self.layout_.addStretch()
        self.setWidget(body)


class AssessmentEditor(QWidget):
    """Edits one assessment; all writes go through ``backend``."""

    #: After every change the store accepted (answer, comment, evidence).
    saved = Signal()
    #: A change the store refused, with its message.
    failed = Signal(str)
    score_changed = Signal(object)
    new_revision_requested = Signal()

    def __init__(
        self,
        questionnaire: Questionnaire,
        answers: Mapping[str, object],
        comments: Mapping[str, str],
        backend: EditorBackend,
        *,
        read_only: bool = False,
        final: bool | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.questionnaire = questionnaire
        self.answers: dict[str, object] = dict(answers)
        self.comments: dict[str, str] = dict(comments)
        self.backend = backend
        self.read_only = read_only
        self.today = today or date.today()
        self.undo_stack = QUndoStack(self)
        self.pages: dict[str, SectionPage] = {}
        self.last_saved: datetime | None = None
        self.last_failure = ""
        self._section_index = {s.id: i for i, s in enumerate(questionnaire.sections)}
        self._section_of = {q.id: s.id for s in questionnaire.sections for q in s.questions}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = QFrame()
        self.banner.setObjectName("read-only-banner")
        banner_layout = QHBoxLayout(self.banner)
        self.banner.setStyleSheet("#read-only-banner { background: #fff3cd; border-bottom: 1px solid #e0c36a; } QLabel { color: #5c4400; }")
        self.banner_text = QLabel(
            "<b>This assessment is final and signed.</b> It cannot be changed; start a new revision to reassess."
        )
        self.banner_text.setWordWrap(True)
        banner_layout.addWidget(self.banner_text, 1)
        self.new_revision_button = QPushButton("New revision")
        self.new_revision_button.setAccessibleName("Start a new revision of this assessment")
        self.new_revision_button.clicked.connect(self.new_revision_requested)
        banner_layout.addWidget(self.new_revision_button)
        self.banner.setVisible(read_only if final is None else final)
        outer.addWidget(self.banner)

        splitter = QSplitter()
        self.section_list = QListWidget()
        self.section_list.setAccessibleName("Sections")
        self.section_list.setAccessibleDescription("Answered out of required questions, coloured by the section's risk")
        self.section_list.setMinimumWidth(200)
        self.section_list.setWordWrap(True)
        self.section_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.section_list.setSpacing(3)
        for section in questionnaire.sections:
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.id)
            self.section_list.addItem(item)
        self.stack = QStackedWidget()
        self._placeholders = []
        for _ in questionnaire.sections:
            placeholder = QWidget()
            self._placeholders.append(placeholder)
            self.stack.addWidget(placeholder)
        self.score_panel = ScorePanel(questionnaire)
        self.score_panel.flag_activated.connect(self.jump_to_question)
        splitter.addWidget(self.section_list)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.score_panel)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 700, 290])
        outer.addWidget(splitter, 1)

        self.section_list.currentRowChanged.connect(self.show_section_at)
        self.score: Score = score_answers(questionnaire, self.answers, self.today)
        self.section_list.setCurrentRow(0)
        self.refresh()

    # -- pages

    def page(self, section_id: str) -> SectionPage:
        """The page of a section, built the first time it is asked for."""
        if section_id not in self.pages:
            index = self._section_index[section_id]
            page = SectionPage(self.questionnaire.sections[index])
            for card in page.cards.values():
                qid = card.question.id
                card.set_answer(self.answers.get(qid))
                card.set_comment(self.comments.get(qid, ""))
                card.set_read_only(self.read_only)
                card.answer_edited.connect(self.edit_answer)
                card.comment_edited.connect(self.edit_comment)
                if isinstance(card.editor, EvidenceEditor):
                    card.editor.attach_requested.connect(lambda paths, q=qid: self.attach(q, paths))
                    card.editor.remove_requested.connect(lambda digest, q=qid: self.remove_evidence(q, digest))
                    card.editor.open_requested.connect(self._open_evidence)
            self.pages[section_id] = page
            placeholder = self._placeholders[index]
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._placeholders[index] = page
            self._apply_visibility(page)
        return self.pages[section_id]

    def show_section_at(self, row: int) -> None:
        if 0 <= row < len(self.questionnaire.sections):
            section = self.questionnaire.sections[row]
            page = self.page(section.id)
            self.stack.setCurrentWidget(page)

    def reveal_question(self, question_id: str) -> QuestionCard:
        """Show the section of a question and scroll it into view."""
        section_id = self._section_of[question_id]
        self.section_list.setCurrentRow(self._section_index[section_id])
        page = self.page(section_id)
        card = page.cards[question_id]
        # A page built just now has no geometry yet: scroll once it is laid out.
        QTimer.singleShot(0, card, lambda: page.ensureWidgetVisible(card, 0, 40))
        return card

    def jump_to_question(self, question_id: str) -> None:
        """Go to a question (from a flag): show it, focus its answer, highlight it."""
        if question_id not in self._section_of:
            return
        card = self.reveal_question(question_id)
        card.focus_editor()
        card.setStyleSheet(f"#{card.objectName()} {{ border: 2px solid palette(highlight); }}")
        QTimer.singleShot(1500, card, lambda: card.setStyleSheet(""))

    # -- edits

    def edit_answer(self, question_id: str, value: object) -> None:
        """A person changed an answer: check it, then store it undoably."""
        card = self.card(question_id)
        if is_unanswered(value):
            value = None
        problems = [] if value is None else answer_problems(self.questionnaire, question_id, value)
        if card:
            card.show_problems(problems)
        if problems or self.read_only:
            return
        old = self.answers.get(question_id)
        if old == value:
            return
        self.undo_stack.push(AnswerCommand(self, question_id, old, value))

    def store_answer(self, question_id: str, value: object) -> bool:
        """Write through to the store, then show the result everywhere."""
        try:
            self.backend.set_answer(question_id, value)
        except DueDiligenceError as exc:
            self._report_failure(question_id, str(exc))
            return False
        self._show_stored_value(question_id, value)
        return True

    def edit_comment(self, question_id: str, text: str) -> None:
        try:
            self.backend.set_comment(question_id, text)
        except DueDiligenceError as exc:
            self._report_failure(question_id, str(exc))
            return
        self.comments[question_id] = text
        self._mark_saved()

    def attach(self, question_id: str, paths: list[str]) -> None:
        """Attach each file on its own: one refused file does not stop the others."""
        problems = []
        for path in paths:
            try:
                value = self.backend.attach_evidence(question_id, path)
            except DueDiligenceError as exc:
                problems.append(str(exc))
                continue
            self._show_stored_value(question_id, value)
        if problems:
            self._report_failure(question_id, "\n".join(problems))

    def remove_evidence(self, question_id: str, sha256: str) -> None:
        try:
            value = self.backend.remove_evidence(question_id, sha256)
        except DueDiligenceError as exc:
            self._report_failure(question_id, str(exc))
            return
        self._show_stored_value(question_id, value)

    def _show_stored_value(self, question_id: str, value: object) -> None:
        """The store accepted ``value``: show it everywhere, rescore."""
        if is_unanswered(value):
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = value
        card = self.card(question_id)
        if card:
            card.set_answer(value)
            card.show_problems([])
        self._mark_saved()
        self.refresh()

    def _open_evidence(self, sha256: str, name: str) -> None:
        try:
            self.backend.open_evidence(sha256, name)
        except (DueDiligenceError, OSError) as exc:
            self.failed.emit(f"Cannot open {name}: {exc}")

    def _report_failure(self, question_id: str, message: str) -> None:
        card = self.card(question_id)
        if card:
            card.show_problems([message])
            card.set_answer(self.answers.get(question_id))
        self.last_failure = message
        self.failed.emit(message)

    def _mark_saved(self) -> None:
        self.last_saved = datetime.now()
        self.last_failure = ""
        self.saved.emit()

    def save_status(self) -> str:
        """The quiet indicator's text: when the last change was stored."""
        if self.last_failure:
            return f"Not saved: {self.last_failure.splitlines()[0]}"
        if self.read_only:
            return "Read-only"
        if self.last_saved is None:
            return "Every change is saved as you make it"
        return f"All changes saved ({self.last_saved:%H:%M:%S})"

    def flush(self) -> None:
        """Save any text still being typed (before closing or signing)."""
        for page in self.pages.values():
            for card in page.cards.values():
                card.flush()

    def set_read_only(self, read_only: bool) -> None:
        """Lock or unlock every answer (a final assessment, or while signing)."""
        self.read_only = read_only
        for page in self.pages.values():
            for card in page.cards.values():
                card.set_read_only(read_only)

    def card(self, question_id: str) -> QuestionCard | None:
        page = self.pages.get(self._section_of.get(question_id, ""))
        return page.cards.get(question_id) if page else None

    # -- live state

    def refresh(self) -> None:
        """Recompute visibility and score, and show them."""
        self.score = score_answers(self.questionnaire, self.answers, self.today)
        for page in self.pages.values():
            self._apply_visibility(page)
        self._update_section_list()
        self.score_panel.show_score(self.score)
        self.score_changed.emit(self.score)

    def _apply_visibility(self, page: SectionPage) -> None:
        for qid, card in page.cards.items():
            card.setVisible(self.score.questions[qid].visible)
        page.hidden_note.setVisible(not self.score.section_visible[page.section.id])

    def _update_section_list(self) -> None:
        for row, section in enumerate(self.questionnaire.sections):
            item = self.section_list.item(row)
            visible = self.score.section_visible[section.id]
            required = [q for q in section.questions if q.required and self.score.questions[q.id].visible]
            answered = sum(1 for q in required if self.score.questions[q.id].answered)
            value = self.score.sections[section.id]
            if not visible:
                detail = "not shown: its condition is not met"
            else:
                progress = f"{answered}/{len(required)} required" if required else "nothing required"
                detail = f"{progress} · risk {value:.0f}" if value is not None else f"{progress} · not scored yet"
            item.setText(f"{section.title}\n{detail}")
            item.setForeground(QBrush(QColor("#888888" if not visible else risk_colour(value))))
            tip = (
                "Not shown: its condition is not met"
                if not visible
                else f"{answered} of {len(required)} required answered; risk {value:.1f}" if value is not None
                else f"{answered} of {len(required)} required answered; not scored yet"
            )
            item.setToolTip(tip)
