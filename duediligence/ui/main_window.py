"""The main window: dashboard, question sets, vendors, and one tab per
open assessment, with the menus and shortcuts that drive them.

It calls the services only (no SQL, no scoring rules): each action is a
use case of ``duediligence.services``, and long ones (signing, PDF
export, verification) run off the GUI thread through ``ui.tasks``.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
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
from duediligence.storage.records import AssessmentSummary
from duediligence.storage.store import Store
from duediligence.ui.dashboard import Dashboard
from duediligence.ui.dialogs import (
    NewAssessmentDialog,
    ProblemsDialog,
    SetChoice,
    SettingsDialog,
    SignDialog,
    VerificationDialog,
    choose_open_file,
    choose_save_file,
    show_about,
    show_text_result,
)
from duediligence.ui.editor import AssessmentEditor
from duediligence.ui.resources import app_icon
from duediligence.ui.tasks import run_in_background
from duediligence.ui.vendors import VendorsView

log = logging.getLogger(__name__)


def open_in_system_viewer(path: str | Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def safe_file_name(text: str, fallback: str = "assessment") -> str:
    """A file name from a vendor name: no path separators or characters
    some systems refuse, not empty, not absurdly long."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "-", text).strip(" .-")
    return cleaned[:80] or fallback


def default_folder() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def with_fallback(action: QAction, keys: str) -> None:
    """Make sure ``keys`` is among the action's shortcuts (after the platform's standard ones)."""
    shortcuts = list(action.shortcuts())
    if QKeySequence(keys) not in shortcuts:
        action.setShortcuts([*shortcuts, QKeySequence(keys)])


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

    def attach_evidence(self, question_id: str, path: str) -> object:
        return services.attach_evidence(self.store, self.assessment_id, question_id, path).new

    def remove_evidence(self, question_id: str, sha256: str) -> object:
        return services.remove_evidence(self.store, self.assessment_id, question_id, sha256).new

    def open_evidence(self, sha256: str, name: str) -> None:
        """Open a copy under its own name: the store keeps files by their
        hash, without an extension, so a viewer could not tell what they are."""
        stored = services.evidence_file(self.store, sha256)
        folder = Path(tempfile.mkdtemp(prefix="duediligence-evidence-"))
        copy = folder / safe_file_name(name, fallback=sha256[:12])
        shutil.copyfile(stored, copy)
        copy.chmod(0o400)
        open_in_system_viewer(copy)


class AssessmentTab(QWidget):
    """An open assessment: the editor, bound to the store."""

    def __init__(self, store: Store, assessment_id: int, parent: QWidget | None = None, *, window_read_only: bool = False):
        super().__init__(parent)
        self.store = store
        self.assessment_id = assessment_id
        view = services.open_assessment(store, assessment_id)
        self.summary = view.summary
        self.editor = AssessmentEditor(
            view.questionnaire, view.answers, view.comments, ServicesBackend(store, assessment_id),
            read_only=window_read_only or not view.summary.editable, today=view.as_of,
        )
        if window_read_only and view.summary.editable:
            self.editor.banner_text.setText(
                "<b>Read-only: another duediligence window is working on this data.</b> "
                "Close it to edit here."
            )
            self.editor.new_revision_button.setVisible(False)
        if view.summary.superseded_by is not None:
            self.editor.banner_text.setText(
                f"<b>This assessment was replaced by a newer revision (#{view.summary.superseded_by}).</b> "
                "It is kept as it was; change the newer one instead."
            )
            self.editor.new_revision_button.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor)

    @property
    def title(self) -> str:
        marker = " (final)" if self.summary.status == "final" else " (in review)" if self.summary.status == "in_review" else ""
        return f"{self.summary.vendor_name}{marker}"


