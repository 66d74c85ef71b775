"""The few exception types a user sees, each carrying a readable message.

The CLI and the GUI catch ``DueDiligenceError`` and show its message; any
other exception is a bug and is reported as one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file: where it is (a JSON path) and what to do."""

    source: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.path}: {self.message}"


class DueDiligenceError(Exception):
    """Base of every error whose message is meant for the user."""


class InvalidDocument(DueDiligenceError):
    """A question set or answers document that cannot be used, with every
    problem found in it, so an author can fix them all in one go."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InvalidQuestionnaire(InvalidDocument):
    """A question set file that does not follow the format."""


class InvalidAnswers(InvalidDocument):
    """An answers document (or one answer) that does not fit its question set."""


# --- the store and its use cases ---------------------------------------------------
# Each message names the file or the assessment concerned and says what to do.


class StoreError(DueDiligenceError):
    """The database or the data dir cannot be used as it is."""


class DataDirUnusable(StoreError):
    """The data dir cannot be created or written (read-only, no permission)."""


class DatabaseUnusable(StoreError):
    """The database file is not a duediligence database, or it is damaged."""


class DatabaseTooNew(StoreError):
    """The database was written by a newer version of the app."""


class DatabaseLocked(StoreError):
    """Another program holds the database's write lock for too long."""


class BackupError(StoreError):
    """A backup could not be written or a file could not be restored."""


class NotFound(DueDiligenceError):
    """An assessment, question set or file that does not exist."""


class ImmutableAssessment(DueDiligenceError):
    """A change to a final (or superseded) assessment; it needs a new revision."""


class WorkflowError(DueDiligenceError):
    """A step that does not fit the assessment's state (finalise twice, say)."""


class EvidenceError(DueDiligenceError):
    """An evidence file that cannot be attached (too big, unreadable, refused type)."""


class QuestionnaireConflict(DueDiligenceError):
    """A question set whose id and version are already stored with other content."""


# --- reports and signatures (duediligence.report) ---------------------------------


class ReportError(DueDiligenceError):
    """A PDF report could not be built (a missing bundled font, say)."""


class SigningIdentityError(DueDiligenceError):
    """A signing identity (.p12/.pfx) that cannot be created, opened or used:
    a missing file, a wrong passphrase, an expired certificate or one that
    does not allow non-repudiation signatures."""


class SigningError(DueDiligenceError):
    """A report could not be signed; no output file was left behind."""


class UnreadableReport(DueDiligenceError):
    """A file given to ``verify`` that is not a readable PDF."""


class OutputFileError(DueDiligenceError):
    """An output file (report, identity) that cannot be written where asked."""


class InvalidTrustAnchor(DueDiligenceError):
    """A ``--trust`` file that holds no readable certificate."""
