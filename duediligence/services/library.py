"""The question set library: the sets stored in the database plus the
built-in ones shipped with the app.

A set is stored byte for byte, once per id + version, and never changed:
an assessment pins the stored copy, so a later edit of the file on disk
cannot change an old assessment. Adding a file whose id and version are
already stored with other content is refused (the author must bump the
version). Built-in sets are always available; one is copied into the
library when an assessment first uses it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.errors import InvalidDocument, InvalidQuestionnaire, NotFound, QuestionnaireConflict
from duediligence.questionnaire.jsonfile import read_file_bytes
from duediligence.questionnaire.library import builtin_questionnaire_paths
from duediligence.questionnaire.loader import load_questionnaire_bytes
from duediligence.questionnaire.model import Questionnaire
from duediligence.storage.models import QuestionnaireVersion, utc_now
from duediligence.storage.records import QuestionnaireRecord
from duediligence.storage.repository import questionnaire_record, stored_questionnaire
from duediligence.storage.store import Store


@dataclass(frozen=True)
class SetSource:
    """A loaded question set together with the exact bytes it came from."""

    questionnaire: Questionnaire
    document: bytes


@dataclass(frozen=True)
class AddedQuestionnaire:
    record: QuestionnaireRecord
    added: bool  # False when the same content was already stored


def read_set_file(path: str | os.PathLike[str]) -> SetSource:
    """Load and check a question set file (raises ``InvalidQuestionnaire``)."""
    try:
        data = read_file_bytes(path)
    except InvalidDocument as exc:  # missing, a folder, too big
        raise InvalidQuestionnaire(exc.problems) from None
    return SetSource(load_questionnaire_bytes(data, str(path)), data)


def builtin_sets() -> list[SetSource]:
    """The built-in sets that load (a broken one is a bug reported by the tests)."""
    found = []
    for entry in builtin_questionnaire_paths():
        data = entry.read_bytes()
        try:
            found.append(SetSource(load_questionnaire_bytes(data, f"<built-in>/{entry.name}"), data))
        except InvalidQuestionnaire:
            continue
    return found


def store_set(session: Session, source: SetSource) -> tuple[QuestionnaireVersion, bool]:
    """The library row for ``source``, added if new; inside the caller's transaction."""
    q = source.questionnaire
    row = stored_questionnaire(session, q.id, q.version)
    if row is not None:
        if row.sha256 != q.sha256:
            raise QuestionnaireConflict(
                f"question set {q.id} version {q.version} is already in the library with different "
                f"content (sha256 {row.sha256[:12]}..., this file {q.sha256[:12]}...). A published "
                "version never changes: give the edited set a new version number."
            )
        return row, False
    row = QuestionnaireVersion(
        questionnaire_id=q.id, version=q.version, title=q.title, sha256=q.sha256,
        document=source.document, added_at=utc_now(),
    )
    session.add(row)
    session.flush()
    return row, True


def add_questionnaire(store: Store, source: SetSource) -> AddedQuestionnaire:
    with store.write() as session:
        row, added = store_set(session, source)
        return AddedQuestionnaire(questionnaire_record(row), added)


def add_questionnaire_file(store: Store, path: str | os.PathLike[str]) -> AddedQuestionnaire:
    return add_questionnaire(store, read_set_file(path))


def list_questionnaires(store: Store) -> list[QuestionnaireRecord]:
    """Every set that can be used: stored ones, and built-in ones not yet stored."""
    with store.read() as session:
        rows = session.scalars(
            select(QuestionnaireVersion).order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.id)
        )
        records = [questionnaire_record(row) for row in rows]
    stored = {(r.questionnaire_id, r.version) for r in records}
    for source in builtin_sets():
        q = source.questionnaire
        if (q.id, q.version) not in stored:
            records.append(QuestionnaireRecord(None, q.id, q.version, q.title, q.sha256, None, "built-in"))
    return records


def find_set(store: Store, questionnaire_id: str, version: str) -> SetSource:
    """The set with this id and version: from the library, else built in."""
    with store.read() as session:
        row = stored_questionnaire(session, questionnaire_id, version)
        if row is not None:
            return SetSource(load_questionnaire_bytes(row.document, f"<store>/{questionnaire_id}@{version}"), row.document)
    for source in builtin_sets():
        if (source.questionnaire.id, source.questionnaire.version) == (questionnaire_id, version):
            return source
    raise NotFound(
        f"question set {questionnaire_id} version {version} is not in the library; add it with "
        "`duediligence questionnaires add FILE`, or pass --questionnaire FILE"
    )


def newest_version(store: Store, questionnaire_id: str) -> SetSource | None:
    """The highest version of a set known to the library or built in."""
    candidates: dict[str, SetSource] = {}
    with store.read() as session:
        for row in session.scalars(
            select(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
        ):
            candidates[row.version] = SetSource(
                load_questionnaire_bytes(row.document, f"<store>/{questionnaire_id}@{row.version}"), row.document
            )
    for source in builtin_sets():
        if source.questionnaire.id == questionnaire_id:
            candidates.setdefault(source.questionnaire.version, source)
    if not candidates:
        return None
    return candidates[max(candidates, key=semver_key)]


def semver_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3] if part.isdigit())
