"""Verifying a signed report: is it intact, does the signature cover the
whole file, who signed and when, is the signer trusted, and do the
attached answers match what was signed.

pyHanko's validator does the cryptography and the coverage and change
analysis. Two checks are added on top, for the one part of a signed PDF
that no signature can cover, the ``/Contents`` string holding the
signature itself: it must be plain hex in one letter case, and the zero
padding after the signature must still be zeros. Without them a flipped
byte there would go unnoticed (it changes nothing a reader sees, but a
verifier should not call a file that differs from what was signed intact).

A file from anywhere may be hostile, so nothing here lets an exception
escape as a traceback: an unreadable file raises ``UnreadableReport`` with
a sentence; a signature that cannot be evaluated is reported as failed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from duediligence.errors import InvalidTrustAnchor, UnreadableReport
from duediligence.questionnaire.model import ANSWERS_FORMAT
from duediligence.report.attachments import answers_attachment
from duediligence.report.identity import fingerprint

#: Larger files are refused: a report is a few MB; this bounds what a hostile file costs.
MAX_REPORT_BYTES = 512 * 1024 * 1024
_HEX_STRING = re.compile(rb"<([0-9A-Fa-f]*)>")
_COVERAGE_WORDS = {
    SignatureCoverageLevel.ENTIRE_FILE: "the whole file",
    SignatureCoverageLevel.ENTIRE_REVISION: "its revision only; the file was changed after signing",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "a part of the file only",
    SignatureCoverageLevel.UNCLEAR: "an unclear part of the file",
}
#: Changes after a signature that do not count against it: further
#: signatures and form filling (a co-signer), timestamps.
_ALLOWED_LATER_CHANGES = ModificationLevel.FORM_FILLING

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one signature, in words and booleans."""

    field_name: str
    signer_subject: str = ""
    signer_common_name: str = ""
    certificate_sha256: str = ""
    signing_time: datetime | None = None
    intact: bool = False
    valid: bool = False
    covers_whole_document: bool = False
    coverage: str = ""
    #: pyHanko's judgement of later changes: none, form filling, other...
    modification: str = ""
    changes_allowed: bool = False
    trusted: bool = False
    trust: str = ""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswersCheck:
    #: "matches", "differs", "missing", "not an answers document", "not signed"
    status: str
    sha256: str = ""

    @property
    def matches(self) -> bool:
        return self.status == "matches"


@dataclass(frozen=True)
class ReportVerification:
    path: str
    signatures: tuple[SignatureCheck, ...]
    answers: AnswersCheck
    trust_given: bool
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Signed; every signature intact and valid (and trusted, when trust
        roots were given); the last one covers the whole file; changes after
        earlier ones are only later signatures."""
        if not self.signatures:
            return False
        *earlier, last = self.signatures
        return (
            all(s.intact and s.valid and (s.trusted or not self.trust_given) for s in self.signatures)
            and last.covers_whole_document
            and all(s.changes_allowed for s in earlier)
        )

    def to_json(self) -> dict[str, object]:
        def plain(check: SignatureCheck) -> dict[str, object]:
            data = asdict(check)
            data["signing_time"] = check.signing_time.isoformat() if check.signing_time else None
            data["problems"] = list(check.problems)
            return data

        return {
            "file": self.path,
            "ok": self.ok,
            "signed": bool(self.signatures),
            "signatures": [plain(s) for s in self.signatures],
            "answers": {"status": self.answers.status, "sha256": self.answers.sha256 or None},
            "trust_roots_given": self.trust_given,
            "problems": list(self.problems),
        }

    def lines(self) -> list[str]:
        """The human-readable verdict, one fact per line."""
        out = [f"{self.path}:"]
        if not self.signatures:
            out.append("  Not signed: the file has no signature.")
        for number, check in enumerate(self.signatures, 1):
            out.append(f"  Signature {number} of {len(self.signatures)} (field {check.field_name})")
            out.append(f"    Signer:       {check.signer_subject or '(unknown)'}")
            out.append(f"    Certificate:  SHA-256 {check.certificate_sha256 or '(unknown)'}")
            when = check.signing_time.isoformat(sep=" ", timespec="seconds") if check.signing_time else "(not stated)"
            out.append(f"    Signed at:    {when} (as stated by the signer)")
            if check.intact and check.valid:
                integrity = "intact" + (", covers the whole document" if check.covers_whole_document else f"; covers {check.coverage}")
            else:
                integrity = "MODIFIED or damaged: the signed content does not match the signature"
            out.append(f"    Integrity:    {integrity}")
            if check.intact and not check.covers_whole_document:
                out.append(f"    Changes:      {check.modification} after this signature")
            out.append(f"    Trust:        {check.trust}")
            out.extend(f"    Problem:      {p}" for p in check.problems)
        out.append(f"  Answers:      {_answers_sentence(self.answers)}")
        out.extend(f"  Problem:      {p}" for p in self.problems)
        out.append(f"  Result:       {'OK' if self.ok else 'NOT OK'}")
        return out


def quiet_validator_logs() -> None:
    """Stop pyHanko's log records reaching stderr: it logs every untrusted
    certificate as a warning with a traceback, which the verdict already
    says in a sentence. For applications (CLI, GUI), not called on import."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _answers_sentence(answers: AnswersCheck) -> str:
    return {
        "matches": f"the attached answers.json matches the signed content (sha256 {answers.sha256})",
        "differs": "the attached answers.json DIFFERS from the signed content",
        "missing": "no answers.json is attached",
        "not an answers document": f"the attached answers.json is not a {ANSWERS_FORMAT} document",
        "not signed": "not checked (the file is not signed)",
    }.get(answers.status, answers.status)


