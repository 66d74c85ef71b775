"""Where the store lives on disk.

One data dir holds everything the app writes: the SQLite database, the
evidence blobs and the automatic backups. It is chosen once, at start-up,
and handed down as a value (never read from a global), so a test or a
second profile simply passes another directory.

Order of precedence: ``--data-dir DIR``, then ``$DUEDILIGENCE_DATA_DIR``,
then the platform's user data dir (``platformdirs``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "duediligence"
ENV_VAR = "DUEDILIGENCE_DATA_DIR"
DATABASE_NAME = "duediligence.sqlite3"


def resolve_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data dir to use: the explicit override, the environment, or the default."""
    if override:
        return Path(override).expanduser()
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DataPaths:
    """The files and folders inside one data dir."""

    root: Path

    @classmethod
    def at(cls, override: str | os.PathLike[str] | None = None) -> DataPaths:
        return cls(resolve_data_dir(override))

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def evidence(self) -> Path:
        """Content-addressed blobs: ``evidence/ab/abcdef...`` (never user file names)."""
        return self.root / "evidence"

    @property
    def backups(self) -> Path:
        """Automatic copies taken before a migration or a restore."""
        return self.root / "backups"
