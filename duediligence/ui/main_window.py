"""The main window: dashboard, question sets, vendors, and one tab per
open assessment, with the menus and shortcuts that drive them.

It calls the services only (no SQL, no scoring rules): each action is a
use case of ``duediligence.services``, and long ones (signing, PDF
export, verification) run off the GUI thread through ``ui.tasks``.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from duediligence import services
from duediligence.errors import DueDiligenceError, InvalidDocument
from duediligence.preferences import Preferences
from duediligence.questionnaire.answers import Assessor, Vendor
from duediligence.storage.store import Store
from duediligence.ui.dashboard import Dashboard
from duediligence.ui.dialogs import (
    NewAssessmentDialog,
    ProblemsDialog,
    SetChoice,
    SettingsDialog,
    SignDialog,
    show_about,
    show_text_result,
)
from duediligence.ui.editor import AssessmentEditor
from duediligence.ui.resources import app_icon
from duediligence.ui.tasks import run_in_background

log = logging.getLogger(__name__)


class ServicesBackend:
    """The editor's ``EditorBackend``, bound to one assessment in the store."""

    def __init__(self, store: Store, assessment_id: int):
        self.store = store
        self.assessment_id = assessment_id

    def set_answer(self, question_id: str, value: object) -> None:
        if value is None:
            services.clear_answer(self.store, self.assessment_id, question_id)
        else:
            services.set_answer(self.store, self.assessment_id, question_id, value)

    def set_comment(self, question_id: str, text: str) -> None:
        services.set_comment(self.store, self.assessment_id, question_id, text)

    def attach_evidence(self, question_id: str, paths: list[str]) -> object:
        change = None
        for path in paths:
            change = services.attach_evidence(self.store, self.assessment_id, question_id, path)
        return change.new if change else None

    def remove_evidence(self, question_id: str, sha256: str) -> object:
        return services.remove_evidence(self.store, self.assessment_id, question_id, sha256).new

    def open_evidence(self, sha256: str) -> None:
        path = services.evidence_file(self.store, sha256)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AssessmentTab(QWidget):
    """An open assessment: the editor, bound to the store."""

    def __init__(self, store: Store, assessment_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.assessment_id = assessment_id
        view = services.open_assessment(store, assessment_id)
        self.summary = view.summary
        read_only = view.summary.status == "final" or view.summary.superseded_by is not None
        self.editor = AssessmentEditor(
            view.questionnaire, view.answers, view.comments, ServicesBackend(store, assessment_id), read_only=read_only
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)

    @property
    def title(self) -> str:
        marker = " (final)" if self.summary.status == "final" else ""
        return f"{self.summary.vendor_name}{marker}"


class QuestionSetsView(QTableWidget):
    """The library: every set the app knows, built-in or loaded."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 5, parent)
        self.setAccessibleName("Question sets")
        self.setHorizontalHeaderLabels(["Title", "Id", "Version", "Questions", "Source"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)

    def show_sets(self, rows: list[tuple[str, str, str, int, str]]) -> None:
        self.setRowCount(0)
        for values in rows:
            row = self.rowCount()
            self.insertRow(row)
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if column == 3:
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                self.setItem(row, column, item)


class VendorsView(QTableWidget):
    """Each vendor's assessments and revisions over time, to compare a
    reassessment with the last one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 6, parent)
        self.setAccessibleName("Vendors")
        self.setHorizontalHeaderLabels(["Vendor", "Revision", "Status", "Tier", "Score", "Updated"])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setSortingEnabled(False)

    def show_assessments(self, summaries: list) -> None:
        self.setRowCount(0)
        ordered = sorted(summaries, key=lambda s: (s.vendor_name.casefold(), s.created_at))
        previous_vendor = None
        for summary in ordered:
            row = self.rowCount()
            self.insertRow(row)
            score = summary.score
            values = (
                summary.vendor_name if summary.vendor_name != previous_vendor else "",
                f"{summary.revision} (#{summary.id})",
                summary.status.replace("_", " "),
                score.tier_label if score else "",
                f"{score.overall:.1f}" if score else "",
                summary.updated_at.astimezone().strftime("%Y-%m-%d"),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, summary.id)
                self.setItem(row, column, item)
            previous_vendor = summary.vendor_name


