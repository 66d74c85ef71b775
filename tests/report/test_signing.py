"""Identities and signatures: what is refused, and what pdfsig and pyHanko's
validator say about what is signed."""

from __future__ import annotations

import os
import stat
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from duediligence.errors import SigningError, SigningIdentityError
from duediligence.report.identity import create_identity, load_identity
from duediligence.report.signing import SignatureOptions, sign_pdf_bytes, sign_report_pdf

from .conftest import BAD_IDENTITIES, PASSPHRASE, Case, Identities, bad_identity_path, pdffonts, pdftotext, poppler, squash


def test_created_identity_is_private_ec_p256_with_non_repudiation(identities: Identities) -> None:
    path = identities.self_signed
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), PASSPHRASE.encode())
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    assert cert is not None
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "Jane Buyer 张伟"


def test_short_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SigningIdentityError, match="at least 8"):
        create_identity(tmp_path / "x.p12", name="X", passphrase="short")
    assert not (tmp_path / "x.p12").exists()


def test_existing_identity_is_never_overwritten(identities: Identities) -> None:
    before = identities.self_signed.read_bytes()
    with pytest.raises(SigningIdentityError, match="already exists"):
        create_identity(identities.self_signed, name="Mallory", passphrase=PASSPHRASE)
    assert identities.self_signed.read_bytes() == before


@pytest.mark.parametrize(("which", "passphrase", "message"), BAD_IDENTITIES)
def test_unusable_identities_are_refused_with_a_sentence(identities: Identities, which: str, passphrase: str, message: str) -> None:
    path = bad_identity_path(identities, which)
    with pytest.raises(SigningIdentityError, match=message):
        load_identity(path, passphrase)


def test_not_a_pkcs12_file(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.p12"
    bogus.write_text("hello")
    with pytest.raises(SigningIdentityError, match="PKCS#12"):
        load_identity(bogus, PASSPHRASE)


def test_signed_report_is_intact_and_covers_the_whole_file(signed_example: Path) -> None:
    reader = PdfFileReader(BytesIO(signed_example.read_bytes()))
    (signature,) = reader.embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[]))
    assert status.intact and status.valid
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.field_name == "AssessorSignature"
    assert str(signature.sig_object["/Location"]) == "Berlin"
    assert str(signature.sig_object["/Reason"])
    assert str(signature.sig_object["/SubFilter"]) == "/ETSI.CAdES.detached"


def test_pdfsig_says_the_signature_is_valid(signed_example: Path) -> None:
    out = subprocess.run([poppler("pdfsig"), str(signed_example)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out
    assert "Total document signed" in out
    assert "AssessorSignature" in out


def test_signature_box_shows_signer_time_reason_in_embedded_fonts(signed_example: Path) -> None:
    text = squash(pdftotext(signed_example, "-raw"))  # content order: the stamp's lines stay whole
    assert squash("Digitally signed by Jane Buyer 张伟") in text
    assert "Date:20" in text and "Reason:" in text and "Location:Berlin" in text
    rows = pdffonts(signed_example)
    assert all(row.embedded for row in rows)
    assert any("DroidSansFallback" in row.name for row in rows)  # the stamp's CJK signer name


def test_an_already_signed_report_is_not_signed_again(signed_example: Path, identities: Identities, tmp_path: Path) -> None:
    identity = load_identity(identities.other, PASSPHRASE)
    with pytest.raises(SigningError, match="already signed"):
        sign_report_pdf(signed_example, tmp_path / "again.pdf", identity)
    assert not (tmp_path / "again.pdf").exists()


def test_a_pdf_without_a_signature_field_gets_one(identities: Identities, tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from duediligence.report.fonts import REGULAR, bundled_fonts

    bundled_fonts()
    plain = BytesIO()
    canvas = Canvas(plain, initialFontName=REGULAR)
    canvas.drawString(72, 720, "A plain PDF")
    canvas.save()
    signed = sign_pdf_bytes(plain.getvalue(), load_identity(identities.self_signed, PASSPHRASE))
    (signature,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert validate_pdf_signature(signature, ValidationContext(trust_roots=[])).intact


def test_garbage_input_is_a_signing_error(identities: Identities, tmp_path: Path) -> None:
    source = tmp_path / "in.pdf"
    source.write_bytes(b"not a pdf at all")
    with pytest.raises(SigningError):
        sign_report_pdf(source, tmp_path / "out.pdf", load_identity(identities.self_signed, PASSPHRASE))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.pdf"]


def test_an_identity_from_an_organisation_ca_signs_the_same_way(example: Case, identities: Identities) -> None:
    identity = load_identity(identities.ca_issued, PASSPHRASE)
    signed = sign_pdf_bytes(example.render(), identity, SignatureOptions(reason="Approved"))
    (signature,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[]))
    assert status.intact and status.valid and not status.trusted
