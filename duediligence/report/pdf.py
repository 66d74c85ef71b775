"""Building the report PDF: page template, header and footer, metadata,
then the attachments. ``build_report_pdf`` is the entry point for the CLI
and the store; ``render_report`` returns the bytes (for signing in memory).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime, time, timezone
from io import BytesIO
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from duediligence import __version__
from duediligence.questionnaire.answers import AnswersDocument
from duediligence.questionnaire.model import Questionnaire
from duediligence.questionnaire.scoring import Score
from duediligence.report.attachments import add_attachments
from duediligence.report.details import STATUS_LABELS, AuditSummary, EvidenceDetail, SignerBlock
from duediligence.report.files import write_atomically
from duediligence.report.fonts import REGULAR, BundledFonts, bundled_fonts
from duediligence.report.story import ReportContent, ReportStory, SignaturePlacement
from duediligence.report.styles import COLOURS, PAGE, paragraph_styles
from duediligence.report.text import plain_paragraph, shorten


class PageFurniture:
    """Header (vendor, "Confidential") and footer (set, status) of every page.

    The two user strings are laid out once as Paragraphs (so their fonts are
    chosen per run) and drawn on each page; "page X of Y" is drawn by
    ``PageCountingCanvas`` once the page count is known.
    """

    def __init__(self, fonts: BundledFonts, vendor: str, footer: str):
        styles = paragraph_styles()
        width = PAGE.frame_width * 0.75
        self.vendor = plain_paragraph(shorten(vendor, 110), styles["header"], fonts)
        self.footer = plain_paragraph(shorten(footer, 130), styles["header"], fonts)
        self.confidential = Paragraph("Confidential", styles["header_right"])
        for paragraph in (self.vendor, self.footer):
            paragraph.wrap(width, 20)
        self.confidential.wrap(PAGE.frame_width * 0.25, 20)

    def draw(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = PAGE.size
        top = height - PAGE.header_offset
        canvas.saveState()
        self.vendor.drawOn(canvas, PAGE.left, top)
        self.confidential.drawOn(canvas, PAGE.left + PAGE.frame_width * 0.75, top)
        canvas.setStrokeColor(COLOURS["rule"])
        canvas.setLineWidth(0.5)
        canvas.line(PAGE.left, top - 3, width - PAGE.right, top - 3)
        canvas.line(PAGE.left, PAGE.footer_offset + 10, width - PAGE.right, PAGE.footer_offset + 10)
        self.footer.drawOn(canvas, PAGE.left, PAGE.footer_offset)
        canvas.restoreState()


class PageCountingCanvas(Canvas):
    """Holds pages back until the end so each can say "page X of Y".

    The usual ReportLab recipe: the page state is saved at ``showPage`` and
    replayed in ``save`` with the total known, which costs one pass, not
    two builds.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(REGULAR, 7.5)
            self.setFillColor(COLOURS["muted"])
            self.drawRightString(PAGE.size[0] - PAGE.right, PAGE.footer_offset + 1.5, f"page {self._pageNumber} of {total}")
            self.restoreState()
            super().showPage()
        super().save()


class ReportDocTemplate(BaseDocTemplate):
    """One frame per page; headings marked with ``outline`` become bookmarks."""

    def __init__(self, buffer: BytesIO, furniture: PageFurniture, **metadata: Any):
        super().__init__(
            buffer,
            pagesize=PAGE.size,
            leftMargin=PAGE.left,
            rightMargin=PAGE.right,
            topMargin=PAGE.top,
            bottomMargin=PAGE.bottom,
            initialFontName=REGULAR,  # never Helvetica, not even unused
            initialFontSize=9.5,
            **metadata,
        )
        frame = Frame(PAGE.left, PAGE.bottom, PAGE.frame_width, PAGE.frame_height, id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPage=furniture.draw)])
        self._outline_keys = 0

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's name
        outline = getattr(flowable, "outline", None)
        if outline is None:
            return
        title, level = outline
        self._outline_keys += 1
        key = f"h{self._outline_keys}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)


def answers_json_bytes(answers: AnswersDocument) -> bytes:
    """The answers document exactly as it is attached (stable key order)."""
    return (json.dumps(answers.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_report(
    questionnaire: Questionnaire,
    answers_doc: AnswersDocument,
    score: Score,
    *,
    status: str = "draft",
    as_of: date,
    audit_summary: AuditSummary | None = None,
    evidence_details: Mapping[str, EvidenceDetail] | None = None,
    signer_block: SignerBlock | None = None,
) -> bytes:
    """The finished (unsigned) report as bytes."""
    if status not in STATUS_LABELS:
        raise ValueError(f"status must be one of {', '.join(STATUS_LABELS)}, not {status!r}")
    fonts = bundled_fonts()
    answers_json = answers_json_bytes(answers_doc)
    content = ReportContent(
        questionnaire=questionnaire,
        answers=answers_doc,
        score=score,
        as_of=as_of,
        status=status,
        answers_sha256=hashlib.sha256(answers_json).hexdigest(),
        audit_summary=audit_summary,
        evidence_details=evidence_details,
        signer_block=signer_block,
    )
    placement = SignaturePlacement()
    story = ReportStory(content, fonts, placement).build()
    vendor = answers_doc.vendor.name
    furniture = PageFurniture(
        fonts, vendor, f"{questionnaire.title} {questionnaire.version} \u00b7 {STATUS_LABELS[status]} \u00b7 {as_of.isoformat()}"
    )
    buffer = BytesIO()
    author = ", ".join(part for part in (answers_doc.assessor.name, answers_doc.assessor.organisation) if part)
    doc = ReportDocTemplate(
        buffer,
        furniture,
        title=f"Due diligence assessment: {shorten(vendor, 200)}",
        author=author or "duediligence",
        subject=f"{questionnaire.title} {questionnaire.version} ({questionnaire.id})",
        keywords=["due diligence", "vendor risk", "biometrics", questionnaire.id, STATUS_LABELS[status]],
        creator=f"duediligence {__version__}",
        lang=questionnaire.language,
    )
    doc.build(story, canvasmaker=PageCountingCanvas)
    created = datetime.combine(as_of, time(0, 0), tzinfo=timezone.utc)
    return add_attachments(buffer.getvalue(), answers_json, placement, created)


def build_report_pdf(
    questionnaire: Questionnaire,
    answers_doc: AnswersDocument,
    score: Score,
    out_path: str,
    *,
    status: str = "draft",
    as_of: date,
    audit_summary: AuditSummary | None = None,
    evidence_details: Mapping[str, EvidenceDetail] | None = None,
    signer_block: SignerBlock | None = None,
) -> None:
    """Write the (unsigned) report to ``out_path``, all at once.

    ``score`` must be ``score_answers(questionnaire, answers_doc.answers,
    as_of)``; it is passed in so the store can hand over the score it shows.
    """
    data = render_report(
        questionnaire,
        answers_doc,
        score,
        status=status,
        as_of=as_of,
        audit_summary=audit_summary,
        evidence_details=evidence_details,
        signer_block=signer_block,
    )
    write_atomically(out_path, data)
