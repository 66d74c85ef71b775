"""Verification: trust, tampering, odd files. A tampered file must never be
called intact, and no input may end in a traceback."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from duediligence.errors import InvalidTrustAnchor, UnreadableReport
from duediligence.report.identity import load_identity
from duediligence.report.signing import SignatureOptions, sign_pdf_bytes
from duediligence.report.verify import ReportVerification, load_trust_roots, verify_report

from .conftest import PASSPHRASE, Case, Identities, poppler


def test_signed_report_verifies_with_signer_time_and_answers(signed_example: Path, identities: Identities) -> None:
    result = verify_report(signed_example)
    assert result.ok
    (check,) = result.signatures
    identity = load_identity(identities.self_signed, PASSPHRASE)
    assert check.intact and check.valid and check.covers_whole_document
    assert check.signer_common_name == "Jane Buyer 张伟"
    assert "City Procurement" in check.signer_subject
    assert check.certificate_sha256 == identity.certificate.sha256_fingerprint
    assert check.signing_time is not None
    assert not check.trusted and "self-signed" in check.trust
    assert result.answers.matches
    assert result.to_json()["ok"] is True


def test_trust_given_by_the_signers_own_certificate(signed_example: Path, identities: Identities) -> None:
    result = verify_report(signed_example, load_trust_roots(identities.self_signed_pem))
    assert result.ok and result.signatures[0].trusted


def test_trust_given_by_another_root_fails(signed_example: Path, identities: Identities) -> None:
    result = verify_report(signed_example, load_trust_roots(identities.ca_pem))
    assert not result.ok
    assert not result.signatures[0].trusted


def test_organisation_ca_chain_is_trusted(example: Case, identities: Identities, tmp_path: Path) -> None:
    path = tmp_path / "org.pdf"
    path.write_bytes(sign_pdf_bytes(example.render(), load_identity(identities.ca_issued, PASSPHRASE)))
    untrusted = verify_report(path)
    assert untrusted.ok and "Test Root CA" in untrusted.signatures[0].trust
    trusted = verify_report(path, load_trust_roots(identities.ca_pem))
    assert trusted.ok and trusted.signatures[0].trusted


def test_two_signatures_are_both_reported(signed_example: Path, identities: Identities, tmp_path: Path) -> None:
    twice = tmp_path / "twice.pdf"
    other = load_identity(identities.other, PASSPHRASE)
    twice.write_bytes(sign_pdf_bytes(signed_example.read_bytes(), other, SignatureOptions(field_name="Countersignature")))
    result = verify_report(twice)
    assert [s.signer_common_name for s in result.signatures] == ["Jane Buyer 张伟", "Second Signer"]
    first, second = result.signatures
    assert first.intact and not first.covers_whole_document and first.changes_allowed
    assert second.covers_whole_document
    assert result.ok and result.answers.matches
    out = subprocess.run([poppler("pdfsig"), str(twice)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid.") == 2


def test_bytes_appended_after_signing_count_as_modified(signed_example: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "appended.pdf"
    tampered.write_bytes(signed_example.read_bytes() + b"\n% appended after signing\n")
    result = verify_report(tampered)
    assert not result.ok
    assert not result.signatures[0].covers_whole_document


def test_an_incremental_update_after_signing_counts_as_modified(signed_example: Path, tmp_path: Path) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed_example.read_bytes()))
    info = writer.trailer["/Info"]
    info[generic.NameObject("/Title")] = generic.TextStringObject("Due diligence assessment: Someone Else")
    writer.update_container(info)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    extra = generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 200 re f")
    page[generic.NameObject("/Contents")] = generic.ArrayObject([page.raw_get("/Contents"), writer.add_object(extra)])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    tampered = tmp_path / "updated.pdf"
    tampered.write_bytes(out.getvalue())
    result = verify_report(tampered)
    (check,) = result.signatures
    assert not result.ok
    assert check.intact and not check.covers_whole_document and not check.changes_allowed
    assert "MODIFIED" not in "\n".join(result.lines())  # the signed revision itself is intact...
    assert "changed after signing" in "\n".join(result.lines())  # ...but the file is not what was signed


def _gap(data: bytes) -> tuple[int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]", data)
    assert match is not None
    return int(match.group(1)), int(match.group(2))


def _assert_not_intact(path: Path, offset: int) -> None:
    try:
        result = verify_report(path)
    except UnreadableReport:
        return
    assert not result.ok, offset
    assert not any(s.intact for s in result.signatures), offset


def test_no_single_flipped_byte_verifies_as_intact(signed_example: Path, tmp_path: Path) -> None:
    data = signed_example.read_bytes()
    gap_start, gap_end = _gap(data)
    der_letters = [gap_start + 1 + m.start() for m in re.finditer(rb"[a-f]", data[gap_start + 1 : gap_start + 400])]
    offsets = set(range(0, len(data), len(data) // 160))
    offsets |= {0, 5, 15, gap_start, gap_start + 1, gap_start + 2, gap_start + 50, gap_start + 300, gap_end - 2, gap_end - 1}
    offsets |= {(gap_start + gap_end) // 2, gap_end - 100, gap_end, len(data) - 1, len(data) - 7, len(data) - 40}
    path = tmp_path / "flipped.pdf"
    for offset in sorted(offsets):
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        path.write_bytes(flipped)
        _assert_not_intact(path, offset)
    for offset in der_letters[:3]:  # the same hex digit in the other letter case
        flipped = bytearray(data)
        flipped[offset] ^= 0x20
        path.write_bytes(flipped)
        _assert_not_intact(path, offset)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a PDF"),
        (b"hello, not a pdf", "not a PDF"),
        (b"%PDF-1.7\n%garbage only\n", "damaged or truncated"),
    ],
)
def test_unreadable_files_raise_a_sentence(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    with pytest.raises(UnreadableReport, match=message):
        verify_report(path)


def test_truncated_signed_file(signed_example: Path, tmp_path: Path) -> None:
    data = signed_example.read_bytes()
    path = tmp_path / "truncated.pdf"
    for length in (len(data) // 3, len(data) - 200):
        path.write_bytes(data[:length])
        _assert_not_intact(path, length)


def test_unsigned_report_is_not_ok(example_pdf: Path) -> None:
    result = verify_report(example_pdf)
    assert result.signatures == () and not result.ok
    assert "Not signed" in "\n".join(result.lines())


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableReport, match="does not exist"):
        verify_report(tmp_path / "nope.pdf")


def test_bad_trust_file(tmp_path: Path) -> None:
    path = tmp_path / "ca.pem"
    path.write_text("not a certificate")
    with pytest.raises(InvalidTrustAnchor, match="no certificate"):
        load_trust_roots(path)


def test_verdict_lines_name_every_fact(signed_example: Path) -> None:
    text = "\n".join(verify_report(signed_example).lines())
    for label in ("Signer:", "Certificate:  SHA-256", "Signed at:", "Integrity:    intact, covers the whole document", "Trust:", "Answers:", "Result:       OK"):
        assert label in text


def test_empty_verification_is_not_ok() -> None:
    from duediligence.report.verify import AnswersCheck

    assert not ReportVerification("x.pdf", (), AnswersCheck("not signed"), trust_given=False).ok
