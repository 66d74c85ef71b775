"""The report's story: cover, executive summary, answers by section, appendix
and signature block, as a list of platypus flowables.

Every string that came from a user or a question set author goes through
``markup()`` (escaped, fonts per run); the markup written here around it
is the only markup a Paragraph ever sees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from duediligence import __version__
from duediligence.questionnaire.answers import AnswersDocument
from duediligence.questionnaire.model import EvidenceQuestion, Question, Questionnaire, Section
from duediligence.questionnaire.scoring import QuestionResult, RaisedFlag, Score
from duediligence.report.answer_view import AnswerView
from duediligence.report.charts import SECTIONS_PER_CHART, section_chart
from duediligence.report.details import STATUS_LABELS, AuditSummary, EvidenceDetail, SignerBlock
from duediligence.report.fonts import FACES, BundledFonts
from duediligence.report.styles import COLOURS, DATA_TABLE, FACT_TABLE, PAGE, TABLE_BASE, SEVERITY_LABELS, paragraph_styles, tier_colour
from duediligence.report.text import markup, plain_paragraph, shorten

ANSWERS_FILE_NAME = "answers.json"
SIGNATURE_BOX_HEIGHT = 30 * mm


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows, gathered so the story code has one input."""

    questionnaire: Questionnaire
    answers: AnswersDocument
    score: Score
    as_of: date
    status: str
    answers_sha256: str
    audit_summary: AuditSummary | None = None
    evidence_details: Mapping[str, EvidenceDetail] | None = None
    signer_block: SignerBlock | None = None


@dataclass
class SignaturePlacement:
    """Where the signature box was drawn (filled in while the PDF is built):
    1-based page number and (x1, y1, x2, y2) in points."""

    page: int = 0
    box: tuple[float, float, float, float] | None = None


class SignaturePlaceholder(Flowable):
    """A framed space for the visible signature; records where it landed so
    the signature field can be put exactly on it."""

    def __init__(self, width: float, height: float, placement: SignaturePlacement, caption: str):
        super().__init__()
        self.width, self.height = width, height
        self.placement = placement
        self.caption = caption

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.placement.page = self.canv.getPageNumber()
        self.placement.box = (round(x, 2), round(y, 2), round(x + self.width, 2), round(y + self.height, 2))
        self.canv.saveState()
        self.canv.setStrokeColor(COLOURS["rule"])
        self.canv.setDash(3, 2)
        self.canv.rect(0, 0, self.width, self.height)
        self.canv.setFillColor(COLOURS["muted"])
        self.canv.setFont(paragraph_styles()["small"].fontName, 7.5)
        self.canv.drawString(5, self.height - 11, self.caption)
        self.canv.restoreState()


def outlined(paragraph: Paragraph, title: str, level: int) -> Paragraph:
    """Mark a heading for the PDF outline (bookmarks); see ReportDocTemplate."""
    paragraph.outline = (shorten(title, 120), level)  # type: ignore[attr-defined]
    return paragraph


