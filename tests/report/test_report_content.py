"""What the report says, checked the way a reader or an auditor's tool sees
it: pdftotext for the words, pdffonts for the fonts, pyHanko for the
attachment and the form field."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from duediligence.report.attachments import SIGNATURE_FIELD, answers_attachment
from duediligence.report.details import AuditSummary, EvidenceDetail, SignerBlock
from duediligence.report.pdf import answers_json_bytes, build_report_pdf

from .conftest import (
    ARABIC,
    CJK,
    EMOJI,
    GREEK_CYRILLIC,
    HEBREW,
    LONG_END,
    MARKUP_ANSWER,
    ROWS,
    VENDOR,
    Case,
    pdffonts,
    pdftotext,
    poppler,
    squash,
)

STANDARD_FONT = re.compile(r"^((Helvetica|Times|Courier)(-\w+)?|Symbol|ZapfDingbats)$")


def page_count(pdf: Path) -> int:
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


# --- the example set ---------------------------------------------------------------


def test_example_report_shows_every_part_of_the_assessment(example: Case, example_pdf: Path) -> None:
    text = squash(pdftotext(example_pdf))
    q, doc, score = example.questionnaire, example.answers, example.score
    expected = [
        doc.vendor.name,
        doc.vendor.website,
        doc.vendor.contact,
        q.title,
        q.id,
        q.sha256,
        doc.assessor.name,
        doc.assessor.organisation,
        "2026-11-26",
        "Draft",
        score.tier.label,
        f"{score.overall:.1f}",
        "Executive summary",
        "Completeness",
        "Appendix: how the score is computed",
        "Confidential",
        "Acme-SOC2-Type-II-2025.pdf",
        "54b2eddd7b6f0f532618fa65d16ca37b5fe060f858a106aa2b0d38a04665982b",
        "1:1 verification; 1:N identification",  # option labels, not values
        "Vendor offered 48 hours in the call",  # a comment
        "EU AI Act Annex III(1)",  # a reference
        "duediligence 0.1.0",
    ]
    expected += [flag.message for flag in score.flags]
    expected += [s.title for s in q.sections]
    expected += [question.text for question in q.questions if score.questions[question.id].visible]
    missing = [item for item in expected if squash(item) not in text]
    assert not missing


def test_hidden_questions_are_left_out_with_a_note(example: Case, example_pdf: Path) -> None:
    hidden = [q for q in example.questionnaire.questions if not example.score.questions[q.id].visible]
    assert hidden, "the example set should hide a question"
    text = squash(pdftotext(example_pdf))
    assert squash("Left out because they do not apply") in text
    for question in hidden:
        assert squash(question.text) not in text


def test_every_page_has_header_and_footer(example_pdf: Path) -> None:
    pages = page_count(example_pdf)
    text = pdftotext(example_pdf)
    for number in range(1, pages + 1):
        assert f"page {number} of {pages}" in text
    assert text.count("Confidential") >= pages


def test_pdf_metadata(example_pdf: Path) -> None:
    info = pdf_info(example_pdf)
    assert info["Title"] == "Due diligence assessment: Acme Face Inc."
    assert info["Author"] == "Jane Buyer, City Procurement"
    assert "Example: every question type" in info["Subject"]
    assert "example-vendor" in info["Keywords"]
    assert info["Creator"].startswith("duediligence")
    xmp = subprocess.run([poppler("pdfinfo"), "-meta", str(example_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Due diligence assessment: Acme Face Inc." in xmp  # viewers that read XMP see the title too


def test_answers_document_is_attached(example: Case, example_pdf: Path) -> None:
    reader = PdfFileReader(BytesIO(example_pdf.read_bytes()))
    attached = answers_attachment(reader)
    assert attached is not None
    content, recorded_sha256 = attached
    assert content == answers_json_bytes(example.answers)
    assert json.loads(content) == example.answers.to_json()
    import hashlib

    assert recorded_sha256 == hashlib.sha256(content).hexdigest()
    assert squash(recorded_sha256) in squash(pdftotext(example_pdf))


def test_an_empty_signature_field_sits_on_the_last_page(example_pdf: Path) -> None:
    reader = PdfFileReader(BytesIO(example_pdf.read_bytes()))
    fields = [name for name, _, _ in enumerate_sig_fields(reader, filled_status=False)]
    assert fields == [SIGNATURE_FIELD]
    last_page = reader.root["/Pages"]["/Kids"][-1]
    names = [str(annot.get_object().get("/T")) for annot in last_page.get_object()["/Annots"]]
    assert SIGNATURE_FIELD in names


@pytest.mark.parametrize("which", ["example_pdf", "awkward_pdf"])
def test_every_font_is_embedded_and_none_is_a_standard_font(which: str, request: pytest.FixtureRequest) -> None:
    rows = pdffonts(request.getfixturevalue(which))
    assert rows
    assert all(row.embedded for row in rows), rows
    assert not [row for row in rows if STANDARD_FONT.match(row.name.split("+")[-1])]


@pytest.mark.parametrize("which", ["example_pdf", "awkward_pdf"])
def test_no_javascript_no_actions_no_links(which: str, request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(which).read_bytes()
    for key in (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/URI", b"/OpenAction", b"/AA ", b"/Link", b"/SubmitForm"):
        assert key not in data, key


def test_store_details_are_shown(example: Case, tmp_path: Path) -> None:
    out = tmp_path / "store.pdf"
    sha = example.answers.answers["soc2_report"][0]["sha256"]  # type: ignore[index]
    build_report_pdf(
        example.questionnaire,
        example.answers,
        example.score,
        str(out),
        status="final",
        as_of=datetime(2026, 11, 26).date(),
        audit_summary=AuditSummary(
            event_count=42,
            first_change=datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc),
            last_change=datetime(2026, 11, 25, 17, 30, tzinfo=timezone.utc),
            chain_status="intact",
        ),
        evidence_details={sha: EvidenceDetail(stored=True, added_at=datetime(2026, 11, 2, tzinfo=timezone.utc))},
        signer_block=SignerBlock(name="Dr. Signer <x>", role="Head of <Procurement>", date=None),
    )
    text = squash(pdftotext(out))
    for needle in ("Recordedchanges42", "2026-11-2517:30:00", "Hashchainintact", "yes,hashchecked", "Final", "Dr.Signer<x>", "Headof<Procurement>"):
        assert needle in text


def test_unknown_status_is_refused(example: Case) -> None:
    with pytest.raises(ValueError, match="status"):
        example.render(status="approved")


def test_no_temporary_file_is_left_behind(example: Case, tmp_path: Path) -> None:
    build_report_pdf(example.questionnaire, example.answers, example.score, str(tmp_path / "r.pdf"), as_of=datetime(2026, 11, 26).date())
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


# --- awkward inputs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def awkward_text(awkward_pdf: Path) -> str:
    return pdftotext(awkward_pdf)


@pytest.mark.parametrize(
    "literal",
    [
        MARKUP_ANSWER,
        VENDOR,
        "Awkward <b>inputs</b> & friends",
        'Scripts <font name="Courier">&amp;</font> markup',
        "https://acme.example/?q=<script>alert(1)</script>",
        "Zoë <Assessor>",
        "Comment with <b>tags</b> & entities &lt;",
        "Scrapes <b>faces</b>",
        "<b>report</b> & co.pdf",
        "Label <b>A</b>; Label 中文",
        "1,200 people <est.>",
        "GDPR Art. 9 <sensitive>",
        "High <risk>",
    ],
)
def test_markup_in_user_strings_prints_literally(awkward_text: str, literal: str) -> None:
    assert squash(literal) in squash(awkward_text)


@pytest.mark.parametrize("script", [CJK, GREEK_CYRILLIC, EMOJI.split()[2]])
def test_scripts_render_as_text_not_boxes(awkward_text: str, script: str) -> None:
    assert squash(script) in squash(awkward_text)
    assert "\ufffd" not in awkward_text


def test_arabic_and_hebrew_glyphs_are_drawn(awkward_text: str) -> None:
    # Right-to-left order is not shaped (see docs/report.md); the letters are there.
    letters = set(ARABIC.replace(" ", "")) | set(HEBREW.replace(" ", ""))
    assert letters <= set(awkward_text)


def test_a_100k_answer_flows_across_pages(awkward_text: str, awkward_pdf: Path) -> None:
    text = squash(awkward_text)
    assert "word0" in text and "word10999" in text and LONG_END in text
    assert text.count("x" * 40) >= 5_000 // 80  # the unbroken 5,000-character "word" is all there
    assert page_count(awkward_pdf) > 100


def test_a_5000_row_list_splits_across_pages_with_its_header(awkward_text: str) -> None:
    rows = re.findall(r"row-(\d{5})", awkward_text)
    assert len(rows) == ROWS
    assert rows[0] == "00001" and rows[-1] == f"{ROWS:05d}"
    assert awkward_text.count("Affected party") >= ROWS // 120  # header repeated per table chunk and page


def test_empty_optional_and_hidden_sections(awkward_text: str) -> None:
    text = squash(awkward_text)
    assert squash("Empty optional section") in text
    assert squash("Optional question one") in text and "Notanswered" in text
    assert squash("This section does not apply") in text
    assert squash("Never shown question") not in text


def test_knockout_verdict_on_the_cover(awkward_text: str) -> None:
    cover = awkward_text.split("\f")[0]
    assert "DO NOT PROCEED" in cover
    assert "KNOCK-OUT" in awkward_text
