"""Fixtures shared by the storage and services tests: a real SQLite store
in a temporary data dir, a question set, a draft assessment."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from duediligence import services
from duediligence.questionnaire import Vendor
from duediligence.services import SetSource
from duediligence.storage.store import Store
from tests.storage.sets import STANDARD_ANSWERS, source_of, standard_set


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = services.open_store(data_dir, busy_timeout_ms=200)
    yield opened
    opened.close()


@pytest.fixture
def source() -> SetSource:
    return source_of(standard_set())


@pytest.fixture
def draft(store: Store, source: SetSource) -> int:
    return services.create_assessment(store, source, Vendor("Acme Face Inc."), who="tester")


POLICY = b"%PDF-1.4 the vendor's privacy policy"


def fill(store: Store, assessment_id: int, folder: Path, comment: str = "Checked on the call") -> None:
    """Every standard answer, a comment on ``consent`` and a policy file (``POLICY``)."""
    for question_id, value in STANDARD_ANSWERS.items():
        services.set_answer(store, assessment_id, question_id, value)
    services.set_comment(store, assessment_id, "consent", comment)
    policy = folder / "policy.pdf"
    policy.write_bytes(POLICY)
    services.attach_evidence(store, assessment_id, "policy", policy)


@pytest.fixture
def filled(store: Store, draft: int, tmp_path: Path) -> int:
    """The draft, filled (see ``fill``)."""
    fill(store, draft, tmp_path)
    return draft


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, for what an attacker or another program would do."""
    return sqlite3.connect(path, isolation_level=None)


def table_counts(path: Path) -> dict[str, int]:
    tables = ("vendors", "questionnaire_versions", "assessments", "answers", "comments", "evidence", "audit_events", "signatures")
    connection = raw(path)
    try:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        connection.close()
