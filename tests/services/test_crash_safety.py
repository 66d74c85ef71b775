"""Nothing acknowledged is lost: a writer killed with SIGKILL at random
moments, 50 times, never loses a change it reported as saved, and the
file stays consistent (see ``crash_worker.py`` for the writer)."""

from __future__ import annotations

import os
import random
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

REPO = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("crash_worker.py")
KILLS = 50

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer is forked")


class ForkServer:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO,
        )

    def ask(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def start_writer(self, data_dir: Path, first: int, log: Path) -> int:
        return int(self.ask(f"run {data_dir} {first} {log}").split()[1])

    def kill(self, pid: int) -> int:
        os.kill(pid, signal.SIGKILL)
        return int(self.ask(f"reap {pid}").split()[1])

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def fork_server() -> Iterator[ForkServer]:
    server = ForkServer()
    yield server
    server.close()


def wait_until_ready(log: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and log.read_bytes().startswith(b"ready"):
            return
        time.sleep(0.005)
    pytest.fail(f"the writer did not start: {log.read_text() if log.exists() else 'no log'}")


def acknowledged(log: bytes) -> tuple[dict[str, int], int]:
    """The last acknowledged value per question, and how many changes were
    acknowledged (a torn last line is not one)."""
    found: dict[str, int] = {}
    count = 0
    for line in log.split(b"\n")[:-1]:
        kind, *rest = line.decode().split()
        if kind == "ack":
            found[rest[0]] = int(rest[1])
            count += 1
    return found, count


def stored_values(database: Path) -> dict[str, int]:
    connection = sqlite3.connect(database)
    try:
        return {q: int(v) for q, v in connection.execute("SELECT question_id, value FROM answers")}
    finally:
        connection.close()


@pytest.mark.slow
def test_acknowledged_changes_survive_sigkill(tmp_path: Path, fork_server: ForkServer) -> None:
    data_dir = tmp_path / "data"
    database = data_dir / DATABASE_NAME
    rng = random.Random(20261126)
    latest: dict[str, int] = {}
    acks = 0
    for run in range(KILLS):
        log = tmp_path / f"run-{run}.log"
        # Values grow from run to run, so "at least the acknowledged value"
        # holds whatever a killed writer committed without saying so.
        pid = fork_server.start_writer(data_dir, (run + 1) * 1_000_000, log)
        wait_until_ready(log)
        time.sleep(rng.uniform(0.05, 0.4))
        status = fork_server.kill(pid)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, log.read_text()
        found, count = acknowledged(log.read_bytes())
        acks += count
        latest.update(found)

        stored = stored_values(database)
        lost = {q: (n, stored.get(q)) for q, n in latest.items() if stored.get(q, -1) < n}
        assert not lost, f"run {run}: acknowledged changes lost (question: (acknowledged, stored)): {lost}"

    assert acks > KILLS * 10, "the kills should land in the middle of real work"
    connection = sqlite3.connect(database)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()
    with services.open_store(data_dir) as store:
        assert services.verify_audit(store).ok
        [summary] = services.list_assessments(store)
        fresh = services.open_assessment(store, summary.id).score
        assert summary.score is not None and summary.score.overall == pytest.approx(fresh.overall)
