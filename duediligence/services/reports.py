"""Reports from the store: export a PDF, and finalise-and-sign.

Finalising and signing is one act for the person doing it, so it is one
act in the store: the signed PDF is built and written to a temporary
file first (a wrong passphrase or a full disk stops here and changes
nothing), then the status change and the signature record commit in one
transaction, and only then is the file renamed into place. A crash at any
point leaves the assessment either untouched or final with its signature
recorded, never half of it.

The signed PDF is also kept in the store (content-addressed, like
evidence: ``evidence/<sha256>`` of the report, the hash its signature row
records) before the commit. So a final assessment always has its signed
report, even when the process died between the commit and the rename:
``signed_report_file`` finds it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from io import BytesIO
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from duediligence.errors import NotFound, WorkflowError
from duediligence.services.assessments import AssessmentView, change_status, open_assessment
from duediligence.services.audit import verify_audit
from duediligence.services.editing import edit, finish_edit
from duediligence.services.transfer import answers_document
from duediligence.storage.files import fsync_dir
from duediligence.storage.models import Signature
from duediligence.storage.records import SignatureRecord
from duediligence.storage.repository import write_target
from duediligence.storage.store import Store


@dataclass(frozen=True)
class SignedReport:
    path: Path
    signature: SignatureRecord


def report_context(store: Store, view: AssessmentView) -> dict[str, object]:
    """The store's part of a report: audit summary and evidence details."""
    from duediligence.report.details import AuditSummary, EvidenceDetail
    from duediligence.services.assessments import audit_trail

    events = audit_trail(store, view.summary.id)
    chain = verify_audit(store, view.summary.id)
    audit = AuditSummary(
        event_count=len(events),
        first_change=events[0].at if events else None,
        last_change=events[-1].at if events else None,
        chain_status="intact" if chain.ok else "; ".join(str(b) for b in chain.breaks),
    )
    evidence = {
        record.sha256: EvidenceDetail(stored=record.available, added_at=record.attached_at)
        for record in view.evidence
    }
    return {"audit_summary": audit, "evidence_details": evidence}


def export_report_pdf(
    store: Store,
    assessment_id: int,
    out_path: str | os.PathLike[str],
    *,
    identity_path: str | os.PathLike[str] | None = None,
    passphrase: str | None = None,
    reason: str | None = None,
    location: str = "",
    as_of: date | None = None,
) -> Path:
    """Write the assessment's report (signed when an identity is given);
    the assessment itself does not change."""
    from duediligence.report.export import write_report
    from duediligence.report.identity import load_identity
    from duediligence.report.signing import SignatureOptions

    identity = load_identity(identity_path, passphrase or "") if identity_path else None
    view = open_assessment(store, assessment_id, as_of)
    options = SignatureOptions(reason=reason, location=location) if reason else SignatureOptions(location=location)
    write_report(
        view.questionnaire, answers_document(store, view), view.score, out_path,
        as_of=view.as_of, status=view.summary.status, identity=identity, signature=options,
        **report_context(store, view),
    )
    return Path(out_path)


def audit_head(store: Store, assessment_id: int) -> str:
    """The hash of the assessment's newest audit event: it changes with every write."""
    with store.read() as session:
        return write_target(session, assessment_id).head.hash


def finalise_and_sign(
    store: Store,
    assessment_id: int,
    out_path: str | os.PathLike[str],
    *,
    identity_path: str | os.PathLike[str],
    passphrase: str,
    reason: str | None = None,
    location: str = "",
    allow_incomplete: bool = False,
    who: str | None = None,
) -> SignedReport:
    """Finalise the assessment and write its signed report, all or nothing."""
    from duediligence.report.export import report_bytes
    from duediligence.report.files import write_atomically
    from duediligence.report.identity import load_identity
    from duediligence.report.signing import SignatureOptions

    identity = load_identity(identity_path, passphrase)  # a wrong passphrase stops here
    # The audit chain's head names the exact content the PDF is built from;
    # read before the view, so any change after it is caught below.
    signed_head = audit_head(store, assessment_id)
    view = open_assessment(store, assessment_id)
    if view.summary.status == "final":
        raise WorkflowError(f"assessment {assessment_id} is already final; export its report instead")
    missing = view.score.completeness.missing
    if missing and not allow_incomplete:
        raise WorkflowError(
            f"assessment {assessment_id} cannot be finalised: {len(missing)} required question(s) unanswered: "
            + ", ".join(missing[:10])
        )
    options = SignatureOptions(reason=reason, location=location) if reason else SignatureOptions(location=location)
    pdf = report_bytes(
        view.questionnaire, answers_document(store, view), view.score,
        as_of=view.as_of, status="final", identity=identity, signature=options,
        **report_context(store, view),
    )
    target = Path(out_path)
    staging = Path(tempfile.mkdtemp(prefix=".duediligence-sign-", dir=target.parent)) / target.name
    try:
        write_atomically(staging, pdf)  # a full disk stops here, before the store changes
        report_sha256 = hashlib.sha256(pdf).hexdigest()
        store.blobs.add_stream(BytesIO(pdf), f"the signed report of assessment {assessment_id}", report_sha256)
        certificate = identity.certificate
        with edit(store, assessment_id, who) as change:
            if change.target.head.hash != signed_head:
                raise WorkflowError(
                    f"assessment {assessment_id} was changed while its report was being signed "
                    "(in another window or by another program); nothing was finalised. Finalise it again."
                )
            change_status(change, "final", ("draft", "in_review"))
            change.columns["finalised_at"] = change.now
            # The row must be final before the signature row goes in (a
            # trigger refuses signatures on drafts): write status, time,
            # score and chain head now, in this same transaction.
            finish_edit(change)
            change.target = replace(change.target, status="final", head=change.head)
            change.columns = {}
            signature = Signature(
                assessment_id=assessment_id, signer_subject=certificate.subject,
                certificate_sha256=certificate.sha256_fingerprint, signed_at=change.now, report_sha256=report_sha256,
            )
            change.session.add(signature)
            change.session.flush()
            change.record(
                "signed",
                new={"signer": certificate.subject, "certificate_sha256": certificate.sha256_fingerprint,
                     "report_sha256": report_sha256},
            )
            record = SignatureRecord(signature.id, certificate.subject, certificate.sha256_fingerprint, change.now, report_sha256)
        os.replace(staging, target)
        fsync_dir(target.parent)
    finally:
        staging.unlink(missing_ok=True)
        staging.parent.rmdir()
    return SignedReport(target, record)


def signed_report_file(store: Store, assessment_id: int) -> Path:
    """Where the store keeps the signed report of a final assessment (the
    one its last signature row names), to open it or save it again."""
    signatures = open_assessment(store, assessment_id).signatures
    if not signatures:
        raise NotFound(f"assessment {assessment_id} has no signed report")
    sha256 = signatures[-1].report_sha256
    if not store.blobs.has(sha256):
        raise NotFound(
            f"the signed report of assessment {assessment_id} (sha256 {sha256}) is not in this store; "
            "it was signed before reports were kept, or restored without its files"
        )
    return store.blobs.path_for(sha256)
