"""Backups of the whole store and restoring them: complete, checked before
anything is replaced, never over an existing store without --force, and
always keeping a copy of what was replaced."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from duediligence import services
from duediligence.errors import BackupError, DatabaseTooNew
from duediligence.paths import DATABASE_NAME
from duediligence.storage.store import Store
from tests.storage.fixtures import raw, table_counts


def test_a_backup_archive_holds_the_database_and_its_evidence(store: Store, filled: int, tmp_path: Path) -> None:
    out = tmp_path / "backup.zip"
    summary = services.backup_store(store, out)
    assert summary.evidence_count == 1 and summary.missing_evidence == ()
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        database = archive.read(DATABASE_NAME)
    sha = services.open_assessment(store, filled).evidence[0].sha256
    assert manifest["format"] == "duediligence/backup@1"
    assert manifest["evidence"] == [sha]
    assert names == {"manifest.json", DATABASE_NAME, f"evidence/{sha}"}
    assert database.startswith(b"SQLite format 3\x00")
    assert database[18:20] == b"\x01\x01"  # rollback journal: one self-contained file


def test_a_backup_never_overwrites_a_file(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "existing.zip"
    out.write_bytes(b"precious")
    with pytest.raises(BackupError, match="already exists"):
        services.backup_store(store, out)
    assert out.read_bytes() == b"precious"


def test_restore_into_an_empty_data_dir(store: Store, filled: int, tmp_path: Path) -> None:
    out = tmp_path / "backup.zip"
    services.backup_store(store, out)
    expected = services.open_assessment(store, filled)
    target = tmp_path / "elsewhere"
    outcome = services.restore_store(out, data_dir=target)
    assert outcome.replaced_copy is None and outcome.evidence_restored == 1
    with services.open_store(target) as restored:
        view = services.open_assessment(restored, filled)
        assert view.answers == expected.answers
        assert all(record.available for record in view.evidence)
        assert services.verify_audit(restored).ok


def test_restore_refuses_to_replace_a_store_without_force_and_keeps_a_copy_with_it(
    store: Store, filled: int, source: object, tmp_path: Path
) -> None:
    out = tmp_path / "backup.zip"
    services.backup_store(store, out)
    services.set_answer(store, filled, "consent", "no")  # made after the backup
    before = table_counts(store.path)
    with pytest.raises(BackupError, match="--force"):
        services.restore_store(out, data_dir=store.paths.root)
    assert table_counts(store.path) == before

    outcome = services.restore_store(out, data_dir=store.paths.root, force=True)
    assert outcome.replaced_copy is not None and outcome.replaced_copy.parent == store.paths.backups
    kept = raw(outcome.replaced_copy)
    assert kept.execute("SELECT value FROM answers WHERE question_id = 'consent'").fetchone()[0] == '"no"'
    # The open store sees the restored content at once (restored in place).
    assert services.open_assessment(store, filled).answers["consent"] == "yes"
    assert services.verify_audit(store).ok


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a backup at all", "neither a duediligence backup archive nor a database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "damaged"),
    ],
)
def test_restore_of_a_bad_file_changes_nothing(store: Store, filled: int, tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(content)
    before = table_counts(store.path)
    with pytest.raises(BackupError, match=message):
        services.restore_store(bad, data_dir=store.paths.root, force=True)
    assert table_counts(store.path) == before
    assert not store.paths.backups.exists()


def test_restore_of_a_damaged_archive_changes_nothing(store: Store, filled: int, tmp_path: Path) -> None:
    good = tmp_path / "good.zip"
    services.backup_store(store, good)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == DATABASE_NAME:
                data = data[:-10] + b"\x00" * 10
            target.writestr(item, data)
    before = table_counts(store.path)
    with pytest.raises(BackupError, match="does not match the manifest"):
        services.restore_store(damaged, data_dir=store.paths.root, force=True)
    assert table_counts(store.path) == before


def test_restore_of_a_database_from_a_newer_version_is_refused(store: Store, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    connection = sqlite3.connect(newer)
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    connection.execute("INSERT INTO alembic_version VALUES ('9999')")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseTooNew):
        services.restore_store(newer, data_dir=store.paths.root, force=True)


def test_restore_of_an_automatic_backup_copy(store: Store, filled: int, tmp_path: Path) -> None:
    """The plain database copies in backups/ can be restored too."""
    out = tmp_path / "backup.zip"
    services.backup_store(store, out)
    services.restore_store(out, data_dir=store.paths.root, force=True)  # leaves a copy in backups/
    [copy] = store.paths.backups.glob("*.sqlite3")
    target = tmp_path / "other"
    services.restore_store(copy, data_dir=target)
    with services.open_store(target) as restored:
        assert services.open_assessment(restored, filled).answers["consent"] == "yes"


def test_force_replaces_a_damaged_store(data_dir: Path, store: Store, filled: int, tmp_path: Path) -> None:
    out = tmp_path / "backup.zip"
    services.backup_store(store, out)
    store.close()
    database = data_dir / DATABASE_NAME
    (data_dir / f"{DATABASE_NAME}-wal").unlink(missing_ok=True)
    database.write_bytes(b"garbage" * 1000)
    outcome = services.restore_store(out, data_dir=data_dir, force=True)
    assert outcome.replaced_copy is not None
    assert outcome.replaced_copy.read_bytes() == b"garbage" * 1000
    with services.open_store(data_dir) as restored:
        assert services.open_assessment(restored, filled).answers["consent"] == "yes"


def test_a_restored_older_copy_is_brought_to_this_schema_at_once(tmp_path: Path) -> None:
    from duediligence.storage.migrate import HEAD_REVISION
    from tests.storage.old_store import build_first_revision_store

    old = tmp_path / "old"
    old.mkdir()
    build_first_revision_store(old)
    target = tmp_path / "data"
    services.restore_store(old / DATABASE_NAME, data_dir=target)
    connection = raw(target / DATABASE_NAME)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
    assert connection.execute("SELECT count(*) FROM assessments WHERE score_as_of IS NULL").fetchone()[0] == 0
    connection.close()
