"""Shared pieces of the hardening suite: two signing identities (the
expected signer and an impostor who chose the same name), a signed report
made through the store, and helpers to run the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from duediligence import services
from duediligence.report.identity import certificate_pem, create_identity
from tests.conftest import EXAMPLE_ANSWERS, EXAMPLE_SET, REPO
from tests.storage.fixtures import draft, source, store  # noqa: F401 - fixtures

#: Distinctive, so a grep of every written byte finds it if it leaked anywhere.
PASSPHRASE = "Tr0ub4dor&3-hardening-secret"


@dataclass(frozen=True)
class Signer:
    p12: Path
    pem: Path
    passphrase_file: Path


@dataclass(frozen=True)
class Signers:
    jane: Signer
    #: Another key whose certificate says "Jane Buyer" too: what someone
    #: forging a report would make.
    impostor: Signer


def make_signer(folder: Path, name: str, file_stem: str) -> Signer:
    p12, pem, secret = folder / f"{file_stem}.p12", folder / f"{file_stem}.pem", folder / f"{file_stem}.pass"
    create_identity(p12, name=name, passphrase=PASSPHRASE, email="jane@city.example", organisation="City Procurement")
    pem.write_bytes(certificate_pem(p12, PASSPHRASE))
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return Signer(p12, pem, secret)


@pytest.fixture(scope="session")
def signers(tmp_path_factory: pytest.TempPathFactory) -> Signers:
    folder = tmp_path_factory.mktemp("identities")
    return Signers(make_signer(folder, "Jane Buyer", "jane"), make_signer(folder, "Jane Buyer", "impostor"))


@dataclass(frozen=True)
class SignedCase:
    data_dir: Path
    assessment_id: int
    pdf: Path


@pytest.fixture(scope="session")
def signed_case(tmp_path_factory: pytest.TempPathFactory, signers: Signers) -> SignedCase:
    """The example assessment imported into a store, finalised and signed
    by Jane through ``finalise_and_sign`` (what the window does)."""
    from duediligence.services.reports import finalise_and_sign

    root = tmp_path_factory.mktemp("signed-case")
    data_dir = root / "data"
    with services.open_store(data_dir) as store:
        assessment_id = services.import_answers_file(store, EXAMPLE_ANSWERS, EXAMPLE_SET).assessment_id
        result = finalise_and_sign(
            store, assessment_id, root / "report.pdf", identity_path=signers.jane.p12, passphrase=PASSPHRASE,
            reason="Approved for procurement", location="Springfield", allow_incomplete=True,
        )
    return SignedCase(data_dir, assessment_id, result.path)


def cli_in_process(argv: Sequence[str | os.PathLike[str]], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``duediligence ARGV`` in this process (fast); exit code, stdout, stderr."""
    from duediligence.cli import main

    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def cli_subprocess(
    argv: Sequence[str | os.PathLike[str]], *, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m duediligence ARGV`` as its own process."""
    return subprocess.run(
        [sys.executable, "-m", "duediligence", *map(str, argv)], capture_output=True, text=True, timeout=timeout,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def gui_smoke(data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Start the desktop app offscreen on ``data_dir``; it logs "main window
    shown" and quits by itself (``DUEDILIGENCE_SMOKE_QUIT_AFTER_MS``)."""
    env = {"QT_QPA_PLATFORM": "offscreen", "DUEDILIGENCE_SMOKE_QUIT_AFTER_MS": "300"}
    return cli_subprocess(["--data-dir", data_dir], timeout=timeout, env=env)


def assert_app_starts(data_dir: Path) -> None:
    result = gui_smoke(data_dir)
    log = (data_dir / "duediligence.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, result.stderr[-3000:] + log[-3000:]
    assert "main window shown" in log, log[-3000:]
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


def answers_json(**changes: object) -> dict[str, object]:
    """The example answers document, with some answers changed."""
    document = json.loads(EXAMPLE_ANSWERS.read_text(encoding="utf-8"))
    document["answers"].update(changes)
    return document
