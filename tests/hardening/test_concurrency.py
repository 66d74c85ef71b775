"""A second writer on the same data dir: two command-line processes
writing at once lose nothing and corrupt nothing; two open stores never
overwrite each other's changes with a stale view; and the single-writer
lock (``storage/instance.py``) lets exactly one window write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duediligence import services
from duediligence.paths import DATABASE_NAME
from duediligence.questionnaire import Vendor
from duediligence.storage.instance import LOCK_NAME, acquire_writer_lock, lock_holder
from tests.hardening.conftest import cli_subprocess
from tests.storage.sets import number, question_set, source_of

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = [f"q{i}" for i in range(10)]
SET = question_set(*(number(q, max=10**6) for q in QUESTIONS), set_id="concurrency")

#: One command-line process: N ``duediligence answer`` commands in a row,
#: each opening and closing the store as the real command does. It prints
#: "ack QUESTION VALUE" after each command that exited 0.
WRITER = """
import contextlib, io, sys
from duediligence.cli import main
data_dir, assessment, first, count, *questions = sys.argv[1:]
for n in range(int(count)):
    question, value = questions[n % len(questions)], int(first) + n
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["--data-dir", data_dir, "answer", assessment, question, str(value)])
    print(f"ack {question} {value}" if code == 0 else f"failed {code} {err.getvalue().strip()}", flush=True)
