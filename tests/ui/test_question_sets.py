"""Loading question sets from the window: a broken file shows every error
with its JSON path and adds nothing; a good one joins the library, and a
newer version offers to move the drafts that use the old one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from duediligence import services
from duediligence.ui import main_window
from duediligence.ui.dialogs import ProblemsDialog
from tests.conftest import EXAMPLE_SET
from tests.ui.helpers import EXAMPLE_ID


@pytest.fixture
def problems_shown(monkeypatch) -> list[ProblemsDialog]:
    shown: list[ProblemsDialog] = []
    monkeypatch.setattr(ProblemsDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    return shown


def library_rows(window) -> list[tuple[str, ...]]:
    table = window.sets_view.table
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def test_a_broken_set_shows_its_errors_and_adds_nothing(monkeypatch, window, store, problems_shown, tmp_path: Path):
    document = json.loads(EXAMPLE_SET.read_text())
    document["id"] = "broken-set"
    document["sections"][0]["questions"][0]["type"] = "essay"  # no such type
    document["sections"][1]["questions"][0]["visible_if"] = {"answer": "no_such_question", "equals": "yes"}
    del document["scoring"]["tiers"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    before = services.list_questionnaires(store)
    rows_before = library_rows(window)
    monkeypatch.setattr(main_window, "choose_open_file", lambda *args, **kwargs: str(path))

    window.load_set_action.trigger()  # Ctrl+O

    assert len(problems_shown) == 1
    dialog = problems_shown[0]
    assert len(dialog.problems) >= 2
    text = dialog.text.toPlainText()
    for problem in dialog.problems:
        assert f"{problem.path}: {problem.message}" in text
    assert any(p.path.startswith("$.") for p in dialog.problems)  # JSON paths
    assert "tiers" in text and "essay" in text
    assert "nothing was added" in dialog.intro.text()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == text
    assert services.list_questionnaires(store) == before
    assert library_rows(window) == rows_before


def test_a_file_that_is_not_json_is_reported(window, store, problems_shown, tmp_path: Path):
    path = tmp_path / "notes.json"
    path.write_text("{ this is not json")
    window.load_question_set(str(path))
    assert len(problems_shown) == 1 and problems_shown[0].problems
    assert not any(r.questionnaire_id == "notes" for r in services.list_questionnaires(store))


def test_a_valid_set_is_added_to_the_library(window, store, problems_shown, tmp_path: Path):
    document = json.loads(EXAMPLE_SET.read_text())
    document.update(id="acme-short", title="Acme short form", version="2.1.0")
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(document))
    window.load_question_set(str(path))
    assert problems_shown == []
    assert window.tabs.currentWidget() is window.sets_view
    row = next(r for r in library_rows(window) if r[1] == "acme-short")
    assert row == ("Acme short form", "acme-short", "2.1.0", "14", "loaded")
    builtin = next(r for r in library_rows(window) if r[1] == EXAMPLE_ID)
    assert builtin[4] == "built-in"


def test_loading_a_newer_version_offers_to_upgrade_drafts(modals, window, make_assessment, store, tmp_path: Path):
    draft = make_assessment("Veridian Faces", answers={"uses_own_gallery": "no", "hosting_region": "us"})
    document = json.loads(EXAMPLE_SET.read_text())
    document["version"] = "1.1.0"
    hosting = document["sections"][1]["questions"][1]
    hosting["options"] = [o for o in hosting["options"] if o["value"] != "us"]  # "us" is gone
    path = tmp_path / "example-1.1.json"
    path.write_text(json.dumps(document))
    modals.question_answer = QMessageBox.StandardButton.Yes

    window.load_question_set(str(path))

    assert any(kind == "question" and "1 draft" in text for kind, _, text in modals.messages)
    report = next(text for kind, title, text in modals.messages if kind == "box" and title == "Upgrade report")
    assert "1 answer(s) carried over, 1 dropped" in report and "hosting_region" in report
    newest = services.get_assessment(store, services.get_assessment(store, draft).superseded_by)
    assert newest.questionnaire_version == "1.1.0"
