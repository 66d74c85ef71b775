"""Filling an assessment through the widgets, as a person does: clicks and
keys on the example set (every question type), with each change checked
in the database, conditions applied live, and the score panel following."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QDateEdit, QListWidget, QRadioButton, QToolButton

from duediligence import services
from duediligence.ui.editor import AssessmentEditor
from duediligence.ui.question_widgets import TEXT_SAVE_DELAY_MS, VALUE_ROLE
from tests.ui.helpers import focus_away, show_card, stored_answers, visible_cards


def click(qtbot, widget) -> None:
    """Click a button; check boxes and radio buttons on their indicator
    (the widget may be wider than its label, and only those react)."""
    if isinstance(widget, QAbstractButton) and widget.isCheckable() and not isinstance(widget, QToolButton):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(6, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def commit_cell(qtbot, table, cell_editor) -> None:
    """Enter in a cell editor: the delegate commits on the next turn of the event loop."""
    qtbot.keyClick(cell_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_fill_every_question_type_through_the_widgets(qtbot, window, editor: AssessmentEditor, store, assessment_id, data_dir):
    def saved() -> dict[str, object]:
        return stored_answers(store, assessment_id)

    # Text: typed, saved when the field is left (Tab).
    field = show_card(editor, "company_number").editor.field
    field.setFocus()
    qtbot.keyClicks(field, "DE-HRB123456")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert saved()["company_number"] == "DE-HRB123456"

    # Multiline text: no editingFinished in Qt, saved on focus-out all the same.
    notes = show_card(editor, "product_description").editor.field
    notes.setFocus()
    qtbot.keyClicks(notes, "Face matching for building access.")
    focus_away(qtbot, editor)
    assert saved()["product_description"] == "Face matching for building access."

    # Number: Enter saves it as a number, not text.
    employees = show_card(editor, "employees").editor.field
    employees.setFocus()
    qtbot.keyClicks(employees, "250")
    qtbot.keyClick(employees, Qt.Key.Key_Return)
    assert saved()["employees"] == 250

    # Multi choice: check boxes.
    functions = show_card(editor, "functions").editor
    click(qtbot, functions.boxes["verification"])
    click(qtbot, functions.boxes["identification"])
    assert saved()["functions"] == ["verification", "identification"]

    # Yes/no: radio buttons.
    gallery = show_card(editor, "uses_own_gallery").editor
    click(qtbot, gallery.buttons["no"])
    assert saved()["uses_own_gallery"] == "no"

    # Single choice (3 options): radio buttons.
    click(qtbot, show_card(editor, "hosting_region").editor.buttons["eu"])
    click(qtbot, show_card(editor, "dpa_signed").editor.buttons["yes"])
    hours = show_card(editor, "notify_hours").editor.field
    hours.setFocus()
    qtbot.keyClicks(hours, "24")
    qtbot.keyClick(hours, Qt.Key.Key_Tab)

    # Date: from "not answered", typing the digits starts at a real date.
    date_editor = show_card(editor, "pentest_date").editor
    assert date_editor.field.text() == "(not answered)"
    date_editor.field.setFocus()
    qtbot.keyClicks(date_editor.field, "20250115")
    qtbot.keyClick(date_editor.field, Qt.Key.Key_Tab)
    answers = saved()
    assert answers["notify_hours"] == 24
    assert answers["pentest_date"] == "2025-01-15"

    # List: add a row, fill its cells with their own editors (date, check boxes, number).
    breaches = show_card(editor, "breaches").editor
    click(qtbot, breaches.buttons["Add row"])
    table = breaches.table
    assert table.rowCount() == 1 and breaches.value() is None  # an empty row is not an answer

    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    date_cell = QApplication.focusWidget()
    assert isinstance(date_cell, QDateEdit)
    date_cell.setDate(date_cell.date().fromString("2023-06-30", "yyyy-MM-dd"))
    commit_cell(qtbot, table, date_cell)
    assert saved()["breaches"] == [{"date": "2023-06-30"}]

    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    exposed = QApplication.focusWidget()
    assert isinstance(exposed, QListWidget) and exposed.count() == 3
    exposed.setCurrentRow(1)  # Source code
    qtbot.keyClick(exposed, Qt.Key.Key_Space)
    commit_cell(qtbot, table, exposed)

    table.setCurrentCell(0, 2)
    qtbot.keyClicks(table, "1")  # typing starts editing the cell ...
    qtbot.keyClicks(QApplication.focusWidget(), "500")  # ... and the keys go on into its editor
    commit_cell(qtbot, table, QApplication.focusWidget())
    assert saved()["breaches"] == [{"date": "2023-06-30", "exposed": ["source_code"], "records": 1500}]
    assert table.item(0, 1).text() == "Source code"  # labels shown, option values stored
    assert table.item(0, 2).data(VALUE_ROLE) == 1500

    # Comment: saved when the field is left.
    comment = show_card(editor, "dpa_signed").comment
    comment.setFocus()
    qtbot.keyClicks(comment, "Confirmed by their DPO on the call, 3 March")
    qtbot.keyClick(comment, Qt.Key.Key_Tab)
    assert services.open_assessment(store, assessment_id).comments["dpa_signed"] == "Confirmed by their DPO on the call, 3 March"

    # The section that only 1:N identification shows.
    click(qtbot, show_card(editor, "demographic_testing").editor.buttons["independent"])
    click(qtbot, show_card(editor, "human_review").editor.buttons["yes"])

    expected = {
        "company_number": "DE-HRB123456",
        "product_description": "Face matching for building access.",
        "employees": 250,
        "functions": ["verification", "identification"],
        "uses_own_gallery": "no",
        "hosting_region": "eu",
        "dpa_signed": "yes",
        "notify_hours": 24,
        "pentest_date": "2025-01-15",
        "breaches": [{"date": "2023-06-30", "exposed": ["source_code"], "records": 1500}],
        "demographic_testing": "independent",
        "human_review": "yes",
    }
    # Another store on the same folder (as after a restart) reads the same answers.
    reopened = services.open_store(data_dir)
    try:
        view = services.open_assessment(reopened, assessment_id)
    finally:
        reopened.close()
    assert view.answers == expected
    assert view.score.completeness.missing == ()
    assert editor.score_panel.completeness.text() == f"Required answered: {view.score.completeness.required}/{view.score.completeness.required}"
    assert editor.score_panel.overall.text() == f"{view.score.overall:.1f}"
    assert window.saved_label.text().startswith("All changes saved")


def test_text_is_saved_after_a_pause_in_typing(qtbot, editor, store, assessment_id):
    field = show_card(editor, "company_number").editor.field
    field.setFocus()
    qtbot.keyClicks(field, "FR-RCS987654")
    assert "company_number" not in stored_answers(store, assessment_id)  # not on every key
    qtbot.waitUntil(lambda: stored_answers(store, assessment_id).get("company_number") == "FR-RCS987654",
                    timeout=TEXT_SAVE_DELAY_MS * 5)
    assert field.hasFocus()


def test_invalid_values_are_shown_inline_and_not_stored(qtbot, editor, store, assessment_id):
    card = show_card(editor, "company_number")
    card.editor.field.setFocus()
    qtbot.keyClicks(card.editor.field, "not a number")
    qtbot.keyClick(card.editor.field, Qt.Key.Key_Tab)
    assert card.error.isVisible() and "pattern" in card.error.text()
    assert "company_number" not in stored_answers(store, assessment_id)

    hours = show_card(editor, "notify_hours")
    hours.editor.field.setFocus()
    qtbot.keyClicks(hours.editor.field, "9x99")  # the letter is refused as it is typed
    assert hours.editor.field.text() == "999"
    qtbot.keyClick(hours.editor.field, Qt.Key.Key_Return)
    assert hours.error.isVisible() and "720" in hours.error.text()
    assert "notify_hours" not in stored_answers(store, assessment_id)

    # Emptying a number field clears the answer (Qt's int validator would swallow this).
    hours.editor.field.selectAll()
    qtbot.keyClicks(hours.editor.field, "48")
    qtbot.keyClick(hours.editor.field, Qt.Key.Key_Return)
    assert not hours.error.isVisible()
    assert stored_answers(store, assessment_id)["notify_hours"] == 48
    hours.editor.field.selectAll()
    qtbot.keyClick(hours.editor.field, Qt.Key.Key_Delete)
    qtbot.keyClick(hours.editor.field, Qt.Key.Key_Return)
    assert "notify_hours" not in stored_answers(store, assessment_id)


def test_conditions_show_and_hide_questions_and_sections_live(qtbot, editor, store, assessment_id):
    assert not editor.score.section_visible["identification"]
    assert editor.section_list.item(2).text().endswith("not shown: its condition is not met")
    assert "scrapes_web" not in visible_cards(editor, "data_security")
    assert "dpa_signed" not in visible_cards(editor, "data_security")

    functions = show_card(editor, "functions").editor
    click(qtbot, functions.boxes["identification"])
    assert editor.score.section_visible["identification"]
    assert editor.section_list.item(2).text().endswith("0/1 required · not scored yet")
    assert set(visible_cards(editor, "identification")) == {"demographic_testing", "human_review"}
    assert "dpa_signed" in visible_cards(editor, "data_security")  # any(): functions includes identification

    gallery = show_card(editor, "uses_own_gallery").editor
    click(qtbot, gallery.buttons["yes"])
    assert "scrapes_web" in visible_cards(editor, "data_security")
    click(qtbot, show_card(editor, "scrapes_web").editor.buttons["yes"])
    # scrapes_web = yes hides the DPA question (not scrapes_web == yes).
    assert "dpa_signed" not in visible_cards(editor, "data_security")
    assert stored_answers(store, assessment_id)["scrapes_web"] == "yes"

    click(qtbot, show_card(editor, "uses_own_gallery").editor.buttons["no"])
    assert "scrapes_web" not in visible_cards(editor, "data_security")
    # A hidden answer is kept, not deleted.
    assert stored_answers(store, assessment_id)["scrapes_web"] == "yes"

    editor.section_list.setCurrentRow(2)
    click(qtbot, functions.boxes["identification"])  # unchecked again
    page = editor.page("identification")
    assert visible_cards(editor, "identification") == []
    assert page.hidden_note.isVisible()
    assert "functions" not in stored_answers(store, assessment_id)


def test_score_panel_and_flags_follow_the_answers(qtbot, editor, store, assessment_id):
    panel = editor.score_panel
    assert panel.flags.count() == 0
    assert panel.verdict.text() == "No knock-out raised"

    click(qtbot, show_card(editor, "functions").editor.boxes["emotion"])
    hours = show_card(editor, "notify_hours").editor.field
    hours.setFocus()
    qtbot.keyClicks(hours, "96")
    qtbot.keyClick(hours, Qt.Key.Key_Return)
    messages = [panel.flags.item(i).text() for i in range(panel.flags.count())]
    assert any("Emotion recognition is offered" in m for m in messages)
    assert any("slower than 48 hours" in m for m in messages)
    assert panel.verdict.text() == "No knock-out raised"

    click(qtbot, show_card(editor, "hosting_region").editor.buttons["eu"])
    click(qtbot, show_card(editor, "dpa_signed").editor.buttons["no"])
    assert panel.verdict.text().startswith("Do not proceed")
    view = services.open_assessment(store, assessment_id)
    assert view.score.knockout
    assert panel.overall.text() == f"{view.score.overall:.1f}"
    assert panel.tier.text() == f"Risk tier: {view.score.tier.label}"
    assert panel.flags.count() == len(view.score.flags)

    # The cached score the dashboard lists is the same one.
    cached = services.get_assessment(store, assessment_id).score
    assert cached.knockout and round(cached.overall, 1) == round(view.score.overall, 1)


def test_clicking_a_flag_goes_to_its_question(qtbot, editor):
    click(qtbot, show_card(editor, "functions").editor.boxes["emotion"])
    hours = show_card(editor, "notify_hours").editor.field
    hours.setFocus()
    qtbot.keyClicks(hours, "100")
    qtbot.keyClick(hours, Qt.Key.Key_Return)

    editor.section_list.setCurrentRow(0)
    panel = editor.score_panel
    row = next(i for i in range(panel.flags.count()) if "48 hours" in panel.flags.item(i).text())
    item = panel.flags.item(row)
    qtbot.mouseClick(panel.flags.viewport(), Qt.MouseButton.LeftButton, pos=panel.flags.visualItemRect(item).center())
    assert editor.section_list.currentRow() == 1
    assert editor.stack.currentWidget() is editor.page("data_security")
    qtbot.waitUntil(lambda: hours.hasFocus())

    # Enter on a flag (keyboard) jumps too.
    other = next(i for i in range(panel.flags.count()) if "Emotion" in panel.flags.item(i).text())
    panel.flags.setFocus()
    panel.flags.setCurrentRow(other)
    qtbot.keyClick(panel.flags, Qt.Key.Key_Return)
    assert editor.section_list.currentRow() == 0
    boxes = editor.page("company").cards["functions"].editor.boxes
    qtbot.waitUntil(lambda: boxes["verification"].hasFocus())


def test_clear_buttons_unanswer_radio_and_date_questions(qtbot, editor, store, assessment_id):
    gallery = show_card(editor, "uses_own_gallery").editor
    assert not gallery.clear_button.isEnabled()
    click(qtbot, gallery.buttons["yes"])
    assert gallery.clear_button.isEnabled()
    click(qtbot, gallery.clear_button)
    assert "uses_own_gallery" not in stored_answers(store, assessment_id)
    assert not any(b.isChecked() for b in gallery.buttons.values())

    pentest = show_card(editor, "pentest_date").editor
    pentest.field.setFocus()
    qtbot.keyClick(pentest.field, Qt.Key.Key_Up)  # from blank, a step starts at today
    focus_away(qtbot, editor)
    from datetime import date

    assert stored_answers(store, assessment_id)["pentest_date"] == date.today().isoformat()
    click(qtbot, pentest.clear_button)
    assert pentest.field.text() == "(not answered)"
    assert "pentest_date" not in stored_answers(store, assessment_id)


def test_list_rows_can_be_reordered_removed_and_cleared(qtbot, window, make_assessment, store):
    assessment_id = make_assessment(answers={"breaches": [{"date": "2022-01-01", "records": 10}, {"date": "2023-02-02"}]})
    window.open_assessment(assessment_id)
    breaches = show_card(window.current_tab().editor, "breaches").editor
    assert breaches.table.rowCount() == 2 and breaches.table.item(0, 2).text() == "10"

    breaches.table.setCurrentCell(1, 0)
    click(qtbot, breaches.buttons["Move up"])
    assert stored_answers(store, assessment_id)["breaches"] == [{"date": "2023-02-02"}, {"date": "2022-01-01", "records": 10}]

    breaches.table.setCurrentCell(1, 2)
    breaches.table.setFocus()
    qtbot.keyClick(breaches.table, Qt.Key.Key_Delete)  # clears the cell
    assert stored_answers(store, assessment_id)["breaches"] == [{"date": "2023-02-02"}, {"date": "2022-01-01"}]

    breaches.table.setCurrentCell(0, 0)
    click(qtbot, breaches.buttons["Remove row"])
    assert stored_answers(store, assessment_id)["breaches"] == [{"date": "2022-01-01"}]


def test_widgets_have_accessible_names_and_a_sensible_tab_order(qtbot, editor):
    card = show_card(editor, "notify_hours")
    assert card.editor.field.accessibleName() == card.question.text
    assert card.comment.accessibleName() == f"Comment on: {card.question.text}"
    assert card.help_button.accessibleName().startswith("Help:")
    gallery = show_card(editor, "uses_own_gallery").editor
    assert all(isinstance(b, QRadioButton) and b.accessibleDescription() for b in gallery.buttons.values())

    # Tab walks the form top to bottom: a question's answer, then its comment, then the next question.
    first = show_card(editor, "company_number")
    first.editor.field.setFocus()
    qtbot.keyClick(first.editor.field, Qt.Key.Key_Tab)
    assert first.comment.hasFocus()
    qtbot.keyClick(first.comment, Qt.Key.Key_Tab)
    assert editor.page("company").cards["product_description"].help_button.hasFocus()


def test_help_text_expands_on_demand(qtbot, editor):
    card = show_card(editor, "functions")
    assert not card.help.isVisible()
    click(qtbot, card.help_button)
    assert card.help.isVisible()
    assert "EU AI Act Annex III(1)" in card.help.text()


def test_evidence_is_attached_opened_and_removed_through_the_store(qtbot, monkeypatch, modals, editor, store, assessment_id, tmp_path: Path):
    from PySide6.QtWidgets import QFileDialog

    report = tmp_path / "SOC2 Type II 2025.pdf"
    report.write_bytes(b"%PDF-1.4 a SOC 2 report\n")
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a pdf")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(report), str(wrong)], "")))

    card = show_card(editor, "soc2_report")
    evidence = card.editor
    assert not evidence.open_button.isEnabled() and not evidence.remove_button.isEnabled()
    click(qtbot, evidence.attach_button)

    stored = stored_answers(store, assessment_id)["soc2_report"]
    assert [item["name"] for item in stored] == ["SOC2 Type II 2025.pdf"]  # the .txt file is refused ...
    assert card.error.isVisible() and "accepts only .pdf" in card.error.text()  # ... and says why
    row = evidence.files.topLevelItem(0)
    assert row.text(0) == "SOC2 Type II 2025.pdf" and row.text(2) == stored[0]["sha256"]
    assert row.text(1) == f"{report.stat().st_size} bytes"

    click(qtbot, evidence.open_button)
    opened = modals.opened[-1]
    assert opened.name == "SOC2 Type II 2025.pdf"  # a named copy: the store keeps files by hash
    assert opened.read_bytes() == report.read_bytes()

    click(qtbot, evidence.remove_button)
    assert "soc2_report" not in stored_answers(store, assessment_id)
    assert evidence.files.topLevelItemCount() == 0


def test_files_dropped_on_an_evidence_question_are_attached(qtbot, editor, store, assessment_id, tmp_path: Path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    report = tmp_path / "pentest-summary.pdf"
    report.write_bytes(b"%PDF-1.4 pentest\n")
    evidence = show_card(editor, "soc2_report").editor
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(report))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    evidence.dropEvent(event)
    assert [i["name"] for i in stored_answers(store, assessment_id)["soc2_report"]] == ["pentest-summary.pdf"]


def test_only_the_first_section_page_is_built_when_opening(editor):
    assert list(editor.pages) == ["company"]
    editor.section_list.setCurrentRow(2)
    assert set(editor.pages) == {"company", "identification"}


def test_long_option_lists_use_a_drop_down_and_long_labels_wrap(qtbot, window, make_assessment, store):
    from duediligence.ui.question_widgets import ComboChoiceEditor
    from tests.ui.helpers import BIOMETRIC_ID

    assessment_id = make_assessment("Orbis FaceWorks GmbH", set_id=BIOMETRIC_ID)
    window.open_assessment(assessment_id)
    editor = window.current_tab().editor

    attestation = show_card(editor, "security_attestation").editor  # 7 options
    assert isinstance(attestation, ComboChoiceEditor)
    assert attestation.combo.currentText() == "(not answered)"
    attestation.combo.setFocus()
    qtbot.keyClick(attestation.combo, Qt.Key.Key_Down)
    assert stored_answers(store, assessment_id)["security_attestation"] == attestation.combo.itemData(1)

    # An option label too long for one line wraps beside its button; clicking the text chooses it.
    establishment = show_card(editor, "establishment").editor
    long_value, long_label = next((o.value, o.label) for o in establishment.question.options if len(o.label) > 60)
    button = establishment.buttons[long_value]
    wrapper = button.parentWidget()
    assert button.text() == "" and button.accessibleName() == long_label
    assert wrapper.label.wordWrap()
    qtbot.mouseClick(wrapper, Qt.MouseButton.LeftButton, pos=wrapper.label.geometry().center())
    assert button.isChecked()
    assert stored_answers(store, assessment_id)["establishment"] == long_value
    page = editor.page("scope_of_use")
    assert page.widget().width() <= page.viewport().width()  # nothing pushes the page sideways
