"""``validate``, ``score`` and ``schema``: the question set format from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from duediligence.errors import InvalidDocument
from duediligence.questionnaire.answers import load_answers
from duediligence.questionnaire.loader import load_questionnaire, meta_schema
from duediligence.questionnaire.model import Questionnaire, parse_iso_date
from duediligence.questionnaire.scoring import Score, score_answers


def register(subparsers: argparse._SubParsersAction) -> None:
    validate = subparsers.add_parser("validate", help="check question set files")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler=run_validate)

    score = subparsers.add_parser("score", help="score an answers document against a question set")
    score.add_argument("questionnaire", metavar="QUESTIONNAIRE")
    score.add_argument("answers", metavar="ANSWERS")
    score.add_argument("--json", action="store_true", help="print the result as JSON")
    score.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="the day to score on (default: today)")
    score.set_defaults(handler=run_score)

    schema = subparsers.add_parser("schema", help="print the question set meta-schema (JSON Schema 2020-12)")
    schema.set_defaults(handler=run_schema)


def iso_date(text: str) -> date:
    try:
        return parse_iso_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def describe(questionnaire: Questionnaire) -> str:
    return (
        f"{questionnaire.id} {questionnaire.version}: {len(questionnaire.sections)} sections, "
        f"{questionnaire.question_count} questions"
    )


def run_validate(args: argparse.Namespace) -> int:
    failed = False
    for path in args.files:
        try:
            questionnaire = load_questionnaire(path)
        except InvalidDocument as exc:
            failed = True
            for problem in exc.problems:
                print(problem)
        else:
            print(f"{path}: ok: {describe(questionnaire)}")
    return 1 if failed else 0


def run_score(args: argparse.Namespace) -> int:
    questionnaire = load_questionnaire(args.questionnaire)
    document = load_answers(questionnaire, args.answers)
    result = score_answers(questionnaire, document.answers, args.as_of or date.today())
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(score_summary(questionnaire, result, document.vendor.name))
    return 0


def score_summary(questionnaire: Questionnaire, result: Score, vendor: str) -> str:
    lines = [
        f"{vendor} - {questionnaire.title} {questionnaire.version}",
        f"Overall risk: {result.overall:.1f}/100 ({result.tier.label})",
    ]
    if result.knockout:
        lines.append("Verdict: DO NOT PROCEED (knock-out)")
    lines.append(
        f"Completeness: {result.completeness.answered}/{result.completeness.required} required questions answered"
    )
    lines.append("Sections:")
    for section in questionnaire.sections:
        value = result.sections[section.id]
        shown = "not scored" if value is None else f"{value:.1f}"
        lines.append(f"  {section.title}: {shown}")
    if result.flags:
        lines.append("Flags:")
        for flag in result.flags:
            lines.append(f"  [{flag.severity}] {flag.question}: {flag.message}")
    return "\n".join(lines)


def run_schema(args: argparse.Namespace) -> int:
    json.dump(meta_schema(), sys.stdout, indent=2)
    print()
    return 0
