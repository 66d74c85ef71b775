"""``identity create``, ``report`` and ``verify``: signed PDF reports from the shell.

ReportLab and pyHanko are imported inside the handlers: every ``duediligence``
command builds the full parser, and they cost half a second to import.
Passphrases come from a file or a prompt, never from the command line,
where other users could read them in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date

from duediligence.cli.questionnaire_commands import iso_date
from duediligence.errors import SigningIdentityError, UnreadableReport


def register(subparsers: argparse._SubParsersAction) -> None:
    # allow_abbrev=False: "--passphrase SECRET" must be an error, not a file name.
    identity = subparsers.add_parser("identity", help="signing identities (.p12 files)", allow_abbrev=False)
    actions = identity.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        allow_abbrev=False,
        help="make a self-signed signing identity",
        description="Make a self-signed signing identity: an EC P-256 key and a certificate for "
        "document signing, in a PKCS#12 file readable by you only.",
    )
    create.add_argument("--name", required=True, help="your name, as it appears in signatures")
    create.add_argument("--email", help="your e-mail address (goes into the certificate)")
    create.add_argument("--org", help="your organisation (goes into the certificate)")
    create.add_argument("--out", required=True, metavar="FILE.p12", help="where to write the identity (must not exist)")
    create.add_argument("--passphrase-file", metavar="FILE", help="read the passphrase from FILE (default: ask)")
    create.add_argument("--cert-out", metavar="FILE.pem", help="also write the certificate, for others to --trust")
    create.add_argument("--valid-days", type=int, default=3 * 365, metavar="DAYS", help="validity (default: 3 years)")
    create.set_defaults(handler=run_identity_create)

    report = subparsers.add_parser("report", help="build a PDF report from a question set and answers", allow_abbrev=False)
    report.add_argument("questionnaire", metavar="QUESTIONNAIRE")
    report.add_argument("answers", metavar="ANSWERS")
    report.add_argument("-o", "--out", required=True, metavar="OUT.pdf")
    report.add_argument("--sign", metavar="IDENTITY.p12", help="sign with this .p12/.pfx identity")
    report.add_argument("--passphrase-file", metavar="FILE", help="the identity's passphrase (default: ask)")
    report.add_argument("--reason", help="reason shown in the signature")
    report.add_argument("--location", help="location shown in the signature")
    report.add_argument("--role", default="Assessor", help="the signer's role (default: Assessor)")
    report.add_argument("--status", choices=("draft", "final"), help="default: final when signed, else draft")
    report.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="the assessment date (default: today)")
    report.set_defaults(handler=run_report)

    verify = subparsers.add_parser("verify", help="check the signature of a report", allow_abbrev=False)
    verify.add_argument("report", metavar="REPORT.pdf")
    verify.add_argument("--trust", metavar="CA.pem", help="trust signers whose certificate chains to this certificate")
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.set_defaults(handler=run_verify)


def ask_passphrase(passphrase_file: str | None, prompt: str, *, confirm: bool = False) -> str:
    from duediligence.report.identity import read_passphrase_file

    if passphrase_file:
        return read_passphrase_file(passphrase_file)
    if not sys.stdin.isatty():
        raise SigningIdentityError("No terminal to ask for the passphrase on; give it with --passphrase-file FILE.")
    passphrase = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the passphrase: ") != passphrase:
        raise SigningIdentityError("The two passphrases differ; nothing was written. Try again.")
    return passphrase


def run_identity_create(args: argparse.Namespace) -> int:
    from duediligence.report.files import write_atomically
    from duediligence.report.identity import certificate_pem, check_passphrase, create_identity

    passphrase = ask_passphrase(args.passphrase_file, f"Passphrase for {args.out}: ", confirm=True)
    check_passphrase(passphrase)
    info = create_identity(
        args.out, name=args.name, email=args.email, organisation=args.org, passphrase=passphrase, valid_days=args.valid_days
    )
    print(f"wrote {args.out} (readable by you only)")
    print(f"  subject:     {info.subject}")
    print(f"  SHA-256:     {info.sha256_fingerprint}")
    print(f"  valid until: {info.not_after:%Y-%m-%d}")
    if args.cert_out:
        write_atomically(args.cert_out, certificate_pem(args.out, passphrase))
        print(f"wrote {args.cert_out} (the certificate; give it to those who verify your reports)")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from duediligence.questionnaire.answers import load_answers
    from duediligence.questionnaire.loader import load_questionnaire
    from duediligence.questionnaire.scoring import score_answers
    from duediligence.report.export import write_report
    from duediligence.report.identity import load_identity
    from duediligence.report.signing import DEFAULT_REASON, SignatureOptions
    from duediligence.report.verify import quiet_validator_logs

    quiet_validator_logs()
    questionnaire = load_questionnaire(args.questionnaire)
    document = load_answers(questionnaire, args.answers)
    identity = None
    if args.sign:  # checked before any work: a wrong passphrase fails at once
        identity = load_identity(args.sign, ask_passphrase(args.passphrase_file, f"Passphrase for {args.sign}: "))
    elif args.passphrase_file or args.reason or args.location:
        print("duediligence: --passphrase-file, --reason and --location only apply with --sign", file=sys.stderr)
        return 2
    as_of = args.as_of or date.today()
    score = score_answers(questionnaire, document.answers, as_of)
    write_report(
        questionnaire,
        document,
        score,
        args.out,
        as_of=as_of,
        status=args.status,
        identity=identity,
        signature=SignatureOptions(reason=args.reason or DEFAULT_REASON, location=args.location or ""),
        role=args.role,
    )
    signed = f", signed by {identity.certificate.common_name}" if identity else ""
    print(f"wrote {args.out}{signed}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from duediligence.report.verify import load_trust_roots, quiet_validator_logs, verify_report

    quiet_validator_logs()
    roots = load_trust_roots(args.trust) if args.trust else None
    try:
        result = verify_report(args.report, roots)
    except UnreadableReport as exc:
        if not args.json:
            raise
        json.dump({"file": args.report, "ok": False, "signed": False, "error": str(exc)}, sys.stdout, indent=2)
        print()
        return 1
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print("\n".join(result.lines()))
    return 0 if result.ok else 1
