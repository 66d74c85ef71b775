"""Small question sets and answers documents built in code for the store
tests, so they depend on nothing but the format."""

from __future__ import annotations

import json
from typing import Any

from duediligence.questionnaire import load_questionnaire_bytes
from duediligence.services import SetSource

TIERS = [
    {"id": "low", "label": "Low", "min_score": 0},
    {"id": "medium", "label": "Medium", "min_score": 25},
    {"id": "high", "label": "High", "min_score": 50},
]


def question_set(
    *questions: dict[str, Any], set_id: str = "store-test", version: str = "1.0.0", unanswered: str = "max_risk"
) -> dict[str, Any]:
    return {
        "format": "duediligence/questionnaire@1",
        "id": set_id,
        "version": version,
        "title": f"Store test set {version}",
        "scoring": {"tiers": TIERS, "unanswered": unanswered},
        "sections": [{"id": "main", "title": "Main", "questions": list(questions)}],
    }


def yes_no(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": "yes_no", "text": f"{qid}?", "risk": {"yes": 0, "no": 10, "unknown": 5}, **extra}


def choice(qid: str, values: tuple[str, ...] = ("low", "mid", "high"), multi: bool = False, **extra: Any) -> dict[str, Any]:
    options = [{"value": v, "label": v.title(), "risk": 5 * i} for i, v in enumerate(values)]
    kind = "multi_choice" if multi else "single_choice"
    return {"id": qid, "type": kind, "text": f"{qid}?", "options": options, **extra}


def text(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": "text", "text": f"{qid}?", "max_length": 200, **extra}


def number(qid: str, **extra: Any) -> dict[str, Any]:
    bands = [{"max": 10, "risk": 0}, {"max": None, "risk": 8}]
    return {"id": qid, "type": "number", "text": f"{qid}?", "min": 0, "max": 1000, "risk_bands": bands, **extra}


def day(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": "date", "text": f"{qid}?", **extra}


def evidence(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": "evidence", "text": f"{qid}?", "accept": [".pdf", ".txt"], "max_files": 3, "risk_if_missing": 6, **extra}


def list_of(qid: str, **extra: Any) -> dict[str, Any]:
    fields = [text("what"), number("records")]
    return {"id": qid, "type": "list", "text": f"{qid}?", "fields": fields, **extra}


def standard_set(version: str = "1.0.0") -> dict[str, Any]:
    """One question of each type; two are required; ``breach`` = yes is a knock-out."""
    return question_set(
        yes_no("consent", required=True),
        yes_no("breach", flags=[{"when": {"equals": "yes"}, "severity": "knockout", "message": "Breached"}]),
        choice("retention", required=True),
        choice("regions", values=("eu", "us", "cn"), multi=True),
        text("notes"),
        number("hours"),
        day("audited"),
        evidence("policy"),
        list_of("incidents"),
        version=version,
    )


def source_of(document: dict[str, Any]) -> SetSource:
    data = json.dumps(document, indent=1).encode("utf-8")
    return SetSource(load_questionnaire_bytes(data, "<test>"), data)


def answers_document(set_doc: dict[str, Any], answers: dict[str, Any], *, vendor: str = "Acme Face Inc.", comments: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "format": "duediligence/answers@1",
        "questionnaire": {"id": set_doc["id"], "version": set_doc["version"]},
        "vendor": {"name": vendor, "website": "https://acme.example", "contact": "cto@acme.example"},
        "assessor": {"name": "Jane Buyer", "organisation": "City Procurement"},
        "answers": answers,
        "comments": comments or {},
    }


#: Valid answers to ``standard_set`` (no evidence: that needs bytes).
STANDARD_ANSWERS: dict[str, Any] = {
    "consent": "yes",
    "breach": "no",
    "retention": "mid",
    "regions": ["eu", "us"],
    "notes": "Called the CTO",
    "hours": 24,
    "audited": "2026-01-15",
    "incidents": [{"what": "lost laptop", "records": 3}],
}
