"""The user's preferences (default assessor, organisation, signing
identity path), kept as JSON beside the database.

Not in QSettings: the core and the CLI read them too, and a backup of the
data dir should carry them. Never a passphrase.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

FILE_NAME = "preferences.json"


@dataclass(frozen=True)
class Preferences:
    assessor: str = ""
    organisation: str = ""
    identity_path: str = ""

    @classmethod
    def load(cls, data_dir: Path) -> Preferences:
        """Preferences from the data dir; defaults when absent or unreadable
        (a damaged preferences file must never stop the app)."""
        try:
            raw = json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in raw.items() if k in known and isinstance(v, str)})

    def save(self, data_dir: Path) -> None:
        target = data_dir / FILE_NAME
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(temporary, target)