"""


def new_assessment(data_dir: Path) -> int:
    with services.open_store(data_dir) as store:
        return services.create_assessment(store, source_of(SET), Vendor("Both"))


def check_everything_acknowledged_is_there(data_dir: Path, assessment_id: int, outputs: list[str]) -> int:
    """Every acknowledged change is one event of the audit trail, in some
    order of the two writers; the stored answers are the last of them."""
    acked: list[tuple[str, int]] = []
    for output in outputs:
        for line in output.splitlines():
            kind, *rest = line.split(" ", 2)
            if kind == "ack":
                acked.append((rest[0], int(rest[1])))
            else:  # allowed only as the documented clear error, never a traceback
                assert kind == "failed" and rest[0] == "1" and "is locked by another program" in rest[1], line
    with services.open_store(data_dir) as store:
        view = services.open_assessment(store, assessment_id)
        trail = services.audit_trail(store, assessment_id)
        changes = [(event.question_id, event.new) for event in trail[1:]]
        assert sorted(changes) == sorted(acked)  # one event per acknowledged change, none lost or doubled
        last = dict(changes)  # per question, the newest event
        assert view.answers == last
        assert services.verify_audit(store).ok
        listed = {s.id: s for s in services.list_assessments(store)}[assessment_id]
        assert listed.score is not None and listed.score.overall == pytest.approx(view.score.overall)
    connection = sqlite3.connect(data_dir / DATABASE_NAME)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    return len(acked)


def test_two_command_line_writers_at_once_lose_nothing(data_dir: Path) -> None:
    assessment_id = new_assessment(data_dir)
    count = 60
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), str(assessment_id), str(first), str(count), *questions],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env,
        )
        # Both write q4 as well, so the same row is fought over.
        for first, questions in ((1000, QUESTIONS[:5]), (500_000, QUESTIONS[4:]))
    ]
    outputs = []
    for writer in writers:
        out, err = writer.communicate(timeout=180)
        assert writer.returncode == 0 and "Traceback" not in err, err
        outputs.append(out)
    assert check_everything_acknowledged_is_there(data_dir, assessment_id, outputs) >= count  # most went through


def test_two_real_cli_processes_started_together(data_dir: Path) -> None:
    assessment_id = new_assessment(data_dir)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "duediligence", "--data-dir", str(data_dir), "answer", str(assessment_id), question, str(value)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env,
        )
        for question, value in (("q1", 11), ("q2", 22), ("q1", 12), ("q3", 33))
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]  # type: ignore[union-attr]
    assert all(code == 0 and "Traceback" not in err for code, _, err in results), results
    with services.open_store(data_dir) as store:
        answers = services.open_assessment(store, assessment_id).answers
        assert answers["q2"] == 22 and answers["q3"] == 33 and answers["q1"] in (11, 12)
        assert len(services.audit_trail(store, assessment_id)) == 5 and services.verify_audit(store).ok


def test_a_writer_that_holds_the_lock_too_long_gets_a_clear_error(data_dir: Path) -> None:
    assessment_id = new_assessment(data_dir)
    blocker = sqlite3.connect(data_dir / DATABASE_NAME, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", "import sys\nfrom duediligence import services\n"
             "s = services.open_store(sys.argv[1], busy_timeout_ms=300)\nservices.set_answer(s, int(sys.argv[2]), 'q1', 5)",
             str(data_dir), str(assessment_id)],
            capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60,
        )
        assert time.monotonic() - started < 30
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "DatabaseLocked" in result.stderr and "is locked by another program" in result.stderr
    with services.open_store(data_dir) as store:
        assert services.open_assessment(store, assessment_id).answers == {}


def test_two_open_stores_never_write_from_a_stale_view(data_dir: Path) -> None:
    """Two windows (or a window and a script) on one data dir: each change
    starts from what is stored, never from what one of them cached."""
    assessment_id = new_assessment(data_dir)
    first, second = services.open_store(data_dir), services.open_store(data_dir)
    try:
        services.set_answer(first, assessment_id, "q1", 1)
        services.set_answer(second, assessment_id, "q2", 2)
        change = services.set_answer(first, assessment_id, "q3", 300)  # first's cache is stale now
        services.set_answer(second, assessment_id, "q1", 100)
        fresh = services.open_assessment(first, assessment_id)
        assert fresh.answers == {"q1": 100, "q2": 2, "q3": 300}
        assert change.score is not None
        listed = services.list_assessments(second)[0].score
        assert listed is not None and listed.overall == pytest.approx(fresh.score.overall)
        assert services.verify_audit(first).ok
    finally:
        first.close()
        second.close()


# --- the single-writer lock ----------------------------------------------------------------------

HOLD = """
import sys, time
from duediligence.storage.instance import acquire_writer_lock
lock = acquire_writer_lock(sys.argv[1])
print("held" if lock else "refused", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_in_another_process(data_dir: Path, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir), str(seconds)], stdout=subprocess.PIPE, text=True,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_the_first_instance_writes_a_second_gets_none(data_dir: Path) -> None:
    holder = hold_in_another_process(data_dir, 60)
    try:
        assert acquire_writer_lock(data_dir) is None
        info = lock_holder(data_dir)
        assert info is not None and info.pid == holder.pid and info.host
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_no_stale_lock(data_dir: Path) -> None:
    holder = hold_in_another_process(data_dir, 60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    lock = acquire_writer_lock(data_dir)
    assert lock is not None and lock.held
    lock.release()


def test_the_lock_is_exclusive_within_a_process_and_released_on_release(data_dir: Path) -> None:
    with acquire_writer_lock(data_dir) as lock:  # type: ignore[union-attr]
        assert lock.path == data_dir / LOCK_NAME
        assert acquire_writer_lock(data_dir) is None
        assert lock_holder(data_dir).pid == os.getpid()  # type: ignore[union-attr]
    assert not lock.held
    again = acquire_writer_lock(data_dir)
    assert again is not None
    again.release()
    again.release()  # twice is harmless


def test_the_command_line_works_beside_a_window_holding_the_lock(data_dir: Path) -> None:
    """The lock is the windows' agreement; scripts still write, one transaction at a time."""
    assessment_id = new_assessment(data_dir)
    with acquire_writer_lock(data_dir):
        result = cli_subprocess(["--data-dir", data_dir, "answer", assessment_id, "q1", "7"])
    assert result.returncode == 0, result.stderr
