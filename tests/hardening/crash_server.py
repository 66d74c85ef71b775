"""The processes ``test_crash`` kills.

A fork server, like ``tests/services/crash_worker.py``: it imports the
store, the report and Alembic once, then forks one worker per
``run MODE DATA_DIR LOG [ARGS...]`` line on stdin and answers ``child
PID``; ``reap PID`` waits for a killed worker and answers its status. No
database connection exists before a fork: each worker opens the store
itself, like a freshly started app.

A worker writes ``ready ...`` when its work begins and one line per
change once the service that made it has returned (acknowledged), each
with a single ``write`` straight to the log file.

Modes:
- ``answers FIRST``: set number answers for ever (values from FIRST up);
- ``evidence``: attach new files to a new assessment for ever;
- ``finalise PDF P12 PASSFILE``: import the example answers, then
  finalise and sign them into PDF (one act, ``done`` when it returned);
- ``migrate``: open a store at schema 0001 (backup, upgrade, scores).
"""

from __future__ import annotations

import os
from pathlib import Path

from duediligence import services
from duediligence.questionnaire import Vendor
from duediligence.report.identity import read_passphrase_file
from duediligence.services.reports import finalise_and_sign
from duediligence.storage import migrate  # noqa: F401 - imported before the fork: part of opening
from tests.conftest import EXAMPLE_ANSWERS, EXAMPLE_SET
from tests.fork_server import serve
from tests.storage.sets import number, question_set, source_of

QUESTIONS = [f"q{i}" for i in range(10)]
CRASH_SET = question_set(
    *(number(qid, max=10**9) for qid in QUESTIONS),
    {"id": "files", "type": "evidence", "text": "Files?"},
    set_id="hardening-crash",
)

# Alembic and the report libraries load lazily in the app; load them here,
# once, so that each forked worker starts its work at once.
import alembic.command  # noqa: E402, F401
import duediligence.report.export  # noqa: E402, F401
import duediligence.report.verify  # noqa: E402, F401


def answers(data_dir: str, say, first: str) -> None:  # type: ignore[no-untyped-def]
    store = services.open_store(data_dir)
    existing = services.list_assessments(store)
    assessment_id = existing[0].id if existing else services.create_assessment(store, source_of(CRASH_SET), Vendor("Crash"))
    say(f"ready {assessment_id}")
    value = int(first)
    while True:
        question_id = QUESTIONS[value % len(QUESTIONS)]
        services.set_answer(store, assessment_id, question_id, value, who="crash")
        say(f"ack {question_id} {value}")
        value += 1


def evidence(data_dir: str, say) -> None:  # type: ignore[no-untyped-def]
    store = services.open_store(data_dir)
    assessment_id = services.create_assessment(store, source_of(CRASH_SET), Vendor("Evidence"))
    folder = Path(data_dir).parent / f"sources-{os.getpid()}"
    folder.mkdir()
    say(f"ready {assessment_id}")
    for index in range(10**6):
        source = folder / f"file-{index}.bin"
        source.write_bytes(f"evidence {os.getpid()} {index} ".encode() * (1 + index % 4000))
        change = services.attach_evidence(store, assessment_id, "files", source, who="crash")
        say(f"ack {change.new[-1]['sha256']}")  # type: ignore[index]


def finalise(data_dir: str, say, pdf: str, p12: str, passphrase_file: str) -> None:  # type: ignore[no-untyped-def]
    store = services.open_store(data_dir)
    assessment_id = services.import_answers_file(store, EXAMPLE_ANSWERS, EXAMPLE_SET).assessment_id
    passphrase = read_passphrase_file(passphrase_file)
    say(f"ready {assessment_id}")
    finalise_and_sign(store, assessment_id, pdf, identity_path=p12, passphrase=passphrase, allow_incomplete=True, who="crash")
    say("done")


def migrate_store(data_dir: str, say) -> None:  # type: ignore[no-untyped-def]
    say("ready")
    services.open_store(data_dir).close()
    say("done")


MODES = {"answers": answers, "evidence": evidence, "finalise": finalise, "migrate": migrate_store}


def run_mode(args: list[str], say) -> None:
    mode, data_dir, _log_path, *extra = args
    MODES[mode](data_dir, say, *extra)


if __name__ == "__main__":
    serve(run_mode, log_argument=2)
