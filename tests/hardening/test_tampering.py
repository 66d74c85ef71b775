"""Tampering and secrets: a signed report that was changed in any way is
caught by ``duediligence verify`` and by poppler's ``pdfsig``; a report
forged with another key is never reported as "intact by the expected
signer"; reports carry no active content; identities and passphrases stay
private; an audit trail edited behind the app's back is caught at its
first bad event.

(``tests/report`` flips ~170 single bytes against the Python API; here
the same kinds of damage go through the command line and ``pdfsig``, on a
report made by the store's ``finalise_and_sign``.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import shutil
import sqlite3
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.embed import EmbeddedFileObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from duediligence import services
from duediligence.errors import SigningIdentityError
from duediligence.report.identity import load_identity
from duediligence.report.signing import SignatureOptions, sign_pdf_bytes
from tests.conftest import EXAMPLE_ANSWERS, EXAMPLE_SET
from tests.hardening.conftest import (
    PASSPHRASE,
    SignedCase,
    Signers,
    answers_json,
    cli_in_process,
    cli_subprocess,
)

pytestmark = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler-utils' pdfsig")


# --- helpers ----------------------------------------------------------------------------


def pdfsig_accepts(path: Path) -> bool:
    """pdfsig's verdict "valid and covering the whole file" (it exits 0 for
    a digest mismatch too, so the words decide)."""
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    out = result.stdout
    return result.returncode == 0 and "Signature is Valid." in out and "- Total document signed" in out


def verify_cli(path: Path, capsys: pytest.CaptureFixture[str], *extra: object) -> tuple[int, str]:
    code, out, err = cli_in_process(["verify", path, *extra], capsys)
    assert "Traceback" not in out + err
    return code, out + err


def signature_gap(data: bytes) -> tuple[int, int]:
    """The byte range no signature covers: the /Contents hex string."""
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert match is not None
    first, length, second, _ = (int(g) for g in match.groups())
    assert first == 0
    return length, second


def forged_answers(data: bytes, document: dict[str, object]) -> bytes:
    """An incremental update that swaps the attached answers.json for another
    document, description (with its sha256) and all."""
    content = json.dumps(document).encode()
    writer = IncrementalPdfFileWriter(BytesIO(data))
    pairs = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = pairs[1].get_object()
    stream = EmbeddedFileObject.from_file_data(writer, content, mime_type="application/json")
    spec["/EF"][generic.NameObject("/F")] = writer.add_object(stream)
    spec[generic.NameObject("/Desc")] = generic.TextStringObject(
        "duediligence/answers@1; sha256=" + hashlib.sha256(content).hexdigest()
    )
    writer.update_container(spec)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the untouched report, as a baseline ----------------------------------------------


def test_the_untouched_report_passes_both_verifiers(signed_case: SignedCase, signers: Signers, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify_cli(signed_case.pdf, capsys, "--trust", signers.jane.pem)
    assert code == 0, out
    assert "intact, covers the whole document" in out and "trusted" in out and "matches the signed content" in out
    assert pdfsig_accepts(signed_case.pdf)


def test_the_store_keeps_the_signed_report_it_recorded(signed_case: SignedCase) -> None:
    with services.open_store(signed_case.data_dir) as store:
        from duediligence.services.reports import signed_report_file

        kept = signed_report_file(store, signed_case.assessment_id)
        [signature] = services.open_assessment(store, signed_case.assessment_id).signatures
    assert kept.read_bytes() == signed_case.pdf.read_bytes()
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == signature.report_sha256


# --- damage: flips, truncation, appended bytes ------------------------------------------


def test_flipped_bytes_are_caught_by_verify_and_pdfsig(signed_case: SignedCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = signed_case.pdf.read_bytes()
    gap_start, gap_end = signature_gap(data)
    rng = random.Random(6)
    # Random spots, plus the header, the signature container, its zero
    # padding, the answers attachment and the last bytes (xref, trailer).
    attachment = data.index(b"/EmbeddedFile")
    offsets = sorted(
        {rng.randrange(len(data)) for _ in range(14)}
        | {9, gap_start + 3, gap_end - 3, attachment + 40, len(data) - 10, len(data) - 30}
    )
    tampered = tmp_path / "flipped.pdf"
    for offset in offsets:
        damaged = bytearray(data)
        damaged[offset] ^= 0x01 if damaged[offset] not in b"01" else 0x03  # "0" -> "3": still hex
        tampered.write_bytes(damaged)
        code, out = verify_cli(tampered, capsys)
        assert code == 1, f"a flip at {offset} verified:\n{out}"
        assert "Result:       OK" not in out
        if not gap_start <= offset < gap_end:
            # The /Contents string is the one region no signature covers;
            # pdfsig does not look at its padding, verify does (above).
            assert not pdfsig_accepts(tampered), f"pdfsig accepted a flip at {offset}"


def test_truncated_reports_are_caught(signed_case: SignedCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = signed_case.pdf.read_bytes()
    tampered = tmp_path / "truncated.pdf"
    for length in (100, len(data) // 2, len(data) - 1000, len(data) - 2):
        tampered.write_bytes(data[:length])
        code, out = verify_cli(tampered, capsys)
        assert code == 1, f"truncated to {length} bytes verified:\n{out}"
        assert not pdfsig_accepts(tampered)


@pytest.mark.parametrize("extra", [b"\n% a comment\n", b"%%EOF\n" * 3, b"\x00" * 4096])
def test_appended_bytes_are_caught(signed_case: SignedCase, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: bytes) -> None:
    tampered = tmp_path / "appended.pdf"
    tampered.write_bytes(signed_case.pdf.read_bytes() + extra)
    code, out = verify_cli(tampered, capsys)
    assert code == 1 and ("changed after signing" in out or "cannot be read as a PDF" in out), out
    assert not pdfsig_accepts(tampered)


# --- a better score: swap the embedded answers --------------------------------------------


def test_swapped_answers_attachment_is_caught(signed_case: SignedCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    better = answers_json(scrapes_web="no", dpa_signed="yes", notify_hours=1)
    tampered = tmp_path / "swapped.pdf"
    tampered.write_bytes(forged_answers(signed_case.pdf.read_bytes(), better))
    code, out = verify_cli(tampered, capsys, "--json")
    assert code == 1
    verdict = json.loads(out[out.index("{"):])
    assert verdict["answers"]["status"] == "differs"
    assert not verdict["signatures"][0]["covers_whole_document"]
    assert not pdfsig_accepts(tampered)


def test_swapped_answers_countersigned_by_another_key_is_caught(
    signed_case: SignedCase, signers: Signers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Swap the answers, then cover the change with a second signature."""
    swapped = forged_answers(signed_case.pdf.read_bytes(), answers_json(scrapes_web="no"))
    impostor = load_identity(signers.impostor.p12, PASSPHRASE)
    tampered = tmp_path / "countersigned.pdf"
    tampered.write_bytes(sign_pdf_bytes(swapped, impostor, SignatureOptions(field_name="Countersignature")))
    code, out = verify_cli(tampered, capsys)
    assert code == 1, out
    assert "Signature 2 of 2" in out
    code, out = verify_cli(tampered, capsys, "--trust", signers.jane.pem)
    assert code == 1


