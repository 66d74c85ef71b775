"""Render the app's main screens into docs/screenshots/ (1280x800, offscreen).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Everything is made through the services in a throwaway data dir: a
handful of invented vendors assessed on the built-in biometric set with
answers of varying quality (so the tiers differ), one signed report, a
broken question set. Dialogs are drawn over the window they belong to.
Rerun it whenever the UI changes; the README and docs/user-guide.md show
the results.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QRect, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from duediligence import services  # noqa: E402
from duediligence.questionnaire.answers import Assessor, Vendor, answer_problems  # noqa: E402
from duediligence.questionnaire.model import (  # noqa: E402
    ChoiceQuestion,
    DateQuestion,
    NumberQuestion,
    Question,
    Questionnaire,
    TextQuestion,
    YesNoQuestion,
)

SIZE = (1280, 800)
BIOMETRIC = "biometric-vendor"
ASSESSOR = Assessor("Maria Jensen", "City of Aldbury Procurement")
PASSPHRASE = "screenshots only, not a secret"
#: Invented vendors (no real company is meant), with how good their answers are (1 = best).
VENDORS = [
    ("Halcyon ID Oy", 0.97, "final"),
    ("Orbis FaceWorks GmbH", 0.8, "in_review"),
    ("Quillgate Analytics Inc.", 0.1, "final"),
    ("Corvid Vision Labs", 0.35, "draft"),
    ("Nimbus Retina Ltd", 0.7, "partial"),
]
TEXT_ANSWERS = {
    "legal_entity": "{vendor}, registered in the (fictional) Aldbury companies register, no. 0042-7731",
    "algorithm_version": "FaceCore 4.2.1 (released 2025-09)",
}


# --- sample answers -------------------------------------------------------------------------


def ranked_pick(choices: list[tuple[object, float]], quality: float, rng: random.Random) -> object:
    """A value from (value, risk) pairs: low risk for good vendors, high for bad, with some noise."""
    ordered = sorted(choices, key=lambda pair: pair[1])
    centre = (1 - quality) * (len(ordered) - 1)
    index = round(rng.gauss(centre, 0.7)) if quality < 1 else 0
    return ordered[min(len(ordered) - 1, max(0, index))][0]


def sample_answer(question: Question, quality: float, rng: random.Random, vendor: str) -> object | None:
    if isinstance(question, YesNoQuestion):
        risk = question.risk_by_answer
        return ranked_pick([(a, risk.get(a, 5.0)) for a in question.allowed_values if a != "unknown"], quality, rng)
    if isinstance(question, ChoiceQuestion):
        picked = ranked_pick([(o.value, o.risk if o.risk is not None else 5.0) for o in question.options
                              if o.value != "unknown"] or [(question.options[0].value, 0.0)], quality, rng)
        return [picked] if question.type == "multi_choice" else picked
    if isinstance(question, TextQuestion):
        return TEXT_ANSWERS.get(question.id, "As stated by the vendor in the call of 12 May; see the minutes.").format(vendor=vendor)
    if isinstance(question, NumberQuestion):
        if not question.risk_bands:
            return 30
        bands = [(band.max if band.max is not None else (question.risk_bands[-2].max or 50) * 3, band.risk)
                 for band in question.risk_bands]
        value = ranked_pick(bands, quality, rng)
        if question.min is not None:
            value = max(value, question.min)
        if question.max is not None:
            value = min(value, question.max)
        return int(value) if question.integer else float(value)
    if isinstance(question, DateQuestion):
        if not question.risk_bands:
            return (date.today() - timedelta(days=200)).isoformat()
        ages = [((band.max or 900) - 20, band.risk) for band in question.risk_bands]
        return (date.today() - timedelta(days=int(ranked_pick(ages, quality, rng)))).isoformat()
    return None  # evidence and lists: attached or typed by hand


def fill(store, assessment_id: int, questionnaire: Questionnaire, quality: float, vendor: str,
         sections: int | None = None, seed: int = 0) -> None:
    rng = random.Random(f"{vendor}-{seed}")
    for section in questionnaire.sections[:sections]:
        for question in section.questions:
            put(store, assessment_id, questionnaire, question, sample_answer(question, quality, rng, vendor))
    if quality >= 0.5:  # a good vendor has no knock-out: give those questions their best answer
        for flag in services.open_assessment(store, assessment_id).score.knockouts:
            question = questionnaire.questions_by_id[flag.question]
            put(store, assessment_id, questionnaire, question, sample_answer(question, 1.0, rng, vendor))


def put(store, assessment_id: int, questionnaire: Questionnaire, question: Question, value: object) -> None:
    if value is not None and not answer_problems(questionnaire, question.id, value):
        services.set_answer(store, assessment_id, question.id, value)


# --- the sample store ---------------------------------------------------------------------


class Sample:
    """A data dir with assessments in every state, a signing identity and a signed report."""

    def __init__(self, folder: Path):
        from duediligence.report.identity import create_identity

        self.folder = folder
        self.store = services.open_store(folder / "data")
        self.set = services.find_set(self.store, BIOMETRIC, self.biometric_version())
        self.identity = folder / "maria-jensen.p12"
        create_identity(self.identity, name="Maria Jensen", passphrase=PASSPHRASE, organisation=ASSESSOR.organisation)
        self.signed_report = folder / "Halcyon ID Oy-assessment-signed.pdf"
        self.ids: dict[str, int] = {}
        for vendor, quality, status in VENDORS:
            self.ids[vendor] = self.assess(vendor, quality, status)
        # A reassessment: last year's final report, this year's draft.
        old = self.assess("Veridian Faces AB", 0.35, "final")
        new = services.new_revision(self.store, old)
        fill(self.store, new, self.set.questionnaire, 0.8, "Veridian Faces AB", seed=2)
        self.ids["Veridian Faces AB"] = new
        example = services.find_set(self.store, "example-vendor", "1.0.0")
        services.create_assessment(self.store, example, Vendor("Aperture Gate BV"), ASSESSOR)

    def biometric_version(self) -> str:
        return next(r.version for r in services.list_questionnaires(self.store) if r.questionnaire_id == BIOMETRIC)

    def assess(self, vendor: str, quality: float, status: str) -> int:
        assessment_id = services.create_assessment(
            self.store, self.set, Vendor(vendor, f"https://{vendor.split()[0].lower()}.example"), ASSESSOR,
        )
        fill(self.store, assessment_id, self.set.questionnaire, quality, vendor, sections=3 if status == "partial" else None)
        if status == "in_review":
            services.move_to_review(self.store, assessment_id)
        elif status == "final" and vendor == VENDORS[0][0]:
            from duediligence.services.reports import finalise_and_sign

            finalise_and_sign(self.store, assessment_id, self.signed_report, identity_path=self.identity,
                              passphrase=PASSPHRASE, reason="Vendor due diligence assessment approved",
                              location="Aldbury", allow_incomplete=True)
        elif status == "final":
            services.finalise(self.store, assessment_id, allow_incomplete=True)
        return assessment_id

    def editor_assessment(self) -> int:
        """Mid-assessment: three sections done, flags raised, a comment written."""
        vendor = "Lumen Iris Systems Ltd"
        assessment_id = services.create_assessment(
            self.store, self.set, Vendor(vendor, "https://lumen-iris.example"), ASSESSOR,
        )
        fill(self.store, assessment_id, self.set.questionnaire, 0.45, vendor, sections=2, seed=5)
        for question_id, value in {
            "functions_offered": ["verification", "identification_retro"],
            "gallery_sources": ["customer_supplied", "licensed_broker"],
            "scraping_ever": "yes",
            "scraping_ongoing": "no",
            "scraping_stopped_date": (date.today() - timedelta(days=400)).isoformat(),
            "scraped_data_deleted": "models_kept",
            "cease_and_desist": "yes",
            "probe_reuse": "default_on_switchable",
        }.items():
            services.set_answer(self.store, assessment_id, question_id, value)
        services.set_comment(self.store, assessment_id, "scraped_data_deleted",
                             "Their CTO said the 2023 models are still in production (call, 12 May).")
        return assessment_id

    def close(self) -> None:
        self.store.close()


# --- pictures ---------------------------------------------------------------------------------


def settle(app: QApplication) -> None:
    """Let delayed layouts run (item views re-wrap their text ~100 ms after a resize)."""
    from PySide6.QtTest import QTest

    for _ in range(3):
        app.processEvents()
        QTest.qWait(120)


def over_window(background: QPixmap, dialog: QWidget) -> QImage:
    """A dialog drawn over its (dimmed) window, with a title bar, as a person sees it."""
    dialog.ensurePolished()
    if dialog.layout():
        dialog.layout().activate()
    dialog.resize(dialog.size().expandedTo(dialog.sizeHint()))
    shot = dialog.grab()
    image = background.toImage().convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 80))
    bar = 30
    width, height = shot.width(), shot.height() + bar
    x, y = (image.width() - width) // 2, max(10, (image.height() - height) // 2)
    for spread in range(1, 9):
        painter.fillRect(QRect(x - spread + 4, y - spread + 6, width + 2 * spread, height + 2 * spread), QColor(0, 0, 0, 10))
    painter.fillRect(QRect(x, y, width, bar), QColor("#dcdcdc"))
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#222222"))
    painter.drawText(QRect(x, y, width, bar), Qt.AlignmentFlag.AlignCenter, dialog.windowTitle())
    painter.drawPixmap(x, y + bar, shot)
    painter.setPen(QColor("#8a8a8a"))
    painter.drawRect(QRect(x, y, width - 1, height - 1))
    painter.end()
    return image


def save(image: QImage | QPixmap, path: Path) -> None:
    """PNG, squeezed to a palette when that keeps it small (UI shots have few colours)."""
    from io import BytesIO

    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    data = bytes(buffer.data())
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(data)
        return
    picture = Image.open(BytesIO(data)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    picture.save(path, optimize=True)
    print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {path.stat().st_size // 1024} KB")


def render(out: Path) -> None:
    from duediligence.ui.app import create_application
    from duediligence.ui.dialogs import ProblemsDialog, SignDialog, VerificationDialog
    from duediligence.ui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="duediligence-screenshots-") as temporary:
        folder = Path(temporary)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
        app = create_application(["duediligence"])
        sample = Sample(folder)
        editing = sample.ids["Lumen Iris Systems Ltd"] = sample.editor_assessment()
        window = MainWindow(sample.store, folder / "data")
        window.resize(*SIZE)
        window.show()
        window.refresh()
        window.dashboard.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        window.dashboard.select(sample.ids["Lumen Iris Systems Ltd"])
        settle(app)
        save(window.grab(), out / "dashboard.png")

        window.tabs.setCurrentWidget(window.vendors_view)
        window.vendors_view.select_vendor("Veridian Faces AB")
        settle(app)
        save(window.grab(), out / "vendors.png")

        window.open_assessment(editing)
        editor = window.current_tab().editor
        editor.section_list.setCurrentRow(1)
        card = editor.reveal_question("scraped_data_deleted")
        card.help_button.setChecked(True)
        settle(app)
        editor.pages["data_sourcing"].ensureWidgetVisible(card, 0, 160)
        panel = editor.score_panel
        for row in range(panel.flags.count()):
            if panel.flags.item(row).data(Qt.ItemDataRole.UserRole) == "scraped_data_deleted":
                panel.flags.setCurrentRow(row)
        window._show_save_status()
        settle(app)
        save(window.grab(), out / "editor.png")

        broken = folder / "vendor-questions-v2.json"
        document = json.loads(sample.set.document)
        document["id"] = "vendor-questions"
        # Mistakes a set's author makes (the loader reports schema errors first, then these).
        document["sections"][1]["questions"][2]["visible_if"] = {"answer": "scraping_everr", "equals": "yes"}
        document["sections"][2]["questions"][0]["options"][1]["value"] = document["sections"][2]["questions"][0]["options"][0]["value"]
        document["scoring"]["tiers"][2]["min_score"] = 120
        broken.write_text(json.dumps(document, indent=2))
        shown: list[ProblemsDialog] = []
        ProblemsDialog.exec = lambda dialog: shown.append(dialog) or 0  # type: ignore[method-assign]
        window.tabs.setCurrentWidget(window.sets_view)
        window.load_question_set(str(broken))
        settle(app)
        save(over_window(window.grab(), shown[0]), out / "load-error.png")

        sign_id = sample.ids["Orbis FaceWorks GmbH"]
        window.open_assessment(sign_id)
        settle(app)
        tab = window.current_tab()
        questions = tab.editor.questionnaire.questions_by_id
        dialog = SignDialog(str(sample.identity), f"/home/maria/Reports/{tab.summary.vendor_name}-assessment-{sign_id}-signed.pdf",
                            [questions[q].text for q in tab.editor.score.completeness.missing], window,
                            [flag.message for flag in tab.editor.score.knockouts])
        dialog.passphrase.setText("••••••••••••")
        dialog.location.setText("Aldbury")
        save(over_window(window.grab(), dialog), out / "sign-dialog.png")

        from duediligence.report.verify import quiet_validator_logs, verify_report

        quiet_validator_logs()
        window.tabs.setCurrentWidget(window.dashboard)
        settle(app)
        verdict = VerificationDialog(verify_report(sample.signed_report), window)
        save(over_window(window.grab(), verdict), out / "verification.png")

        for index in reversed(range(window.tabs.count())):
            window.close_tab(index)
        window.close()
        sample.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    render(parser.parse_args().out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
