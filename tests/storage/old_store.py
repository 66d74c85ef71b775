"""A store as schema revision 0001 left it, with data in every table,
for the migration and restore tests."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from duediligence.paths import DATABASE_NAME
from duediligence.storage.audit import ChainHead, append_event, canonical_json
from duediligence.storage.db import make_engine
from duediligence.storage.migrate import run_migrations
from tests.storage.fixtures import raw
from tests.storage.sets import STANDARD_ANSWERS, source_of, standard_set

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
OLD_TABLES = ("vendors", "questionnaire_versions", "assessments", "answers", "comments", "evidence", "audit_events", "signatures")


def migrate_to(path: Path, revision: str) -> None:
    engine = make_engine(path, foreign_keys=False)
    with engine.connect() as connection:
        run_migrations(connection, revision)
        connection.commit()
    engine.dispose()


def build_first_revision_store(data_dir: Path) -> None:
    """A store as version 0001 of the schema left it: two assessments, one
    final and signed, with answers, comments, evidence and audit chains."""
    path = data_dir / DATABASE_NAME
    migrate_to(path, "0001")
    source = source_of(standard_set())
    stamp = NOW.isoformat(timespec="microseconds")
    engine = make_engine(path)
    with engine.begin() as c:
        c.execute(text("INSERT INTO vendors (id, name, website, contact, notes, created_at) VALUES (1, 'Acme', '', '', 'old notes', :t)"), {"t": stamp})
        c.execute(
            text("INSERT INTO questionnaire_versions (id, questionnaire_id, version, title, sha256, document, added_at) VALUES (1, :q, :v, :title, :sha, :doc, :t)"),
            {"q": source.questionnaire.id, "v": "1.0.0", "title": source.questionnaire.title, "sha": source.questionnaire.sha256, "doc": source.document, "t": stamp},
        )
        for assessment_id in (1, 2):
            c.execute(
                text("INSERT INTO assessments (id, vendor_id, questionnaire_version_id, assessor_name, assessor_organisation, status, revision, created_at, updated_at) VALUES (:id, 1, 1, 'Jane', 'City', 'draft', 1, :t, :t)"),
                {"id": assessment_id, "t": stamp},
            )
            head = ChainHead.empty()
            head = append_event(c, head, assessment_id=assessment_id, who="jane", at=NOW, action="assessment_created", new={"vendor": "Acme"})
            for question_id, value in STANDARD_ANSWERS.items():
                c.execute(text("INSERT INTO answers VALUES (:a, :q, :v, :t)"), {"a": assessment_id, "q": question_id, "v": canonical_json(value), "t": stamp})
                head = append_event(c, head, assessment_id=assessment_id, who="jane", at=NOW, action="answer_set", question_id=question_id, new=value)
            c.execute(text("INSERT INTO comments VALUES (:a, 'consent', 'Asked twice', :t)"), {"a": assessment_id, "t": stamp})
            c.execute(
                text("INSERT INTO evidence (assessment_id, question_id, position, sha256, name, size, media_type, attached_at) VALUES (:a, 'policy', 0, :sha, 'policy.pdf', 10, 'application/pdf', :t)"),
                {"a": assessment_id, "sha": "ab" * 32, "t": stamp},
            )
            head = append_event(c, head, assessment_id=assessment_id, who="jane", at=NOW, action="evidence_attached", question_id="policy", new=[{"name": "policy.pdf"}])
            if assessment_id == 2:
                head = append_event(c, head, assessment_id=2, who="jane", at=NOW, action="status_changed", old="draft", new="final")
                c.execute(text("UPDATE assessments SET status = 'final', finalised_at = :t WHERE id = 2"), {"t": stamp})
            c.execute(text("UPDATE assessments SET audit_count = :n, audit_head = :h WHERE id = :a"), {"n": head.count, "h": head.hash, "a": assessment_id})
        c.execute(text("INSERT INTO signatures (assessment_id, signer_subject, certificate_sha256, signed_at, report_sha256) VALUES (2, 'CN=Jane', :c, :t, :r)"), {"c": "cd" * 32, "t": stamp, "r": "ef" * 32})
    engine.dispose()


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the 0001 tables, with only the columns 0001 had."""
    connection = raw(path)
    try:
        old_columns = {
            "assessments": "id, vendor_id, questionnaire_version_id, assessor_name, assessor_organisation, status, "
            "revision, supersedes_id, created_at, updated_at, finalised_at, audit_count, audit_head",
        }
        return {
            table: connection.execute(f"SELECT {old_columns.get(table, '*')} FROM {table} ORDER BY 1, 2").fetchall()
            for table in OLD_TABLES
        }
    finally:
        connection.close()
