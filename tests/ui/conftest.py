"""Fixtures for the GUI tests: a real store in a temporary data dir, the
main window on it, and guards so that no test can block on a dialog or
open a real file viewer.

Every modal path is answered by the test: ``QDialog.exec`` and the file
choosers fail loudly unless a test patches the one it expects, message
boxes are recorded (``modals.messages``), and ``QDesktopServices.openUrl``
records what would have been opened (``modals.opened``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from duediligence import services
from duediligence.questionnaire.answers import Assessor, Vendor
from duediligence.storage.store import Store
from duediligence.ui.editor import AssessmentEditor
from duediligence.ui.main_window import MainWindow
from tests.ui.helpers import EXAMPLE_ID


@dataclass
class Modals:
    """What the code under test tried to show or open."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)
    #: What QMessageBox.question answers.
    question_answer: QMessageBox.StandardButton = QMessageBox.StandardButton.No

    def texts(self) -> str:
        return "\n".join(f"{kind}: {title}: {text}" for kind, title, text in self.messages)


@pytest.fixture(autouse=True)
def modals(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Modals:
    recorded = Modals()

    def message(kind: str, default: QMessageBox.StandardButton):
        def show(parent, title, text, *args, **kwargs):
            recorded.messages.append((kind, title, text))
            return recorded.question_answer if kind == "question" else default
        return staticmethod(show)

    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, message(kind, QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", message("question", QMessageBox.StandardButton.No))
    monkeypatch.setattr(QMessageBox, "about", message("about", QMessageBox.StandardButton.Ok))

    def box_exec(self: QMessageBox) -> int:
        recorded.messages.append(("box", self.windowTitle(), f"{self.text()}\n{self.informativeText()}"))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", box_exec)

    def unexpected_dialog(self: QDialog) -> int:
        raise AssertionError(f"unexpected modal dialog {type(self).__name__} ({self.windowTitle()!r}); patch its exec")

    monkeypatch.setattr(QDialog, "exec", unexpected_dialog)

    def unexpected_chooser(*args, **kwargs):
        raise AssertionError("unexpected file dialog; patch duediligence.ui.dialogs.choose_*_file or QFileDialog")

    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(unexpected_chooser))

    def open_url(url: QUrl) -> bool:
        recorded.opened.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))

    # Window geometry goes to a throwaway settings file, not the tester's own.
    settings_dir = tmp_path / "qsettings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    QApplication.setOrganizationName("duediligence-tests")
    QApplication.setApplicationName("duediligence-tests")
    return recorded


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = services.open_store(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def example_set(store: Store) -> services.SetSource:
    return services.find_set(store, EXAMPLE_ID, "1.0.0")


@pytest.fixture
def make_assessment(store: Store) -> Callable[..., int]:
    def make(vendor: str = "Testa Biometrics GmbH", set_id: str = EXAMPLE_ID, answers: dict | None = None) -> int:
        version = next(r.version for r in services.list_questionnaires(store) if r.questionnaire_id == set_id)
        source = services.find_set(store, set_id, version)
        assessment_id = services.create_assessment(store, source, Vendor(vendor), Assessor("Ann Auditor", "Procurement"))
        for question_id, value in (answers or {}).items():
            services.set_answer(store, assessment_id, question_id, value)
        return assessment_id

    return make


@pytest.fixture
def assessment_id(make_assessment: Callable[..., int]) -> int:
    return make_assessment()


@pytest.fixture
def window(qtbot, store: Store, data_dir: Path) -> MainWindow:
    main = MainWindow(store, data_dir)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    return main


@pytest.fixture
def editor(window: MainWindow, assessment_id: int) -> AssessmentEditor:
    window.open_assessment(assessment_id)
    tab = window.current_tab()
    assert tab is not None and tab.assessment_id == assessment_id
    return tab.editor
