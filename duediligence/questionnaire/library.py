"""The built-in question sets that ship inside the package."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from duediligence.questionnaire.loader import load_questionnaire_bytes
from duediligence.questionnaire.model import Questionnaire

BUILTIN_PACKAGES = ("duediligence.forms", "duediligence.forms.examples")


def builtin_questionnaire_paths() -> list[Traversable]:
    """The question set files shipped with the app (answers files excluded)."""
    found = []
    for package in BUILTIN_PACKAGES:
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".json") and not entry.name.endswith(".answers.json"):
                found.append(entry)
    return found


def load_builtin(name: str = "biometric-vendor.json") -> Questionnaire:
    """Load a shipped set by file name (e.g. ``examples/all-types.json``)."""
    package, _, file_name = ("duediligence.forms/" + name).rpartition("/")
    entry = resources.files(package.replace("/", ".")).joinpath(file_name)
    return load_questionnaire_bytes(entry.read_bytes(), f"<built-in>/{name}")
