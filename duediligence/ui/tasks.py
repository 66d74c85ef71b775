"""Work off the GUI thread, with results delivered on the GUI thread.

One pattern for every long action (as Anki's operations): the work is a
plain function of the core, run in ``QThreadPool``; its result or its
exception comes back through a queued signal to a QObject that lives on
the GUI thread, so no widget is ever touched from a worker thread.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Delivery(QObject):
    """Created on the GUI thread; worker emits, Qt queues, GUI thread calls back."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None]):
        super().__init__()
        self.on_success = on_success
        self.on_failure = on_failure
        self.succeeded.connect(self._success)
        self.failed.connect(self._failure)

    @Slot(object)
    def _success(self, value: Any) -> None:
        _alive.discard(self)
        self.on_success(value)

    @Slot(object)
    def _failure(self, exc: BaseException) -> None:
        _alive.discard(self)
        self.on_failure(exc)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], delivery: _Delivery):
        super().__init__()
        self.work = work
        self.delivery = delivery
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            log.error("background task failed:\n%s", "".join(traceback.format_exception(exc)))
            self.delivery.failed.emit(exc)
        else:
            self.delivery.succeeded.emit(result)


_alive: set[_Delivery] = set()


def run_in_background(
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> None:
    """Run ``work()`` in the thread pool; call back on the GUI thread."""
    delivery = _Delivery(on_success, on_failure)
    _alive.add(delivery)  # keep it alive until a callback ran
    QThreadPool.globalInstance().start(_Job(work, delivery))