class QuestionSetsView(QWidget):
    """The library: every set the app knows, built-in or loaded."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        intro = QLabel("Question sets available for new assessments. A loaded set is checked before it is added.")
        intro.setWordWrap(True)
        self.load_button = QPushButton("Load question set…")
        self.load_button.setToolTip("Ctrl+O")
        bar.addWidget(intro, 1)
        bar.addWidget(self.load_button)
        layout.addLayout(bar)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName("Question sets")
        self.table.setHorizontalHeaderLabels(["Title", "Id", "Version", "Questions", "Source"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)

    def show_sets(self, rows: list[tuple[str, str, str, int, str]]) -> None:
        self.table.setRowCount(0)
        for values in rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


class MainWindow(QMainWindow):
    def __init__(self, store: Store, data_dir: Path, parent: QWidget | None = None, *, read_only: bool = False):
        super().__init__(parent)
        self.store = store
        self.data_dir = data_dir
        #: Another instance holds the data dir's writer lock: look, don't touch.
        self.read_only = read_only
        self.preferences = Preferences.load(data_dir)
        self.setWindowTitle("duediligence (read-only)" if read_only else "duediligence")
        self.setWindowIcon(app_icon())
        self.undo_group = QUndoGroup(self)
        self._stale = False  # an edit since the dashboard was last loaded
        self._set_info: dict[tuple[str, str, str], tuple[int, bool]] = {}

        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.dashboard = Dashboard()
        self.dashboard.open_requested.connect(self.open_assessment)
        self.dashboard.new_requested.connect(self.new_assessment)
        self.dashboard.load_set_requested.connect(self.load_question_set)
        self.dashboard.table.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.sets_view = QuestionSetsView()
        self.sets_view.load_button.clicked.connect(lambda: self.load_question_set())
        self.vendors_view = VendorsView()
        self.vendors_view.open_requested.connect(self.open_assessment)
        for widget, title in ((self.dashboard, "Dashboard"), (self.sets_view, "Question sets"), (self.vendors_view, "Vendors")):
            index = self.tabs.addTab(widget, title)
            self.tabs.tabBar().setTabButton(index, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.setCentralWidget(self.tabs)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("save-status")
        self.saved_label.setAccessibleName("Save status")
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
        action.triggered.connect(lambda checked=False: slot())
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = self._action("&New assessment…", self.new_assessment, QKeySequence.StandardKey.New,
                                       "Start a draft assessment of a vendor")
        self.load_set_action = self._action("&Load question set…", self.load_question_set, QKeySequence.StandardKey.Open,
                                            "Check a question set file and add it to the library")
        self.import_action = self._action("&Import answers…", self.import_answers, tip="Create an assessment from an answers file")
        self.export_json_action = self._action("Export answers (&JSON)…", self.export_json,
                                               tip="Save the answers as a duediligence/answers@1 file")
        self.export_pdf_action = self._action("Export &PDF (unsigned)…", self.export_pdf, "Ctrl+E",
                                              "Save the report as an unsigned PDF")
        self.print_action = self._action("&Print…", self.print_report, QKeySequence.StandardKey.Print,
                                         "Open the report in the system PDF viewer to print it")
        self.verify_action = self._action("&Verify a report…", self.verify_report, "Ctrl+Shift+V",
                                          "Check the signature of a signed PDF report")
        self.settings_action = self._action("&Settings…", self.edit_settings, QKeySequence.StandardKey.Preferences)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        # Some platforms (Windows, a bare X session) have no standard key for these.
        with_fallback(self.settings_action, "Ctrl+,")
        with_fallback(quit_action, "Ctrl+Q")
        for action in (self.new_action, self.load_set_action, self.import_action, None, self.export_json_action,
                       self.export_pdf_action, self.print_action, None, self.verify_action, None, self.settings_action, None, quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.find_action = self._action("&Find assessments", self.find, QKeySequence.StandardKey.Find)
        edit_menu.addAction(self.find_action)

        assessment_menu = self.menuBar().addMenu("&Assessment")
        self.review_action = self._action("Move to &review", self.move_to_review, tip="Mark the draft as ready for review")
        self.finalise_action = self._action("&Finalise and sign…", self.finalise_and_sign, "Ctrl+Shift+F",
                                            "Make the assessment final and save a signed PDF report")
        self.revision_action = self._action("New &revision", self.new_revision, tip="Copy a final assessment into a new draft")
        for action in (self.review_action, self.finalise_action, self.revision_action):
            assessment_menu.addAction(action)

        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self._action("&Dashboard", lambda: self.tabs.setCurrentWidget(self.dashboard), "Ctrl+1"))
        view_menu.addAction(self._action("&Question sets", lambda: self.tabs.setCurrentWidget(self.sets_view), "Ctrl+2"))
        view_menu.addAction(self._action("&Vendors", lambda: self.tabs.setCurrentWidget(self.vendors_view), "Ctrl+3"))
        self.close_tab_action = self._action("&Close tab", lambda: self.close_tab(self.tabs.currentIndex()), QKeySequence.StandardKey.Close)
        with_fallback(self.close_tab_action, "Ctrl+W")
        view_menu.addAction(self.close_tab_action)

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
            (r.title, r.questionnaire_id, r.version, *self._set_info_of(r.questionnaire_id, r.version, r.sha256))
            for r in services.list_questionnaires(self.store)
        ])
        self._stale = False
        self._update_actions()

    def _set_info_of(self, set_id: str, version: str, sha256: str) -> tuple[int, str]:
        """Question count and source of a set (cached: a stored version never changes)."""
        key = (set_id, version, sha256)
        if key not in self._set_info:
            from duediligence.services.library import builtin_sets

            builtin = {s.questionnaire.sha256 for s in builtin_sets()}
            count = services.find_set(self.store, set_id, version).questionnaire.question_count
            self._set_info[key] = (count, sha256 in builtin)
        count, builtin = self._set_info[key]
        return count, "built-in" if builtin else "loaded"

    def current_tab(self) -> AssessmentTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, AssessmentTab) else None

    def current_summary(self) -> AssessmentSummary | None:
        """The assessment the menu acts on: the open tab's, or the one selected on the dashboard."""
        tab = self.current_tab()
        if tab:
            return tab.summary
        return self.dashboard.selected_summary() if self.tabs.currentWidget() is self.dashboard else None

    def selected_assessment_id(self) -> int | None:
        summary = self.current_summary()
        return summary.id if summary else None

    def _tab_changed(self, _: int) -> None:
        tab = self.current_tab()
        self.undo_group.setActiveStack(tab.editor.undo_stack if tab else None)
        if self._stale and self.tabs.currentWidget() in (self.dashboard, self.vendors_view):
            self.refresh()
        self._update_actions()
        self._show_save_status()

    def _update_actions(self) -> None:
        tab = self.current_tab()
        summary = self.current_summary()
        editable = bool(tab and not tab.editor.read_only)
        self.review_action.setEnabled(editable and tab.summary.status == "draft")  # type: ignore[union-attr]
        self.finalise_action.setEnabled(editable)
        self.revision_action.setEnabled(
            not self.read_only and bool(summary and summary.status == "final" and summary.superseded_by is None)
        )
        for action in (self.new_action, self.load_set_action, self.import_action):
            action.setEnabled(not self.read_only)
        for action in (self.export_json_action, self.export_pdf_action, self.print_action):
            action.setEnabled(summary is not None)
        self.close_tab_action.setEnabled(tab is not None)

    def _show_save_status(self) -> None:
        tab = self.current_tab()
        self.saved_label.setText(tab.editor.save_status() if tab else "")

    def _refused_read_only(self) -> bool:
        if self.read_only:
            self.show_error(
                "This window is read-only: another duediligence window is working on the same data. "
                "Close it, then restart duediligence to make changes."
            )
        return self.read_only

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
            tab = AssessmentTab(self.store, assessment_id, window_read_only=self.read_only)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        tab.editor.saved.connect(self._saved)
        tab.editor.failed.connect(self._failed)
        tab.editor.new_revision_requested.connect(self.new_revision)
        self.undo_group.addStack(tab.editor.undo_stack)
        index = self.tabs.addTab(tab, tab.title)
        self.tabs.setTabToolTip(index, f"{tab.summary.vendor_name}: {tab.summary.questionnaire_title} "
                                       f"{tab.summary.questionnaire_version}, revision {tab.summary.revision}")
        self.tabs.setCurrentIndex(index)
        tab.editor.section_list.setFocus()

    def _remove_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, AssessmentTab):
            self.undo_group.removeStack(widget.editor.undo_stack)
            self.tabs.removeTab(index)
            widget.deleteLater()

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, AssessmentTab):
            widget.editor.flush()
            self._remove_tab(index)
            self.refresh()

    def _saved(self) -> None:
        self._stale = True
        self._show_save_status()

    def _failed(self, message: str) -> None:
        self._show_save_status()
        self.statusBar().showMessage(f"Not saved: {message}", 8000)

    def new_assessment(self) -> None:
        if self._refused_read_only():
            return
        sets = services.list_questionnaires(self.store)
        choices = [SetChoice(f"{r.questionnaire_id}@{r.version}", f"{r.title} ({r.version})") for r in sets]
        vendors = sorted({s.vendor_name for s in services.list_assessments(self.store)}, key=str.casefold)
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
        if not tab or tab.editor.read_only:
            return
        tab.editor.flush()
        try:
            services.move_to_review(self.store, tab.assessment_id)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self._reopen(tab.assessment_id)

    def new_revision(self) -> None:
        if self._refused_read_only():
            return
        assessment_id = self.selected_assessment_id()
        if assessment_id is None:
            return
        try:
            new_id = services.new_revision(self.store, assessment_id)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self._close_assessment(assessment_id)
        self.refresh()
        self.open_assessment(new_id)

    def _close_assessment(self, assessment_id: int) -> None:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, AssessmentTab) and widget.assessment_id == assessment_id:
                self._remove_tab(index)
                return

    def _reopen(self, assessment_id: int) -> None:
        """Show an assessment again after its status changed (a fresh editor)."""
        self._close_assessment(assessment_id)
        self.refresh()
        self.open_assessment(assessment_id)

    def find(self) -> None:
        self.tabs.setCurrentWidget(self.dashboard)
        self.dashboard.focus_search()

    # -- question sets

    def load_question_set(self, path: str | None = None) -> None:
        if self._refused_read_only():
            return
        if not path:
            path = choose_open_file(self, "Load question set", "Question sets (*.json);;All files (*)")
        if not path:
            return
        try:
            added = services.add_questionnaire_file(self.store, path)
        except InvalidDocument as exc:
            ProblemsDialog(
                "Question set not loaded",
                f"<b>{Path(path).name}</b> is not a valid question set; nothing was added. "
                f"Fix {'this problem' if len(exc.problems) == 1 else f'these {len(exc.problems)} problems'} "
                "and load it again:",
                exc.problems, self,
            ).exec()
            return
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self.refresh()
        self.tabs.setCurrentWidget(self.sets_view)
        record = added.record
        already = "" if added.added else " (it was already in the library)"
        self.statusBar().showMessage(f"Loaded {record.title} {record.version}{already}", 8000)
        self._offer_upgrades(record.questionnaire_id, record.version)

    def _offer_upgrades(self, set_id: str, version: str) -> None:
        from duediligence.services.library import semver_key

        drafts = [
            s for s in services.list_assessments(self.store, status="draft")
            if s.questionnaire_id == set_id and semver_key(s.questionnaire_version) < semver_key(version)
            and s.superseded_by is None
        ]
        if not drafts:
            return
        answer = QMessageBox.question(
            self, "Upgrade drafts?",
            f"{len(drafts)} draft assessment(s) use an older version of this set. Move them to version {version}? "
            "Each becomes a new revision; answers carry over where they still fit, the others are listed. "
            "The old revisions are kept as they are.",
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
            self._close_assessment(draft.id)
            lines.append(f"{draft.vendor_name}: {len(report.carried)} answer(s) carried over, {len(report.dropped)} dropped")
            lines.extend(f"    {d.question_id}: {d.reason} (was {d.old_value!r})" for d in report.dropped)
        self.refresh()
        show_text_result(self, "Upgrade report", "Drafts upgraded.", "\n".join(lines), True)

    # -- import / export

    def import_answers(self) -> None:
        if self._refused_read_only():
            return
        path = choose_open_file(self, "Import answers", "Answers (*.json);;All files (*)")
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

    def _flushed_summary(self) -> AssessmentSummary | None:
        """The current assessment, with any typing in progress saved first."""
        tab = self.current_tab()
        if tab:
            tab.editor.flush()
        return self.current_summary()

    def export_json(self) -> None:
        summary = self._flushed_summary()
        if not summary:
            return
        suggested = default_folder() / f"{safe_file_name(summary.vendor_name)}-answers.json"
        path = choose_save_file(self, "Export answers", str(suggested), "JSON (*.json)")
        if not path:
            return
        try:
            services.write_json_export(self.store, summary.id, path)
        except DueDiligenceError as exc:
            self.show_error(str(exc))
            return
        self.statusBar().showMessage(f"Exported answers to {path}", 8000)

    def _run_with_progress(self, label: str, work, on_success, on_failure=None) -> None:
        """Run ``work`` off the GUI thread behind a busy dialog; errors become a message."""
        progress = QProgressDialog(label, None, 0, 0, self)
        progress.setWindowTitle("duediligence")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setCancelButton(None)

        def finish() -> None:
            progress.close()
            progress.deleteLater()

        def succeeded(result: object) -> None:
            finish()
            on_success(result)

        def failed(exc: BaseException) -> None:
            finish()
            if on_failure:
                on_failure(exc)
            message = str(exc) if isinstance(exc, DueDiligenceError) else (
                f"Unexpected error: {exc!r}. Nothing was changed. Details are in the log file "
                f"({self.data_dir / 'duediligence.log'})."
            )
            self.show_error(message)

        run_in_background(work, succeeded, failed)

    def export_pdf(self) -> None:
        summary = self._flushed_summary()
        if not summary:
            return
        suggested = default_folder() / f"{safe_file_name(summary.vendor_name)}-report.pdf"
        path = choose_save_file(self, "Export PDF report", str(suggested), "PDF (*.pdf)")
        if not path:
            return
        from duediligence.services.reports import export_report_pdf

        self._run_with_progress(
            "Building the report…",
            lambda: export_report_pdf(self.store, summary.id, path),
            lambda _: self.statusBar().showMessage(f"Saved the report to {path}", 8000),
        )

    def print_report(self) -> None:
        """Printing goes through the system PDF viewer: the report is built
        and handed over, so what is printed is exactly the PDF we file."""
        summary = self._flushed_summary()
        if not summary:
            return
        from duediligence.services.reports import export_report_pdf

        folder = Path(tempfile.mkdtemp(prefix="duediligence-print-"))
        path = folder / f"{safe_file_name(summary.vendor_name)}-report.pdf"

        def opened(_: object) -> None:
            open_in_system_viewer(path)
            self.statusBar().showMessage("The report is open in your PDF viewer: print it from there.", 10000)

        self._run_with_progress(
            "Preparing the report for printing…", lambda: export_report_pdf(self.store, summary.id, path), opened,
        )

    def finalise_and_sign(self) -> None:
        tab = self.current_tab()
        if not tab or tab.editor.read_only:
            return
        tab.editor.flush()
        questions = tab.editor.questionnaire.questions_by_id
        missing = [questions[qid].text for qid in tab.editor.score.completeness.missing]
        default_out = default_folder() / f"{safe_file_name(tab.summary.vendor_name)}-assessment-{tab.assessment_id}-signed.pdf"
        knockouts = [flag.message for flag in tab.editor.score.knockouts]
        dialog = SignDialog(self.preferences.identity_path, str(default_out), missing, self, knockouts)
        if dialog.exec() != SignDialog.DialogCode.Accepted:
            return
        value = dialog.value()
        from duediligence.services.reports import finalise_and_sign

        # No edits while the report is built: the signed PDF must show what is stored.
        tab.editor.set_read_only(True)

        def done(_: object) -> None:
            self._reopen(tab.assessment_id)
            self.statusBar().showMessage(f"Finalised and signed: {value.out_path}", 10000)
            open_in_system_viewer(value.out_path)

        def failed(_: BaseException) -> None:
            if self.tabs.indexOf(tab) >= 0:
                tab.editor.set_read_only(False)

        self._run_with_progress(
            "Finalising and signing…",
            lambda: finalise_and_sign(
                self.store, tab.assessment_id, value.out_path,
                identity_path=value.identity_path, passphrase=value.passphrase,
                reason=value.reason, location=value.location, allow_incomplete=True,
            ),
            done,
            failed,
        )

    def verify_report(self, path: str | None = None) -> None:
        if not path:
            path = choose_open_file(self, "Verify a signed report", "PDF (*.pdf);;All files (*)")
        if not path:
            return
        from duediligence.report.verify import quiet_validator_logs, verify_report

        quiet_validator_logs()
        self._run_with_progress(
            "Checking the signature…", lambda: verify_report(path), lambda result: VerificationDialog(result, self).exec(),
        )

    # -- settings and window state

    def edit_settings(self) -> None:
        prefs = self.preferences
        dialog = SettingsDialog(prefs.assessor, prefs.organisation, prefs.identity_path, self.data_dir, self.store, self)
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
