"""Fixtures for the report tests: the example set, an awkward set built
here, signing identities (made once per session: key generation and PBKDF2
are the slow part) and poppler helpers."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from duediligence.questionnaire.answers import AnswersDocument, load_answers
from duediligence.questionnaire.loader import load_questionnaire
from duediligence.questionnaire.model import Questionnaire
from duediligence.questionnaire.scoring import Score, score_answers
from duediligence.report.identity import create_identity, issue_certificate, load_identity
from duediligence.report.pdf import render_report

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SET = REPO / "forms" / "examples" / "all-types.json"
EXAMPLE_ANSWERS = REPO / "forms" / "examples" / "all-types.answers.json"
AS_OF = date(2026, 11, 26)
PASSPHRASE = "correct horse battery"

MARKUP_ANSWER = '<b>bold</b> <font name="Courier" color="red">x</font> <a href="https://evil.example/p?a=1&b=2">click</a> &amp; 5 < 6 <unclosed'
CJK = "人脸识别供应商北京 顔認証システム 얼굴인식"
GREEK_CYRILLIC = "Ελληνικά κείμενο Кириллический текст"
ARABIC = "التعرف على الوجه"
HEBREW = "זיהוי פנים"
EMOJI = "Face ID 😀 👍🏽 👩‍💻 ❤️"
LONG_END = "END-OF-LONG-ANSWER"
ROWS = 5_000
VENDOR = 'Acme <b>Face</b> & Co. "北京" <i>'


def _text_q(qid: str, text: str, **extra: object) -> dict[str, object]:
    return {"id": qid, "type": "text", "text": text, "multiline": True, **extra}


def awkward_set() -> dict[str, object]:
    """Every question type, with hostile and exotic content in mind."""
    return {
        "format": "duediligence/questionnaire@1",
        "id": "awkward",
        "version": "1.0.0",
        "title": "Awkward <b>inputs</b> & friends",
        "scoring": {
            "unanswered": "max_risk",
            "tiers": [
                {"id": "low", "label": "Low", "min_score": 0},
                {"id": "high", "label": "High <risk>", "min_score": 50},
            ],
        },
        "sections": [
            {
                "id": "scripts",
                "title": 'Scripts <font name="Courier">&amp;</font> markup',
                "description": "Descriptions <a href='x'>too</a>.",
                "questions": [
                    {
                        "id": "scrapes",
                        "type": "yes_no",
                        "text": "Does the vendor scrape <images>?",
                        "required": True,
                        "references": ["GDPR Art. 9 <sensitive>"],
                        "risk": {"yes": 10, "no": 0, "unknown": 10},
                        "flags": [{"when": {"equals": "yes"}, "severity": "knockout", "message": "Scrapes <b>faces</b>"}],
                    },
                    _text_q("markup", "Markup answer"),
                    _text_q("long", "A very long answer"),
                    _text_q("cjk", "Chinese, Japanese, Korean"),
                    _text_q("greek", "Greek and Cyrillic"),
                    _text_q("rtl", "Arabic and Hebrew"),
                    _text_q("emoji", "Emoji"),
                    {
                        "id": "choice",
                        "type": "multi_choice",
                        "text": "Functions",
                        "options": [
                            {"value": "a", "label": "Label <b>A</b>", "risk": 2},
                            {"value": "b", "label": "Label 中文", "risk": 5},
                        ],
                    },
                    {"id": "staff", "type": "number", "text": "Staff", "unit": "people <est.>", "integer": True},
                    {"id": "audit", "type": "date", "text": "Last audit"},
                    {
                        "id": "files",
                        "type": "evidence",
                        "text": "Evidence",
                        "risk_if_missing": 5,
                    },
                    {
                        "id": "rows",
                        "type": "list",
                        "text": "Affected parties",
                        "fields": [
                            {"id": "party", "type": "text", "text": "Affected party"},
                            {"id": "records", "type": "number", "text": "Records", "risk_bands": [{"max": 10, "risk": 1}, {"max": None, "risk": 6}]},
                            {"id": "when", "type": "date", "text": "When"},
                        ],
                    },
                ],
            },
            {
                "id": "optional",
                "title": "Empty optional section",
                "questions": [
                    {"id": "opt1", "type": "yes_no", "text": "Optional question one"},
                    _text_q("opt2", "Optional question two"),
                ],
            },
            {
                "id": "hidden",
                "title": "Hidden section",
                "visible_if": {"answer": "scrapes", "equals": "no"},
                "questions": [_text_q("hid1", "Never shown question")],
            },
        ],
    }


def long_text() -> str:
    words = " ".join(f"word{i}" for i in range(11_000))  # ~98k characters
    unbroken = "x" * 5_000  # one "word" wider than any frame
    text = f"{words}\n\n{unbroken}\n{LONG_END}"
    assert 100_000 <= len(text) < 110_000
    return text


def awkward_answers() -> dict[str, object]:
    return {
        "format": "duediligence/answers@1",
        "questionnaire": {"id": "awkward", "version": "1.0.0"},
        "vendor": {"name": VENDOR, "website": "https://acme.example/?q=<script>alert(1)</script>", "contact": "x" * 1500},
        "assessor": {"name": "Zoë <Assessor>", "organisation": "Ünïon & Co"},
        "answers": {
            "scrapes": "yes",
            "markup": MARKUP_ANSWER,
            "long": long_text(),
            "cjk": CJK,
            "greek": GREEK_CYRILLIC,
            "rtl": f"{ARABIC} / {HEBREW}",
            "emoji": EMOJI,
            "choice": ["a", "b"],
            "staff": 1200,
            "audit": "2025-01-31",
            "files": [{"name": "<b>report</b> & co.pdf", "size": 1234567, "sha256": "ab" * 32}],
            "rows": [
                {"party": f"row-{i:05d}", "records": i, "when": "2024-02-29"} for i in range(1, ROWS + 1)
            ]
            + [{"party": "long cell " + "y" * 30 + " " + "z " * 6000}],
        },
        "comments": {"markup": "Comment with <b>tags</b> & entities &lt;", "scrapes": "Confirmed <i>twice</i>"},
    }


@dataclass(frozen=True)
class Case:
    questionnaire: Questionnaire
    answers: AnswersDocument
    score: Score

    def render(self, **kwargs: object) -> bytes:
        return render_report(self.questionnaire, self.answers, self.score, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def _case(set_path: Path, answers_path: Path) -> Case:
    questionnaire = load_questionnaire(set_path)
    answers = load_answers(questionnaire, answers_path)
    return Case(questionnaire, answers, score_answers(questionnaire, answers.answers, AS_OF))


@pytest.fixture(scope="session")
def example() -> Case:
    return _case(EXAMPLE_SET, EXAMPLE_ANSWERS)


@pytest.fixture(scope="session")
def awkward_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("awkward")
    set_path, answers_path = folder / "awkward.json", folder / "awkward.answers.json"
    set_path.write_text(json.dumps(awkward_set(), ensure_ascii=False), encoding="utf-8")
    answers_path.write_text(json.dumps(awkward_answers(), ensure_ascii=False), encoding="utf-8")
    return set_path, answers_path


@pytest.fixture(scope="session")
def awkward(awkward_files: tuple[Path, Path]) -> Case:
    return _case(*awkward_files)


@pytest.fixture(scope="session")
def awkward_pdf(awkward: Case, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("awkward-pdf") / "awkward.pdf"
    path.write_bytes(awkward.render())
    return path


@pytest.fixture(scope="session")
def example_pdf(example: Case, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("example-pdf") / "example.pdf"
    path.write_bytes(example.render())
    return path


# --- identities ---------------------------------------------------------------------


@dataclass(frozen=True)
class Identities:
    folder: Path
    passphrase_file: Path
    self_signed: Path
    self_signed_pem: Path
    ca_pem: Path
    ca_issued: Path
    expired: Path
    no_non_repudiation: Path
    other: Path


#: (identity in ``Identities``, passphrase, words of the error): each refused before any work.
BAD_IDENTITIES = [
    ("self_signed", "wrong passphrase", "passphrase is wrong"),
    ("expired", PASSPHRASE, "expired"),
    ("no_non_repudiation", PASSPHRASE, "non-repudiation"),
    ("missing", PASSPHRASE, "does not exist"),
]


def bad_identity_path(identities: Identities, which: str) -> Path:
    return identities.folder / "missing.p12" if which == "missing" else getattr(identities, which)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_p12(path: Path, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate, cas: list[x509.Certificate] | None = None) -> None:
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"test", key, cert, cas, serialization.BestAvailableEncryption(PASSPHRASE.encode())
        )
    )


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool = False,
    non_repudiation: bool = True,
) -> x509.Certificate:
    not_before = datetime.now(timezone.utc) - timedelta(days=1)
    return issue_certificate(
        _name(subject), key, issuer, issuer_key, not_before=not_before, valid_days=365, ca=ca, non_repudiation=non_repudiation
    )


@pytest.fixture(scope="session")
def identities(tmp_path_factory: pytest.TempPathFactory) -> Identities:
    folder = tmp_path_factory.mktemp("identities")
    passphrase_file = folder / "passphrase.txt"
    passphrase_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    self_signed = folder / "me.p12"
    create_identity(self_signed, name="Jane Buyer 张伟", email="jane@example.org", organisation="City Procurement", passphrase=PASSPHRASE)
    self_signed_pem = folder / "me.pem"
    self_signed_pem.write_bytes(load_pem(self_signed))
    other = folder / "other.p12"
    create_identity(other, name="Second Signer", passphrase=PASSPHRASE)
    expired = folder / "expired.p12"
    create_identity(expired, name="Old Key", passphrase=PASSPHRASE, now=datetime.now(timezone.utc) - timedelta(days=30), valid_days=10)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _issue("Test Root CA", ca_key, _name("Test Root CA"), ca_key, ca=True)
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca_issued = folder / "org.p12"
    _write_p12(ca_issued, leaf_key, _issue("Org Signer", leaf_key, ca_cert.subject, ca_key), [ca_cert])
    bad_key = ec.generate_private_key(ec.SECP256R1())
    no_non_repudiation = folder / "no-nr.p12"
    _write_p12(no_non_repudiation, bad_key, _issue("No NR", bad_key, ca_cert.subject, ca_key, non_repudiation=False), [ca_cert])
    return Identities(folder, passphrase_file, self_signed, self_signed_pem, ca_pem, ca_issued, expired, no_non_repudiation, other)


def load_pem(p12: Path) -> bytes:
    from duediligence.report.identity import certificate_pem

    return certificate_pem(p12, PASSPHRASE)


@pytest.fixture(scope="session")
def signed_example(example: Case, identities: Identities, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from duediligence.report.signing import SignatureOptions, sign_pdf_bytes

    path = tmp_path_factory.mktemp("signed") / "signed.pdf"
    identity = load_identity(identities.self_signed, PASSPHRASE)
    path.write_bytes(sign_pdf_bytes(example.render(status="final"), identity, SignatureOptions(location="Berlin")))
    return path


# --- poppler ---------------------------------------------------------------------------


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def pdftotext(pdf: Path, *options: str) -> str:
    command = [poppler("pdftotext"), "-enc", "UTF-8", *options, str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines where the PDF does."""
    return "".join(text.split())


@dataclass(frozen=True)
class FontRow:
    name: str
    type: str
    embedded: bool


def pdffonts(pdf: Path) -> list[FontRow]:
    out = subprocess.run([poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type...] encoding emb sub uni id gen: emb is 5th from the end
        rows.append(FontRow(parts[0], " ".join(parts[1:-6]), parts[-5] == "yes"))
    return rows
