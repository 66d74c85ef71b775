"""Checking the audit trail (``duediligence audit verify``)."""

from __future__ import annotations

from duediligence.storage.audit import ChainReport, verify_chains
from duediligence.storage.repository import get_summary
from duediligence.storage.store import Store


def verify_audit(store: Store, assessment_id: int | None = None) -> ChainReport:
    """Recompute the chain of one assessment, or of all; the report names
    the first broken event of each broken chain."""
    with store.read() as session:
        if assessment_id is not None:
            get_summary(session, assessment_id)  # NotFound for a wrong id
        return verify_chains(session, assessment_id)
