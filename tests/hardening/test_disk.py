"""Disk and database faults: a full disk, a data dir that turns read-only,
the database deleted or replaced while the store is open, a corrupt or
truncated database file. Each ends in a ``DueDiligenceError`` that names
the file and says what to do, and nothing already stored is lost or
overwritten. A damaged store's error names the newest backup, which
``services.newest_backup`` also finds for a window to offer.

The full-disk and read-only cases run on a small tmpfs, which needs root
(CAP_SYS_ADMIN) to mount. Without it those tests skip, and the same code
paths still run here: ``OSError(ENOSPC)`` injected into the file writes,
and a file size limit (``RLIMIT_FSIZE``) that makes SQLite's own writes
fail as on a full disk.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from duediligence import services
from duediligence.errors import (
    DatabaseUnusable,
    DataDirUnusable,
    DueDiligenceError,
    EvidenceError,
    OutputFileError,
    StoreError,
)
from duediligence.paths import DATABASE_NAME
from duediligence.questionnaire import Vendor
from duediligence.storage.store import Store
from tests.hardening.conftest import PASSPHRASE, Signers
from tests.storage.fixtures import STANDARD_ANSWERS
from tests.storage.sets import source_of, standard_set

REPO = Path(__file__).resolve().parents[2]


# --- helpers ----------------------------------------------------------------------------------


def filled_store(data_dir: Path, assessments: int = 3) -> dict[int, dict[str, object]]:
    """A store with a few answered assessments; their answers."""
    stored = {}
    with services.open_store(data_dir) as store:
        for number in range(assessments):
            assessment_id = services.create_assessment(store, source_of(standard_set()), Vendor(f"Vendor {number}"))
            for question_id, value in STANDARD_ANSWERS.items():
                services.set_answer(store, assessment_id, question_id, value)
            services.set_answer(store, assessment_id, "hours", number)
            stored[assessment_id] = services.open_assessment(store, assessment_id).answers
    return stored


def assert_nothing_lost(data_dir: Path, expected: dict[int, dict[str, object]]) -> None:
    connection = sqlite3.connect(data_dir / DATABASE_NAME)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    with services.open_store(data_dir) as store:
        for assessment_id, answers in expected.items():
            assert services.open_assessment(store, assessment_id).answers == answers
        assert services.verify_audit(store).ok


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_up(folder: Path) -> Path:
    """Write a file until the file system is full; return it."""
    filler = folder / "filler.bin"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\xff" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def mount_tmpfs(target: Path, size: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(target)], capture_output=True)
    return result.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB file system of its own (tmpfs)."""
    mount_point = tmp_path / "disk"
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and mount_tmpfs(mount_point, "6m")):
        pytest.skip("needs root to mount a small tmpfs; the *_injected tests cover the same paths without it")
    try:
        yield mount_point
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mount_point)], capture_output=True)
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


# --- a full disk --------------------------------------------------------------------------------


def test_a_full_disk_refuses_each_write_clearly_and_loses_nothing(small_disk: Path, signers: Signers, tmp_path: Path) -> None:
    from duediligence.services.reports import finalise_and_sign

    data_dir = small_disk / "data"
    expected = filled_store(data_dir)
    store = services.open_store(data_dir)
    try:
        filler = fill_up(small_disk)
        policy = tmp_path / "policy.pdf"
        policy.write_bytes(os.urandom(300_000))

        with pytest.raises(StoreError, match="Free some disk space") as answer_error:
            for index in range(200):  # until the WAL needs a page it cannot get
                services.set_comment(store, 1, "notes", f"{index} " + "long comment " * 1000)
        assert str(data_dir / DATABASE_NAME) in str(answer_error.value)

        with pytest.raises(StoreError, match="No space left on device") as evidence_error:
            services.attach_evidence(store, 2, "policy", policy)
        assert "Free some disk space" in str(evidence_error.value)
        assert list((data_dir / "evidence" / "tmp").iterdir()) == []  # no half-written blob left

        with pytest.raises(OutputFileError, match="No space left on device"):
            finalise_and_sign(store, 3, small_disk / "report.pdf", identity_path=signers.jane.p12, passphrase=PASSPHRASE, allow_incomplete=True)
        assert not (small_disk / "report.pdf").exists()
        assert [p.name for p in small_disk.iterdir() if p.name.startswith(".duediligence-sign")] == []

        with pytest.raises(DueDiligenceError):
            services.backup_store(store, small_disk / "backup.zip")
        assert not (small_disk / "backup.zip").exists()

        # Space again: the same store goes on working.
        filler.unlink()
        services.set_answer(store, 1, "notes", "after the disk was full")
        expected[1]["notes"] = "after the disk was full"
        assert services.open_assessment(store, 3).summary.status == "draft"
    finally:
        store.close()
    assert_nothing_lost(data_dir, expected)


