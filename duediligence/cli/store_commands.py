"""The store from the shell: question set library, import/export, listing,
answers, finalising, the audit trail, backups.

Every command opens the store (creating or upgrading it), calls one
service and closes it. Output meant for scripts goes to stdout (an id, a
table, JSON); notes and warnings go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from duediligence.cli.lazy import lazy_module
from duediligence.storage.statuses import STATUSES

if TYPE_CHECKING:
    from duediligence.storage.records import AssessmentSummary
    from duediligence.storage.store import Store

# SQLAlchemy and the store load only when a store command runs, so that
# `validate`, `score` and `--help` start fast.
services = lazy_module("duediligence.services")


def register(subparsers: argparse._SubParsersAction) -> None:
    library = subparsers.add_parser("questionnaires", help="the question set library")
    library_commands = library.add_subparsers(dest="questionnaires_command", metavar="COMMAND", required=True)
    add = library_commands.add_parser("add", help="add a question set file to the library")
    add.add_argument("file", metavar="FILE", type=Path)
    add.set_defaults(handler=run_questionnaires_add)
    listing = library_commands.add_parser("list", help="list the question sets (built-in ones included)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_questionnaires_list)

    importing = subparsers.add_parser("import", help="create an assessment from an answers document")
    importing.add_argument("answers", metavar="ANSWERS.json", type=Path)
    importing.add_argument(
        "--questionnaire", metavar="FILE", type=Path,
        help="the question set the document names, if it is not in the library yet (it is added)",
    )
    importing.add_argument(
        "--into", metavar="ID", type=int,
        help="set the document's answers on existing assessment ID instead of creating one",
    )
    importing.set_defaults(handler=run_import)

    listing = subparsers.add_parser("list", help="list assessments with their status and score")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--status", choices=STATUSES, help="only assessments with this status")
    listing.add_argument("--search", metavar="TEXT", help="vendor, assessor, organisation or question set contains TEXT")
    listing.set_defaults(handler=run_list)

    # allow_abbrev=False: "--passphrase SECRET" must be an error, not --passphrase-file SECRET.
    export = subparsers.add_parser("export", help="write an assessment out", allow_abbrev=False)
    export.add_argument("id", metavar="ID", type=int)
    for fmt in EXPORT_FORMATS:
        export.add_argument(f"--{fmt.name}", metavar="OUT", type=Path, help=fmt.help)
    export.add_argument("--sign", metavar="IDENTITY.p12", help="with --pdf: sign the report with this identity")
    export.add_argument("--passphrase-file", metavar="FILE", help="the identity's passphrase (default: ask)")
    export.add_argument("--reason", help="with --sign: reason shown in the signature")
    export.add_argument("--location", default="", help="with --sign: location shown in the signature")
    export.set_defaults(handler=run_export)

    finalize = subparsers.add_parser(
        "finalize", aliases=["finalise"], help="make an assessment final (no change after this)"
    )
    finalize.add_argument("id", metavar="ID", type=int)
    finalize.add_argument("--allow-incomplete", action="store_true", help="finalise even with required questions unanswered")
    finalize.set_defaults(handler=run_finalize)

    answer = subparsers.add_parser("answer", help="set one answer (VALUE is JSON; null clears it)")
    answer.add_argument("id", metavar="ID", type=int)
    answer.add_argument("question", metavar="QUESTION")
    answer.add_argument("value", metavar="VALUE", help='JSON, e.g. \'"no"\', 12, \'["a", "b"]\'; plain words are taken as a string')
    answer.set_defaults(handler=run_answer)

    audit = subparsers.add_parser("audit", help="the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    verify = audit_commands.add_parser("verify", help="recompute the hash chain and report the first broken event")
    verify.add_argument("id", metavar="ID", type=int, nargs="?", help="one assessment (default: all)")
    verify.set_defaults(handler=run_audit_verify)

    backup = subparsers.add_parser("backup", help="write a backup archive of the whole store")
    backup.add_argument("out", metavar="OUT", type=Path)
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser("restore", help="replace the store with a backup")
    restore.add_argument("file", metavar="FILE", type=Path, help="a backup archive, or a database copy from backups/")
    restore.add_argument("--force", action="store_true", help="replace an existing store (a copy of it is kept)")
    restore.set_defaults(handler=run_restore)


def open_store(args: argparse.Namespace) -> Store:
    return services.open_store(args.data_dir)


def print_json(value: object) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    print()


def note(message: str) -> None:
    print(f"duediligence: {message}", file=sys.stderr)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> str:
    """Columns as wide as their widest cell; columns in ``right`` right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = []
    for row in (header, *rows):
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# --- question sets ------------------------------------------------------------------


def run_questionnaires_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        result = services.add_questionnaire_file(store, args.file)
    r = result.record
    state = "added" if result.added else "already in the library"
    print(f"{r.questionnaire_id} {r.version} ({r.title}): {state}")
    return 0


def run_questionnaires_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        records = services.list_questionnaires(store)
    if args.json:
        print_json([r.to_json() for r in records])
    else:
        print(table(("ID", "VERSION", "SOURCE", "TITLE"), [(r.questionnaire_id, r.version, r.source, r.title) for r in records]))
    return 0


