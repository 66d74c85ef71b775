"""Helpers shared by the GUI tests (fixtures are in conftest.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from duediligence import services
from duediligence.storage.store import Store
from duediligence.ui.editor import AssessmentEditor
from duediligence.ui.question_widgets import QuestionCard

EXAMPLE_ID = "example-vendor"
BIOMETRIC_ID = "biometric-vendor"


def show_card(editor: AssessmentEditor, question_id: str) -> QuestionCard:
    """Go to a question's section (as a person would) and return its card."""
    card = editor.reveal_question(question_id)
    assert card.isVisible(), f"{question_id} is not shown"
    return card


def stored_answers(store: Store, assessment_id: int) -> dict[str, object]:
    """The answers as the database has them now (a fresh read)."""
    return services.open_assessment(store, assessment_id).answers


def focus_away(qtbot, editor: AssessmentEditor) -> None:
    """Move the keyboard focus out of the current field, as a click elsewhere does."""
    editor.section_list.setFocus()
    qtbot.waitUntil(lambda: editor.section_list.hasFocus())


def visible_cards(editor: AssessmentEditor, section_id: str) -> list[str]:
    page = editor.page(section_id)
    return [qid for qid, card in page.cards.items() if card.isVisibleTo(page)]


def widget_names(root: QWidget) -> set[str]:
    return {w.accessibleName() for w in root.findChildren(QWidget) if w.accessibleName()}


def double_click(qtbot, view, index) -> None:
    """Double-click a cell as a mouse does: press and release, then the double click."""
    from PySide6.QtCore import Qt

    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
