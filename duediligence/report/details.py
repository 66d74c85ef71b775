"""What a caller may add to a report beyond the set, the answers and the
score: facts only the store knows (audit trail, stored evidence) and who
signs. Plain frozen dataclasses, so the store can build them without
importing ReportLab."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Report status -> how the report prints it.
STATUS_LABELS: dict[str, str] = {"draft": "Draft", "final": "Final"}


@dataclass(frozen=True)
class AuditSummary:
    """The audit trail of an assessment, summed up for the appendix."""

    event_count: int
    first_change: dt.datetime | None
    last_change: dt.datetime | None
    #: What ``audit verify`` says, e.g. "intact" or "broken at event 17".
    chain_status: str


@dataclass(frozen=True)
class EvidenceDetail:
    """What the store knows about one evidence file (keyed by its sha256)."""

    #: The file is in the store and its content still hashes to the sha256.
    stored: bool
    added_at: dt.datetime | None = None
    added_by: str = ""


@dataclass(frozen=True)
class SignerBlock:
    """The person named in the signature block on the last page."""

    name: str
    role: str = "Assessor"
    organisation: str = ""
    date: dt.date | None = None
