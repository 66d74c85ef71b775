"""Setting and clearing answers and comments: one transaction per change.

A value is checked against its question before anything is written; a
refused value changes nothing. Unanswered values (``null``, ``""``,
``[]``) clear the answer. Setting the value an answer already has writes
nothing and adds no audit event.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass

from duediligence.errors import InvalidAnswers, Problem
from duediligence.questionnaire.answers import MAX_TEXT_LENGTH, answer_problems
from duediligence.questionnaire.conditions import is_unanswered
from duediligence.questionnaire.jsonfile import json_path
from duediligence.questionnaire.model import EvidenceQuestion
from duediligence.services.editing import Edit, edit
from duediligence.storage.records import CachedScore
from duediligence.storage.repository import (
    put_answer,
    put_comment,
    remove_answer,
    remove_comment,
    replace_evidence,
    stored_comments,
)
from duediligence.storage.store import Store


@dataclass(frozen=True)
class AnswerChange:
    """What a change did: the value before and after, and the new score
    (so a window can update its score without asking again)."""

    assessment_id: int
    question_id: str
    old: object
    new: object
    changed: bool
    score: CachedScore | None


def refuse(assessment_id: int, question_id: str, messages: list[str]) -> InvalidAnswers:
    where = json_path(("answers", question_id))
    return InvalidAnswers([Problem(f"assessment {assessment_id}", where, m) for m in messages])


def has_lone_surrogate(value: object) -> bool:
    """Text with a lone UTF-16 surrogate (pasted from a broken source) is not
    Unicode: it cannot be stored or printed. Refused like the file loader does."""
    if isinstance(value, str):
        return SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(has_lone_surrogate(item) for item in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(item) for item in (*value.keys(), *value.values()))
    return False


SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = "contains a lone UTF-16 surrogate (such as \\ud800), which is not valid Unicode text; remove it"


def has_non_finite(value: object) -> bool:
    """NaN and infinity pass some checks but are not JSON: refuse them by name."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(has_non_finite(item) for item in value)
    if isinstance(value, dict):
        return any(has_non_finite(item) for item in value.values())
    return False


def check_answer(change: Edit, question_id: str, value: object) -> None:
    if has_non_finite(value):
        raise refuse(change.assessment_id, question_id, ["numbers must be finite (NaN and infinity are not JSON)"])
    if has_lone_surrogate(value):
        raise refuse(change.assessment_id, question_id, [f"the answer {SURROGATE_MESSAGE}"])
    problems = answer_problems(change.questionnaire, question_id, value)
    question = change.questionnaire.questions_by_id.get(question_id)
    if not problems and isinstance(question, EvidenceQuestion) and isinstance(value, list):
        hashes = [item["sha256"] for item in value]
        if len(set(hashes)) != len(hashes):
            problems = [f"answer to {question_id!r}: the same file (sha256) is listed twice"]
    if problems:
        raise refuse(change.assessment_id, question_id, problems)


def apply_answer(change: Edit, question_id: str, value: object, *, action: str = "answer_set") -> bool:
    """Check and store one answer inside ``change``; return whether it changed."""
    check_answer(change, question_id, value)
    answers = change.answers
    old = answers.get(question_id)
    # A copy: the answers may be cached beyond this call, and the caller
    # may go on changing the object it passed.
    new = None if is_unanswered(value) else copy.deepcopy(value)
    if old == new:
        return False
    if isinstance(change.questionnaire.questions_by_id[question_id], EvidenceQuestion):
        replace_evidence(change.connection, change.assessment_id, question_id, new or [], change.now)  # type: ignore[arg-type]
    elif new is None:
        remove_answer(change.connection, change.assessment_id, question_id)
    else:
        put_answer(change.connection, change.assessment_id, question_id, new, change.now)
    if new is None:
        answers.pop(question_id, None)
    else:
        answers[question_id] = new
    if new is None and action == "answer_set":
        action = "answer_cleared"
    change.record(action, question_id, old, new)
    return True


def apply_comment(change: Edit, question_id: str, text: str, old: str | None) -> bool:
    """Store (or with ``""`` remove) the comment on one question."""
    if question_id not in change.questionnaire.questions_by_id:
        raise refuse(change.assessment_id, question_id, [f"unknown question id {question_id!r}"])
    if len(text) > MAX_TEXT_LENGTH:
        raise refuse(change.assessment_id, question_id, [f"comment is {len(text):,} characters; the limit is {MAX_TEXT_LENGTH:,}"])
    if has_lone_surrogate(text):
        raise refuse(change.assessment_id, question_id, [f"the comment {SURROGATE_MESSAGE}"])
    new = text or None
    if new == old:
        return False
    if new is None:
        remove_comment(change.connection, change.assessment_id, question_id)
    else:
        put_comment(change.connection, change.assessment_id, question_id, new, change.now)
    change.record("comment_set" if new is not None else "comment_cleared", question_id, old, new)
    return True


def set_answer(store: Store, assessment_id: int, question_id: str, value: object, who: str | None = None) -> AnswerChange:
    """Set (or, with an unanswered value, clear) one answer, durably."""
    with edit(store, assessment_id, who) as change:
        old = change.answers.get(question_id) if question_id in change.questionnaire.questions_by_id else None
        changed = apply_answer(change, question_id, value)
        new = change.answers.get(question_id)
    return AnswerChange(assessment_id, question_id, copy.deepcopy(old), copy.deepcopy(new), changed, change.saved_score)


def clear_answer(store: Store, assessment_id: int, question_id: str, who: str | None = None) -> AnswerChange:
    return set_answer(store, assessment_id, question_id, None, who)


def set_comment(store: Store, assessment_id: int, question_id: str, text: str, who: str | None = None) -> bool:
    """Set the comment on a question (``""`` removes it); return whether it changed."""
    with edit(store, assessment_id, who) as change:
        old = stored_comments(change.session, assessment_id).get(question_id)
        return apply_comment(change, question_id, text, old)

