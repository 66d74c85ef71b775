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
from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from duediligence.errors import DueDiligenceError
from duediligence.questionnaire.answers import answer_problems
from duediligence.questionnaire.conditions import is_unanswered
from duediligence.questionnaire.model import Questionnaire, Section
from duediligence.questionnaire.scoring import Score, score_answers
from duediligence.ui.question_widgets import EvidenceEditor, QuestionCard
from duediligence.ui.style import SEVERITY_COLOURS, risk_colour, tier_colour


class EditorBackend(Protocol):
    """What the editor needs from the store; the app passes a services adapter."""

    def set_answer(self, question_id: str, value: object) -> None: ...
    def set_comment(self, question_id: str, text: str) -> None: ...
    def attach_evidence(self, question_id: str, paths: list[str]) -> object: ...
    def remove_evidence(self, question_id: str, sha256: str) -> object: ...
    def open_evidence(self, sha256: str) -> None: ...


class AnswerCommand(QUndoCommand):
    """One answer change; redo and undo both write through to the store."""

    def __init__(self, editor: AssessmentEditor, question_id: str, old: object, new: object):
        super().__init__(f"Answer to {question_id}")
        self.editor = editor
        self.question_id = question_id
        self.old = old
        self.new = new

    def redo(self) -> None:
        self.editor.store_answer(self.question_id, self.new)

    def undo(self) -> None:
        self.editor.store_answer(self.question_id, self.old)


