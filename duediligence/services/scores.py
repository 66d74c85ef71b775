"""The cached score on each assessment.

Every change writes the score with it (``editing.finish_edit``); this
module fills the cache where it is empty, which happens once after the
migration that added it (0002), since a migration does not run the
scoring code. It scores as of the day it runs.
"""

from __future__ import annotations

from datetime import date

from duediligence.questionnaire.scoring import score_answers
from duediligence.storage.records import CachedScore
from duediligence.storage.repository import (
    assessments_without_score,
    questionnaire_of,
    save_cached_score,
    stored_answers,
    write_target,
)
from duediligence.storage.store import Store


def fill_missing_scores(store: Store, as_of: date | None = None) -> int:
    """Compute the cached score of every assessment that has none; how many."""
    day = as_of or date.today()
    with store.read() as session:
        missing = assessments_without_score(session)
    for assessment_id in missing:
        with store.write() as session:
            target = write_target(session, assessment_id)
            questionnaire = questionnaire_of(session, store.questionnaires, target.questionnaire_row_id, target.questionnaire_sha256)
            score = score_answers(questionnaire, stored_answers(session, assessment_id, questionnaire), day)
            save_cached_score(session, assessment_id, CachedScore.from_score(score, day))
    return len(missing)
