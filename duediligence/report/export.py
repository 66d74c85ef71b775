"""A report from start to finish: build, sign if asked, write once.

The one function the CLI's ``report`` and the store's ``export --pdf`` both
call, so a signed report is made the same way whatever its source. The
identity is checked by the caller (``load_identity``) before any work, and
the file appears only when everything succeeded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from duediligence.questionnaire.answers import AnswersDocument
from duediligence.questionnaire.model import Questionnaire
from duediligence.questionnaire.scoring import Score
from duediligence.report.details import AuditSummary, EvidenceDetail, SignerBlock
from duediligence.report.files import write_atomically
from duediligence.report.identity import SigningIdentity
from duediligence.report.pdf import render_report
from duediligence.report.signing import SignatureOptions, sign_pdf_bytes


def report_bytes(
    questionnaire: Questionnaire,
    answers_doc: AnswersDocument,
    score: Score,
    *,
    as_of: date,
    status: str | None = None,
    identity: SigningIdentity | None = None,
    signature: SignatureOptions = SignatureOptions(),
    role: str = "Assessor",
    audit_summary: AuditSummary | None = None,
    evidence_details: Mapping[str, EvidenceDetail] | None = None,
) -> bytes:
    """The finished report, signed by ``identity`` when given.

    ``status`` defaults to "final" for a signed report and "draft" otherwise.
    The signature block names the certificate's holder when signing, else
    the assessor of the answers document.
    """
    signer_block = SignerBlock(
        name=identity.certificate.common_name if identity else answers_doc.assessor.name,
        role=role,
        organisation=answers_doc.assessor.organisation,
        date=as_of,
    )
    pdf = render_report(
        questionnaire,
        answers_doc,
        score,
        status=status or ("final" if identity else "draft"),
        as_of=as_of,
        audit_summary=audit_summary,
        evidence_details=evidence_details,
        signer_block=signer_block,
    )
    if identity is not None:
        pdf = sign_pdf_bytes(pdf, identity, signature)
    return pdf


def write_report(
    questionnaire: Questionnaire,
    answers_doc: AnswersDocument,
    score: Score,
    out_path: str | os.PathLike[str],
    **options: Any,
) -> None:
    """Write the report to ``out_path`` (see ``report_bytes`` for the
    options); the file appears only when everything succeeded."""
    write_atomically(out_path, report_bytes(questionnaire, answers_doc, score, **options))