def test_a_new_store_on_a_full_disk_is_refused_clearly(small_disk: Path) -> None:
    fill_up(small_disk)
    with pytest.raises(DueDiligenceError) as refused:
        services.open_store(small_disk / "data").close()
    assert str(small_disk / "data") in str(refused.value)


def test_enospc_injected_into_evidence_and_report_writes(store: Store, draft: int, signers: Signers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a small file system: the file writes fail as on a full disk."""
    from duediligence.services.reports import finalise_and_sign

    services.set_answer(store, draft, "consent", "yes")
    before = services.open_assessment(store, draft)
    policy = tmp_path / "policy.pdf"
    policy.write_bytes(b"%PDF-1.4 policy")

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StoreError, match="No space left on device.*Free some disk space"):
        services.attach_evidence(store, draft, "policy", policy)
    with pytest.raises(OutputFileError, match="No space left on device"):
        finalise_and_sign(store, draft, tmp_path / "report.pdf", identity_path=signers.jane.p12, passphrase=PASSPHRASE, allow_incomplete=True)
    monkeypatch.undo()

    after = services.open_assessment(store, draft)
    assert after.answers == before.answers and after.summary.status == "draft" and after.signatures == ()
    assert not (tmp_path / "report.pdf").exists() and list(tmp_path.glob(".duediligence-sign-*")) == []
    assert list((store.paths.evidence / "tmp").iterdir()) == []


FILE_SIZE_LIMIT = """
import resource, signal, sys
from duediligence import services
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
store = services.open_store(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
try:
    for index in range(10_000):
        services.set_comment(store, 1, "notes", f"{index} " + "long comment " * 2000)
except Exception as exc:
    print(type(exc).__name__, exc, sep="\\n")
"""


def test_a_database_write_beyond_the_space_left_is_refused_clearly_injected(data_dir: Path) -> None:
    """No mount needed: a file size limit makes SQLite's writes fail like a full disk."""
    expected = filled_store(data_dir)
    limit = (data_dir / DATABASE_NAME).stat().st_size + 200_000
    result = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT, str(data_dir), str(limit)],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120,
    )
    kind, message = (result.stdout.split("\n", 1) + [""])[:2]
    assert kind == "StoreError", result.stdout + result.stderr
    assert str(data_dir / DATABASE_NAME) in message and "Free some disk space" in message
    assert_nothing_lost(data_dir, expected)


# --- read-only while running ---------------------------------------------------------------------


def test_a_data_dir_that_turns_read_only_while_open(small_disk: Path) -> None:
    data_dir = small_disk / "data"
    expected = filled_store(data_dir)
    store = services.open_store(data_dir)
    try:
        # The kernel refuses to remount while a file is open for writing:
        # let the pool close its connections (it reopens them on demand).
        store.database.engine.dispose()
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        with pytest.raises(DataDirUnusable, match="writable") as refused:
            services.set_answer(store, 1, "hours", 99)
        assert str(data_dir / DATABASE_NAME) in str(refused.value)
        try:  # reading a WAL database on a read-only file system may not work either; if not, as clearly
            assert services.open_assessment(store, 1).answers == expected[1]
        except DataDirUnusable as exc:
            assert str(data_dir / DATABASE_NAME) in str(exc)
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
        services.set_answer(store, 1, "hours", 99)
        expected[1]["hours"] = 99
    finally:
        store.close()
    assert_nothing_lost(data_dir, expected)


# --- the database file deleted or replaced while open ------------------------------------------------


def test_a_database_deleted_while_open_is_not_written_into_the_void(data_dir: Path) -> None:
    filled_store(data_dir, 1)
    store = services.open_store(data_dir)
    try:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{data_dir / DATABASE_NAME}{suffix}").unlink(missing_ok=True)
        with pytest.raises(StoreError, match="deleted, moved or replaced") as refused:
            services.set_answer(store, 1, "hours", 5)
        assert str(data_dir / DATABASE_NAME) in str(refused.value) and "restore" in str(refused.value)
        with pytest.raises(StoreError, match="deleted, moved or replaced"):
            services.list_assessments(store)
        assert not (data_dir / DATABASE_NAME).exists()  # no empty store made in its place
    finally:
        store.close()


