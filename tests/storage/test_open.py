"""Opening the store: a new file, pragmas, and every way a file or folder
can be unusable, each refused with a message naming the file and with the
file left exactly as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from duediligence import services
from duediligence.errors import DatabaseLocked, DatabaseTooNew, DatabaseUnusable, DataDirUnusable
from duediligence.paths import DATABASE_NAME, ENV_VAR, DataPaths, resolve_data_dir
from duediligence.storage.migrate import HEAD_REVISION, script_head
from duediligence.storage.store import Store
from tests.storage.fixtures import raw

REPO = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_store_is_created_and_stamped_at_head(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        assert store.migration.created
        assert store.path == data_dir / DATABASE_NAME
    connection = raw(data_dir / DATABASE_NAME)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store.open(data_dir) as again:
        assert not again.migration.created and again.migration.upgraded_from is None


def test_the_head_constant_follows_the_migration_scripts() -> None:
    assert script_head() == HEAD_REVISION


def test_every_connection_gets_the_pragmas(store: Store) -> None:
    with store.read() as session:
        values = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    assert values == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2, "busy_timeout": 200}


def test_the_models_match_what_the_migrations_build(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from duediligence.storage.models import Base

    with store.database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_data_dir_override_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv(ENV_VAR)
    assert resolve_data_dir().name == "duediligence"
    assert DataPaths.at(tmp_path).evidence == tmp_path / "evidence"


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(data_dir: Path) -> None:
    database = data_dir / DATABASE_NAME
    database.write_bytes(b"these are my tax records, not a database\n" * 100)
    before = digest(database)
    with pytest.raises(DatabaseUnusable) as refused:
        Store.open(data_dir)
    assert str(database) in str(refused.value)
    assert "restore" in str(refused.value)
    assert digest(database) == before
    assert sorted(p.name for p in data_dir.iterdir()) == [DATABASE_NAME]


def test_a_damaged_sqlite_file_is_refused_and_left_untouched(data_dir: Path) -> None:
    with Store.open(data_dir):
        pass
    database = data_dir / DATABASE_NAME
    damaged = bytearray(database.read_bytes())
    damaged[100:4096] = b"\xff" * (4096 - 100)  # the schema page, past the header
    database.write_bytes(bytes(damaged))
    before = digest(database)
    with pytest.raises(DatabaseUnusable) as refused:
        Store.open(data_dir)
    assert str(database) in str(refused.value)
    assert digest(database) == before


def test_another_programs_database_is_refused(data_dir: Path) -> None:
    database = data_dir / DATABASE_NAME
    connection = raw(database)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, face BLOB)")
    connection.close()
    before = digest(database)
    with pytest.raises(DatabaseUnusable, match="not a duediligence store"):
        Store.open(data_dir)
    assert digest(database) == before


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(data_dir: Path) -> None:
    with Store.open(data_dir):
        pass
    database = data_dir / DATABASE_NAME
    connection = raw(database)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    before = digest(database)
    with pytest.raises(DatabaseTooNew) as refused:
        Store.open(data_dir)
    message = str(refused.value)
    assert str(database) in message and "newer version" in message and "9999_from_the_future" in message
    assert digest(database) == before
    assert not (data_dir / "backups").exists()


def test_a_locked_database_gives_a_clear_error(store: Store, draft: int) -> None:
    blocker = raw(store.path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseLocked) as refused:
            services.set_answer(store, draft, "consent", "yes")
        assert str(store.path) in str(refused.value)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert services.set_answer(store, draft, "consent", "yes").changed


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("x")
    with pytest.raises(DataDirUnusable, match="not a folder"):
        Store.open(not_a_folder)


DROP_FILE_PRIVILEGES = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]


def run_as_unprivileged(code: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a process that file permissions apply to: root
    ignores them unless it gives up its capability to override them."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file permissions cannot be tested")
        prefix = DROP_FILE_PRIVILEGES
    env = {**os.environ, "DUEDILIGENCE_DATA_DIR": str(data_dir)}
    return subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, cwd=REPO)


@pytest.fixture
def writable_again(tmp_path: Path) -> Iterator[Path]:
    """``tmp_path``, with whatever a test made read-only made writable again for cleanup."""
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


OPEN_AND_LIST = (
    "import sys\n"
    "from duediligence.cli import main\n"
    "sys.exit(main(['list']))\n"
)


def test_a_read_only_data_dir_is_refused_without_a_traceback(writable_again: Path) -> None:
    data_dir = writable_again / "data"
    data_dir.mkdir()
    with Store.open(data_dir):
        pass
    for path in data_dir.rglob("*"):
        path.chmod(0o644)
    data_dir.chmod(0o555)
    before = digest(data_dir / DATABASE_NAME)
    result = run_as_unprivileged(OPEN_AND_LIST, data_dir)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(data_dir) in result.stderr and "not writable" in result.stderr
    assert digest(data_dir / DATABASE_NAME) == before


def test_a_read_only_database_file_is_refused(writable_again: Path) -> None:
    data_dir = writable_again / "data"
    data_dir.mkdir()
    with Store.open(data_dir):
        pass
    (data_dir / DATABASE_NAME).chmod(0o444)
    data_dir.chmod(0o777)
    result = run_as_unprivileged(OPEN_AND_LIST, data_dir)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{data_dir / DATABASE_NAME} is read-only" in result.stderr


def test_an_uncreatable_data_dir_is_refused(writable_again: Path) -> None:
    parent = writable_again / "locked"
    parent.mkdir(mode=0o555)
    parent.chmod(0o555)
    result = run_as_unprivileged(OPEN_AND_LIST, parent / "data")
    assert result.returncode == 1, result.stderr
    assert "cannot create the data dir" in result.stderr and "--data-dir" in result.stderr


def test_sqlite_integrity_after_normal_use(store: Store, draft: int) -> None:
    services.set_answer(store, draft, "consent", "no")
    connection = sqlite3.connect(store.path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_stale_temporary_files_are_cleared_on_open(data_dir: Path) -> None:
    with Store.open(data_dir):
        pass
    stale = data_dir / "evidence" / "tmp" / ".tmp-abc.blob"
    fresh = data_dir / ".tmp-def.sqlite3"
    stale.parent.mkdir(parents=True)
    for path in (stale, fresh):
        path.write_bytes(b"half written")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    with Store.open(data_dir):
        pass
    assert not stale.exists()
    assert fresh.exists()  # may belong to a process still writing it
