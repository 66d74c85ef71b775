"""The ``duediligence`` command line: one subcommand module per area.

Each module in ``COMMAND_MODULES`` has ``register(subparsers)``, which
adds its subcommands with a ``handler(args) -> int``. Exit codes are a
contract for scripts: 0 success, 1 a problem with the input or the
store (the message says what to do), 2 a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import os
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


def _command_names(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:  # noqa: SLF001 - argparse has no public accessor
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return list(action.choices)
    return []


def start_gui(args: argparse.Namespace, open_path: str | None = None) -> int:
    """Start the desktop app; imported lazily so the CLI never loads Qt."""
    try:
        app = importlib.import_module("duediligence.ui.app")
    except ModuleNotFoundError as exc:
        if exc.name != "duediligence.ui.app":
            raise
        build_parser().print_help()
        return 0
    return int(app.run(data_dir=args.data_dir, open_path=open_path))


def file_to_open(argv: list[str], commands: set[str]) -> str | None:
    """``duediligence FILE.json`` (what a desktop's "Open with" runs):
    the last argument, when it is an existing file and not a command."""
    if not argv or argv[-1].startswith("-") or argv[-1] in commands:
        return None
    candidate = argv[-1]
    if not os.path.isfile(candidate):
        return None
    rest = argv[:-1]
    if any(arg in commands for arg in rest):
        return None
    return candidate


def main(argv: Sequence[str] | None = None) -> int:
    # A question set can carry any text; never let printing it crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    opening = file_to_open(arguments, set(_command_names(parser)))
    if opening is not None:
        return start_gui(parser.parse_args(arguments[:-1]), opening)
    args = parser.parse_args(arguments)
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