class ReportStory:
    """Builds the flowables of one report. One method per part of the
    report, in reading order, so the layout can be followed top to bottom."""

    def __init__(self, content: ReportContent, fonts: BundledFonts, placement: SignaturePlacement):
        self.c = content
        self.fonts = fonts
        self.styles = paragraph_styles()
        self.width = PAGE.frame_width
        self.placement = placement
        self.view = AnswerView(fonts, self.styles, self.width, content.evidence_details)
        tiers = content.questionnaire.scoring.tiers
        self.tier_colours = {tier.id: tier_colour(i, len(tiers)) for i, tier in enumerate(tiers)}
        self.numbers = {
            q.id: f"{i}.{j}"
            for i, section in enumerate(content.questionnaire.sections, 1)
            for j, q in enumerate(section.questions, 1)
        }
        self.flags: dict[str, list[RaisedFlag]] = defaultdict(list)
        for flag in content.score.flags:
            self.flags[flag.question].append(flag)

    # --- small builders ---------------------------------------------------------

    def user(self, text: object, style: str = "body") -> Paragraph:
        """A paragraph of user text: never parsed as markup, fonts per run."""
        return plain_paragraph(text, self.styles[style], self.fonts)

    def ours(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of markup written in this module (may embed markup())."""
        return Paragraph(text, self.styles[style])

    def m(self, text: object, style: str = "body") -> str:
        return markup(text, self.fonts, self.styles[style].fontName)

    def facts(self, rows: list[tuple[str, object]], label_width: float = 44 * mm) -> Table:
        data = [
            [self.ours(label, "cell_head"), value if isinstance(value, Flowable) else self.user(value, "cell")]
            for label, value in rows
        ]
        return Table(data, colWidths=[label_width, self.width - label_width], style=TableStyle(FACT_TABLE), hAlign="LEFT")

    def mono(self, text: str) -> Paragraph:
        return self.user(text, "cell_mono")

    def colour_hex(self, colour: colors.Color) -> str:
        return colour.hexval().replace("0x", "#")

    def heading(self, text: str, level: int) -> Paragraph:
        return outlined(self.user(text, "h1" if level == 0 else "h2"), text, level)

    # --- the story ------------------------------------------------------------------

    def build(self) -> list[Flowable]:
        return [*self.cover(), PageBreak(), *self.summary(), PageBreak(), *self.sections(), PageBreak(), *self.appendix()]

    def cover(self) -> list[Flowable]:
        c, q, vendor = self.c, self.c.questionnaire, self.c.answers.vendor
        story: list[Flowable] = [
            outlined(self.ours("DUE DILIGENCE ASSESSMENT \u00b7 CONFIDENTIAL", "kicker"), "Cover", 0),
            self.user(vendor.name, "vendor"),
        ]
        reach = " \u00b7 ".join(part for part in (vendor.website, vendor.contact) if part)
        if reach:
            story.append(self.user(reach, "muted"))
        story += [Spacer(1, 14), self.verdict_panel(), Spacer(1, 16)]
        answered = sum(1 for r in c.score.questions.values() if r.visible and r.answered)
        visible = sum(1 for r in c.score.questions.values() if r.visible)
        story.append(
            self.facts(
                [
                    ("Question set", q.title),
                    ("Identifier", q.id),
                    ("Version", q.version),
                    ("Question set SHA-256", self.mono(q.sha256 or "(built in memory)")),
                    ("Assessor", c.answers.assessor.name or "(not given)"),
                    ("Organisation", c.answers.assessor.organisation or "(not given)"),
                    ("Assessment date", c.as_of.isoformat()),
                    ("Status", STATUS_LABELS.get(c.status, c.status)),
                    ("Questions answered", f"{answered:,} of {visible:,} that apply"),
                ]
            )
        )
        return story

    def verdict_panel(self) -> Table:
        score, tier = self.c.score, self.c.score.tier
        colour = self.colour_hex(self.tier_colours.get(tier.id, COLOURS["ink"]))
        rows: list[list[Flowable]] = [
            [self.ours(f'<font color="{colour}">{self.m(tier.label, "verdict")}</font>', "verdict")],
            [self.ours(f"Overall risk score <b>{score.overall:.1f}</b> / 100 (0 = no concern, 100 = worst)", "body")],
        ]
        if score.knockout:
            red = self.colour_hex(COLOURS["knockout"])
            count = len(score.knockouts)
            rows.append([self.ours(f'<font color="{red}">DO NOT PROCEED</font>', "verdict")])
            rows.append(
                [self.ours(f"{count} knock-out criteri{'on was' if count == 1 else 'a were'} met; see the executive summary.", "body")]
            )
        style = TableStyle(
            [
                *TABLE_BASE,
                ("BACKGROUND", (0, 0), (-1, -1), COLOURS["panel"]),
                ("LINEBEFORE", (0, 0), (0, -1), 6, self.tier_colours.get(tier.id, COLOURS["ink"])),
                ("LEFTPADDING", (0, 0), (-1, -1), 14),
                ("TOPPADDING", (0, 0), (-1, 0), 10),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
            ]
        )
        return Table(rows, colWidths=[self.width], style=style)

    # --- executive summary ------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        c, score = self.c, self.c.score
        story: list[Flowable] = [self.heading("Executive summary", 0)]
        sentence = (
            f"{self.m(c.answers.vendor.name)} scores <b>{score.overall:.1f}</b> of 100 on "
            f"{self.m(c.questionnaire.title)} {self.m(c.questionnaire.version)}: "
            f"tier <b>{self.m(score.tier.label)}</b>."
        )
        if score.knockout:
            sentence += f' <font color="{self.colour_hex(COLOURS["knockout"])}"><b>A knock-out criterion was met: do not proceed.</b></font>'
        story.append(self.ours(sentence))
        for title, flags, none_text in (
            ("Knock-outs", score.knockouts, "No knock-out criterion was met."),
            ("Warnings", score.warnings, "No warnings were raised."),
        ):
            story.append(self.heading(title, 1))
            story += [self.flag_line(flag) for flag in flags] or [self.ours(none_text, "muted")]
        story.append(self.heading("Section scores", 1))
        story += self.section_charts()
        story.append(self.heading("Completeness", 1))
        done = score.completeness
        story.append(
            self.ours(f"{done.answered:,} of {done.required:,} required questions that apply are answered ({done.ratio:.0%}).")
        )
        if done.missing:
            story.append(self.ours("Unanswered required questions:", "muted"))
            for qid in done.missing:
                question = c.questionnaire.question(qid)
                story.append(self.ours(f"{self.numbers[qid]}&nbsp;&nbsp;{self.m(shorten(question.text, 300), 'summary_flag')}", "summary_flag"))
        return story

    def flag_line(self, flag: RaisedFlag) -> Paragraph:
        label, colour = SEVERITY_LABELS[flag.severity]
        question = self.c.questionnaire.question(flag.question)
        return self.ours(
            f'<font color="{self.colour_hex(COLOURS[colour])}"><b>{label}</b></font>&nbsp; '
            f"<b>{self.numbers[flag.question]}</b> {self.m(shorten(question.text, 200), 'summary_flag')}: "
            f"{self.m(flag.message, 'summary_flag')}",
            "summary_flag",
        )

    def section_charts(self) -> list[Flowable]:
        q, score = self.c.questionnaire, self.c.score
        sections = list(enumerate(q.sections, 1))
        tiers = q.scoring.tiers
        thresholds = [(t.min_score, self.tier_colours[t.id]) for t in tiers if t.min_score > 0]
        story: list[Flowable] = []
        for start in range(0, len(sections), SECTIONS_PER_CHART):
            chunk = sections[start : start + SECTIONS_PER_CHART]
            values = [score.sections[s.id] for _, s in chunk]
            story.append(
                section_chart(
                    [str(i) for i, _ in chunk],
                    values,
                    [self.tier_colours[q.tier_for(v).id] if v is not None else COLOURS["rule"] for v in values],
                    thresholds,
                    self.width,
                )
            )
        legend = " &nbsp; ".join(
            f'<font color="{self.colour_hex(self.tier_colours[t.id])}">\u25a0</font> {self.m(t.label, "small")} from {t.min_score:g}'
            for t in tiers
        )
        story.append(self.ours(f"Tiers: {legend}", "small"))
        story.append(Spacer(1, 6))
        story.append(self.section_table())
        return story

    def section_table(self) -> Table:
        q, score = self.c.questionnaire, self.c.score
        header = [self.ours(h, "cell_head") for h in ("#", "Section", "Weight", "Counted", "Score", "Tier")]
        rows: list[list[object]] = [header]
        for i, section in enumerate(q.sections, 1):
            value = score.sections[section.id]
            counted = sum(1 for question in section.questions if score.questions[question.id].counted)
            if not score.section_visible[section.id]:
                shown, tier = "does not apply", ""
            elif value is None:
                shown, tier = "not scored", ""
            else:
                shown, tier = f"{value:.1f}", q.tier_for(value).label
            rows.append(
                [str(i), self.user(section.title, "cell"), f"{section.weight:g}", f"{counted:,}", shown, self.user(tier, "cell")]
            )
        widths = [0.06, 0.46, 0.1, 0.1, 0.13, 0.15]
        style = TableStyle(DATA_TABLE)
        return Table(rows, colWidths=[self.width * w for w in widths], repeatRows=1, style=style)

    # --- answers ----------------------------------------------------------------

    def sections(self) -> list[Flowable]:
        story: list[Flowable] = [
            self.heading("Answers", 0),
            self.ours(
                "Each question that applies is shown with its answer, its risk (0 = no concern, 10 = worst), "
                "the assessor's comment, the flags it raised and its references. Questions that do not apply "
                "given the other answers are left out; each section says which.",
                "muted",
            ),
        ]
        for index, section in enumerate(self.c.questionnaire.sections, 1):
            story += self.section(index, section)
        return story

    def section(self, index: int, section: Section) -> list[Flowable]:
        score = self.c.score
        story: list[Flowable] = [CondPageBreak(60 * mm), self.heading(f"{index}. {section.title}", 1)]
        if section.description:
            story.append(self.user(section.description, "section_note"))
        if not score.section_visible[section.id]:
            story.append(
                self.ours(
                    f"This section does not apply given the answers to earlier questions; its "
                    f"{len(section.questions):,} question{'s are' if len(section.questions) != 1 else ' is'} left out.",
                    "section_note",
                )
            )
            return story
        value = score.sections[section.id]
        shown = [q for q in section.questions if score.questions[q.id].visible]
        hidden = [q for q in section.questions if not score.questions[q.id].visible]
        facts = [
            f"Section score {'not scored' if value is None else f'{value:.1f} / 100'}",
            f"weight {section.weight:g}",
            f"{len(shown):,} of {len(section.questions):,} questions apply",
        ]
        story.append(self.ours(" \u00b7 ".join(facts), "section_note"))
        if hidden:
            numbers = ", ".join(self.numbers[q.id] for q in hidden)
            story.append(
                self.ours(
                    f"Left out because they do not apply given the other answers: {numbers}.",
                    "section_note",
                )
            )
        for question in shown:
            story += self.question(question)
        return story

    def question(self, question: Question) -> list[Flowable]:
        """One question. Plain text where possible: a Paragraph of a single
        font run lays out several times faster than one with markup, and a
        report has thousands of these."""
        c = self.c
        result = c.score.questions[question.id]
        story: list[Flowable] = [self.ours(f"{self.numbers[question.id]}\u00a0\u00a0{self.m(question.text, 'question')}", "question")]
        story += self.view.flowables(question, c.answers.answers.get(question.id), c.as_of)
        facts = [risk_text(question, result), *(["required"] if question.required else []), f"id {question.id}"]
        story.append(self.user(" \u00b7 ".join(facts), "meta"))
        comment = c.answers.comments.get(question.id)
        if comment:
            story.append(self.ours("<b>Comment</b>", "meta"))
            story += self.view.text(comment)
        for flag in self.flags.get(question.id, ()):
            label, colour = SEVERITY_LABELS[flag.severity]
            story.append(
                self.ours(f'<font color="{self.colour_hex(COLOURS[colour])}"><b>{label}</b></font>\u00a0 {self.m(flag.message, "flag")}', "flag")
            )
        if question.references:
            story.append(self.user("References: " + "; ".join(question.references), "meta"))
        return story

    # --- appendix ------------------------------------------------------------------------

    def appendix(self) -> list[Flowable]:
        c, q = self.c, self.c.questionnaire
        unanswered = (
            "An unanswered question that applies counts with the highest risk, 10."
            if q.scoring.unanswered == "max_risk"
            else "An unanswered question is left out of the score."
        )
        story: list[Flowable] = [self.heading("Appendix: how the score is computed", 0)]
        for text in (
            "Each answer carries a risk from 0 (no concern) to 10 (worst), as the question set defines it. "
            "A question counts when it applies, has a weight above 0 and its answer can carry a risk. "
            f"{unanswered} An evidence question counts as risk 0 with a file attached, and with its "
            "'missing' risk without one.",
            "Section score = 10 \u00d7 \u03a3(weight \u00d7 risk) / \u03a3(weight) over the section's counting "
            "questions (0 to 100). A section with no counting question is not scored.",
            "Overall score = \u03a3(section weight \u00d7 section score) / \u03a3(section weight) over the scored "
            "sections. The tier is the last tier whose lower bound the overall score reaches. A knock-out flag "
            "makes the verdict \u201cDo not proceed\u201d whatever the score.",
        ):
            story.append(self.ours(text))
            story.append(Spacer(1, 4))
        story.append(self.heading("Tiers", 1))
        tier_rows: list[list[object]] = [[self.ours(h, "cell_head") for h in ("Tier", "From score", "")]]
        for tier in q.scoring.tiers:
            tier_rows.append([self.user(tier.label, "cell"), f"{tier.min_score:g}", ""])
        style = list(DATA_TABLE)
        style += [("BACKGROUND", (2, i), (2, i), self.tier_colours[t.id]) for i, t in enumerate(q.scoring.tiers, 1)]
        story.append(Table(tier_rows, colWidths=[self.width * 0.5, self.width * 0.2, self.width * 0.1], style=TableStyle(style), hAlign="LEFT"))
        if c.audit_summary is not None:
            audit = c.audit_summary
            story.append(self.heading("Audit trail", 1))
            story.append(
                self.facts(
                    [
                        ("Recorded changes", f"{audit.event_count:,}"),
                        ("First change", _when(audit.first_change)),
                        ("Last change", _when(audit.last_change)),
                        ("Hash chain", audit.chain_status),
                    ]
                )
            )
        story.append(self.heading("About this report", 1))
        fonts = ", ".join(dict.fromkeys(face.family for face in FACES))
        story.append(
            self.facts(
                [
                    ("Software", f"duediligence {__version__}"),
                    ("Question set", f"{q.id} {q.version}"),
                    ("Question set SHA-256", self.mono(q.sha256 or "(built in memory)")),
                    ("Answers document", f"{ANSWERS_FILE_NAME} (duediligence/answers@1), attached to this PDF"),
                    ("Answers SHA-256", self.mono(c.answers_sha256)),
                    ("Fonts (embedded)", fonts),
                ]
            )
        )
        story.append(self.signature_block())
        return story

    def signature_block(self) -> Flowable:
        c = self.c
        signer = c.signer_block or SignerBlock(
            name=c.answers.assessor.name, organisation=c.answers.assessor.organisation, date=c.as_of
        )
        rows: list[tuple[str, object]] = [("Name", signer.name or "(not given)"), ("Role", signer.role or "(not given)")]
        if signer.organisation:
            rows.append(("Organisation", signer.organisation))
        rows.append(("Date", signer.date.isoformat() if signer.date else "(set by the signature)"))
        box = SignaturePlaceholder(
            self.width * 0.62, SIGNATURE_BOX_HEIGHT, self.placement, "Digital signature (PAdES); verify with: duediligence verify"
        )
        return KeepTogether([self.heading("Signature", 1), self.facts(rows), Spacer(1, 8), box])


def risk_text(question: Question, result: QuestionResult) -> str:
    """How the question entered the score, in words."""
    weight = f"weight {question.weight:g}"
    if not question.is_scored:
        return "Not scored"
    if result.counted and result.risk is not None:
        note = ""
        if not result.answered:
            note = " (no evidence attached)" if isinstance(question, EvidenceQuestion) else " (unanswered: counts as highest risk)"
        return f"Risk {result.risk:g} / 10{note}, {weight}"
    if not result.answered:
        return f"Not scored: unanswered questions are left out ({weight})"
    return f"No risk from this answer ({weight})"


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.isoformat(sep=" ", timespec="seconds")

