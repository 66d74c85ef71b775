"""A second window on the same data opens read-only; a damaged database
offers the newest backup."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from duediligence import services
from duediligence.paths import DATABASE_NAME
from duediligence.storage.backup import copy_database, timestamped_name
from duediligence.ui.app import open_store_or_offer_backup, read_only_notice
from duediligence.ui.main_window import MainWindow


def test_a_window_without_the_writer_lock_is_read_only(qtbot, store, data_dir: Path, assessment_id: int, modals) -> None:
    first = services.acquire_writer_lock(data_dir)
    assert first is not None
    try:
        assert services.acquire_writer_lock(data_dir) is None  # what the second instance sees
        notice = read_only_notice(data_dir)
        assert f"process {os.getpid()}" in notice and "read-only" in notice
        window = MainWindow(store, data_dir, read_only=True)
        qtbot.addWidget(window)
        assert "read-only" in window.windowTitle()
        window.open_assessment(assessment_id)
        tab = window.current_tab()
        assert tab is not None and tab.editor.read_only
        assert tab.editor.banner.isVisibleTo(window)
        for action in (window.new_action, window.load_set_action, window.import_action, window.finalise_action, window.review_action):
            assert not action.isEnabled()
        window.new_assessment()  # e.g. from the dashboard's button
        assert "read-only" in modals.texts()
        assert len(services.list_assessments(store)) == 1
    finally:
        first.release()


def test_the_lock_is_free_again_when_the_first_instance_releases_it(data_dir: Path) -> None:
    lock = services.acquire_writer_lock(data_dir)
    assert lock is not None
    lock.release()
    again = services.acquire_writer_lock(data_dir)
    assert again is not None
    again.release()


def test_a_damaged_database_offers_the_newest_backup_and_restores_it(data_dir: Path, modals) -> None:
    with services.open_store(data_dir) as store:
        source = services.find_set(store, "example-vendor", "1.0.0")
        from duediligence.questionnaire.answers import Vendor

        services.create_assessment(store, source, Vendor("Kept Vendor Ltd"))
    database = data_dir / DATABASE_NAME
    copy_database(database, data_dir / "backups" / timestamped_name("before-restore"))
    with open(database, "r+b") as handle:
        handle.write(b"this is not a database header!!!")

    modals.question_answer = QMessageBox.StandardButton.No
    assert open_store_or_offer_backup(data_dir) is None
    assert any(kind == "question" and "Restore the newest backup" in text for kind, _, text in modals.messages)

    modals.question_answer = QMessageBox.StandardButton.Yes
    store = open_store_or_offer_backup(data_dir)
    assert store is not None
    try:
        assert [s.vendor_name for s in services.list_assessments(store)] == ["Kept Vendor Ltd"]
    finally:
        store.close()


def test_a_damaged_database_without_backups_says_so(data_dir: Path, modals) -> None:
    services.open_store(data_dir).close()
    (data_dir / DATABASE_NAME).write_bytes(b"garbage" * 100)
    assert open_store_or_offer_backup(data_dir) is None
    assert [kind for kind, _, _ in modals.messages] == ["critical"]
