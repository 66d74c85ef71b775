"""Finalising and signing from the window, verifying the signed PDF, and
final assessments being read-only (in the window and in the store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QPlainTextEdit, QRadioButton

from duediligence import services
from duediligence.errors import ImmutableAssessment
from duediligence.report.identity import create_identity
from duediligence.report.verify import verify_report
from duediligence.ui.dialogs import SignDialog, VerificationDialog
from tests.ui.helpers import show_card, stored_answers

PASSPHRASE = "correct horse battery staple"
GOOD_ANSWERS = {
    "company_number": "NL-KVK12345678",
    "functions": ["verification"],
    "uses_own_gallery": "no",
    "hosting_region": "eu",
    "dpa_signed": "yes",
    "notify_hours": 24,
}


@pytest.fixture(scope="module")
def identity(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("identity") / "signer.p12"
    create_identity(path, name="Tess Tester", passphrase=PASSPHRASE, organisation="Procurement")
    return path


def answer_sign_dialog(monkeypatch, identity: Path, out: Path, passphrase: str = PASSPHRASE, accept: bool = True) -> list[SignDialog]:
    shown: list[SignDialog] = []

    def exec_(dialog: SignDialog) -> int:
        shown.append(dialog)
        dialog.identity.setText(str(identity))
        dialog.passphrase.setText(passphrase)
        dialog.out.setText(str(out))
        return QDialog.DialogCode.Accepted if accept else QDialog.DialogCode.Rejected

    monkeypatch.setattr(SignDialog, "exec", exec_)
    return shown


def test_finalise_and_sign_then_verify(qtbot, monkeypatch, modals, window, make_assessment, store, identity, tmp_path):
    assessment_id = make_assessment("Clearsight Analytics", answers=GOOD_ANSWERS)
    window.open_assessment(assessment_id)
    out = tmp_path / "signed.pdf"
    shown = answer_sign_dialog(monkeypatch, identity, out)

    assert window.finalise_action.isEnabled()
    window.finalise_action.trigger()
    assert len(shown) == 1 and not hasattr(shown[0], "missing")  # all required questions answered
    qtbot.waitUntil(lambda: services.get_assessment(store, assessment_id).status == "final", timeout=30_000)
    qtbot.waitUntil(lambda: window.current_tab() is not None and window.current_tab().summary.status == "final", timeout=10_000)

    result = verify_report(out)
    assert result.ok, "\n".join(result.lines())
    assert result.signatures[0].signer_common_name == "Tess Tester"
    assert result.answers.matches
    assert out in modals.opened  # handed to the system viewer
    tab = window.current_tab()
    assert tab.editor.read_only and tab.editor.banner.isVisible()
    assert tab.title.endswith("(final)")
    assert not window.finalise_action.isEnabled() and window.revision_action.isEnabled()

    # Verify a report… shows the verdict in plain words.
    verdicts: list[VerificationDialog] = []
    monkeypatch.setattr(VerificationDialog, "exec", lambda dialog: verdicts.append(dialog) or 0)
    window.verify_report(str(out))
    qtbot.waitUntil(lambda: bool(verdicts), timeout=30_000)
    assert verdicts[0].good
    assert "has not been changed since it was signed" in verdicts[0].headline.text()
    assert "Signed by Tess Tester" in verdicts[0].sentences.text()


def test_a_tampered_or_unsigned_report_does_not_verify(qtbot, monkeypatch, window, make_assessment, tmp_path):
    from duediligence.services.reports import export_report_pdf

    unsigned = tmp_path / "draft.pdf"
    export_report_pdf(window.store, make_assessment(answers=GOOD_ANSWERS), unsigned)
    verdicts: list[VerificationDialog] = []
    monkeypatch.setattr(VerificationDialog, "exec", lambda dialog: verdicts.append(dialog) or 0)
    window.verify_report(str(unsigned))
    qtbot.waitUntil(lambda: bool(verdicts), timeout=30_000)
    assert not verdicts[0].good
    assert "not signed" in verdicts[0].headline.text()


def test_a_wrong_passphrase_leaves_the_assessment_a_draft(qtbot, monkeypatch, modals, window, make_assessment, store, identity, tmp_path):
    assessment_id = make_assessment(answers=GOOD_ANSWERS)
    window.open_assessment(assessment_id)
    out = tmp_path / "never.pdf"
    answer_sign_dialog(monkeypatch, identity, out, passphrase="not the passphrase")
    window.finalise_action.trigger()
    assert window.current_tab().editor.read_only  # locked while signing
    qtbot.waitUntil(lambda: bool(modals.messages), timeout=30_000)
    assert "passphrase" in modals.texts().lower()
    assert services.get_assessment(store, assessment_id).status == "draft"
    assert not out.exists()
    editor = window.current_tab().editor
    assert not editor.read_only  # unlocked again: nothing changed, work goes on
    employees = show_card(editor, "employees").editor.field
    employees.setFocus()
    qtbot.keyClicks(employees, "40")
    qtbot.keyClick(employees, Qt.Key.Key_Return)
    assert stored_answers(store, assessment_id)["employees"] == 40


def test_cancelling_the_sign_dialog_changes_nothing(monkeypatch, window, make_assessment, store, identity, tmp_path):
    assessment_id = make_assessment(answers=GOOD_ANSWERS)
    window.open_assessment(assessment_id)
    answer_sign_dialog(monkeypatch, identity, tmp_path / "x.pdf", accept=False)
    window.finalise_action.trigger()
    assert services.get_assessment(store, assessment_id).status == "draft"
    assert not window.current_tab().editor.read_only


def test_the_sign_dialog_lists_unanswered_required_questions(monkeypatch, window, editor, identity, tmp_path):
    shown = answer_sign_dialog(monkeypatch, identity, tmp_path / "x.pdf", accept=False)
    window.finalise_action.trigger()
    missing = [shown[0].missing.item(i).text() for i in range(shown[0].missing.count())]
    assert "Does the product search a face gallery that the vendor itself collected?" in missing
    assert len(missing) == len(editor.score.completeness.missing)


def test_a_final_assessment_cannot_be_edited(qtbot, window, make_assessment, store):
    assessment_id = make_assessment(answers=GOOD_ANSWERS)
    services.set_comment(store, assessment_id, "dpa_signed", "Seen the signed DPA")
    services.finalise(store, assessment_id)
    window.open_assessment(assessment_id)
    editor = window.current_tab().editor

    assert editor.read_only
    assert editor.banner.isVisible() and "final" in editor.banner_text.text()
    assert window.saved_label.text() == "Read-only"
    for section in ("company", "data_security"):
        editor.section_list.setCurrentRow(editor._section_index[section])
        page = editor.page(section)
        for radio in page.findChildren(QRadioButton):
            assert not radio.isEnabled()
        for field in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit):
            assert field.isReadOnly() or not field.isEnabled()

    gallery = show_card(editor, "uses_own_gallery").editor
    gallery.buttons["yes"].click()  # even a programmatic click changes nothing
    comment = show_card(editor, "dpa_signed").comment
    comment.setFocus()
    qtbot.keyClicks(comment, "changed")
    assert comment.text() == "Seen the signed DPA"
    assert stored_answers(store, assessment_id) == GOOD_ANSWERS

    with pytest.raises(ImmutableAssessment):
        services.set_answer(store, assessment_id, "uses_own_gallery", "yes")
    with pytest.raises(ImmutableAssessment):
        services.set_comment(store, assessment_id, "dpa_signed", "changed")
    assert not window.finalise_action.isEnabled() and not window.review_action.isEnabled()


def test_new_revision_from_the_banner_opens_an_editable_copy(qtbot, window, make_assessment, store):
    assessment_id = make_assessment("Orbis Gate", answers=GOOD_ANSWERS)
    services.finalise(store, assessment_id)
    window.open_assessment(assessment_id)
    qtbot.mouseClick(window.current_tab().editor.new_revision_button, Qt.MouseButton.LeftButton)
    tab = window.current_tab()
    assert tab.assessment_id != assessment_id and tab.summary.revision == 2
    assert not tab.editor.read_only and not tab.editor.banner.isVisible()
    assert stored_answers(store, tab.assessment_id) == GOOD_ANSWERS
    assert services.get_assessment(store, assessment_id).superseded_by == tab.assessment_id

    # The replaced revision opens read-only, without offering another revision.
    window.open_assessment(assessment_id)
    old = window.current_tab()
    assert old.editor.read_only and "replaced" in old.editor.banner_text.text()
    assert not old.editor.new_revision_button.isVisibleTo(old.editor) and not window.revision_action.isEnabled()


def test_an_identity_created_from_the_sign_dialog_is_used_for_signing(qtbot, monkeypatch, tmp_path):
    from duediligence.report.identity import load_identity
    from duediligence.ui.dialogs import CreateIdentityDialog

    path = tmp_path / "ann.p12"
    attempts: list[str] = []

    def fill(dialog: CreateIdentityDialog) -> int:
        dialog.name.setText("Ann Auditor")
        dialog.passphrase.setText(PASSPHRASE)
        dialog.repeat.setText(PASSPHRASE + "x")
        dialog.path.setText(str(path))
        dialog._create()
        attempts.append(dialog.error.text())  # the typo is caught
        dialog.repeat.setText(PASSPHRASE)
        dialog._create()
        return dialog.result()

    monkeypatch.setattr(CreateIdentityDialog, "exec", fill)
    sign = SignDialog("", str(tmp_path / "out.pdf"), [])
    qtbot.addWidget(sign)
    qtbot.mouseClick(sign.create_button, Qt.MouseButton.LeftButton)
    assert attempts == ["The passphrases differ."]
    assert sign.identity.text() == str(path)
    assert sign.passphrase.text() == PASSPHRASE  # not asked a third time
    assert "Ann Auditor" in load_identity(path, PASSPHRASE).certificate.subject
    sign._accept()
    assert sign.result() == QDialog.DialogCode.Accepted
