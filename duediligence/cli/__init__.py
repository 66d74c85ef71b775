"""The ``duediligence`` command line: one subcommand module per area.

Each module in ``COMMAND_MODULES`` has ``register(subparsers)``, which
adds its subcommands with a ``handler(args) -> int``. Exit codes are a
contract for scripts: 0 success, 1 a problem with the input or the
store (the message says what to do), 2 a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from duediligence import __version__
from duediligence.errors import DueDiligenceError

COMMAND_MODULES = (
    "duediligence.cli.questionnaire_commands",
    "duediligence.cli.store_commands",
    "duediligence.cli.report_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="duediligence",
        description="Due diligence on biometric and facial-recognition vendors. "
        "Run without a command to start the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"duediligence {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the database and evidence live (default: the user data dir, "
        "or $DUEDILIGENCE_DATA_DIR)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # an area not built yet
        module.register(subparsers)
    return parser


def start_gui(args: argparse.Namespace) -> int:
    """Start the desktop app; imported lazily so the CLI never loads Qt."""
    try:
        app = importlib.import_module("duediligence.ui.app")
    except ModuleNotFoundError as exc:
        if exc.name != "duediligence.ui.app":
            raise
        build_parser().print_help()
        return 0
    return int(app.run(data_dir=args.data_dir))


def main(argv: Sequence[str] | None = None) -> int:
    # A question set can carry any text; never let printing it crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return start_gui(args)
    try:
        return int(args.handler(args))
    except DueDiligenceError as exc:
        print(f"duediligence: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("duediligence: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
