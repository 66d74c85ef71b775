"""Starting the desktop app: checks, logging, crash dialog, main window.

Everything that can stop the app from starting (missing system
libraries, no display, a database from a newer version, a corrupt file)
ends in a message that says what to do, not a Qt or Python traceback.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from pathlib import Path
from types import TracebackType

from duediligence import __version__
from duediligence.ui.qt_check import startup_problem

log = logging.getLogger("duediligence")
LOG_FILE = "duediligence.log"


def configure_logging(data_dir: Path) -> Path:
    path = data_dir / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def install_crash_dialog(log_path: Path) -> None:
    """An unexpected exception is logged and shown; the app keeps running.
    Every answer was already committed when it was shown as saved, so
    nothing entered is lost."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if QApplication.instance() is None:
            sys.__excepthook__(kind, value, tb)
            return
        QMessageBox.critical(
            None,
            "Unexpected error",
            f"Something went wrong: {value!r}\n\nEverything you entered before this was saved. "
            f"Details are in the log file:\n{log_path}\n\nPlease send it with a description of what you did.",
        )

    sys.excepthook = hook


def create_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("duediligence")
    app.setOrganizationName("duediligence")
    app.setApplicationVersion(__version__)
    from duediligence.ui.resources import app_icon

    app.setWindowIcon(app_icon())
    return app


def read_only_notice(directory: Path) -> str:
    from duediligence import services

    holder = services.lock_holder(directory)
    who = f" (process {holder.pid} on {holder.host}, since {holder.since})" if holder and holder.pid else ""
    return (
        f"Another duediligence window is already working on {directory}{who}.\n\n"
        "This window opens read-only: you can look at assessments and export reports, "
        "but not change anything. Close the other window to edit here."
    )


def open_store_or_offer_backup(directory: Path):
    """Open the store; if its file is unusable and a backup exists, offer to
    restore the newest one (the damaged file is kept beside it)."""
    from PySide6.QtWidgets import QMessageBox

    from duediligence import services
    from duediligence.errors import DueDiligenceError

    try:
        return services.open_store(directory)
    except DueDiligenceError as exc:
        backup = getattr(exc, "newest_backup", None)
        if backup is None:
            QMessageBox.critical(None, "duediligence cannot open its database", str(exc))
            return None
        answer = QMessageBox.question(
            None,
            "duediligence cannot open its database",
            f"{exc}\n\nRestore the newest backup, taken {backup.taken_at:%Y-%m-%d %H:%M} ({backup.reason})? "
            "The damaged file is kept as a copy.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            services.restore_store(backup.path, data_dir=directory, force=True)
            return services.open_store(directory)
        except DueDiligenceError as again:
            QMessageBox.critical(None, "duediligence cannot restore the backup", str(again))
            return None


#: For the packaged app's smoke test: log "main window shown" once the
#: window is up, then quit cleanly after this many milliseconds.
SMOKE_QUIT_ENV = "DUEDILIGENCE_SMOKE_QUIT_AFTER_MS"


def schedule_smoke_quit(app) -> None:
    import os

    delay = os.environ.get(SMOKE_QUIT_ENV)
    if not delay:
        return
    from PySide6.QtCore import QTimer

    def shown() -> None:
        log.info("main window shown")
        QTimer.singleShot(int(delay), app.quit)

    QTimer.singleShot(0, shown)


def run(data_dir: str | None = None, open_path: str | None = None) -> int:
    """Start the app; ``open_path`` is a question set to load once the
    window is up (``duediligence FILE.json``, the desktop's "Open with")."""
    problem = startup_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from duediligence.errors import DueDiligenceError
    from duediligence.paths import resolve_data_dir

    app = create_application()
    from PySide6.QtWidgets import QMessageBox

    try:
        directory = resolve_data_dir(data_dir)
        directory.mkdir(parents=True, exist_ok=True)
        log_path = configure_logging(directory)
    except OSError as exc:
        QMessageBox.critical(None, "duediligence", f"Cannot use the data folder: {exc}")
        return 1
    install_crash_dialog(log_path)
    log.info("starting duediligence %s with data dir %s", __version__, directory)
    from duediligence import services

    store = open_store_or_offer_backup(directory)
    if store is None:
        return 1
    # One writer per data dir: a second window opens read-only, with a notice,
    # so two windows never interleave their edits silently.
    lock = services.acquire_writer_lock(directory)
    if lock is None:
        QMessageBox.information(None, "duediligence is already open", read_only_notice(directory))
    from duediligence.ui.main_window import MainWindow

    window = MainWindow(store, directory, read_only=lock is None)
    window.show()
    if open_path:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: window.load_question_set(open_path))
    from duediligence.ui.file_open import FileOpenForwarder

    app.installEventFilter(FileOpenForwarder(window))
    schedule_smoke_quit(app)
    try:
        return app.exec()
    finally:
        store.close()
        if lock is not None:
            lock.release()