class MainWindow(QMainWindow):
    def __init__(self, store: Store, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.data_dir = data_dir
        self.preferences = Preferences.load(data_dir)
        self.setWindowTitle("duediligence")
        self.setWindowIcon(app_icon())
        self.undo_group = QUndoGroup(self)

        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.dashboard = Dashboard()
        self.dashboard.open_requested.connect(self.open_assessment)
        self.sets_view = QuestionSetsView()
        self.vendors_view = VendorsView()
        self.vendors_view.cellDoubleClicked.connect(
            lambda row, _: self.open_assessment(int(self.vendors_view.item(row, 0).data(Qt.ItemDataRole.UserRole)))
        )
        for widget, title in ((self.dashboard, "Dashboard"), (self.sets_view, "Question sets"), (self.vendors_view, "Vendors")):
            index = self.tabs.addTab(widget, title)
            self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.setCentralWidget(self.tabs)
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.saved_label)
        self._build_menus()
        self.tabs.currentChanged.connect(self._tab_changed)
        self.refresh()
        self._restore_geometry()

    # -- menus

    def _action(self, text: str, slot, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = self._action("&New assessment…", self.new_assessment, QKeySequence.StandardKey.New)
        self.load_set_action = self._action("&Load question set…", self.load_question_set, QKeySequence.StandardKey.Open)
        self.import_action = self._action("&Import answers…", self.import_answers)
        self.export_json_action = self._action("Export answers (&JSON)…", self.export_json)
        self.export_pdf_action = self._action("Export &PDF (unsigned)…", self.export_pdf)
        self.print_action = self._action("&Print…", self.print_report, QKeySequence.StandardKey.Print)
        self.verify_action = self._action("&Verify a report…", self.verify_report)
        self.settings_action = self._action("&Settings…", self.edit_settings, QKeySequence.StandardKey.Preferences)
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        for action in (self.new_action, self.load_set_action, self.import_action, None, self.export_json_action,
                       self.export_pdf_action, self.print_action, None, self.verify_action, None, self.settings_action, None, quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("&Find assessments", self.find, QKeySequence.StandardKey.Find))

        assessment_menu = self.menuBar().addMenu("&Assessment")
        self.review_action = self._action("Move to &review", self.move_to_review)
        self.finalise_action = self._action("&Finalise and sign…", self.finalise_and_sign, "Ctrl+Shift+F")
        self.revision_action = self._action("New &revision", self.new_revision)
        for action in (self.review_action, self.finalise_action, self.revision_action):
            assessment_menu.addAction(action)

        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self._action("&Dashboard", lambda: self.tabs.setCurrentWidget(self.dashboard), "Ctrl+1"))
        view_menu.addAction(self._action("&Question sets", lambda: self.tabs.setCurrentWidget(self.sets_view), "Ctrl+2"))
        view_menu.addAction(self._action("&Vendors", lambda: self.tabs.setCurrentWidget(self.vendors_view), "Ctrl+3"))
        view_menu.addAction(self._action("&Close tab", lambda: self.close_tab(self.tabs.currentIndex()), QKeySequence.StandardKey.Close))

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About duediligence", lambda: show_about(self)))
        self._update_actions()

    # -- state

    def refresh(self) -> None:
        """Reload the dashboard, library and vendors from the store."""
        summaries = services.list_assessments(self.store)
        self.dashboard.set_rows(summaries)
        self.vendors_view.show_assessments(summaries)
        self.sets_view.show_sets([
            (r.title, r.questionnaire_id, r.version, self._question_count(r.questionnaire_id, r.version), r.source)
            for r in services.list_questionnaires(self.store)
        ])

    def _question_count(self, set_id: str, version: str) -> int:
        return services.find_set(self.store, set_id, version).questionnaire.question_count

    def current_tab(self) -> AssessmentTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, AssessmentTab) else None

    def selected_assessment_id(self) -> int | None:
        tab = self.current_tab()
        if tab:
            return tab.assessment_id
        return self.dashboard.selected_id() if self.tabs.currentWidget() is self.dashboard else None

    def _tab_changed(self, _: int) -> None:
        tab = self.current_tab()
        self.undo_group.setActiveStack(tab.editor.undo_stack if tab else None)
        self._update_actions()

    def _update_actions(self) -> None:
        tab = self.current_tab()
        editable = bool(tab and not tab.editor.read_only)
        self.review_action.setEnabled(editable and tab.summary.status == "draft")  # type: ignore[union-attr]
        self.finalise_action.setEnabled(editable)
        self.revision_action.setEnabled(bool(tab and tab.summary.status == "final" and tab.summary.superseded_by is None))
        for action in (self.export_json_action, self.export_pdf_action, self.print_action):
            action.setEnabled(tab is not None)

    def show_error(self, message: str, title: str = "duediligence") -> None:
        QMessageBox.warning(self, title, message)

    # -- assessments

    def open_assessment(self, assessment_id: int) -> None:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, AssessmentTab) and widget.assessment_id == assessment_id:
                self.tabs.setCurrentIndex(index)
                return
        try:
            tab = AssessmentTab(self.store, assessment_id)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        tab.editor.saved.connect(self._saved)
        tab.editor.failed.connect(lambda message: self.statusBar().showMessage(f"Not saved: {message}", 8000))
        tab.editor.new_revision_requested.connect(self.new_revision)
        self.undo_group.addStack(tab.editor.undo_stack)
        index = self.tabs.addTab(tab, tab.title)
        self.tabs.setCurrentIndex(index)

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, AssessmentTab):
            widget.editor.flush()
            self.undo_group.removeStack(widget.editor.undo_stack)
            self.tabs.removeTab(index)
            widget.deleteLater()
            self.refresh()

    def _saved(self, text: str) -> None:
        self.saved_label.setText(f"{text} {date.today():%Y-%m-%d} ✓")
        self.dashboard_dirty = True

    def new_assessment(self) -> None:
        sets = services.list_questionnaires(self.store)
        choices = [SetChoice(f"{r.questionnaire_id}@{r.version}", f"{r.title} ({r.version})") for r in sets]
        vendors = sorted({(s.vendor_name, "", "") for s in services.list_assessments(self.store)})
        dialog = NewAssessmentDialog(vendors, choices, self.preferences.assessor, self.preferences.organisation, self)
        if dialog.exec() != NewAssessmentDialog.DialogCode.Accepted:
            return
        value = dialog.value()
        set_id, _, version = value.set_key.partition("@")
        try:
            source = services.find_set(self.store, set_id, version)
            assessment_id = services.create_assessment(
                self.store, source, Vendor(value.vendor_name, value.website, value.contact),
                Assessor(value.assessor, value.organisation),
            )
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self.refresh()
        self.open_assessment(assessment_id)

    def move_to_review(self) -> None:
        tab = self.current_tab()
        if not tab:
            return
        tab.editor.flush()
        try:
            services.move_to_review(self.store, tab.assessment_id)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self._reopen(tab.assessment_id)

    def new_revision(self) -> None:
        assessment_id = self.selected_assessment_id()
        if assessment_id is None:
            return
        try:
            new_id = services.new_revision(self.store, assessment_id)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self.refresh()
        self._reopen(assessment_id)
        self.open_assessment(new_id)

    def _reopen(self, assessment_id: int) -> None:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, AssessmentTab) and widget.assessment_id == assessment_id:
                self.undo_group.removeStack(widget.editor.undo_stack)
                self.tabs.removeTab(index)
                widget.deleteLater()
                break
        self.refresh()
        self.open_assessment(assessment_id)

    def find(self) -> None:
        self.tabs.setCurrentWidget(self.dashboard)
        self.dashboard.focus_search()

    # -- question sets

    def load_question_set(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Load question set", "", "Question sets (*.json);;All files (*)")
        if not path:
            return
        try:
            added = services.add_questionnaire_file(self.store, path)
        except InvalidDocument as exc:
            ProblemsDialog(
                "Question set not loaded",
                f"<b>{Path(path).name}</b> is not a valid question set; nothing was added. "
                f"Fix these {len(exc.problems)} problem(s) and load it again:",
                exc.problems, self,
            ).exec()
            return
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self.refresh()
        self.tabs.setCurrentWidget(self.sets_view)
        self.statusBar().showMessage(f"Loaded {added.record.title} {added.record.version}", 8000)
        self._offer_upgrades(added.record.questionnaire_id, added.record.version)

    def _offer_upgrades(self, set_id: str, version: str) -> None:
        drafts = [
            s for s in services.list_assessments(self.store, status="draft")
            if s.questionnaire_id == set_id and s.questionnaire_version != version and s.superseded_by is None
        ]
        if not drafts:
            return
        answer = QMessageBox.question(
            self, "Upgrade drafts?",
            f"{len(drafts)} draft assessment(s) use an older version of this set. Move them to version {version}? "
            "Answers carry over where they still fit; the others are listed.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        target = services.find_set(self.store, set_id, version)
        lines = []
        for draft in drafts:
            try:
                report = services.upgrade_assessment(self.store, draft.id, target)
            except DueDiligenceError as exc:
                lines.append(f"{draft.vendor_name}: not upgraded: {exc}")
                continue
            lines.append(f"{draft.vendor_name}: {len(report.carried)} answer(s) carried over, {len(report.dropped)} dropped")
            lines.extend(f"    {d.question_id}: {d.reason} (was {d.old_value!r})" for d in report.dropped)
        self.refresh()
        show_text_result(self, "Upgrade report", "Drafts upgraded.", "\n".join(lines), True)

    # -- import / export

    def import_answers(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import answers", "", "Answers (*.json);;All files (*)")
        if not path:
            return
        try:
            result = services.import_answers_file(self.store, path)
        except InvalidDocument as exc:
            ProblemsDialog("Answers not imported", f"<b>{Path(path).name}</b> was not imported; nothing was stored:", exc.problems, self).exec()
            return
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self.refresh()
        self.open_assessment(result.assessment_id)

    def export_json(self) -> None:
        tab = self.current_tab()
        if not tab:
            return
        tab.editor.flush()
        path, _ = QFileDialog.getSaveFileName(self, "Export answers", f"{tab.summary.vendor_name}-answers.json", "JSON (*.json)")
        if not path:
            return
        try:
            services.write_json_export(self.store, tab.assessment_id, path)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self.statusBar().showMessage(f"Exported answers to {path}", 8000)

    def _run_with_progress(self, label: str, work, on_success) -> None:
        progress = QProgressDialog(label, None, 0, 0, self)
        progress.setWindowTitle("duediligence")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setCancelButton(None)

        def succeeded(result: object) -> None:
            progress.close()
            on_success(result)

        def failed(exc: BaseException) -> None:
            progress.close()
            message = str(exc) if isinstance(exc, DueDiligenceError) else f"Unexpected error: {exc!r}. Details are in the log file."
            self.show_error(message)

        run_in_background(work, succeeded, failed)

    def export_pdf(self) -> None:
        tab = self.current_tab()
        if not tab:
            return
        tab.editor.flush()
        path, _ = QFileDialog.getSaveFileName(self, "Export PDF report", f"{tab.summary.vendor_name}-report.pdf", "PDF (*.pdf)")
        if not path:
            return
        from duediligence.services.reports import export_report_pdf

        self._run_with_progress(
            "Building the report…",
            lambda: export_report_pdf(self.store, tab.assessment_id, path),
            lambda _: self.statusBar().showMessage(f"Saved the report to {path}", 8000),
        )

    def print_report(self) -> None:
        """Printing goes through the system PDF viewer: we build the report
        and hand it over, so what is printed is exactly the PDF we file."""
        tab = self.current_tab()
        if not tab:
            return
        tab.editor.flush()
        import tempfile

        from duediligence.services.reports import export_report_pdf

        path = str(Path(tempfile.mkdtemp(prefix="duediligence-print-")) / f"assessment-{tab.assessment_id}.pdf")
        self._run_with_progress(
            "Preparing the report for printing…",
            lambda: export_report_pdf(self.store, tab.assessment_id, path),
            lambda _: QDesktopServices.openUrl(QUrl.fromLocalFile(path)),
        )

    def finalise_and_sign(self) -> None:
        tab = self.current_tab()
        if not tab or tab.editor.read_only:
            return
        tab.editor.flush()
        missing = list(tab.editor.score.completeness.missing)
        default_out = str(Path.home() / f"{tab.summary.vendor_name}-assessment-{tab.assessment_id}-signed.pdf")
        dialog = SignDialog(self.preferences.identity_path, default_out, missing, self)
        if dialog.exec() != SignDialog.DialogCode.Accepted:
            return
        value = dialog.value()
        from duediligence.services.reports import finalise_and_sign

        def done(_: object) -> None:
            self._reopen(tab.assessment_id)
            self.statusBar().showMessage(f"Finalised and signed: {value.out_path}", 10000)
            QDesktopServices.openUrl(QUrl.fromLocalFile(value.out_path))

        self._run_with_progress(
            "Finalising and signing…",
            lambda: finalise_and_sign(
                self.store, tab.assessment_id, value.out_path,
                identity_path=value.identity_path, passphrase=value.passphrase,
                reason=value.reason, location=value.location, allow_incomplete=True,
            ),
            done,
        )

    def verify_report(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Verify a signed report", "", "PDF (*.pdf);;All files (*)")
        if not path:
            return
        from duediligence.report.verify import verify_report

        def show(result) -> None:
            headline = (
                "The report is intact and its signature is valid."
                if result.ok
                else "The report does NOT verify: do not rely on it."
            )
            show_text_result(self, "Verification", headline, "\n".join(result.lines()), result.ok)

        self._run_with_progress("Checking the signature…", lambda: verify_report(path), show)

    # -- settings and window state

    def edit_settings(self) -> None:
        prefs = self.preferences
        dialog = SettingsDialog(prefs.assessor, prefs.organisation, prefs.identity_path, self.data_dir, self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.preferences = Preferences(
                dialog.assessor.text().strip(), dialog.organisation.text().strip(), dialog.identity.text().strip()
            )
            try:
                self.preferences.save(self.data_dir)
            except OSError as exc:
                self.show_error(f"Settings not saved: {exc.strerror or exc} ({self.data_dir})")

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("main_window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, AssessmentTab):
                widget.editor.flush()
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        super().closeEvent(event)