def test_a_database_replaced_while_open_is_left_alone(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine", tmp_path / "other"
    filled_store(mine, 1)
    theirs = filled_store(other, 2)
    store = services.open_store(mine)
    try:
        os.replace(other / DATABASE_NAME, mine / DATABASE_NAME)  # someone copies another store over it
        before = digest(mine / DATABASE_NAME)
        with pytest.raises(StoreError, match="replaced"):
            services.set_answer(store, 1, "hours", 123)
        assert digest(mine / DATABASE_NAME) == before
    finally:
        store.close()
    assert_nothing_lost(mine, theirs)  # the file now there is intact, and not written to


# --- corrupt and truncated database files --------------------------------------------------------------


def checkpointed_store(data_dir: Path) -> None:
    filled_store(data_dir, 30)
    with services.open_store(data_dir) as store:
        for assessment_id in range(1, 31):
            services.set_comment(store, assessment_id, "notes", "x" * 3000)
    # A backup, as an upgrade would have left one.
    from duediligence.storage.backup import copy_database, timestamped_name

    copy_database(data_dir / DATABASE_NAME, data_dir / "backups" / timestamped_name("before-upgrade-from-0001"))


def damage(path: Path, how: str, rng: random.Random) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        if how.startswith("truncate"):
            handle.truncate(int(size * float(how.split()[1])))
        elif how == "header":
            handle.write(b"Not SQLite at all, sorry")
        else:  # "page N": garbage over one page
            handle.seek(int(how.split()[1]) * 4096)
            handle.write(rng.randbytes(4096))


DAMAGE = ["truncate 0.02", "truncate 0.5", "truncate 0.9", "truncate 0.999", "header", "page 1", "page 2", "page 5", "page 20", "page 60", "page 100"]


@pytest.fixture(scope="module")
def damaged_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("damaged") / "data"
    checkpointed_store(data_dir)
    return data_dir


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_database_gives_a_clear_error_and_is_never_made_worse(damaged_template: Path, tmp_path: Path, how: str) -> None:
    """Refused at open (the file untouched, the newest backup named) or, for
    damage in pages the app has not read yet, every later step either works
    or ends in a ``DueDiligenceError``: never another exception."""
    data_dir = tmp_path / "data"
    shutil.copytree(damaged_template, data_dir)
    database = data_dir / DATABASE_NAME
    damage(database, how, random.Random(how))
    before = digest(database)
    try:
        store = services.open_store(data_dir)
    except DatabaseUnusable as refused:
        message = str(refused)
        assert str(database) in message and "restore" in message
        newest = services.newest_backup(data_dir)
        assert newest is not None and str(newest.path) in message
        assert getattr(refused, "newest_backup", None) == newest
        assert digest(database) == before
        return
    assert not how.startswith("truncate") and how != "header", f"{how} was not refused at open"
    try:
        steps = [
            lambda: services.list_assessments(store),
            lambda: [services.open_assessment(store, n) for n in range(1, 31)],
            lambda: services.set_answer(store, 3, "hours", 77),
            lambda: services.verify_audit(store),
        ]
        for step in steps:
            try:
                step()
            except DueDiligenceError as exc:
                assert str(database) in str(exc) or "assessment" in str(exc)
    finally:
        store.close()


def test_the_newest_backup_is_offered_and_restores(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    expected = filled_store(data_dir, 2)
    from duediligence.storage.backup import copy_database, timestamped_name

    backups = data_dir / "backups"
    older = backups / "duediligence-20200101T000000000000Z-before-upgrade-from-0001.sqlite3"
    copy_database(data_dir / DATABASE_NAME, older)
    newest = backups / timestamped_name("before-restore")
    copy_database(data_dir / DATABASE_NAME, newest)
    (backups / "duediligence-20990101T000000000000Z-not-a-database.sqlite3").write_bytes(b"garbage")
    (backups / "my own copy.sqlite3").write_bytes((data_dir / DATABASE_NAME).read_bytes())

    assert [copy.path for copy in services.available_backups(data_dir)] == [newest, older]
    found = services.newest_backup(data_dir)
    assert found is not None and found.path == newest and found.reason == "before-restore" and found.size > 0
    assert services.newest_backup(tmp_path / "nowhere") is None

    damage(data_dir / DATABASE_NAME, "header", random.Random(1))
    with pytest.raises(DatabaseUnusable, match="newest backup"):
        services.open_store(data_dir)
    services.restore_store(found.path, data_dir=data_dir, force=True)
    assert_nothing_lost(data_dir, expected)
