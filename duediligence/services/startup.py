"""Opening the store the way the app and the command line do."""

from __future__ import annotations

import os

from duediligence.paths import resolve_data_dir
from duediligence.services.scores import fill_missing_scores
from duediligence.storage.db import DEFAULT_BUSY_TIMEOUT_MS
from duediligence.storage.store import Store


def open_store(data_dir: str | os.PathLike[str] | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Store:
    """Open (creating or upgrading) the store in ``data_dir``, or in the
    default data dir (``$DUEDILIGENCE_DATA_DIR``, else the platform's),
    and fill any cached score a migration left empty."""
    store = Store.open(resolve_data_dir(data_dir), busy_timeout_ms=busy_timeout_ms)
    try:
        fill_missing_scores(store)  # a scan of one column: ~1 ms for 10,000
    except BaseException:
        store.close()
        raise
    return store
