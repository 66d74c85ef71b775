"""The main window's actions: which are enabled when, new assessment,
settings, export, print, the saved indicator, large sets, and the checks
that run before Qt starts."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from benchmarks.generate import generate_questionnaire
from duediligence import services
from duediligence.preferences import Preferences
from duediligence.ui import main_window, qt_check
from duediligence.ui.dialogs import NewAssessmentDialog, SettingsDialog
from duediligence.ui.main_window import safe_file_name
from tests.ui.helpers import show_card


def test_menu_actions_follow_what_is_selected(qtbot, window, make_assessment, store):
    draft, final = make_assessment("Alpha Vision"), make_assessment("Beta Iris")
    services.finalise(store, final, allow_incomplete=True)
    window.refresh()

    # Dashboard, nothing selected: nothing to export, review or sign.
    for action in (window.export_pdf_action, window.export_json_action, window.print_action, window.review_action,
                   window.finalise_action, window.revision_action, window.undo_action, window.close_tab_action):
        assert not action.isEnabled(), action.text()
    window.dashboard.select(final)
    assert window.export_pdf_action.isEnabled() and window.print_action.isEnabled()
    assert window.revision_action.isEnabled()  # a final one, selected on the dashboard
    assert not window.finalise_action.isEnabled()
    window.dashboard.select(draft)
    assert not window.revision_action.isEnabled()

    window.open_assessment(draft)
    assert window.review_action.isEnabled() and window.finalise_action.isEnabled() and window.close_tab_action.isEnabled()
    window.review_action.trigger()
    assert services.get_assessment(store, draft).status == "in_review"
    assert window.current_tab().title.endswith("(in review)")
    assert not window.review_action.isEnabled() and window.finalise_action.isEnabled()

    window.tabs.setCurrentWidget(window.sets_view)
    assert not window.finalise_action.isEnabled() and not window.export_pdf_action.isEnabled()


def test_new_assessment_dialog_creates_and_opens_a_draft(monkeypatch, window, store, data_dir):
    Preferences("Ann Auditor", "City Procurement", "").save(data_dir)
    window.preferences = Preferences.load(data_dir)
    seen: list[NewAssessmentDialog] = []

    def fill(dialog: NewAssessmentDialog) -> int:
        seen.append(dialog)
        dialog.vendor.setCurrentText("Nimbus Retina Ltd")
        dialog.website.setText("https://nimbus-retina.example")
        dialog.set_choice.setCurrentIndex(dialog.set_choice.findText("Biometric", Qt.MatchFlag.MatchStartsWith))
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(NewAssessmentDialog, "exec", fill)
    window.new_action.trigger()
    assert seen[0].assessor.text() == "Ann Auditor" and seen[0].organisation.text() == "City Procurement"
    tab = window.current_tab()
    assert tab is not None and tab.summary.vendor_name == "Nimbus Retina Ltd"
    assert tab.summary.questionnaire_id == "biometric-vendor"
    assert tab.summary.assessor_organisation == "City Procurement"
    assert [s.vendor_name for s in services.list_assessments(store)] == ["Nimbus Retina Ltd"]


def test_new_assessment_dialog_requires_a_vendor_and_knows_existing_ones(qtbot, make_assessment, store):
    make_assessment("Orbis Gate")
    dialog = NewAssessmentDialog(["Orbis Gate"], [], "", "")
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and "vendor" in dialog.error.text()
    dialog.vendor.setCurrentText("orbis gate")
    assert not dialog.website.isEnabled() and dialog.known.isVisibleTo(dialog)
    dialog.vendor.setCurrentText("Someone New")
    assert dialog.website.isEnabled()


def test_settings_are_saved_without_any_passphrase(monkeypatch, window, data_dir, tmp_path):
    identity = tmp_path / "me.p12"

    def fill(dialog: SettingsDialog) -> int:
        dialog.assessor.setText("Ann Auditor")
        dialog.organisation.setText("City Procurement")
        dialog.identity.setText(str(identity))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", fill)
    window.settings_action.trigger()
    saved = json.loads((data_dir / "preferences.json").read_text())
    assert saved == {"assessor": "Ann Auditor", "organisation": "City Procurement", "identity_path": str(identity)}


def test_settings_back_up_the_store(qtbot, monkeypatch, store, data_dir, tmp_path):
    archive = tmp_path / "backup.zip"
    monkeypatch.setattr("duediligence.ui.dialogs.choose_save_file", lambda *a, **k: str(archive))
    dialog = SettingsDialog("", "", "", data_dir, store)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert archive.stat().st_size > 0
    assert dialog.message.text() == f"Backed up to {archive}"


def test_export_json_and_pdf(qtbot, monkeypatch, modals, window, editor, store, assessment_id, tmp_path):
    field = show_card(editor, "company_number").editor.field
    field.setFocus()
    qtbot.keyClicks(field, "DE-HRB123456")  # still being typed: the export saves it first
    answers_out, pdf_out = tmp_path / "answers.json", tmp_path / "report.pdf"
    monkeypatch.setattr(main_window, "choose_save_file", lambda *a, **k: str(answers_out))
    window.export_json_action.trigger()
    exported = json.loads(answers_out.read_text())
    assert exported["answers"]["company_number"] == "DE-HRB123456"

    monkeypatch.setattr(main_window, "choose_save_file", lambda *a, **k: str(pdf_out))
    window.export_pdf_action.trigger()
    qtbot.waitUntil(lambda: pdf_out.exists() and pdf_out.read_bytes().startswith(b"%PDF"), timeout=30_000)
    assert modals.messages == []


def test_print_builds_the_report_and_hands_it_to_the_system_viewer(qtbot, modals, window, editor):
    window.print_action.trigger()
    qtbot.waitUntil(lambda: bool(modals.opened), timeout=30_000)
    pdf = modals.opened[0]
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert "Testa Biometrics GmbH" in pdf.name
    assert "print it from there" in window.statusBar().currentMessage()


def test_the_saved_indicator_follows_the_current_tab(qtbot, window, editor, make_assessment):
    assert window.saved_label.text() == "Every change is saved as you make it"
    editor.page("company").cards["uses_own_gallery"].editor.buttons["no"].click()
    assert window.saved_label.text().startswith("All changes saved (")
    window.tabs.setCurrentWidget(window.dashboard)
    assert window.saved_label.text() == ""


def test_window_geometry_is_restored(qtbot, store, data_dir):
    first = main_window.MainWindow(store, data_dir)
    qtbot.addWidget(first)
    first.resize(700, 520)
    first.close()
    second = main_window.MainWindow(store, data_dir)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 520)  # the offscreen screen is 800x600


def test_file_names_from_vendor_names_are_safe():
    assert safe_file_name('Acme/Faces: "Pro" <EU>') == "Acme-Faces- -Pro- -EU"
    assert safe_file_name("../..") == "assessment"
    assert len(safe_file_name("x" * 500)) == 80


def test_a_2000_question_set_opens_with_only_its_first_section_built(qtbot, window, store, tmp_path: Path):
    path = tmp_path / "bench-2000.json"
    path.write_text(json.dumps(generate_questionnaire(2000)))
    source = services.read_set_file(path)
    from duediligence.questionnaire.answers import Vendor

    assessment_id = services.create_assessment(store, source, Vendor("Large Set Vendor"))
    started = time.perf_counter()
    window.open_assessment(assessment_id)
    elapsed = time.perf_counter() - started
    editor = window.current_tab().editor
    assert list(editor.pages) == ["s0"]
    assert editor.stack.currentWidget() is editor.pages["s0"]
    assert len(editor.pages["s0"].cards) == 50 and editor.section_list.count() == 40
    assert elapsed < 3.0, f"opening took {elapsed:.2f} s"  # the target is 0.3 s on a desktop; CI machines vary
    editor.section_list.setCurrentRow(39)
    assert set(editor.pages) == {"s0", "s39"}


# --- before Qt starts ---------------------------------------------------------------------


@pytest.fixture
def linux_xcb(monkeypatch):
    monkeypatch.setattr(qt_check.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":0")


def test_startup_check_names_the_missing_packages(monkeypatch, linux_xcb):
    missing = {"libxcb-cursor.so.0", "libGL.so.1"}
    monkeypatch.setattr(qt_check, "_loadable", lambda soname: soname not in missing)
    message = qt_check.startup_problem()
    assert message is not None
    assert "sudo apt-get install libgl1 libxcb-cursor0" in message


def test_startup_check_passes_when_everything_loads(monkeypatch, linux_xcb):
    monkeypatch.setattr(qt_check, "_loadable", lambda soname: True)
    assert qt_check.startup_problem() is None
    monkeypatch.delenv("DISPLAY")
    assert "no display" in qt_check.startup_problem()


def test_offscreen_needs_no_xcb_libraries(monkeypatch, linux_xcb):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(qt_check, "_loadable", lambda soname: not soname.startswith("libxcb"))
    assert qt_check.startup_problem() is None


def test_an_unexpected_error_shows_the_log_file(modals, tmp_path):
    import sys

    from duediligence.ui.app import install_crash_dialog

    previous = sys.excepthook
    try:
        install_crash_dialog(tmp_path / "duediligence.log")
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    kind, title, text = modals.messages[-1]
    assert kind == "critical" and str(tmp_path / "duediligence.log") in text and "saved" in text


def test_the_shortcuts_in_the_user_guide_are_bound(window):
    bound = {
        key.toString()
        for action in window.findChildren(type(window.new_action))
        for key in action.shortcuts()
    }
    for keys in ("Ctrl+N", "Ctrl+O", "Ctrl+E", "Ctrl+P", "Ctrl+Shift+V", "Ctrl+Shift+F", "Ctrl+Z", "Ctrl+Shift+Z",
                 "Ctrl+F", "Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+W", "Ctrl+,", "Ctrl+Q"):
        assert keys in bound, keys
