"""`duediligence FILE.json` ("Open with") loads the set in the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from duediligence import cli, services
from duediligence.ui.file_open import FileOpenForwarder
from tests.conftest import EXAMPLE_SET


def test_a_file_argument_starts_the_gui_with_that_file(monkeypatch, tmp_path: Path) -> None:
    started: list[tuple[object, str | None]] = []
    monkeypatch.setattr(cli, "start_gui", lambda args, open_path=None: started.append((args.data_dir, open_path)) or 0)
    assert cli.main(["--data-dir", str(tmp_path), str(EXAMPLE_SET)]) == 0
    assert started == [(str(tmp_path), str(EXAMPLE_SET))]


def test_commands_and_missing_files_are_not_taken_for_files(tmp_path: Path) -> None:
    commands = {"validate", "score"}
    assert cli.file_to_open(["validate", str(EXAMPLE_SET)], commands) is None
    assert cli.file_to_open([str(tmp_path / "nope.json")], commands) is None
    assert cli.file_to_open(["--data-dir", str(tmp_path)], commands) is None
    assert cli.file_to_open([str(EXAMPLE_SET)], commands) == str(EXAMPLE_SET)


def test_a_file_open_event_loads_the_question_set(window, store, tmp_path: Path) -> None:
    new_set = tmp_path / "newer.json"
    new_set.write_text(EXAMPLE_SET.read_text(encoding="utf-8").replace('"version": "1.0.0"', '"version": "1.1.0"', 1), encoding="utf-8")
    forwarder = FileOpenForwarder(window)
    QApplication.instance().installEventFilter(forwarder)
    try:
        QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(QUrl.fromLocalFile(str(new_set))))
    finally:
        QApplication.instance().removeEventFilter(forwarder)
    versions = {(r.questionnaire_id, r.version) for r in services.list_questionnaires(store)}
    assert ("example-vendor", "1.1.0") in versions
