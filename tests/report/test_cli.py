"""``identity create``, ``report`` and ``verify`` as a user runs them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from duediligence.cli import main

from .conftest import AS_OF, BAD_IDENTITIES, EXAMPLE_ANSWERS, EXAMPLE_SET, Identities, bad_identity_path, pdftotext, squash

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def report_args(out: Path, *extra: str) -> list[str]:
    return ["report", str(EXAMPLE_SET), str(EXAMPLE_ANSWERS), "-o", str(out), "--as-of", AS_OF.isoformat(), *extra]


def test_identity_create(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("long enough pass\n")
    p12, pem = tmp_path / "me.p12", tmp_path / "me.pem"
    code, out, _ = run(
        ["identity", "create", "--name", "Jane", "--email", "j@example.org", "--org", "City", "--out", str(p12), "--passphrase-file", str(secret), "--cert-out", str(pem)],
        capsys,
    )
    assert code == 0
    assert "SHA-256" in out and "CN=Jane" in out
    assert stat.S_IMODE(os.stat(p12).st_mode) == 0o600
    assert pem.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_identity_create_without_a_terminal_asks_for_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["identity", "create", "--name", "Jane", "--out", str(tmp_path / "me.p12")], capsys)
    assert code == 1
    assert "--passphrase-file" in err
    assert not (tmp_path / "me.p12").exists()


def test_passphrase_is_not_an_argument() -> None:
    from duediligence.cli import build_parser

    help_text = build_parser()._subparsers._group_actions[0].choices["identity"].format_help()  # type: ignore[union-attr]
    assert "--passphrase " not in help_text
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "a", "b", "-o", "c", "--passphrase", "secret"])


def test_report_signed_and_verified(identities: Identities, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "signed.pdf"
    code, stdout, _ = run(
        report_args(out, "--sign", str(identities.self_signed), "--passphrase-file", str(identities.passphrase_file), "--reason", "Approved <b>now</b>", "--location", "Köln"),
        capsys,
    )
    assert code == 0, stdout
    assert "signed by Jane Buyer" in stdout
    assert squash("Reason: Approved <b>now</b>") in squash(pdftotext(out, "-raw"))
    assert "Final" in pdftotext(out)

    code, stdout, _ = run(["verify", str(out)], capsys)
    assert code == 0
    assert "intact, covers the whole document" in stdout and "self-signed" in stdout

    code, stdout, _ = run(["verify", str(out), "--trust", str(identities.self_signed_pem), "--json"], capsys)
    assert code == 0
    verdict = json.loads(stdout)
    assert verdict["ok"] and verdict["signatures"][0]["trusted"] and verdict["answers"]["status"] == "matches"

    code, stdout, _ = run(["verify", str(out), "--trust", str(identities.ca_pem)], capsys)
    assert code == 1 and "NOT OK" in stdout


def test_unsigned_report_is_a_draft_and_does_not_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "draft.pdf"
    code, _, _ = run(report_args(out), capsys)
    assert code == 0 and "Draft" in pdftotext(out)
    code, stdout, _ = run(["verify", str(out)], capsys)
    assert code == 1 and "Not signed" in stdout


@pytest.mark.parametrize(("which", "passphrase", "message"), BAD_IDENTITIES)
def test_bad_identity_leaves_no_pdf(
    identities: Identities, tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str, passphrase: str, message: str
) -> None:
    key = bad_identity_path(identities, which)
    secret = tmp_path / "secret.txt"
    secret.write_text(passphrase)
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    code, _, err = run(report_args(out, "--sign", str(key), "--passphrase-file", str(secret)), capsys)
    assert code == 1
    assert message in err
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("content", [b"", b"not a pdf", b"%PDF-1.7\ntruncated"])
def test_verify_odd_files_exits_1_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    path = tmp_path / "odd.pdf"
    path.write_bytes(content)
    code, out, err = run(["verify", str(path)], capsys)
    assert code == 1 and "Traceback" not in out + err and err.startswith("duediligence: ")
    code, out, err = run(["verify", str(path), "--json"], capsys)
    assert code == 1 and json.loads(out)["ok"] is False


def test_verify_entry_point_prints_no_traceback_or_log_noise(signed_example: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(signed_example.read_bytes() + b"\n% appended after signing\n")
    result = subprocess.run(
        [sys.executable, "-m", "duediligence", "verify", str(tampered)], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 1
    assert "changed after signing" in result.stdout
    assert result.stderr == ""


def test_report_into_a_missing_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(report_args(tmp_path / "no" / "such" / "dir.pdf"), capsys)
    assert code == 1 and "Cannot write" in err