# --- assessments ---------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        if args.into is not None:
            if args.questionnaire is not None:
                note("--questionnaire is ignored with --into: the assessment keeps its own question set")
            result = services.apply_answers_file(store, args.into, args.answers)
        else:
            result = services.import_answers_file(store, args.answers, args.questionnaire)
    for sha256 in result.evidence_missing:
        note(f"evidence file {sha256} was not found beside {args.answers}; it is listed but its bytes are missing")
    print(result.assessment_id)
    return 0


def score_cells(summary: AssessmentSummary) -> tuple[str, str, str]:
    score = summary.score
    if score is None:
        return "-", "-", "-"
    tier = "KNOCK-OUT" if score.knockout else score.tier_label
    return f"{score.overall:.1f}", tier, f"{score.answered}/{score.required}"


def run_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        summaries = services.list_assessments(store, status=args.status, search=args.search)
    if args.json:
        print_json([s.to_json() for s in summaries])
        return 0
    if not summaries:
        print("no assessments" + (" match" if args.status or args.search else " yet; `duediligence import ANSWERS.json` adds one"))
        return 0
    rows = []
    for s in summaries:
        status = s.status if s.superseded_by is None else f"{s.status} (-> {s.superseded_by})"
        rows.append((
            str(s.id), status, str(s.revision), *score_cells(s), s.vendor_name,
            f"{s.questionnaire_id} {s.questionnaire_version}", s.updated_at.strftime("%Y-%m-%d %H:%M"),
        ))
    header = ("ID", "STATUS", "REV", "SCORE", "TIER", "REQUIRED", "VENDOR", "QUESTION SET", "UPDATED (UTC)")
    print(table(header, rows, right=frozenset({0, 2, 3})))
    return 0


@dataclass(frozen=True)
class ExportFormat:
    """One ``export --NAME OUT`` option; ``write`` returns the line to print."""

    name: str
    help: str
    write: Callable[[Store, int, Path, argparse.Namespace], str]


def export_json(store: Store, assessment_id: int, out: Path, args: argparse.Namespace) -> str:
    result = services.write_json_export(store, assessment_id, out)
    for sha256 in result.evidence_missing:
        note(f"evidence file {sha256} is not in this store; the document lists it without its bytes")
    extra = f" and {result.evidence_written} evidence file(s) to {out.parent / 'evidence'}" if result.evidence_written else ""
    return f"wrote {out}{extra}"


def export_pdf(store: Store, assessment_id: int, out: Path, args: argparse.Namespace) -> str:
    from duediligence.cli.report_commands import ask_passphrase
    from duediligence.services.reports import export_report_pdf

    passphrase = ask_passphrase(args.passphrase_file, f"Passphrase for {args.sign}: ") if args.sign else None
    export_report_pdf(
        store, assessment_id, out, identity_path=args.sign, passphrase=passphrase,
        reason=args.reason, location=args.location,
    )
    return f"wrote {out}" + (f", signed with {args.sign}" if args.sign else "")


#: The formats ``export`` can write.
EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("json", "write the answers document (re-importable) to OUT", export_json),
    ExportFormat("pdf", "write the PDF report to OUT (signed with --sign)", export_pdf),
)


def run_export(args: argparse.Namespace) -> int:
    chosen = [(fmt, getattr(args, fmt.name)) for fmt in EXPORT_FORMATS if getattr(args, fmt.name) is not None]
    if not chosen:
        options = " or ".join(f"--{fmt.name} OUT" for fmt in EXPORT_FORMATS)
        print(f"duediligence export: say what to write: {options}", file=sys.stderr)
        return 2
    if args.sign and args.pdf is None:
        print("duediligence export: --sign applies to --pdf only", file=sys.stderr)
        return 2
    with open_store(args) as store:
        for fmt, out in chosen:
            print(fmt.write(store, args.id, out, args))
    return 0


def run_finalize(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        summary = services.finalise(store, args.id, allow_incomplete=args.allow_incomplete)
    score, tier, _ = score_cells(summary)
    print(f"assessment {summary.id} is final (score {score}, {tier}); changing it now needs a new revision")
    return 0


def parse_value(text: str) -> object:
    """JSON if it parses, else the text itself (so `answer 3 q1 no` works)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def run_answer(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        change = services.set_answer(store, args.id, args.question, parse_value(args.value))
    if not change.changed:
        print(f"{args.question}: unchanged")
    elif change.new is None:
        print(f"{args.question}: cleared")
    else:
        print(f"{args.question} = {json.dumps(change.new, ensure_ascii=False)}")
    if change.score is not None:
        tier = "KNOCK-OUT" if change.score.knockout else change.score.tier_label
        print(f"score {change.score.overall:.1f} ({tier})")
    return 0


def run_audit_verify(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        report = services.verify_audit(store, args.id)
    for broken in report.breaks:
        print(f"BROKEN {broken}")
    if report.ok:
        print(f"audit trail ok: {report.events} events in {report.assessments} assessment(s)")
        return 0
    print(f"audit trail broken in {len(report.breaks)} of {report.assessments} assessment(s)")
    return 1


# --- backups ---------------------------------------------------------------------------


def run_backup(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        summary = services.backup_store(store, args.out)
    for sha256 in summary.missing_evidence:
        note(f"evidence file {sha256} is named by an assessment but not in the store; not in the backup")
    print(f"wrote {summary.path} (database and {summary.evidence_count} evidence file(s))")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    outcome = services.restore_store(args.file, data_dir=args.data_dir, force=args.force)
    print(f"restored {outcome.restored_from}")
    if outcome.replaced_copy is not None:
        print(f"the store it replaced was kept as {outcome.replaced_copy}")
    return 0
