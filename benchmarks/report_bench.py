"""Report build and signing time at 500, 1,000 and 2,000 questions.

Compares ``render_report`` (story, header/footer, page X of Y, bookmarks,
per-run fonts, attachment) with a bare platypus build of the same
paragraphs and tables (same styles and fonts, nothing else), and times
signing and verifying the 2,000-question report.

Every question is answered and shown: the generated sets' conditions are
removed so that no question is hidden (the worst case for the report).
Run: ``python -m benchmarks.report_bench``. Targets from issue 4: build
<= 1.5x bare, 2,000 questions < 5 s, signing < 0.5 s, linear growth.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from benchmarks.generate import generate_answers, generate_questionnaire
from duediligence.questionnaire.answers import answers_from_json
from duediligence.questionnaire.loader import load_questionnaire_bytes
from duediligence.questionnaire.model import EvidenceQuestion, ListQuestion
from duediligence.questionnaire.scoring import score_answers
from duediligence.report.answer_view import answer_label
from duediligence.report.fonts import REGULAR, bundled_fonts
from duediligence.report.identity import create_identity, load_identity
from duediligence.report.pdf import render_report
from duediligence.report.signing import sign_pdf_bytes
from duediligence.report.styles import DATA_TABLE, PAGE, paragraph_styles
from duediligence.report.verify import quiet_validator_logs, verify_report

SIZES = (500, 1_000, 2_000)
AS_OF = date(2026, 11, 26)
REPEAT = 3
OUT = Path(__file__).resolve().parent / "out"


@dataclass(frozen=True)
class Timing:
    """Best of the repeats: wall clock and CPU time of this process. On a
    shared machine CPU time is the steadier measure, so ratios and growth
    use it; the absolute targets use wall clock."""

    wall: float
    cpu: float


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def best(samples: list[tuple[float, float]]) -> Timing:
    return Timing(min(s[0] for s in samples), min(s[1] for s in samples))


def assessment(size: int):  # type: ignore[no-untyped-def]
    document = generate_questionnaire(size)
    for section in document["sections"]:
        for question in section["questions"]:
            question.pop("visible_if", None)
    answers = generate_answers(document)
    for section in document["sections"]:
        for question in section["questions"]:
            if question["type"] == "list" and not answers["answers"][question["id"]]:
                answers["answers"][question["id"]] = [{"when": "2021-05-01", "records": 10, "status": "open"}]
    answers["assessor"] = {"name": "Bench Assessor", "organisation": "Bench Org"}
    questionnaire = load_questionnaire_bytes(json.dumps(document).encode(), "<bench>")
    doc = answers_from_json(questionnaire, answers)
    return questionnaire, doc, score_answers(questionnaire, doc.answers, AS_OF)


def bare_story(questionnaire, doc):  # type: ignore[no-untyped-def]
    """The same paragraphs and tables with plain platypus: no escaping, no
    font runs, no header/footer, no outline, no attachment."""
    styles = paragraph_styles()
    width = PAGE.frame_width - styles["answer"].leftIndent
    story: list[object] = []
    for section in questionnaire.sections:
        story.append(Paragraph(section.title, styles["h2"]))
        story.append(Paragraph("Section score", styles["section_note"]))
        for question in section.questions:
            value = doc.answers.get(question.id)
            story.append(Paragraph(question.text, styles["question"]))
            if isinstance(question, ListQuestion):
                rows = [[answer_label(f, item.get(f.id)) for f in question.fields] for item in value]
                story.append(Paragraph(f"{len(rows)} entries", styles["meta"]))
                header = [Paragraph(f.text, styles["cell_head"]) for f in question.fields]
                story.append(Table([header, *rows], colWidths=[width / len(header)] * len(header), repeatRows=1, style=TableStyle(DATA_TABLE)))
            elif isinstance(question, EvidenceQuestion):
                rows = [[item["name"], f"{item['size']:,} B", Paragraph(item["sha256"], styles["cell_mono"])] for item in value]
                story.append(Table([["File", "Size", "SHA-256"], *rows], colWidths=[width * 0.27, width * 0.17, width * 0.56], repeatRows=1, style=TableStyle(DATA_TABLE)))
            else:
                story.append(Paragraph(answer_label(question, value), styles["answer"]))
            story.append(Paragraph(f"Risk 5 / 10, weight {question.weight:g} \u00b7 id {question.id}", styles["meta"]))
            if question.references:
                story.append(Paragraph("References: " + "; ".join(question.references), styles["meta"]))
    return story


def build_bare(questionnaire, doc) -> bytes:  # type: ignore[no-untyped-def]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=PAGE.size, initialFontName=REGULAR).build(bare_story(questionnaire, doc))
    return buffer.getvalue()


def measure(size: int) -> dict[str, float]:
    questionnaire, doc, score = assessment(size)
    report_runs, bare_runs = [], []
    for _ in range(REPEAT):  # interleaved, so both see the same machine load
        report_runs.append(timed(lambda: render_report(questionnaire, doc, score, as_of=AS_OF)))
        bare_runs.append(timed(lambda: build_bare(questionnaire, doc)))
    report, bare = best(report_runs), best(bare_runs)
    pdf = render_report(questionnaire, doc, score, as_of=AS_OF)
    return {
        "questions": size,
        "report_s": report.wall,
        "report_cpu_s": report.cpu,
        "bare_s": bare.wall,
        "bare_cpu_s": bare.cpu,
        "ratio_cpu": report.cpu / bare.cpu,
        "pdf_bytes": len(pdf),
    }


def measure_signing(size: int, folder: Path) -> dict[str, float]:
    questionnaire, doc, score = assessment(size)
    pdf = render_report(questionnaire, doc, score, as_of=AS_OF)
    create_identity(folder / "bench.p12", name="Bench Signer", passphrase="bench passphrase")
    identity = load_identity(folder / "bench.p12", "bench passphrase")
    sign = best([timed(lambda: sign_pdf_bytes(pdf, identity)) for _ in range(REPEAT)])
    signed = folder / "signed.pdf"
    signed.write_bytes(sign_pdf_bytes(pdf, identity))
    verify = best([timed(lambda: verify_report(signed)) for _ in range(REPEAT)])
    return {"questions": size, "sign_s": sign.wall, "sign_cpu_s": sign.cpu, "verify_s": verify.wall}


def main() -> int:
    bundled_fonts()  # registered once per process, as in the app
    quiet_validator_logs()
    rows = [measure(size) for size in SIZES]
    with tempfile.TemporaryDirectory() as folder:
        signing = measure_signing(SIZES[-1], Path(folder))
    print(f"{'questions':>9} {'report':>8} {'(cpu)':>8} {'bare':>8} {'(cpu)':>8} {'ratio':>6} {'ms/question':>11} {'PDF bytes':>11}")
    for r in rows:
        print(
            f"{r['questions']:>9,} {r['report_s']:>7.2f}s {r['report_cpu_s']:>7.2f}s {r['bare_s']:>7.2f}s {r['bare_cpu_s']:>7.2f}s "
            f"{r['ratio_cpu']:>5.2f}x {r['report_cpu_s'] / r['questions'] * 1000:>11.2f} {r['pdf_bytes']:>11,}"
        )
    print(
        f"signing the {signing['questions']:,}-question report: {signing['sign_s'] * 1000:.0f} ms "
        f"(cpu {signing['sign_cpu_s'] * 1000:.0f} ms); verifying it: {signing['verify_s'] * 1000:.0f} ms"
    )
    biggest, smallest = rows[-1], rows[0]
    growth = biggest["report_cpu_s"] / smallest["report_cpu_s"]
    size_growth = biggest["questions"] / smallest["questions"]
    checks = {
        f"report <= 1.5x bare platypus at {biggest['questions']:,} (is {biggest['ratio_cpu']:.2f}x cpu)": biggest["ratio_cpu"] <= 1.5,
        f"report at {biggest['questions']:,} questions < 5 s (is {biggest['report_s']:.2f} s)": biggest["report_s"] < 5,
        f"signing < 0.5 s (is {signing['sign_s']:.2f} s)": signing["sign_s"] < 0.5,
        f"linear: {smallest['questions']:,}->{biggest['questions']:,} questions grows <= {size_growth * 1.25:.1f}x (is {growth:.2f}x cpu)": growth
        <= size_growth * 1.25,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    OUT.mkdir(exist_ok=True)
    (OUT / "report_bench.json").write_text(json.dumps({"rows": rows, "signing": signing}, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
