"""Undo and redo of answer changes: Ctrl+Z / Ctrl+Shift+Z through the
window's Edit actions, with the store following each step."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.ui.helpers import show_card, stored_answers


def choose(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def test_undo_and_redo_with_the_keyboard_write_through_to_the_store(qtbot, window, editor, store, assessment_id):
    gallery = show_card(editor, "uses_own_gallery").editor
    choose(qtbot, gallery.buttons["yes"])
    choose(qtbot, gallery.buttons["no"])
    assert stored_answers(store, assessment_id)["uses_own_gallery"] == "no"
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    assert "gallery" in window.undo_action.text()  # names what it undoes

    editor.section_list.setFocus()
    qtbot.keyClick(editor.section_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_answers(store, assessment_id)["uses_own_gallery"] == "yes"
    assert gallery.buttons["yes"].isChecked()
    assert "scrapes_web" in [q for q, c in editor.page("data_security").cards.items() if c.isVisibleTo(editor.page("data_security"))]

    qtbot.keyClick(editor.section_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "uses_own_gallery" not in stored_answers(store, assessment_id)
    assert not any(b.isChecked() for b in gallery.buttons.values())
    assert not window.undo_action.isEnabled()

    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(editor.section_list, Qt.Key.Key_Z, redo)
    assert stored_answers(store, assessment_id)["uses_own_gallery"] == "yes"
    qtbot.keyClick(editor.section_list, Qt.Key.Key_Z, redo)
    assert stored_answers(store, assessment_id)["uses_own_gallery"] == "no"
    assert gallery.buttons["no"].isChecked()
    assert not window.redo_action.isEnabled()


def test_undo_brings_the_changed_question_into_view(qtbot, window, editor, store, assessment_id):
    hours = show_card(editor, "notify_hours").editor.field
    hours.setFocus()
    qtbot.keyClicks(hours, "36")
    qtbot.keyClick(hours, Qt.Key.Key_Return)
    editor.section_list.setCurrentRow(0)

    window.undo_action.trigger()
    assert editor.section_list.currentRow() == 1  # the section of notify_hours
    assert hours.text() == ""
    assert "notify_hours" not in stored_answers(store, assessment_id)
    window.redo_action.trigger()
    assert hours.text() == "36"
    assert stored_answers(store, assessment_id)["notify_hours"] == 36


def test_each_open_assessment_has_its_own_undo_history(qtbot, window, make_assessment, store):
    first, second = make_assessment("Alpha Vision"), make_assessment("Beta Iris")
    window.open_assessment(first)
    choose(qtbot, show_card(window.current_tab().editor, "uses_own_gallery").editor.buttons["yes"])
    window.open_assessment(second)
    assert not window.undo_action.isEnabled()  # nothing to undo here
    window.open_assessment(first)
    window.undo_action.trigger()
    assert "uses_own_gallery" not in stored_answers(store, first)


def test_a_change_the_store_refuses_is_not_added_to_the_undo_history(qtbot, window, editor, store, assessment_id):
    from duediligence import services

    # The assessment became final elsewhere (another window, the command line).
    services.finalise(store, assessment_id, allow_incomplete=True)
    gallery = show_card(editor, "uses_own_gallery").editor
    choose(qtbot, gallery.buttons["yes"])
    assert editor.undo_stack.count() == 0
    assert not gallery.buttons["yes"].isChecked()  # the widget shows what is stored
    assert "final" in editor.card("uses_own_gallery").error.text()
    assert window.saved_label.text().startswith("Not saved")
