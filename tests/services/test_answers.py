"""Setting answers and comments: validated before storing, one transaction
per change, the cached score kept in step, and a refused value changes
nothing at all."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duediligence import services
from duediligence.errors import InvalidAnswers, NotFound
from duediligence.storage.store import Store
from tests.storage.fixtures import table_counts
from tests.storage.sets import STANDARD_ANSWERS


def test_an_answer_is_stored_and_read_back(store: Store, draft: int) -> None:
    for question_id, value in STANDARD_ANSWERS.items():
        change = services.set_answer(store, draft, question_id, value)
        assert change.changed and change.old is None and change.new == value
    assert services.open_assessment(store, draft).answers == STANDARD_ANSWERS


def test_unanswered_values_clear_the_answer(store: Store, draft: int) -> None:
    services.set_answer(store, draft, "notes", "something")
    assert services.set_answer(store, draft, "notes", "").new is None
    services.set_answer(store, draft, "regions", ["eu"])
    assert services.set_answer(store, draft, "regions", []).new is None
    services.set_answer(store, draft, "hours", 3)
    assert services.clear_answer(store, draft, "hours").old == 3
    assert services.open_assessment(store, draft).answers == {}


def test_a_wrong_value_is_refused_with_the_question_named(store: Store, draft: int) -> None:
    services.set_answer(store, draft, "consent", "yes")
    before = table_counts(store.path)
    with pytest.raises(InvalidAnswers) as refused:
        services.set_answer(store, draft, "consent", "maybe")
    assert "'maybe' is not one of: yes, no, unknown" in str(refused.value)
    assert f"assessment {draft}" in str(refused.value)
    with pytest.raises(InvalidAnswers, match="unknown question id 'consnt'; did you mean 'consent'"):
        services.set_answer(store, draft, "consnt", "yes")
    with pytest.raises(InvalidAnswers, match="not a real date"):
        services.set_answer(store, draft, "audited", "2026-02-30")
    assert table_counts(store.path) == before
    assert services.open_assessment(store, draft).answers == {"consent": "yes"}


def test_an_unknown_assessment_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no assessment 42"):
        services.set_answer(store, 42, "consent", "yes")


def test_the_cached_score_follows_every_change(store: Store, draft: int) -> None:
    for question_id, value in STANDARD_ANSWERS.items():
        change = services.set_answer(store, draft, question_id, value)
        fresh = services.open_assessment(store, draft).score
        [listed] = services.list_assessments(store)
        for cached in (change.score, listed.score):
            assert cached is not None
            assert cached.overall == pytest.approx(fresh.overall)
            assert (cached.tier, cached.knockout, cached.answered, cached.required) == (
                fresh.tier.id, fresh.knockout, fresh.completeness.answered, fresh.completeness.required,
            )
            assert cached.as_of == date.today()
    assert services.set_answer(store, draft, "breach", "yes").score.knockout  # type: ignore[union-attr]
    assert services.list_assessments(store)[0].score.knockout  # type: ignore[union-attr]


def test_comments(store: Store, draft: int) -> None:
    assert services.set_comment(store, draft, "consent", "Asked on the call")
    assert not services.set_comment(store, draft, "consent", "Asked on the call")
    assert services.open_assessment(store, draft).comments == {"consent": "Asked on the call"}
    assert services.set_comment(store, draft, "consent", "")
    assert services.open_assessment(store, draft).comments == {}
    with pytest.raises(InvalidAnswers, match="unknown question id"):
        services.set_comment(store, draft, "nope", "x")


def test_non_finite_numbers_are_refused(store: Store, draft: int) -> None:
    for value in (math.nan, math.inf, [{"what": "x", "records": math.inf}]):
        question = "incidents" if isinstance(value, list) else "hours"
        with pytest.raises(InvalidAnswers, match="finite"):
            services.set_answer(store, draft, question, value)
    assert services.open_assessment(store, draft).answers == {}


JSON_SCALARS = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
TYPICAL = st.sampled_from([
    "yes", "no", "unknown", "maybe", "low", "mid", "high", "", [], ["eu"], ["eu", "us"], ["eu", "eu"], ["mars"],
    0, 5, 11, 1000, 1001, -1, 2.5, "2026-01-15", "2026-02-30", "15/01/2026",
    [{"what": "leak", "records": 10}], [{"what": 3}], [{"other": 1}],
    [{"name": "a.pdf", "size": 1, "sha256": "ab" * 32}], [{"name": "a.exe", "size": 1, "sha256": "ab" * 32}],
])
QUESTIONS = st.sampled_from([*STANDARD_ANSWERS, "policy", "nonexistent"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question_id=QUESTIONS, value=TYPICAL | JSON_VALUES)
def test_any_value_is_either_stored_exactly_or_refused_changing_nothing(
    store: Store, draft: int, question_id: str, value: object
) -> None:
    before_view = services.open_assessment(store, draft)
    before_counts = table_counts(store.path)
    try:
        change = services.set_answer(store, draft, question_id, value)
    except InvalidAnswers as refused:
        assert refused.problems and all(p.message for p in refused.problems)
        assert table_counts(store.path) == before_counts
        assert services.open_assessment(store, draft).answers == before_view.answers
        return
    after = services.open_assessment(store, draft)
    if value in (None, "", []):
        assert question_id not in after.answers
    else:
        assert after.answers[question_id] == value
    assert change.changed == (before_view.answers.get(question_id) != after.answers.get(question_id))
    [listed] = services.list_assessments(store)
    assert listed.score is not None and listed.score.overall == pytest.approx(after.score.overall)
    assert services.verify_audit(store, draft).ok


def test_changing_returned_or_passed_objects_changes_nothing_stored(store: Store, draft: int) -> None:
    regions = ["eu"]
    change = services.set_answer(store, draft, "regions", regions)
    regions.append("cn")  # the caller's object: not the stored answer
    change.new.append("us")  # type: ignore[union-attr]
    services.open_assessment(store, draft).answers["regions"].append("us")  # type: ignore[union-attr]
    services.set_answer(store, draft, "consent", "yes")  # a change that reuses the cached answers
    fresh = services.open_assessment(store, draft)
    assert fresh.answers["regions"] == ["eu"]
    [listed] = services.list_assessments(store)  # the cached score saw ["eu"] too
    assert listed.score is not None and listed.score.overall == pytest.approx(fresh.score.overall)
