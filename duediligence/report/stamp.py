"""The visible signature: signer, time, reason and location, drawn in the
signature box on the last page.

pyHanko's own text stamp uses a non-embedded Courier, and its embedded-font
engine needs fontTools and HarfBuzz, and draws one font only. Instead the
appearance is a one-page PDF drawn by ReportLab with the report's bundled
fonts (fallback per run, so a Chinese signer name renders), imported as a
form XObject. Every font in the signed file is therefore embedded.

The style subclasses ``TextStampStyle`` only so that pyHanko hands it the
signing time it also writes into the signature (``ts``); the text is ours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko.stamp.static import StaticContentStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from duediligence.report.fonts import REGULAR, bundled_fonts
from duediligence.report.styles import COLOURS, paragraph_styles
from duediligence.report.text import plain_paragraph, shorten

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S %Z"


def render_stamp(width: float, height: float, lines: list[tuple[str, str]]) -> bytes:
    """A one-page PDF of the box size: white ground, a border, then
    (style, user text) lines."""
    fonts = bundled_fonts()
    styles = paragraph_styles()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), initialFontName=REGULAR, pageCompression=1)
    canvas.setFillColor(COLOURS["white"])
    canvas.setStrokeColor(COLOURS["accent"])
    canvas.setLineWidth(1)
    canvas.rect(0.5, 0.5, width - 1, height - 1, fill=1, stroke=1)
    story = [plain_paragraph(shorten(text, 300), styles[style], fonts) for style, text in lines]
    frame = Frame(0, 0, width, height, leftPadding=6, rightPadding=6, topPadding=5, bottomPadding=3, showBoundary=0)
    frame.addFromList(story, canvas)  # what does not fit is left out, never an error
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class ImportedPdfBytes(PdfContent):
    """The first page of an in-memory PDF as content (pyHanko's
    ``ImportedPdfPage`` reads only from a file name)."""

    def __init__(self, data: bytes):
        super().__init__()
        self.data = data

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(BytesIO(self.data)), page_ix=0)
        name = "/Appearance" + uuid.uuid4().hex
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return name.encode("ascii") + b" Do"


_AT_ORIGIN = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MIN,
    margins=layout.Margins(),
    inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
)


@dataclass(frozen=True)
class ReportStampStyle(TextStampStyle):
    """Signature appearance drawn by ReportLab with the bundled fonts."""

    reason: str = ""
    location: str = ""
    certificate_fingerprint: str = ""
    timestamp_format: str = TIMESTAMP_FORMAT
    border_width: int = 0

    def create_stamp(self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict) -> StaticContentStamp:
        lines = [
            ("stamp_title", f"Digitally signed by {text_params.get('signer', '')}"),
            ("stamp", f"Date: {text_params.get('ts', '')}"),
        ]
        if self.reason:
            lines.append(("stamp", f"Reason: {self.reason}"))
        if self.location:
            lines.append(("stamp", f"Location: {self.location}"))
        if self.certificate_fingerprint:
            lines.append(("stamp", f"Certificate SHA-256: {self.certificate_fingerprint[:47]}\u2026"))
        appearance = render_stamp(box.width, box.height, lines)
        style = StaticStampStyle(background=ImportedPdfBytes(appearance), border_width=0, background_layout=_AT_ORIGIN)
        return StaticContentStamp(writer=writer, style=style, box=box)
