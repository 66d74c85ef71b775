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
