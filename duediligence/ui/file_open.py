"""Question set files handed to the running app by the desktop.

Linux and Windows pass "Open with" files as an argument (``duediligence
FILE.json``); macOS sends them to the running app as a FileOpen event,
which this filter forwards to the window's "Load question set".
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject


class FileOpenForwarder(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FileOpen:
            path = event.file()  # type: ignore[attr-defined]
            if path:
                self.window.load_question_set(path)
                return True
        return False
