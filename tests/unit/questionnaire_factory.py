"""Build question set and answers documents in code.

Every helper returns plain JSON-shaped dicts (a fresh copy each call), so
a test starts from a valid set and states only what it changes::

    doc = questionnaire(yes_no("a"), yes_no("b", visible_if={"answer": "a", "equals": "yes"}))
    problem = only_problem(doc)

Question helpers take the id first and any extra keys as keyword
arguments; ``None`` drops a key the helper would otherwise add.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from duediligence.errors import InvalidAnswers, InvalidQuestionnaire, Problem
from duediligence.questionnaire import answers_from_json, questionnaire_from_json
from duediligence.questionnaire.model import Questionnaire

FORMAT = "duediligence/questionnaire@1"
ANSWERS_FORMAT = "duediligence/answers@1"

#: Low 0, Medium 25, High 50, Critical 75: the usual four tiers.
TIERS: list[dict[str, Any]] = [
    {"id": "low", "label": "Low", "min_score": 0},
    {"id": "medium", "label": "Medium", "min_score": 25},
    {"id": "high", "label": "High", "min_score": 50},
    {"id": "critical", "label": "Critical", "min_score": 75},
]

SHA = "ab" * 32  # a well-formed sha256 (64 lowercase hex digits)

JSON = Any


def _merge(base: dict[str, JSON], extra: Mapping[str, JSON]) -> dict[str, JSON]:
    for key, value in extra.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = copy.deepcopy(value)
    return base


# --- questions ------------------------------------------------------------------


def question(qid: str, qtype: str, **extra: JSON) -> dict[str, JSON]:
    """Any question: id, type, a text, plus ``extra`` keys."""
    return _merge({"id": qid, "type": qtype, "text": f"Question {qid}?"}, extra)


def yes_no(qid: str, risk: tuple[float, ...] | dict[str, float] | None = (10, 0, 5), **extra: JSON) -> dict[str, JSON]:
    """A yes/no question; ``risk`` as (yes, no, unknown) or a dict; None = unscored."""
    q = question(qid, "yes_no")
    if isinstance(risk, tuple):
        q["risk"] = dict(zip(("yes", "no", "unknown"), risk))
    elif risk is not None:
        q["risk"] = dict(risk)
    return _merge(q, extra)


def options(spec: Mapping[str, float | None] | Iterable[str]) -> list[dict[str, JSON]]:
    """``{"a": 0, "b": 10}`` -> options with risks; ``["a", "b"]`` -> without."""
    if isinstance(spec, Mapping):
        out = []
        for value, risk in spec.items():
            option: dict[str, JSON] = {"value": value, "label": value.title()}
            if risk is not None:
                option["risk"] = risk
            out.append(option)
        return out
    return [{"value": value, "label": value.title()} for value in spec]


def single_choice(qid: str, opts: Mapping[str, float | None] | Iterable[str] | None = None, **extra: JSON) -> dict[str, JSON]:
    opts = {"low": 0, "mid": 5, "high": 10} if opts is None else opts
    return _merge(question(qid, "single_choice", options=options(opts)), extra)


def multi_choice(qid: str, opts: Mapping[str, float | None] | Iterable[str] | None = None, **extra: JSON) -> dict[str, JSON]:
    opts = {"low": 0, "mid": 5, "high": 10} if opts is None else opts
    return _merge(question(qid, "multi_choice", options=options(opts)), extra)


def text(qid: str, **extra: JSON) -> dict[str, JSON]:
    return question(qid, "text", **extra)


def bands(*pairs: tuple[float | None, float]) -> list[dict[str, JSON]]:
    """``bands((10, 0), (None, 10))`` -> ``[{"max": 10, "risk": 0}, {"max": None, "risk": 10}]``."""
    return [{"max": maximum, "risk": risk} for maximum, risk in pairs]


def number(qid: str, **extra: JSON) -> dict[str, JSON]:
    return question(qid, "number", **extra)


def date_q(qid: str, **extra: JSON) -> dict[str, JSON]:
    return question(qid, "date", **extra)


def evidence(qid: str, **extra: JSON) -> dict[str, JSON]:
    return question(qid, "evidence", **extra)


def list_q(qid: str, *fields: dict[str, JSON], **extra: JSON) -> dict[str, JSON]:
    """A list question with ``fields`` (question dicts without visible_if/flags)."""
    fields = fields or (text("name"),)
    return _merge(question(qid, "list", fields=list(fields)), extra)


def flag(when: dict[str, JSON], severity: str = "warning", message: str = "Look at this") -> dict[str, JSON]:
    return {"when": when, "severity": severity, "message": message}


def cond(qid: str | None = None, **operator: JSON) -> dict[str, JSON]:
    """``cond("a", equals="yes")`` -> ``{"answer": "a", "equals": "yes"}``."""
    out: dict[str, JSON] = {} if qid is None else {"answer": qid}
    out.update(operator)
    return out


# --- sections and sets ------------------------------------------------------------


def section(sid: str, *questions: dict[str, JSON], **extra: JSON) -> dict[str, JSON]:
    return _merge({"id": sid, "title": f"Section {sid}", "questions": list(questions)}, extra)


def questionnaire(
    *parts: dict[str, JSON],
    tiers: list[dict[str, JSON]] | None = None,
    unanswered: str | None = None,
    **extra: JSON,
) -> dict[str, JSON]:
    """A valid set. ``parts`` are sections, or questions (then put in one
    section ``main``); with no parts, one yes/no question ``q1``."""
    if not parts:
        parts = (yes_no("q1"),)
    if all("questions" in p for p in parts):
        sections = list(parts)
    elif any("questions" in p for p in parts):
        raise ValueError("pass either sections or questions, not both")
    else:
        sections = [section("main", *parts)]
    scoring: dict[str, JSON] = {"tiers": copy.deepcopy(tiers if tiers is not None else TIERS)}
    if unanswered is not None:
        scoring["unanswered"] = unanswered
    doc = {
        "format": FORMAT,
        "id": "test-set",
        "version": "1.0.0",
        "title": "Test set",
        "scoring": scoring,
        "sections": copy.deepcopy(sections),
    }
    return _merge(doc, extra)


def minimal_set() -> dict[str, JSON]:
    """The smallest valid set: one section, one yes/no question ``q1``."""
    return questionnaire()


def add_question(doc: dict[str, JSON], q: dict[str, JSON], section_index: int = -1) -> dict[str, JSON]:
    """Append ``q`` to a section (the last by default); returns ``doc``."""
    doc["sections"][section_index]["questions"].append(copy.deepcopy(q))
    return doc


def add_section(doc: dict[str, JSON], sid: str, *questions: dict[str, JSON], **extra: JSON) -> dict[str, JSON]:
    doc["sections"].append(section(sid, *copy.deepcopy(questions), **extra))
    return doc


def every_type_set(unanswered: str | None = None) -> dict[str, JSON]:
    """A set with every question type, risks, bounds, conditions and flags,
    for tests (and properties) that need variety without the shipped files."""
    return questionnaire(
        section(
            "basics",
            yes_no("uses_faces", required=True, flags=[flag(cond(equals="yes"), "info", "Uses faces")]),
            single_choice(
                "sourcing",
                {"consented": 0, "licensed": 4, "scraped": 10},
                required=True,
                flags=[flag(cond(equals="scraped"), "knockout", "Scraped images")],
            ),
            multi_choice("uses", {"access": 2, "search": 6, "emotion": 10}, min_selected=1, max_selected=2),
            text("vendor_name", max_length=40, pattern="^[A-Za-z ]+$"),
            text("notes", multiline=True),
        ),
        section(
            "numbers",
            number("accuracy", min=0, max=100, unit="%", risk_bands=bands((90, 8), (99, 3), (None, 0))),
            number("staff", min=0, integer=True, risk_bands=bands((5, 6), (None, 2))),
            date_q("audit_date", min="2000-01-01", max="2100-12-31", risk_bands=bands((365, 0), (1095, 5), (None, 9))),
            weight=2,
        ),
        section(
            "proof",
            evidence("dpia", accept=[".pdf", ".docx"], max_files=2, risk_if_missing=8, required=True),
            list_q(
                "breaches",
                date_q("when"),
                number("records", min=0, integer=True, risk_bands=bands((1000, 4), (None, 9))),
                single_choice("severity", {"minor": 2, "major": 9}),
                text("summary"),
                max_items=5,
            ),
            yes_no(
                "emotion_detail",
                (10, 2, 6),
                visible_if=cond("uses", includes="emotion"),
                flags=[flag(cond(equals="yes"), "warning", "Emotion recognition")],
            ),
            visible_if=cond("uses_faces", equals="yes"),
        ),
        unanswered=unanswered,
    )


# --- loading ----------------------------------------------------------------------


def load(doc: JSON) -> Questionnaire:
    """Load a set dict (deep-copied, so the test's dict stays as it was)."""
    return questionnaire_from_json(copy.deepcopy(doc), "<test>")


def problems_of(doc: JSON) -> list[Problem]:
    """The problems of an invalid set; fails the test if it loads."""
    try:
        questionnaire_from_json(copy.deepcopy(doc), "<test>")
    except InvalidQuestionnaire as exc:
        assert exc.problems, "InvalidQuestionnaire raised without problems"
        return exc.problems
    raise AssertionError("the set loaded, but it should have been refused")


def only_problem(doc: JSON) -> Problem:
    """The one problem of a set that has exactly one."""
    problems = problems_of(doc)
    assert len(problems) == 1, "expected exactly one problem, got:\n" + "\n".join(map(str, problems))
    return problems[0]


# --- answers ----------------------------------------------------------------------


def answers_doc(q: Questionnaire | Mapping[str, JSON], answers: Mapping[str, JSON] | None = None, **extra: JSON) -> dict[str, JSON]:
    """An answers document for set ``q`` (a model or a set dict)."""
    qid = q.id if isinstance(q, Questionnaire) else q["id"]
    version = q.version if isinstance(q, Questionnaire) else q["version"]
    doc = {
        "format": ANSWERS_FORMAT,
        "questionnaire": {"id": qid, "version": version},
        "vendor": {"name": "Acme Face Inc."},
        "answers": copy.deepcopy(dict(answers or {})),
    }
    return _merge(doc, extra)


def answer_errors(q: Questionnaire, answers: Mapping[str, JSON], **extra: JSON) -> list[Problem]:
    """The problems of an invalid answers document; fails if it is valid."""
    try:
        answers_from_json(q, answers_doc(q, answers, **extra), "<answers>")
    except InvalidAnswers as exc:
        assert exc.problems
        return exc.problems
    raise AssertionError("the answers were accepted, but they should have been refused")


def file_ref(name: str = "report.pdf", size: int = 1234, sha256: str = SHA) -> dict[str, JSON]:
    """One attached evidence file as it appears in an answers document."""
    return {"name": name, "size": size, "sha256": sha256}
