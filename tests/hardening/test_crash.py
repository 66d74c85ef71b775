"""SIGKILL at random moments during answer edits, evidence attachment,
finalise-and-sign and a schema migration: 110 kills in all (see
``crash_server.py`` for the processes killed). After every kill:

- every acknowledged change is there;
- ``PRAGMA integrity_check`` says ok and the store opens normally (with
  an intact audit chain);
- an interrupted finalisation is done completely (final, one signature
  row, the signed PDF) or not at all (a draft, no signature row, no file
  at the target; a temporary file may remain).

At the end the desktop app starts on the store that took the most kills.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from duediligence import services
from duediligence.paths import DATABASE_NAME
from tests.hardening.conftest import Signers, assert_app_starts
from tests.services.test_crash_safety import ForkServer, acknowledged, stored_values
from tests.storage.old_store import build_first_revision_store, dump

REPO = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).with_name("crash_server.py")
#: Runs per mode. Workers that edit do so for ever, so every run is a kill;
#: finalising and migrating end, so a few runs finish before the kill: those
#: modes run until MIN_KILLS real kills have landed, on both sides of the
#: commit (at most MAX_RUNS runs), so the total is at least 40 + 25 + 20 + 15
#: = 100 kills whatever the machine's speed during the run.
KILLS = {"answers": 40, "evidence": 25, "finalise": 25, "migrate": 20}
MIN_KILLS = {"finalise": 20, "migrate": 15}
MAX_RUNS = 60

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")]


class Server(ForkServer):
    def __init__(self) -> None:  # the same protocol as tests/services, another script
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO,
        )

    def start(self, mode: str, data_dir: Path, log: Path, *extra: object) -> int:
        return int(self.ask(" ".join(["run", mode, str(data_dir), str(log), *map(str, extra)])).split()[1])

    def run_to_the_end(self, mode: str, data_dir: Path, log: Path, *extra: object, timeout: float = 60) -> float:
        """Let one worker finish (calibration); how long its work took after ``ready``."""
        pid = self.start(mode, data_dir, log, *extra)
        began = wait_for(log, b"ready")
        done = wait_for(log, b"done", timeout)
        assert self.ask(f"reap {pid}").split()[1] == "0"
        return done - began

    def kill_after(self, pid: int, log: Path, delay: float) -> bool:
        """SIGKILL the worker ``delay`` s into its work; False if it had
        already finished (then it must have said so)."""
        wait_for(log, b"ready")
        time.sleep(delay)
        status = self.kill(pid)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and b"done" in log.read_bytes().split():
            return False
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, log.read_text()[-2000:]
        return True


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    started = Server()
    yield started
    started.close()


def wait_for(log: Path, word: bytes, timeout: float = 30.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_bytes() if log.exists() else b""
        if word in content.split():
            return time.monotonic()
        if content.startswith(b"error") or b"\nerror\n" in content:
            pytest.fail(f"the worker failed:\n{content.decode(errors='replace')[-3000:]}")
        time.sleep(0.002)
    pytest.fail(f"no {word!r} from the worker: {log.read_text() if log.exists() else 'no log'}")


def check_store(data_dir: Path) -> None:
    """Integrity, foreign keys, a normal open and an intact audit chain."""
    connection = sqlite3.connect(data_dir / DATABASE_NAME)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
    with services.open_store(data_dir) as store:
        report = services.verify_audit(store)
        assert report.ok, [str(b) for b in report.breaks]


def query(data_dir: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(data_dir / DATABASE_NAME)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- answer edits and evidence ----------------------------------------------------------


def test_answer_edits_survive_sigkill(server: Server, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(61)
    latest: dict[str, int] = {}
    acks = 0
    for run in range(KILLS["answers"]):
        log = tmp_path / f"answers-{run}.log"
        pid = server.start("answers", data_dir, log, (run + 1) * 1_000_000)
        assert server.kill_after(pid, log, rng.uniform(0.0, 0.12))
        found, count = acknowledged(log.read_bytes())
        acks += count
        latest.update(found)
        stored = stored_values(data_dir / DATABASE_NAME)
        lost = {q: (n, stored.get(q)) for q, n in latest.items() if stored.get(q, -1) < n}
        assert not lost, f"kill {run}: acknowledged answers lost (question: (acknowledged, stored)): {lost}"
        check_store(data_dir)
    assert acks > KILLS["answers"] * 5, "the kills should land in the middle of real work"
    assert_app_starts(data_dir)


def test_evidence_attachments_survive_sigkill(server: Server, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(62)
    acked = 0
    for run in range(KILLS["evidence"]):
        log = tmp_path / f"evidence-{run}.log"
        pid = server.start("evidence", data_dir, log)
        assert server.kill_after(pid, log, rng.uniform(0.0, 0.15))
        lines = log.read_bytes().split(b"\n")[:-1]  # a torn last line is no acknowledgement
        assessment_id = int(lines[0].split()[1])
        wanted = [line.split()[1].decode() for line in lines if line.startswith(b"ack ")]
        acked += len(wanted)
        rows = query(data_dir, "SELECT sha256 FROM evidence WHERE assessment_id = ? ORDER BY position", assessment_id)
        stored = [row[0] for row in rows]
        assert stored[: len(wanted)] == wanted, f"kill {run}: acknowledged attachments lost"
        assert len(stored) <= len(wanted) + 1  # at most the one being attached when killed
        for sha in stored:  # a committed row never names a missing or half-written blob
            blob = data_dir / "evidence" / sha[:2] / sha
            assert sha256_file(blob) == sha
        check_store(data_dir)
    assert acked > KILLS["evidence"] * 3


# --- finalise and sign ---------------------------------------------------------------------


def check_finalisation(data_dir: Path, assessment_id: int, pdf: Path, acknowledged_done: bool) -> str:
    """"done" or "not done"; anything in between fails."""
    [(status,)] = query(data_dir, "SELECT status FROM assessments WHERE id = ?", assessment_id)
    signatures = query(data_dir, "SELECT report_sha256 FROM signatures WHERE assessment_id = ?", assessment_id)
    if status == "final":
        assert len(signatures) == 1, "final without exactly one signature row"
        report_sha = str(signatures[0][0])
        kept = data_dir / "evidence" / report_sha[:2] / report_sha
        assert sha256_file(kept) == report_sha, "the signed report is not in the store"
        if pdf.exists():
            assert sha256_file(pdf) == report_sha
        else:
            # Killed between the commit and the rename: the file waits in
            # the staging folder, and the store has it (signed_report_file).
            staged = list(pdf.parent.glob(f".duediligence-sign-*/{pdf.name}"))
            assert any(sha256_file(path) == report_sha for path in staged)
        return "done"
    assert not acknowledged_done, "finalise_and_sign returned but the assessment is not final"
    assert status in ("draft", "in_review") and signatures == []
    assert not pdf.exists(), "a report at the target path for an assessment that is not final"
    return "not done"


def test_finalise_and_sign_is_all_or_nothing_under_sigkill(server: Server, signers: Signers, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    jane = signers.jane
    calibration = tmp_path / "calibration.log"
    duration = server.run_to_the_end("finalise", data_dir, calibration, tmp_path / "calibration.pdf", jane.p12, jane.passphrase_file)
    assert check_finalisation(data_dir, 1, tmp_path / "calibration.pdf", True) == "done"
    rng = random.Random(63)
    outcomes = {"done": 0, "not done": 0}
    kills = 0
    for run in range(MAX_RUNS):
        if run >= KILLS["finalise"] and kills >= MIN_KILLS["finalise"] and all(outcomes.values()):
            break
        log, pdf = tmp_path / f"finalise-{run}.log", tmp_path / f"report-{run}.pdf"
        pid = server.start("finalise", data_dir, log, pdf, jane.p12, jane.passphrase_file)
        kills += server.kill_after(pid, log, rng.uniform(0.0, duration * 1.1))
        lines = log.read_bytes().split(b"\n")
        assessment_id = int(lines[0].split()[1])
        outcomes[check_finalisation(data_dir, assessment_id, pdf, b"done" in lines)] += 1
        check_store(data_dir)
    assert outcomes["done"] and outcomes["not done"], outcomes  # kills landed on both sides
    assert kills >= MIN_KILLS["finalise"], kills


def test_a_kill_between_commit_and_rename_leaves_the_signed_report_in_the_store(
    signers: Signers, tmp_path: Path
) -> None:
    """The narrowest window, hit on purpose: the worker dies as it renames
    the signed PDF into place, after the commit."""
    script = (
        "import os, signal, sys\n"
        "from duediligence import services\n"
        "from duediligence.services import reports\n"
        "from tests.conftest import EXAMPLE_ANSWERS, EXAMPLE_SET\n"
        "real_replace = os.replace\n"
        "def replace(source, target):  # dies renaming the signed PDF into place, after the commit\n"
        "    if str(target) == sys.argv[2]: os.kill(os.getpid(), signal.SIGKILL)\n"
        "    real_replace(source, target)\n"
        "store = services.open_store(sys.argv[1])\n"
        "aid = services.import_answers_file(store, EXAMPLE_ANSWERS, EXAMPLE_SET).assessment_id\n"
        "os.replace = replace\n"
        "reports.finalise_and_sign(store, aid, sys.argv[2], identity_path=sys.argv[3], passphrase=open(sys.argv[4]).readline().strip(), allow_incomplete=True)\n"
    )
    data_dir, pdf = tmp_path / "data", tmp_path / "report.pdf"
    result = subprocess.run(
        [sys.executable, "-c", script, str(data_dir), str(pdf), str(signers.jane.p12), str(signers.jane.passphrase_file)],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert check_finalisation(data_dir, 1, pdf, False) == "done"
    assert not pdf.exists()
    from duediligence.report.verify import verify_report
    from duediligence.services.reports import signed_report_file

    with services.open_store(data_dir) as store:
        kept = signed_report_file(store, 1)
    assert verify_report(kept).ok


# --- the schema migration --------------------------------------------------------------------


def revision(data_dir: Path) -> str:
    return str(query(data_dir, "SELECT version_num FROM alembic_version")[0][0])


def test_a_migration_killed_anywhere_loses_nothing(server: Server, tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    build_first_revision_store(template)
    before = dump(template / DATABASE_NAME)

    def fresh(name: str) -> Path:
        data_dir = tmp_path / name
        shutil.copytree(template, data_dir)
        return data_dir

    duration = server.run_to_the_end("migrate", fresh("calibration"), tmp_path / "calibration.log")
    rng = random.Random(64)
    seen = set()
    kills = 0
    for run in range(MAX_RUNS):
        if run >= KILLS["migrate"] and kills >= MIN_KILLS["migrate"] and len(seen) == 2:
            break
        data_dir, log = fresh(f"data-{run}"), tmp_path / f"migrate-{run}.log"
        pid = server.start("migrate", data_dir, log)
        kills += server.kill_after(pid, log, rng.uniform(0.0, duration * 1.1))
        found = revision(data_dir)
        seen.add(found)
        assert found in ("0001", "0002")
        if b"done" in log.read_bytes():
            assert found == "0002"
        assert dump(data_dir / DATABASE_NAME) == before, f"kill {run}: data changed by an interrupted upgrade"
        check_store(data_dir)  # opens it: the upgrade completes now
        assert revision(data_dir) == "0002" and dump(data_dir / DATABASE_NAME) == before
    assert seen == {"0001", "0002"}, f"kills should land before and after the commit: {seen}"
    assert kills >= MIN_KILLS["migrate"], kills