# --- trust roots --------------------------------------------------------------------


def load_trust_roots(path: str | os.PathLike[str]) -> list[x509.Certificate]:
    """Certificates (PEM, several allowed, or one DER) to trust as roots."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidTrustAnchor(f"Cannot read the trust file {path}: {exc.strerror}.") from None
    try:
        if pem.detect(data):
            certs = [x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
        else:
            certs = [x509.Certificate.load(data)]
        for cert in certs:
            cert.native  # noqa: B018 - parse now, so a broken file fails here
    except (ValueError, TypeError, OSError):
        certs = []
    if not certs:
        raise InvalidTrustAnchor(f"{path} holds no certificate; give a PEM or DER certificate of the CA (or signer) you trust.")
    return certs


# --- verification ------------------------------------------------------------------


def verify_report(path: str | os.PathLike[str], trust_roots: Sequence[x509.Certificate] | None = None) -> ReportVerification:
    """Check every signature of the PDF at ``path``.

    Without ``trust_roots`` nothing is trusted (not even the system's
    certificate store: a report signer is a person, not a web server).
    """
    data = _read_pdf(Path(path))
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures, damaged = _signatures(reader)
    except Exception as exc:  # noqa: BLE001 - hostile input: any parser failure means "unreadable"
        raise UnreadableReport(f"{path} is damaged or truncated and cannot be read as a PDF ({_short(exc)}).") from None
    context_roots = list(trust_roots or [])
    checks = tuple(_check_signature(sig, data, context_roots) for sig in signatures) + damaged
    answers = _check_answers(data, reader, signatures[-1] if signatures else None)
    return ReportVerification(
        path=str(path), signatures=checks, answers=answers, trust_given=trust_roots is not None
    )


def _signatures(reader: PdfFileReader) -> tuple[list[EmbeddedPdfSignature], tuple[SignatureCheck, ...]]:
    """The signatures in signing order, and a failed check for each one
    whose signature dictionary or container cannot even be parsed."""
    found: list[EmbeddedPdfSignature] = []
    damaged: list[SignatureCheck] = []
    for name, _, field_ref in enumerate_sig_fields(reader, filled_status=True):
        try:
            found.append(EmbeddedPdfSignature(reader, field_ref, name))
        except Exception as exc:  # noqa: BLE001 - hostile input
            damaged.append(
                SignatureCheck(field_name=name, trust="not evaluated", problems=(f"the signature is damaged: {_short(exc)}",))
            )
    found.sort(key=lambda sig: sig.signed_revision)
    return found, tuple(damaged)


def _read_pdf(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise UnreadableReport(f"{path} is {size:,} bytes; that is not a report (limit {MAX_REPORT_BYTES:,}).")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableReport(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise UnreadableReport(f"{path} is a folder, not a PDF file.") from None
    except OSError as exc:
        raise UnreadableReport(f"Cannot read {path}: {exc.strerror}.") from None
    if b"%PDF-" not in data[:1024]:
        raise UnreadableReport(f"{path} is not a PDF file.")
    return data


def _check_signature(sig: EmbeddedPdfSignature, data: bytes, trust_roots: list[x509.Certificate]) -> SignatureCheck:
    name = sig.field_name or "(unnamed)"
    try:
        context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
        status = validate_pdf_signature(sig, signer_validation_context=context)
    except Exception as exc:  # noqa: BLE001 - a damaged signature must report, not crash
        logger.debug("validation of %s failed", name, exc_info=True)
        return SignatureCheck(field_name=name, trust="not evaluated", problems=(f"the signature cannot be evaluated: {_short(exc)}",))
    problems: list[str] = []
    contents_problem = _contents_problem(sig, data)
    if contents_problem:
        problems.append(contents_problem)
    cert = status.signing_cert
    subject = cert.subject.human_friendly
    common_name = cert.subject.native.get("common_name", subject)
    coverage = status.coverage
    level = status.modification_level
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE and not contents_problem
    if status.trusted:
        trust = "trusted: the certificate chains to a given trust root"
    elif cert.self_signed in ("yes", "maybe"):
        trust = "not trusted: self-signed (trust it by giving its certificate with --trust)"
    else:
        trust = f"not trusted: issued by {cert.issuer.human_friendly}, which is not a given trust root"
    if status.revoked:
        trust = "REVOKED"
    return SignatureCheck(
        field_name=name,
        signer_subject=subject,
        signer_common_name=str(common_name),
        certificate_sha256=fingerprint(cert.dump()),
        signing_time=status.signer_reported_dt,
        intact=bool(status.intact) and not contents_problem,
        valid=bool(status.valid),
        covers_whole_document=whole,
        coverage=_COVERAGE_WORDS.get(coverage, "unknown") if coverage is not None else "unknown",
        modification="no change" if level is None or level == ModificationLevel.NONE else level.name.lower().replace("_", " "),
        changes_allowed=level is not None and level <= _ALLOWED_LATER_CHANGES and bool(status.docmdp_ok),
        trusted=bool(status.trusted),
        trust=trust,
        problems=tuple(problems),
    )


def _contents_problem(sig: EmbeddedPdfSignature, data: bytes) -> str | None:
    """Checks of the unsigned gap: one hex string, one letter case, the
    signature followed by zero padding only."""
    try:
        _, gap_start, gap_end, _ = (int(v) for v in sig.byte_range)
        raw = data[gap_start:gap_end]
    except (TypeError, ValueError):
        return "the signature's byte range is malformed"
    match = _HEX_STRING.fullmatch(raw)
    if match is None:
        return "the signature container is not a plain hex string"
    digits = match.group(1)
    if re.search(rb"[a-f]", digits) and re.search(rb"[A-F]", digits):
        return "the signature container was altered (mixed letter case)"
    content = bytes.fromhex(digits.decode("ascii"))
    end = _der_length(content)
    if end is None or any(content[end:]):
        return "the signature container was altered (data after the signature)"
    return None


def _der_length(content: bytes) -> int | None:
    """Length of the DER value at the start of ``content`` (header included)."""
    if len(content) < 2:
        return None
    first = content[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(content) < 2 + count:
        return None
    return 2 + count + int.from_bytes(content[2 : 2 + count], "big")


def _check_answers(data: bytes, reader: PdfFileReader, last: EmbeddedPdfSignature | None) -> AnswersCheck:
    """The attachment as signed vs as it is now, and vs its recorded hash."""
    if last is None:
        return AnswersCheck("not signed")
    try:
        _, _, start, length = (int(v) for v in last.byte_range)
        signed_reader = PdfFileReader(BytesIO(data[: start + length]), strict=False)
        signed = answers_attachment(signed_reader)
        current = answers_attachment(reader)
    except Exception:  # noqa: BLE001 - hostile input
        logger.debug("cannot read the answers attachment", exc_info=True)
        return AnswersCheck("missing")
    if signed is None:
        return AnswersCheck("missing")
    content, recorded = signed
    digest = hashlib.sha256(content).hexdigest()
    if current is None or current[0] != content or (recorded and recorded != digest):
        return AnswersCheck("differs", digest)
    try:
        document = json.loads(content)
    except ValueError:
        return AnswersCheck("not an answers document", digest)
    if not isinstance(document, dict) or document.get("format") != ANSWERS_FORMAT:
        return AnswersCheck("not an answers document", digest)
    return AnswersCheck("matches", digest)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."
