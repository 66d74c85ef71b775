"""Answers in the form a reader expects: option labels instead of values,
numbers with units, evidence and list answers as tables.

``answer_label`` gives plain text (also used for table cells); the
``AnswerView`` turns an answer into flowables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from duediligence.questionnaire.conditions import is_unanswered
from duediligence.questionnaire.model import (
    ChoiceQuestion,
    DateQuestion,
    EvidenceQuestion,
    ListQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from duediligence.report.details import EvidenceDetail
from duediligence.report.fonts import REGULAR, BundledFonts
from duediligence.report.styles import DATA_TABLE, TABLE_CHUNK_ROWS
from duediligence.report.text import blocks, clean, plain_paragraph

YES_NO_LABELS = {"yes": "Yes", "no": "No", "unknown": "Unknown / vendor declined"}
NOT_ANSWERED = "Not answered"


def format_number(value: float | int, unit: str = "") -> str:
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


def format_size(size: int) -> str:
    for limit, suffix in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "kB")):
        if size >= limit:
            return f"{size / limit:.1f} {suffix}"
    return f"{size} B"


def answer_label(question: Question, value: object) -> str:
    """One answer as plain text (for scalar answers and list table cells)."""
    if is_unanswered(value):
        return ""
    if isinstance(question, YesNoQuestion):
        return YES_NO_LABELS.get(str(value), str(value))
    if isinstance(question, ChoiceQuestion):
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(_option_label(question, v) for v in chosen)
    if isinstance(question, NumberQuestion) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, question.unit)
    if isinstance(question, EvidenceQuestion) and isinstance(value, list):
        return "; ".join(str(item.get("name", "")) for item in value if isinstance(item, Mapping))
    return str(value)


def _option_label(question: ChoiceQuestion, value: object) -> str:
    option = question.option(value) if isinstance(value, str) else None
    return option.label if option else str(value)


class AnswerView:
    """Turns answers into flowables, with the report's fonts and styles."""

    def __init__(
        self,
        fonts: BundledFonts,
        styles: Mapping[str, Any],
        width: float,
        evidence_details: Mapping[str, EvidenceDetail] | None = None,
    ):
        self.fonts = fonts
        self.styles = styles
        self.width = width
        self.evidence_details = evidence_details

    def text(self, text: str, style: str = "answer") -> list[Flowable]:
        """A user text as one paragraph per block (long texts flow across pages)."""
        return [plain_paragraph(block, self.styles[style], self.fonts) for block in blocks(text)]

    def flowables(self, question: Question, value: object, as_of: date) -> list[Flowable]:
        if is_unanswered(value):
            return [Paragraph(NOT_ANSWERED, self.styles["meta"])]
        if isinstance(question, EvidenceQuestion) and isinstance(value, list):
            return self.evidence_table(value)
        if isinstance(question, ListQuestion) and isinstance(value, list):
            return self.list_tables(question, value)
        if isinstance(question, DateQuestion) and isinstance(value, str):
            return self.text(f"{value} ({_age(value, as_of)})")
        return self.text(answer_label(question, value))

    # --- tables ---------------------------------------------------------------

    def evidence_table(self, files: Sequence[object]) -> list[Flowable]:
        header = ["File", "Size", "SHA-256"]
        widths = [0.27, 0.17, 0.56]
        details = self.evidence_details
        if details is not None:
            header.append("In store")
            widths = [0.19, 0.15, 0.54, 0.12]
        rows: list[list[object]] = []
        for item in files:
            if not isinstance(item, Mapping):
                continue
            digest = str(item.get("sha256", ""))
            size = item.get("size")
            row: list[object] = [
                str(item.get("name", "")),
                f"{format_size(size)} ({size:,} B)" if isinstance(size, int) else "",
                plain_paragraph(digest, self.styles["cell_mono"], self.fonts),
            ]
            if details is not None:
                row.append(_stored_label(details.get(digest)))
            rows.append(row)
        return self.tables(header, rows, widths)

    def list_tables(self, question: ListQuestion, items: Sequence[object]) -> list[Flowable]:
        header = [field.text for field in question.fields]
        share = 1 / max(len(header), 1)
        rows = [
            [answer_label(field, item.get(field.id)) for field in question.fields]
            for item in items
            if isinstance(item, Mapping)
        ]
        count = Paragraph(f"{len(rows):,} {'entry' if len(rows) == 1 else 'entries'}", self.styles["meta"])
        return [count, *self.tables(header, rows, [share] * len(header))]

    def tables(self, header: Sequence[str], rows: Sequence[Sequence[object]], shares: Sequence[float]) -> list[Flowable]:
        """Tables of at most TABLE_CHUNK_ROWS rows, each repeating the header
        row on every page it spans; cells wrap and may split across pages."""
        indent = self.styles["answer"].leftIndent
        widths = [(self.width - indent) * share for share in shares]
        style = TableStyle(DATA_TABLE)
        result: list[Flowable] = []
        for start in range(0, len(rows), TABLE_CHUNK_ROWS):
            chunk = rows[start : start + TABLE_CHUNK_ROWS]
            head = [plain_paragraph(h, self.styles["cell_head"], self.fonts) for h in header]
            data = [head, *([self.cell(value, width) for value, width in zip(row, widths)] for row in chunk)]
            table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="RIGHT", style=style)
            result.append(table)
        return result

    def cell(self, value: object, width: float) -> object:
        """A plain string when it is ASCII and fits on one line (ReportLab
        draws it directly, far cheaper than laying out a Paragraph); else
        paragraphs that wrap and pick fonts per run."""
        if not isinstance(value, str):
            return value  # already a flowable
        value = clean(value)
        if value.isascii() and "\n" not in value and stringWidth(value, REGULAR, 8) <= width - 8:
            return value
        return [plain_paragraph(block, self.styles["cell"], self.fonts) for block in blocks(value)]


def _stored_label(detail: EvidenceDetail | None) -> str:
    if detail is None:
        return "no"
    label = "yes, hash checked" if detail.stored else "missing"
    if detail.added_at is not None:
        label += f", added {detail.added_at:%Y-%m-%d}"
    return label


def _age(value: str, as_of: date) -> str:
    try:
        days = (as_of - date.fromisoformat(value)).days
    except ValueError:
        return "not a date"
    if days < 0:
        return f"{-days:,} days after the assessment date"
    return f"{days:,} days before the assessment date"