# --- a forged report: the same name, another key ------------------------------------------


def test_a_report_signed_by_another_key_is_not_the_expected_signers(
    signed_case: SignedCase, signers: Signers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The impostor builds a report with better answers and signs it with a
    certificate that also says "Jane Buyer". Cryptographically it is a
    valid signature; verify must say whose, and refuse it when told whom to trust."""
    better = tmp_path / "better.answers.json"
    better.write_text(json.dumps(answers_json(scrapes_web="no")), encoding="utf-8")
    forged = tmp_path / "forged.pdf"
    code, out, err = cli_in_process(
        ["report", EXAMPLE_SET, better, "-o", forged, "--sign", signers.impostor.p12, "--passphrase-file", signers.impostor.passphrase_file],
        capsys,
    )
    assert code == 0, err

    genuine = json.loads(verify_cli(signed_case.pdf, capsys, "--json")[1])["signatures"][0]
    code, out = verify_cli(forged, capsys, "--json")
    claimed = json.loads(out)["signatures"][0]
    # Honest: intact, same name, but another certificate, and not trusted.
    assert claimed["signer_common_name"] == genuine["signer_common_name"] == "Jane Buyer"
    assert claimed["certificate_sha256"] != genuine["certificate_sha256"]
    assert claimed["intact"] and not claimed["trusted"] and "self-signed" in claimed["trust"]
    # Told whom to trust, verify refuses it; the genuine report passes.
    code, out = verify_cli(forged, capsys, "--trust", signers.jane.pem)
    assert code == 1 and "not trusted" in out and "Result:       NOT OK" in out
    assert verify_cli(signed_case.pdf, capsys, "--trust", signers.jane.pem)[0] == 0
    # pdfsig, which trusts nobody here either, shows the certificate's own words only.
    listing = subprocess.run(["pdfsig", str(forged)], capture_output=True, text=True).stdout
    assert "Certificate issuer is unknown" in listing


# --- active content -------------------------------------------------------------------------

ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/URI", "/OpenAction", "/AA", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/RichMedia", "/Movie", "/Sound"}


def pdf_dictionary_keys(data: bytes) -> set[str]:
    """Every key of every dictionary in every object of the file (all revisions)."""
    reader = PdfFileReader(BytesIO(data), strict=False)
    keys: set[str] = set()
    seen: set[int] = set()

    def walk(value: object, depth: int = 0) -> None:
        if depth > 64:
            return
        if isinstance(value, generic.IndirectObject):
            if value.idnum in seen:
                return
            seen.add(value.idnum)
            value = value.get_object()
        if isinstance(value, generic.DictionaryObject):
            for key in value:
                keys.add(str(key))
                walk(value.raw_get(key), depth + 1)
        elif isinstance(value, generic.ArrayObject):
            for item in value:
                walk(item, depth + 1)

    walk(reader.trailer_view)
    xrefs = reader.xrefs
    for revision in range(xrefs.total_revisions):  # objects no longer reachable too
        for ref in xrefs.explicit_refs_in_revision(revision):
            walk(generic.IndirectObject(ref.idnum, ref.generation, reader))
    return keys


def test_reports_with_hostile_urls_carry_no_active_content(signers: Signers, tmp_path: Path) -> None:
    """URLs typed by a vendor print as text; the file has no JavaScript, no
    actions and no links in any object."""
    from duediligence.services.reports import finalise_and_sign

    typed = ["javascript:alert(document.domain)", "https://evil.example/launch?x=<script>", "file:///etc/passwd"]
    document = answers_json(product_description="See " + " and ".join(typed))
    document["vendor"] = {"name": "Evil <a href='javascript:x'>Co</a>", "website": typed[1], "contact": typed[2]}
    answers = tmp_path / "hostile.answers.json"
    answers.write_text(json.dumps(document), encoding="utf-8")
    with services.open_store(tmp_path / "data") as store:
        assessment_id = services.import_answers_file(store, answers, EXAMPLE_SET).assessment_id
        pdf = finalise_and_sign(
            store, assessment_id, tmp_path / "hostile.pdf", identity_path=signers.jane.p12, passphrase=PASSPHRASE, allow_incomplete=True
        ).path
    data = pdf.read_bytes()
    keys = pdf_dictionary_keys(data)
    assert "/Type" in keys and "/EmbeddedFiles" in keys  # the walk saw the whole file
    assert not keys & ACTIVE_KEYS, keys & ACTIVE_KEYS
    for raw in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/URI", b"/OpenAction"):
        assert raw not in data
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "javascript:alert(document.domain)" in text.replace("\n", " ")


# --- identities and passphrases ---------------------------------------------------------------


def test_a_created_identity_is_private_whatever_the_umask(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    previous = os.umask(0)
    try:
        code, _, err = cli_in_process(
            ["identity", "create", "--name", "Jane", "--out", tmp_path / "jane.p12", "--passphrase-file", secret], capsys
        )
    finally:
        os.umask(previous)
    assert code == 0, err
    assert (tmp_path / "jane.p12").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("short", ["", "1234567", "ab\tcd"])
def test_a_short_passphrase_is_refused_and_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str], short: str) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(short + "\n")
    code, out, err = cli_in_process(
        ["identity", "create", "--name", "Jane", "--out", tmp_path / "jane.p12", "--passphrase-file", secret], capsys
    )
    assert code == 1 and "at least 8 characters" in err
    assert not (tmp_path / "jane.p12").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["identity", "create", "--name", "J", "--out", "x.p12", "--passphrase", PASSPHRASE],
        ["report", "a.json", "b.json", "-o", "x.pdf", "--sign", "x.p12", "--passphrase", PASSPHRASE],
        ["export", "1", "--pdf", "x.pdf", "--sign", "x.p12", "--passphrase", PASSPHRASE],
        ["export", "1", "--pdf", "x.pdf", "--sign", "x.p12", "--pass", PASSPHRASE],
    ],
    ids=["identity", "report", "export", "export-abbreviated"],
)
def test_no_command_takes_a_passphrase_on_the_command_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A passphrase in argv is visible to every user in the process list.
    (``export`` used to read ``--passphrase X`` as ``--passphrase-file X``.)"""
    code, out, err = cli_in_process(argv, capsys)
    assert code == 2 and "unrecognized arguments" in err


def all_bytes_under(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file() and not path.is_symlink()}


def test_the_passphrase_is_never_stored_logged_or_echoed(signers: Signers, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Finalise and sign through the services with logging at DEBUG into the
    data dir (as the app logs), a failed attempt with a wrong passphrase,
    and an export through the CLI; then no written byte holds the passphrase."""
    from duediligence.services.reports import finalise_and_sign

    data_dir = tmp_path / "data"
    handler = logging.FileHandler(tmp_path / "data-log.txt", encoding="utf-8")
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    wrong = "Wrong-" + PASSPHRASE
    try:
        with services.open_store(data_dir) as store:
            assessment_id = services.import_answers_file(store, EXAMPLE_ANSWERS, EXAMPLE_SET).assessment_id
            with pytest.raises(SigningIdentityError) as refused:
                finalise_and_sign(store, assessment_id, tmp_path / "r.pdf", identity_path=signers.jane.p12, passphrase=wrong, allow_incomplete=True)
            assert wrong not in str(refused.value) and PASSPHRASE not in str(refused.value)
            finalise_and_sign(store, assessment_id, tmp_path / "r.pdf", identity_path=signers.jane.p12, passphrase=PASSPHRASE, allow_incomplete=True)
        code, out, err = cli_in_process(
            ["--data-dir", data_dir, "export", str(assessment_id), "--pdf", tmp_path / "again.pdf", "--sign", signers.jane.p12,
             "--passphrase-file", signers.jane.passphrase_file],
            capsys,
        )
        assert code == 0, err
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    assert (tmp_path / "data-log.txt").stat().st_size > 0  # something was logged
    written = all_bytes_under(data_dir) | all_bytes_under(tmp_path)
    written.pop(signers.jane.passphrase_file, None)
    needles = {PASSPHRASE.encode(), PASSPHRASE.encode("utf-16-le"), wrong.encode()}
    leaks = [str(path) for path, content in written.items() if any(n in content for n in needles)]
    assert leaks == []
    assert PASSPHRASE not in out + err
    # The database holds the signature record, never the secret.
    connection = sqlite3.connect(data_dir / "duediligence.sqlite3")
    dump = "\n".join(connection.iterdump())
    connection.close()
    assert "signed" in dump and PASSPHRASE not in dump


def test_the_verify_command_prints_no_traceback_as_its_own_process(signed_case: SignedCase, tmp_path: Path) -> None:
    tampered = tmp_path / "t.pdf"
    tampered.write_bytes(signed_case.pdf.read_bytes()[:-5000])
    result = cli_subprocess(["verify", tampered])
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout


# --- the audit chain, through `duediligence audit verify` -----------------------------------


def audit_chain_store(root: Path) -> Path:
    """One assessment with a chain of 6 events (import counts as several)."""
    data_dir = root / "data"
    with services.open_store(data_dir) as store:
        from tests.storage.sets import source_of, standard_set
        from duediligence.questionnaire import Vendor

        assessment_id = services.create_assessment(store, source_of(standard_set()), Vendor("Acme"), who="alice")
        services.set_answer(store, assessment_id, "consent", "yes", who="alice")
        services.set_answer(store, assessment_id, "hours", 12, who="alice")
        services.set_answer(store, assessment_id, "consent", "no", who="bob")
        services.set_answer(store, assessment_id, "retention", "low", who="bob")
        services.finalise(store, assessment_id, who="carol")
    return data_dir


def sql_without_guards(data_dir: Path, *statements: str) -> None:
    connection = sqlite3.connect(data_dir / "duediligence.sqlite3", isolation_level=None)
    for trigger in ("audit_events_no_update", "audit_events_no_delete"):
        connection.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in statements:
        connection.execute(statement)
    connection.close()


TAMPERING = {
    # what was done: (statements, the first event named)
    "edit the hash of event 3": (["UPDATE audit_events SET hash = '{}' WHERE seq = 3".format("0" * 64)], 3),
    "edit prev_hash of event 4": (["UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE seq = 2) WHERE seq = 4"], 4),
    "edit the final status event": (["UPDATE audit_events SET new_value = '\"draft\"' WHERE seq = 6"], 6),
    "delete the first event": (["DELETE FROM audit_events WHERE seq = 1"], 2),
    "swap the content of events 2 and 4": (
        [
            "UPDATE audit_events SET seq = 99 WHERE seq = 2",
            "UPDATE audit_events SET seq = 2 WHERE seq = 4",
            "UPDATE audit_events SET seq = 4 WHERE seq = 99",
        ],
        2,
    ),
    "insert a forged event": (
        [
            "UPDATE audit_events SET seq = seq + 10 WHERE seq >= 3",
            "UPDATE audit_events SET seq = seq - 9 WHERE seq >= 13",
            "INSERT INTO audit_events (assessment_id, seq, who, at, action, question_id, old_value, new_value, prev_hash, hash) "
            "SELECT assessment_id, 3, 'mallory', at, 'answer_set', 'breach', NULL, '\"no\"', hash, hash FROM audit_events WHERE seq = 2",
        ],
        3,
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING), ids=lambda c: c.replace(" ", "-"))
def test_audit_verify_names_the_first_bad_event(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    data_dir = audit_chain_store(tmp_path)
    code, out, _ = cli_in_process(["--data-dir", data_dir, "audit", "verify"], capsys)
    assert code == 0 and "6 events" in out
    statements, first = TAMPERING[case]
    sql_without_guards(data_dir, *statements)
    code, out, err = cli_in_process(["--data-dir", data_dir, "audit", "verify", "1"], capsys)
    assert code == 1, out + err
    broken = [line for line in out.splitlines() if line.startswith("BROKEN")]
    assert broken and broken[0].startswith(f"BROKEN assessment 1: event {first}"), out
