"""The app's dialogs: new assessment, load errors, signing, identities,
verification results, upgrade reports, settings and About.

Dialogs collect input and show results; the work itself is done by the
services (through the main window), never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from duediligence import __version__
from duediligence.errors import Problem
from duediligence.ui.question_widgets import escape_html

ERROR_STYLE = "color: #b00020;"


def choose_open_file(parent: QWidget | None, title: str, filters: str, start: str = "") -> str:
    """A file to read, or "" when the person cancelled (one place, so tests can answer it)."""
    path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
    return path


def choose_save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path


class ErrorLabel(QLabel):
    """A red message line that takes no room until there is something to say."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.setVisible(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        super().setText(text)
        self.setVisible(bool(text))


def action_buttons(dialog: QDialog, ok_text: str, on_ok) -> QDialogButtonBox:
    """OK (renamed to what it does) and Cancel, wired to ``on_ok`` and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def error_label() -> QLabel:
    return ErrorLabel()


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose &-shortcut focuses ``buddy`` (needed when the row's field is a layout)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


@dataclass(frozen=True)
class SetChoice:
    """A question set offered in the new-assessment dialog."""

    key: str
    label: str


@dataclass(frozen=True)
class NewAssessmentInput:
    set_key: str
    vendor_name: str
    website: str
    contact: str
    assessor: str
    organisation: str


class NewAssessmentDialog(QDialog):
    """Vendor (existing or new), question set and assessor for a new draft."""

    def __init__(
        self,
        vendors: Sequence[str],
        sets: Sequence[SetChoice],
        assessor: str,
        organisation: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("New assessment")
        self.setMinimumWidth(520)
        self._vendors = {name.casefold() for name in vendors}
        form = QFormLayout()
        self.vendor = QComboBox()
        self.vendor.setEditable(True)
        self.vendor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.vendor.setAccessibleName("Vendor name")
        self.vendor.addItems(list(vendors))
        self.vendor.setCurrentText("")
        self.vendor.lineEdit().setPlaceholderText("Choose a vendor or type a new name (required)")
        self.vendor.currentTextChanged.connect(self._vendor_chosen)
        self.website = QLineEdit()
        self.website.setAccessibleName("Vendor website")
        self.website.setPlaceholderText("https://…")
        self.contact = QLineEdit()
        self.contact.setAccessibleName("Vendor contact")
        self.contact.setPlaceholderText("Name, email or phone of the vendor's contact")
        self.known = QLabel("A vendor you assessed before: its website and contact are kept from its record.")
        self.known.setWordWrap(True)
        self.known.setStyleSheet("color: palette(placeholder-text);")
        self.known.setVisible(False)
        self.set_choice = QComboBox()
        self.set_choice.setAccessibleName("Question set")
        for choice in sets:
            self.set_choice.addItem(choice.label, choice.key)
        self.assessor = QLineEdit(assessor)
        self.assessor.setAccessibleName("Assessor")
        self.organisation = QLineEdit(organisation)
        self.organisation.setAccessibleName("Organisation")
        form.addRow("&Vendor:", self.vendor)
        form.addRow("&Website:", self.website)
        form.addRow("C&ontact:", self.contact)
        form.addRow("", self.known)
        form.addRow("&Question set:", self.set_choice)
        form.addRow("&Assessor:", self.assessor)
        form.addRow("O&rganisation:", self.organisation)
        self.error = error_label()
        buttons = action_buttons(self, "Create", self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _vendor_chosen(self, name: str) -> None:
        """The store keeps a known vendor's details: do not ask for them again."""
        known = name.strip().casefold() in self._vendors
        self.website.setEnabled(not known)
        self.contact.setEnabled(not known)
        self.known.setVisible(known)

    def _accept(self) -> None:
        if not self.vendor.currentText().strip():
            self.error.setText("Enter the vendor's name.")
            self.vendor.setFocus()
            return
        if self.set_choice.currentData() is None:
            self.error.setText("Choose a question set.")
            return
        self.accept()

    def value(self) -> NewAssessmentInput:
        return NewAssessmentInput(
            set_key=self.set_choice.currentData(),
            vendor_name=self.vendor.currentText().strip(),
            website=self.website.text().strip(),
            contact=self.contact.text().strip(),
            assessor=self.assessor.text().strip(),
            organisation=self.organisation.text().strip(),
        )