class ScorePanel(QFrame):
    """Overall score, tier, verdict, section scores and raised flags."""

    flag_activated = Signal(str)

    def __init__(self, questionnaire: Questionnaire, parent: QWidget | None = None):
        super().__init__(parent)
        self.questionnaire = questionnaire
        self.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        self.overall = QLabel()
        self.overall.setObjectName("overall-score")
        self.overall.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overall.setStyleSheet("font-size: 28px; font-weight: bold;")
        self.tier = QLabel()
        self.tier.setObjectName("tier")
        self.tier.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setWordWrap(True)
        self.completeness = QLabel()
        self.sections = QLabel()
        self.sections.setTextFormat(Qt.TextFormat.RichText)
        self.flags = QListWidget()
        self.flags.setWordWrap(True)
        self.flags.setAccessibleName("Raised flags")
        self.flags.itemActivated.connect(lambda item: self.flag_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.flags.itemClicked.connect(lambda item: self.flag_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        for widget in (self.overall, self.tier, self.verdict, self.completeness, QLabel("<b>Sections</b>"), self.sections, QLabel("<b>Flags</b> (click to jump)"), self.flags):
            layout.addWidget(widget)

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
            rows.append(f"{section.title}: {shown}")
        self.sections.setText("<br>".join(rows))
        self.flags.clear()
        for flag in score.flags:
            item = QListWidgetItem(f"[{flag.severity}] {flag.message}")
            item.setData(Qt.ItemDataRole.UserRole, flag.question)
            item.setForeground(QBrush(QColor(SEVERITY_COLOURS[flag.severity])))
            item.setToolTip(f"Question {flag.question}")
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
        title = QLabel(f"<h2>{section.title}</h2>")
        self.layout_.addWidget(title)
        if section.description:
            description = QLabel(section.description)
            description.setWordWrap(True)
            self.layout_.addWidget(description)
        self.cards: dict[str, QuestionCard] = {}
        for question in section.questions:
            card = QuestionCard(question)
            self.cards[question.id] = card
            self.layout_.addWidget(card)
        self.layout_.addStretch()
        self.setWidget(body)


class AssessmentEditor(QWidget):
    """Edits one assessment; all writes go through ``backend``."""

    saved = Signal(str)
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
        self._section_index = {s.id: i for i, s in enumerate(questionnaire.sections)}
        self._section_of = {q.id: s.id for s in questionnaire.sections for q in s.questions}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = QFrame()
        banner_layout = QHBoxLayout(self.banner)
        self.banner.setStyleSheet("background: #fff3cd; color: #5c4400;")
        banner_layout.addWidget(QLabel("<b>This assessment is final and signed.</b> It cannot be changed; start a new revision to reassess."))
        self.new_revision_button = QPushButton("New revision")
        self.new_revision_button.clicked.connect(self.new_revision_requested)
        banner_layout.addWidget(self.new_revision_button)
        self.banner.setVisible(read_only)
        outer.addWidget(self.banner)

        splitter = QSplitter()
        self.section_list = QListWidget()
        self.section_list.setAccessibleName("Sections")
        self.section_list.setMinimumWidth(200)
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
        outer.addWidget(splitter, 1)

        self.status = QLabel()
        self.status.setObjectName("save-status")
        outer.addWidget(self.status)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.timeout.connect(lambda: self.status.setText(""))

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

    def jump_to_question(self, question_id: str) -> None:
        section_id = self._section_of[question_id]
        self.section_list.setCurrentRow(self._section_index[section_id])
        page = self.page(section_id)
        card = page.cards[question_id]
        page.ensureWidgetVisible(card)
        card.editor.setFocus()

    # -- edits

    def edit_answer(self, question_id: str, value: object) -> None:
        """A person changed an answer: check it, then store it undoably."""
        card = self.card(question_id)
        if is_unanswered(value):
            value = None
        problems = [] if value is None else answer_problems(self.questionnaire, question_id, value)
        if card:
            card.show_problems(problems)
        if problems:
            return
        old = self.answers.get(question_id)
        if old == value:
            return
        self.undo_stack.push(AnswerCommand(self, question_id, old, value))

    def store_answer(self, question_id: str, value: object) -> None:
        """Write through to the store, then show the result everywhere."""
        try:
            self.backend.set_answer(question_id, value)
        except DueDiligenceError as exc:
            self._report_failure(question_id, str(exc))
            return
        if value is None:
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = value
        card = self.card(question_id)
        if card:
            card.set_answer(value)
            card.show_problems([])
        self._mark_saved()
        self.refresh()

    def edit_comment(self, question_id: str, text: str) -> None:
        try:
            self.backend.set_comment(question_id, text)
        except DueDiligenceError as exc:
            self._report_failure(question_id, str(exc))
            return
        self.comments[question_id] = text
        self._mark_saved()

    def attach(self, question_id: str, paths: list[str]) -> None:
        try:
            value = self.backend.attach_evidence(question_id, paths)
        except DueDiligenceError as exc:
            self._report_failure(question_id, str(exc))
            return
        self._evidence_changed(question_id, value)

    def remove_evidence(self, question_id: str, sha256: str) -> None:
        try:
            value = self.backend.remove_evidence(question_id, sha256)
        except DueDiligenceError as exc:
            self._report_failure(question_id, str(exc))
            return
        self._evidence_changed(question_id, value)

    def _evidence_changed(self, question_id: str, value: object) -> None:
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

    def _open_evidence(self, sha256: str) -> None:
        try:
            self.backend.open_evidence(sha256)
        except DueDiligenceError as exc:
            self.failed.emit(str(exc))

    def _report_failure(self, question_id: str, message: str) -> None:
        card = self.card(question_id)
        if card:
            card.show_problems([message])
            card.set_answer(self.answers.get(question_id))
        self.status.setText(f"Not saved: {message}")
        self.failed.emit(message)

    def _mark_saved(self) -> None:
        self.status.setText("Saved")
        self._status_timer.start(2000)
        self.saved.emit("Saved")

    def flush(self) -> None:
        """Save any text still being typed (before closing or signing)."""
        for page in self.pages.values():
            for card in page.cards.values():
                card.flush()

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

    def _update_section_list(self) -> None:
        for row, section in enumerate(self.questionnaire.sections):
            item = self.section_list.item(row)
            visible = self.score.section_visible[section.id]
            required = [q for q in section.questions if q.required and self.score.questions[q.id].visible]
            answered = sum(1 for q in required if self.score.questions[q.id].answered)
            value = self.score.sections[section.id]
            progress = f"{answered}/{len(required)}" if required else "-"
            suffix = " (hidden)" if not visible else f"  {progress}"
            item.setText(f"{section.title}{suffix}")
            item.setForeground(QBrush(QColor("#888888" if not visible else risk_colour(value))))
            item.setToolTip("Not shown: its condition is not met" if not visible else f"Risk {value:.1f}" if value is not None else "Not scored yet")
