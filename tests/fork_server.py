"""The fork server the crash tests share: a process that has imported
everything once forks a fresh worker per run, so a run starts in
milliseconds instead of a new interpreter's second.

Protocol on stdin, one command a line: ``run ARGS...`` forks a worker
(``child PID`` on stdout), ``reap PID`` waits for it (``reaped STATUS``).
The worker appends what it acknowledges to its log file, never stdout.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

#: A worker: the command's arguments and a function that logs one line.
Worker = Callable[[list[str], Callable[[str], object]], None]


def serve(worker: Worker, log_argument: int) -> None:
    """Answer commands until stdin closes; ``log_argument`` is the index of
    the log file's path among a ``run`` command's arguments."""
    for line in sys.stdin:
        command, *args = line.split()
        if command == "run":
            pid = os.fork()
            if pid == 0:
                log = os.open(args[log_argument], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                try:
                    worker(args, lambda text: os.write(log, (text + "\n").encode()))
                except BaseException:
                    os.write(log, ("error\n" + traceback.format_exc()).encode())
                finally:
                    os._exit(0)
            print(f"child {pid}", flush=True)
        elif command == "reap":
            _, status = os.waitpid(int(args[0]), 0)
            print(f"reaped {status}", flush=True)