class ProblemsDialog(QDialog):
    """Every error of a file, with its JSON path; copyable."""

    def __init__(self, title: str, intro: str, problems: Sequence[Problem], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 440)
        self.problems = tuple(problems)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        header.addWidget(self.intro, 1)
        layout.addLayout(header)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Errors")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText("\n".join(f"{p.path}: {p.message}" for p in problems))
        self.text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.text)
        note = QLabel("Each line gives the place in the file (as a JSON path) and what is wrong there.")
        note.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("Copy errors", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


@dataclass(frozen=True)
class SignInput:
    identity_path: str
    passphrase: str
    reason: str
    location: str
    out_path: str


IDENTITY_FILTER = "PKCS#12 (*.p12 *.pfx);;All files (*)"


class SignDialog(QDialog):
    """Signing identity, passphrase, reason and where to save the PDF."""

    def __init__(
        self,
        identity_path: str,
        default_out: str,
        missing: Sequence[str],
        parent: QWidget | None = None,
        knockouts: Sequence[str] = (),
    ):
        super().__init__(parent)
        self.setWindowTitle("Finalise and sign")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Finalising makes this assessment permanent: it can no longer be changed, only "
            "superseded by a new revision. The signed PDF report is saved where you choose."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if missing:
            count = "1 required question is" if len(missing) == 1 else f"{len(missing)} required questions are"
            warn = QLabel(f"<b>{count} unanswered.</b> The report will list them as unanswered:")
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #8a4b00;")
            layout.addWidget(warn)
            self.missing = QListWidget()
            self.missing.setAccessibleName("Unanswered required questions")
            self.missing.addItems(list(missing))
            self.missing.setMaximumHeight(110)
            layout.addWidget(self.missing)
        else:
            complete = QLabel("Every required question is answered.")
            complete.setStyleSheet("color: #2e7d32;")
            layout.addWidget(complete)
        if knockouts:
            count = "A knock-out is" if len(knockouts) == 1 else f"{len(knockouts)} knock-outs are"
            self.knockouts = QLabel(
                f"<b>{count} raised: the report will say “do not proceed”.</b><br>"
                + "<br>".join(f"• {escape_html(k)}" for k in knockouts)
            )
            self.knockouts.setWordWrap(True)
            self.knockouts.setStyleSheet("color: #c62828;")
            layout.addWidget(self.knockouts)
        form = QFormLayout()
        row = QHBoxLayout()
        self.identity = QLineEdit(identity_path)
        self.identity.setAccessibleName("Signing identity file")
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose a signing identity file")
        browse.clicked.connect(self._choose_identity)
        self.create_button = QPushButton("Create new…")
        self.create_button.setAccessibleName("Create a new signing identity")
        self.create_button.clicked.connect(self._create_identity)
        row.addWidget(self.identity, 1)
        row.addWidget(browse)
        row.addWidget(self.create_button)
        form.addRow(buddy_label("&Identity (.p12):", self.identity), row)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        form.addRow("&Passphrase:", self.passphrase)
        self.reason = QLineEdit("Vendor due diligence assessment approved")
        self.reason.setAccessibleName("Reason")
        form.addRow("&Reason:", self.reason)
        self.location = QLineEdit()
        self.location.setAccessibleName("Location")
        form.addRow("&Location:", self.location)
        out_row = QHBoxLayout()
        self.out = QLineEdit(default_out)
        self.out.setAccessibleName("Save signed PDF as")
        out_browse = QPushButton("Choose…")
        out_browse.setAccessibleName("Choose where to save the signed PDF")
        out_browse.clicked.connect(self._choose_out)
        out_row.addWidget(self.out, 1)
        out_row.addWidget(out_browse)
        form.addRow(buddy_label("&Save as:", self.out), out_row)
        layout.addLayout(form)
        note = QLabel("The passphrase unlocks the identity for this signature only; it is never stored.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(note)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = action_buttons(self, "Finalise and sign", self._accept)
        layout.addWidget(buttons)
        (self.passphrase if identity_path else self.identity).setFocus()

    def _choose_identity(self) -> None:
        path = choose_open_file(self, "Signing identity", IDENTITY_FILTER, self.identity.text())
        if path:
            self.identity.setText(path)

    def _create_identity(self) -> None:
        dialog = CreateIdentityDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created_path:
            self.identity.setText(dialog.created_path)
            self.passphrase.setText(dialog.passphrase.text())  # just typed twice: not asked a third time
            self.reason.setFocus()

    def _choose_out(self) -> None:
        path = choose_save_file(self, "Save signed report", self.out.text(), "PDF (*.pdf)")
        if path:
            self.out.setText(path)

    def _accept(self) -> None:
        if not self.identity.text().strip():
            self.error.setText("Choose a signing identity (.p12), or create one.")
        elif not self.passphrase.text():
            self.error.setText("Enter the identity's passphrase.")
        elif not self.out.text().strip():
            self.error.setText("Choose where to save the signed PDF.")
        else:
            self.accept()

    def value(self) -> SignInput:
        return SignInput(
            self.identity.text().strip(), self.passphrase.text(), self.reason.text().strip(),
            self.location.text().strip(), self.out.text().strip(),
        )


class CreateIdentityDialog(QDialog):
    """Make a self-signed signing identity (a passphrase-protected .p12)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Create signing identity")
        self.setMinimumWidth(480)
        self.created_path = ""
        form = QFormLayout()
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.org = QLineEdit()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.path = QLineEdit(str(Path.home() / "signing-identity.p12"))
        for label, widget in (("&Name:", self.name), ("&Email:", self.email), ("&Organisation:", self.org),
                              ("&Passphrase:", self.passphrase), ("&Repeat:", self.repeat), ("&Save as:", self.path)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        self.error = error_label()
        note = QLabel("The passphrase protects the key; it is never stored. At least 8 characters.")
        note.setWordWrap(True)
        buttons = action_buttons(self, "Create", self._create)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _create(self) -> None:
        from duediligence.errors import DueDiligenceError
        from duediligence.report.identity import create_identity

        if not self.name.text().strip():
            self.error.setText("Enter the signer's name.")
            return
        if self.passphrase.text() != self.repeat.text():
            self.error.setText("The passphrases differ.")
            return
        try:
            create_identity(
                self.path.text().strip(), name=self.name.text().strip(), passphrase=self.passphrase.text(),
                email=self.email.text().strip() or None, organisation=self.org.text().strip() or None,
            )
        except DueDiligenceError as exc:
            self.error.setText(str(exc))
            return
        self.created_path = self.path.text().strip()
        self.accept()


def show_text_result(parent: QWidget | None, title: str, headline: str, details: str, good: bool) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Information if good else QMessageBox.Icon.Warning)
    box.setText(headline)
    box.setInformativeText(details)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()


def verification_summary(result) -> tuple[bool, str, list[str]]:
    """The verdict on a report in plain words: (good, headline, sentences)."""
    if not result.signatures:
        return False, "This PDF is not signed.", [
            "Nothing proves who made it or that it is unchanged. Ask for the signed report."
        ]
    last = result.signatures[-1]
    who = last.signer_common_name or last.signer_subject or "an unknown signer"
    when = f" on {last.signing_time.astimezone():%d %B %Y at %H:%M}" if last.signing_time else ""
    sentences = [f"Signed by {who}{when} (the time the signer's computer stated)."]
    if result.ok:
        headline = "The report is intact: it has not been changed since it was signed."
        sentences.append("The signature is valid and covers the whole document.")
    else:
        headline = "The report does NOT verify: do not rely on it."
        if not (last.intact and last.valid):
            sentences.append("The content does not match the signature: the file was changed or damaged after signing.")
        elif not last.covers_whole_document:
            sentences.append(f"The signature covers {last.coverage}.")
    if result.answers.matches:
        sentences.append("The answers attached to the report match what was signed.")
    elif result.answers.status != "not signed":
        sentences.append(f"The attached answers: {result.answers.status}.")
    if last.trusted:
        sentences.append("The signer's certificate is trusted.")
    else:
        sentences.append(
            "The signer's certificate is not in a trust list (a self-made signing identity). To be sure who "
            f"signed, compare its fingerprint with the signer: SHA-256 {last.certificate_sha256 or '(unknown)'}."
        )
    sentences.extend(result.problems)
    return result.ok, headline, sentences


class VerificationDialog(QDialog):
    """The verdict on a signed report: a headline, plain sentences, and the
    full technical details to copy."""

    def __init__(self, result, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Report verification")
        self.resize(760, 480)
        self.good, headline, sentences = verification_summary(result)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        icon = QLabel()
        pixmap = QStyle.StandardPixmap.SP_DialogApplyButton if self.good else QStyle.StandardPixmap.SP_MessageBoxCritical
        icon.setPixmap(self.style().standardIcon(pixmap).pixmap(48, 48))
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        colour = "#2e7d32" if self.good else "#c62828"
        self.headline = QLabel(f'<h3 style="color: {colour}; margin: 0;">{escape_html(headline)}</h3>'
                               f"<p>{escape_html(str(Path(result.path).name))}</p>")
        self.headline.setWordWrap(True)
        header.addWidget(self.headline, 1)
        layout.addLayout(header)
        self.sentences = QLabel("".join(f"<p>{escape_html(s)}</p>" for s in sentences))
        self.sentences.setWordWrap(True)
        self.sentences.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.sentences)
        layout.addWidget(QLabel("<b>Details</b>"))
        self.details = QPlainTextEdit("\n".join(result.lines()))
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Verification details")
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.details.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class SettingsDialog(QDialog):
    """Default assessor, organisation and signing identity; where data lives; backups."""

    def __init__(self, assessor: str, organisation: str, identity: str, data_dir: Path, store=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(620)
        self.store = store
        form = QFormLayout()
        self.assessor = QLineEdit(assessor)
        self.organisation = QLineEdit(organisation)
        self.identity = QLineEdit(identity)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity, 1)
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose the default signing identity")
        browse.clicked.connect(self._choose_identity)
        identity_row.addWidget(browse)
        for label, widget in (("Default &assessor:", self.assessor), ("Default &organisation:", self.organisation)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        self.identity.setAccessibleName("Default signing identity")
        form.addRow(buddy_label("Default signing &identity:", self.identity), identity_row)
        data_row = QHBoxLayout()
        data_label = QLabel(str(data_dir))
        data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        data_label.setAccessibleName("Data folder")
        open_button = QPushButton("Open folder")
        open_button.clicked.connect(lambda: _open_folder(data_dir))
        data_row.addWidget(data_label, 1)
        data_row.addWidget(open_button)
        form.addRow("Data folder:", data_row)
        backups_row = QHBoxLayout()
        backups = QLabel(
            f"A copy of the database is kept in {data_dir / 'backups'} before every upgrade (the last 10). "
            "“Back up now” saves the database and all evidence files in one zip archive."
        )
        backups.setWordWrap(True)
        self.backup_button = QPushButton("Back up now…")
        self.backup_button.clicked.connect(self._back_up)
        self.backup_button.setEnabled(store is not None)
        backups_row.addWidget(backups, 1)
        backups_row.addWidget(self.backup_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow("Backups:", backups_row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        note = QLabel("The log file is duediligence.log in the data folder. The passphrase is never stored.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _choose_identity(self) -> None:
        path = choose_open_file(self, "Default signing identity", IDENTITY_FILTER, self.identity.text())
        if path:
            self.identity.setText(path)

    def _back_up(self) -> None:
        from datetime import datetime

        from duediligence.errors import DueDiligenceError
        from duediligence.services import backup_store

        suggested = str(Path.home() / f"duediligence-backup-{datetime.now():%Y%m%d-%H%M}.zip")
        path = choose_save_file(self, "Back up the data", suggested, "Zip archives (*.zip)")
        if not path:
            return
        try:
            backup_store(self.store, path)
        except (DueDiligenceError, OSError) as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(f"Not backed up: {exc}")
        else:
            self.message.setStyleSheet("")
            self.message.setText(f"Backed up to {path}")
        self.message.setVisible(True)


def _open_folder(path: Path) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(
        parent,
        "About duediligence",
        f"<h3>duediligence {__version__}</h3>"
        "<p>Due diligence on biometric and facial-recognition vendors: structured question "
        "sets, risk scores, knock-outs, an audit trail and signed PDF reports. Works offline.</p>"
        "<p>Licence: GPL-3.0-or-later. Built with Qt for Python (PySide6, LGPLv3), SQLAlchemy (MIT), "
        "ReportLab (BSD), pyHanko (MIT), jsonschema (MIT), jsonschema-rs (MIT), cryptography "
        "(Apache-2.0/BSD), Alembic (MIT), platformdirs (MIT). Fonts: DejaVu (Bitstream Vera licence), "
        "Droid Sans Fallback (Apache-2.0), Symbola (free use).</p>",
    )
