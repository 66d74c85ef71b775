"""Signing a finished report: a PAdES signature (pyHanko) added as an
incremental update, so the bytes ReportLab wrote stay exactly as they were
and the signature covers all of them.

The report carries an empty signature field on its signature box; the
signature fills it. A PDF without that field gets a new one on its last
page. Nothing is written until the signature is complete.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter

from duediligence.errors import SigningError
from duediligence.report.attachments import SIGNATURE_FIELD
from duediligence.report.files import write_atomically
from duediligence.report.identity import SigningIdentity
from duediligence.report.stamp import ReportStampStyle

DEFAULT_REASON = "I approve this due diligence assessment report."
#: Where a new field goes on a PDF that has none (points, last page).
FALLBACK_BOX = (57, 57, 340, 142)


@dataclass(frozen=True)
class SignatureOptions:
    reason: str = DEFAULT_REASON
    location: str = ""
    field_name: str = SIGNATURE_FIELD


def sign_pdf_bytes(pdf: bytes, identity: SigningIdentity, options: SignatureOptions = SignatureOptions()) -> bytes:
    """The PDF with a PAdES signature by ``identity`` appended."""
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        # field name -> already signed?
        existing = {name: value is not None for name, value, _ in fields.enumerate_sig_fields(writer.prev)}
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"Cannot sign: the input is not a readable PDF ({exc}).") from None
    if existing.get(options.field_name):
        raise SigningError(f"The report is already signed (field {options.field_name!r}); sign a new export instead.")
    metadata = signers.PdfSignatureMetadata(
        field_name=options.field_name,
        reason=options.reason or None,
        location=options.location or None,
        name=identity.certificate.common_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )
    style = ReportStampStyle(
        reason=options.reason, location=options.location, certificate_fingerprint=identity.certificate.sha256_fingerprint
    )
    new_field = None
    if options.field_name not in existing:
        new_field = fields.SigFieldSpec(options.field_name, on_page=-1, box=FALLBACK_BOX)
    signer = signers.PdfSigner(metadata, signer=identity.signer, stamp_style=style, new_field_spec=new_field)
    out = BytesIO()
    try:
        signer.sign_pdf(writer, output=out)
    except (PdfError, ValueError) as exc:
        raise SigningError(f"Signing failed: {exc}") from None
    return out.getvalue()


def sign_report_pdf(
    in_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    identity: SigningIdentity,
    options: SignatureOptions = SignatureOptions(),
) -> None:
    """Sign ``in_path`` into ``out_path`` (may be the same file), atomically."""
    try:
        with open(in_path, "rb") as source:
            data = source.read()
    except OSError as exc:
        raise SigningError(f"Cannot read {in_path}: {exc.strerror}.") from None
    write_atomically(out_path, sign_pdf_bytes(data, identity, options))
