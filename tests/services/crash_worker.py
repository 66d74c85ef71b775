"""The writer that ``test_crash_safety`` kills.

A writer process sets answers one by one through the services and logs a
line for each change once it has returned ("acknowledged"), with one
``write`` per line, straight to the log file. The test kills it with
SIGKILL at random moments.

Starting Python and importing SQLAlchemy takes most of a second, so this
script is a small fork server: it imports everything once, then forks one
writer per ``run DATA_DIR FIRST_VALUE LOG`` line read on stdin and
answers ``child PID``; ``reap PID`` waits for a killed writer. No
database connection exists before the fork: each writer opens the store
itself, like a freshly started app.
"""

from __future__ import annotations


from duediligence import services
from duediligence.questionnaire import Vendor
from tests.fork_server import serve
from tests.storage.sets import number, question_set, source_of

QUESTIONS = [f"q{i}" for i in range(10)]
CRASH_SET = question_set(*(number(qid, max=10**9) for qid in QUESTIONS), set_id="crash-test")


def write_answers(args: list[str], say) -> None:
    data_dir, first, _log_path = args
    store = services.open_store(data_dir)
    existing = services.list_assessments(store)
    assessment_id = existing[0].id if existing else services.create_assessment(store, source_of(CRASH_SET), Vendor("Crash"))
    say(f"ready {assessment_id}")
    value = int(first)
    while True:
        question_id = QUESTIONS[value % len(QUESTIONS)]
        services.set_answer(store, assessment_id, question_id, value, who="crash-worker")
        say(f"ack {question_id} {value}")
        value += 1


if __name__ == "__main__":
    serve(write_answers, log_argument=2)
