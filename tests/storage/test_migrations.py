"""Upgrading a database made by an older version: backed up first, then
migrated with nothing lost; and the rules hold afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from duediligence import services
from duediligence.errors import ImmutableAssessment
from duediligence.paths import DATABASE_NAME, DataPaths
from duediligence.storage.backup import keep_newest, timestamped_name
from duediligence.storage.db import make_engine
from duediligence.storage.migrate import BACKUPS_KEPT, HEAD_REVISION
from duediligence.storage.store import Store
from tests.storage.fixtures import raw
from tests.storage.old_store import build_first_revision_store, dump

def test_an_old_store_is_backed_up_then_upgraded_with_nothing_lost(data_dir: Path) -> None:
    build_first_revision_store(data_dir)
    before = dump(data_dir / DATABASE_NAME)

    store = services.open_store(data_dir)
    try:
        assert store.migration.upgraded_from == "0001"
        backup = store.migration.backup
        assert backup is not None and backup.parent == data_dir / "backups"
        assert dump(backup) == before  # the backup is the old store as it was
        assert raw(backup).execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"

        assert dump(data_dir / DATABASE_NAME) == before
        assert raw(store.path).execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION

        # The cached score was filled for both, the final one included.
        listed = {s.id: s for s in services.list_assessments(store)}
        for assessment_id in (1, 2):
            fresh = services.open_assessment(store, assessment_id).score
            assert listed[assessment_id].score is not None
            assert listed[assessment_id].score.overall == pytest.approx(fresh.overall)
        assert services.verify_audit(store).ok
        assert services.open_assessment(store, 1).answers["regions"] == ["eu", "us"]

        # The rules still hold on the upgraded file.
        with pytest.raises(ImmutableAssessment):
            services.set_answer(store, 2, "consent", "no")
        with pytest.raises(ImmutableAssessment), store.write() as session:
            session.execute(text("UPDATE assessments SET score_overall = 0 WHERE id = 2"))
        assert services.set_answer(store, 1, "consent", "no").changed
    finally:
        store.close()
    assert raw(data_dir / DATABASE_NAME).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_downgrade_gives_back_the_first_schema_with_its_rules(data_dir: Path) -> None:
    build_first_revision_store(data_dir)
    with Store.open(data_dir):
        pass
    path = data_dir / DATABASE_NAME
    from alembic import command

    from duediligence.storage.migrate import alembic_config

    engine = make_engine(path, foreign_keys=False)
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "0001")
        connection.commit()
    engine.dispose()
    connection = raw(path)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(assessments)")}
    assert "score_overall" not in columns
    with pytest.raises(Exception, match="final assessment is immutable"):
        connection.execute("UPDATE assessments SET status = 'draft' WHERE id = 2")
    connection.close()
    assert dump(path)["answers"]  # the data survived the rebuild


def test_only_the_newest_automatic_backups_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    names = [timestamped_name(f"before-upgrade-{i:02d}") for i in range(BACKUPS_KEPT + 3)]
    for name in names:
        (folder / name).write_bytes(b"x")
    (folder / "my-own-copy.sqlite3").write_bytes(b"mine")
    deleted = keep_newest(folder, BACKUPS_KEPT)
    assert [p.name for p in deleted] == sorted(names)[:3]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*sorted(names)[3:], "my-own-copy.sqlite3"])


def test_the_upgrade_backup_goes_where_the_paths_say(data_dir: Path) -> None:
    build_first_revision_store(data_dir)
    with Store.open(data_dir) as store:
        assert store.migration.backup is not None
        assert store.migration.backup.parent == DataPaths(data_dir).backups
        assert "before-upgrade-from-0001" in store.migration.backup.name
    assert json.loads(json.dumps(str(store.migration.backup)))  # a plain path, printable
