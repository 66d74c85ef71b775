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
from PySide6.QtGui import QGuiApplication
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
    QVBoxLayout,
    QWidget,
)

from duediligence import __version__
from duediligence.errors import Problem


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
        vendors: Sequence[tuple[str, str, str]],
        sets: Sequence[SetChoice],
        assessor: str,
        organisation: str,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("New assessment")
        self.setMinimumWidth(520)
        self._vendors = {name: (website, contact) for name, website, contact in vendors}
        form = QFormLayout()
        self.vendor = QComboBox()
        self.vendor.setEditable(True)
        self.vendor.setAccessibleName("Vendor name")
        self.vendor.addItems(sorted(self._vendors))
        self.vendor.setCurrentText("")
        self.vendor.lineEdit().setPlaceholderText("Choose a vendor or type a new name (required)")
        self.vendor.currentTextChanged.connect(self._vendor_chosen)
        self.website = QLineEdit()
        self.website.setAccessibleName("Vendor website")
        self.contact = QLineEdit()
        self.contact.setAccessibleName("Vendor contact")
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
        form.addRow("&Question set:", self.set_choice)
        form.addRow("&Assessor:", self.assessor)
        form.addRow("O&rganisation:", self.organisation)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _vendor_chosen(self, name: str) -> None:
        if name in self._vendors:
            website, contact = self._vendors[name]
            self.website.setText(website)
            self.contact.setText(contact)

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
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Errors")
        self.text.setPlainText("\n".join(f"{p.path}: {p.message}" for p in problems))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy errors", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


@dataclass(frozen=True)
class SignInput:
    identity_path: str
    passphrase: str
    reason: str
    location: str
    out_path: str


class SignDialog(QDialog):
    """Signing identity, passphrase, reason and where to save the PDF."""

    def __init__(self, identity_path: str, default_out: str, missing: Sequence[str], parent: QWidget | None = None):
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
            warn = QLabel(f"<b>{len(missing)} required question(s) are unanswered.</b> They will be listed as unanswered in the report:")
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #8a4b00;")
            layout.addWidget(warn)
            listing = QListWidget()
            listing.addItems(list(missing))
            listing.setMaximumHeight(100)
            layout.addWidget(listing)
        form = QFormLayout()
        row = QHBoxLayout()
        self.identity = QLineEdit(identity_path)
        self.identity.setAccessibleName("Signing identity file")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_identity)
        self.create_button = QPushButton("Create new…")
        self.create_button.clicked.connect(self._create_identity)
        row.addWidget(self.identity, 1)
        row.addWidget(browse)
        row.addWidget(self.create_button)
        form.addRow("&Identity (.p12):", row)
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
        out_browse.clicked.connect(self._choose_out)
        out_row.addWidget(self.out, 1)
        out_row.addWidget(out_browse)
        form.addRow("&Save as:", out_row)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Finalise and sign")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.passphrase if identity_path else self.identity).setFocus()

    def _choose_identity(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Signing identity", self.identity.text(), "PKCS#12 (*.p12 *.pfx);;All files (*)")
        if path:
            self.identity.setText(path)

    def _create_identity(self) -> None:
        dialog = CreateIdentityDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created_path:
            self.identity.setText(dialog.created_path)
            self.passphrase.setFocus()

    def _choose_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save signed report", self.out.text(), "PDF (*.pdf)")
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
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        note = QLabel("The passphrase protects the key; it is never stored. At least 8 characters.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
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


class SettingsDialog(QDialog):
    """Default assessor, organisation and signing identity; where data lives."""

    def __init__(self, assessor: str, organisation: str, identity: str, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.assessor = QLineEdit(assessor)
        self.organisation = QLineEdit(organisation)
        self.identity = QLineEdit(identity)
        for label, widget in (("Default &assessor:", self.assessor), ("Default &organisation:", self.organisation), ("Default signing &identity:", self.identity)):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        data_row = QHBoxLayout()
        data_label = QLabel(str(data_dir))
        data_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_button = QPushButton("Open folder")
        open_button.clicked.connect(lambda: _open_folder(data_dir))
        data_row.addWidget(data_label, 1)
        data_row.addWidget(open_button)
        form.addRow("Data folder:", data_row)
        backups = QLabel(f"Backups are kept in {data_dir / 'backups'} before every upgrade (the last 10).")
        backups.setWordWrap(True)
        form.addRow("Backups:", backups)
        note = QLabel("The passphrase is never stored.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)


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
