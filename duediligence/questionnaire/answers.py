"""Answers: the ``duediligence/answers@1`` document and its validation.

A JSON Schema is generated from the question set, so the answers a
person gives are checked with the same machinery as the set itself, and
the schema can be handed to other tools. What JSON Schema cannot say (a
real calendar date, date bounds, accepted file extensions) is checked
after it. Every error names the question id.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from duediligence.errors import InvalidAnswers, InvalidDocument, Problem
from duediligence.questionnaire.jsonfile import json_path, nesting_problem, read_json_file
from duediligence.questionnaire.loader import did_you_mean
from duediligence.questionnaire.validation import SchemaValidator
from duediligence.questionnaire.model import (
    parse_iso_date,
    ANSWERS_FORMAT,
    ChoiceQuestion,
    DateQuestion,
    EvidenceQuestion,
    ListQuestion,
    NumberQuestion,
    Question,
    Questionnaire,
    TextQuestion,
    YesNoQuestion,
)

SHA256_PATTERN = "^[0-9a-f]{64}$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: Longest text answer accepted; a 1 MB answer is a paste accident, not prose.
MAX_TEXT_LENGTH = 200_000


@dataclass(frozen=True)
class Vendor:
    name: str
    website: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Assessor:
    name: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class AnswersDocument:
    questionnaire_id: str
    questionnaire_version: str
    vendor: Vendor
    assessor: Assessor = Assessor()
    answers: Mapping[str, object] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "format": ANSWERS_FORMAT,
            "questionnaire": {"id": self.questionnaire_id, "version": self.questionnaire_version},
            "vendor": {"name": self.vendor.name, "website": self.vendor.website, "contact": self.vendor.contact},
            "assessor": {"name": self.assessor.name, "organisation": self.assessor.organisation},
            "answers": dict(self.answers),
            "comments": dict(self.comments),
        }


# --- the generated schema -------------------------------------------------------


def value_schema(question: Question) -> dict[str, Any]:
    """The JSON Schema of one question's answer value (null = unanswered)."""
    schema: dict[str, Any]
    if isinstance(question, YesNoQuestion):
        schema = {"enum": list(question.allowed_values)}
    elif isinstance(question, ChoiceQuestion) and question.type == "single_choice":
        schema = {"enum": list(question.option_values)}
    elif isinstance(question, ChoiceQuestion):
        schema = {"type": "array", "uniqueItems": True, "items": {"enum": list(question.option_values)}}
        if question.max_selected is not None:
            schema["maxItems"] = question.max_selected
        if question.min_selected:
            # An empty array means "unanswered" and stays allowed.
            schema["anyOf"] = [{"maxItems": 0}, {"minItems": question.min_selected}]
    elif isinstance(question, TextQuestion):
        schema = {"type": "string", "maxLength": question.max_length or MAX_TEXT_LENGTH}
        if question.pattern:
            schema["anyOf"] = [{"maxLength": 0}, {"pattern": question.pattern}]
    elif isinstance(question, NumberQuestion):
        schema = {"type": "integer" if question.integer else "number"}
        if question.min is not None:
            schema["minimum"] = question.min
        if question.max is not None:
            schema["maximum"] = question.max
    elif isinstance(question, DateQuestion):
        schema = {"type": "string", "pattern": DATE_PATTERN}
    elif isinstance(question, EvidenceQuestion):
        schema = {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "size", "sha256"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 255},
                    "size": {"type": "integer", "minimum": 0},
                    "sha256": {"type": "string", "pattern": SHA256_PATTERN},
                    "media_type": {"type": "string"},
                },
            },
        }
        if question.max_files is not None:
            schema["maxItems"] = question.max_files
    elif isinstance(question, ListQuestion):
        schema = {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {f.id: value_schema(f) for f in question.fields},
            },
        }
        if question.max_items is not None:
            schema["maxItems"] = question.max_items
        if question.min_items:
            schema["anyOf"] = [{"maxItems": 0}, {"minItems": question.min_items}]
    else:  # pragma: no cover - every type is handled above
        raise TypeError(question.type)
    return {"anyOf": [{"type": "null"}, schema]}


def answers_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """The JSON Schema of an answers document for this set."""
    ids = {"type": "string", "enum": [q.id for q in questionnaire.questions]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Answers to {questionnaire.title} {questionnaire.version}",
        "type": "object",
        "required": ["format", "questionnaire", "vendor", "answers"],
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string"},
            "format": {"const": ANSWERS_FORMAT},
            "questionnaire": {
                "type": "object",
                "required": ["id", "version"],
                "additionalProperties": False,
                "properties": {"id": {"type": "string"}, "version": {"type": "string"}},
            },
            "vendor": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 500},
                    "website": {"type": "string", "maxLength": 2000},
                    "contact": {"type": "string", "maxLength": 2000},
                },
            },
            "assessor": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "maxLength": 500},
                    "organisation": {"type": "string", "maxLength": 500},
                },
            },
            "answers": {
                "type": "object",
                "propertyNames": ids,
                "properties": {q.id: value_schema(q) for q in questionnaire.questions},
            },
            "comments": {
                "type": "object",
                "propertyNames": ids,
                "additionalProperties": {"type": "string", "maxLength": MAX_TEXT_LENGTH},
            },
        },
    }


@lru_cache(maxsize=32)
def _validator(questionnaire: Questionnaire) -> SchemaValidator:
    return SchemaValidator(answers_schema(questionnaire))


# --- validation -----------------------------------------------------------------


def _question_label(path: tuple[object, ...]) -> str:
    if len(path) >= 2 and path[0] in ("answers", "comments"):
        return f"{path[0][:-1]} to {path[1]!r}: "  # type: ignore[index]
    return ""


def _schema_problems(questionnaire: Questionnaire, document: object, source: str) -> list[Problem]:
    validator = _validator(questionnaire)
    if validator.is_valid(document):
        return []
    too_deep = nesting_problem(document)
    if too_deep:
        return [Problem(source, "$", too_deep)]
    problems: dict[tuple[str, str], Problem] = {}
    for error in validator.explain(document):
        problem = _explain_answer_error(questionnaire, error, source)
        problems.setdefault((problem.path, problem.message), problem)
    if not problems:  # the explaining validator saw nothing: use the fast one's words
        for path, message in validator.fast_errors(document) or [([], "does not match the answers schema")]:
            problem = Problem(source, json_path(path), _question_label(tuple(path)) + message)
            problems.setdefault((problem.path, problem.message), problem)
    return list(problems.values())


def _best_leaf(error: Any) -> Any:
    """For anyOf(null, schema) errors, the error of the real schema."""
    while error.validator == "anyOf" and error.context:
        real = [e for e in error.context if e.schema_path and e.schema_path[0] != 0] or list(error.context)
        error = min(real, key=lambda e: len(e.schema_path))
    return error


def _explain_answer_error(questionnaire: Questionnaire, error: Any, source: str) -> Problem:
    error = _best_leaf(error)
    path = tuple(error.absolute_path)
    label = _question_label(path)
    instance = error.instance
    ids = [q.id for q in questionnaire.questions]
    if error.validator == "propertyNames" or (error.validator == "enum" and error.schema is not None and error.schema.get("type") == "string" and error.validator_value == ids):
        return Problem(source, json_path(path + (instance,)) if error.validator == "enum" else json_path(path), f"unknown question id {instance!r}{did_you_mean(instance, ids)}")
    if error.validator == "enum":
        options = ", ".join(map(str, error.validator_value))
        message = f"{instance!r} is not one of: {options}{did_you_mean(instance, [str(v) for v in error.validator_value])}"
    elif error.validator == "type":
        message = f"expected {error.validator_value}, found {type(instance).__name__.replace('NoneType', 'null')}"
    elif error.validator == "required":
        missing = [k for k in error.validator_value if isinstance(instance, dict) and k not in instance]
        message = f"missing required key {missing[0]!r}" if missing else error.message
    elif error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        message = f"unknown key {extra[0]!r}{did_you_mean(extra[0], allowed)}" if extra else error.message
    elif error.validator == "const":
        message = f"must be {error.validator_value!r}"
    elif error.validator == "pattern" and error.validator_value == DATE_PATTERN:
        message = f"{instance!r} is not a date; write YYYY-MM-DD"
    elif error.validator == "pattern" and error.validator_value == SHA256_PATTERN:
        message = "sha256 must be 64 lowercase hex digits"
    elif error.validator == "pattern":
        message = f"{_clip(instance)!r} does not match the pattern {error.validator_value}"
    elif error.validator == "maxLength":
        message = f"is {len(instance):,} characters; the limit is {error.validator_value:,}"
    elif error.validator in ("minimum", "maximum"):
        word = "at least" if error.validator == "minimum" else "at most"
        message = f"must be {word} {error.validator_value}, found {instance}"
    elif error.validator == "maxItems":
        message = f"has {len(instance)} items; at most {error.validator_value} allowed"
    elif error.validator == "minItems":
        message = f"has {len(instance)} items; at least {error.validator_value} needed"
    elif error.validator == "uniqueItems":
        message = "lists the same option twice"
    else:
        message = error.message if len(error.message) < 300 else error.message[:300] + "..."
    return Problem(source, json_path(path), label + message)


def _clip(value: object) -> object:
    return value[:60] + "..." if isinstance(value, str) and len(value) > 60 else value


def _value_problems(question: Question, value: object, path: tuple[object, ...], source: str) -> list[Problem]:
    """What the schema cannot check: calendar dates, date bounds, file types."""
    problems: list[Problem] = []
    label = f"answer to {path[1]!r}: " if len(path) > 1 else ""
    if value is None:
        return problems
    if isinstance(question, DateQuestion) and isinstance(value, str) and re.match(DATE_PATTERN, value):
        try:
            day = parse_iso_date(value)
        except ValueError:
            problems.append(Problem(source, json_path(path), f"{label}{value!r} is not a real date"))
        else:
            if question.min and day < question.min:
                problems.append(Problem(source, json_path(path), f"{label}{value} is before the earliest allowed date {question.min}"))
            if question.max and day > question.max:
                problems.append(Problem(source, json_path(path), f"{label}{value} is after the latest allowed date {question.max}"))
    elif isinstance(question, EvidenceQuestion) and question.accept and isinstance(value, list):
        for index, item in enumerate(value):
            name = item.get("name", "") if isinstance(item, dict) else ""
            if isinstance(name, str) and not name.lower().endswith(question.accept):
                problems.append(
                    Problem(source, json_path(path + (index, "name")), f"{label}{name!r} is not one of the accepted file types: {', '.join(question.accept)}")
                )
    elif isinstance(question, ListQuestion) and isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                for f in question.fields:
                    if f.id in item:
                        problems.extend(_value_problems(f, item[f.id], path + (index, f.id), source))
    return problems


def answers_problems(questionnaire: Questionnaire, document: object, source: str = "<answers>") -> list[Problem]:
    """Every problem with an answers document for this set (empty when valid)."""
    if not isinstance(document, dict):
        return [Problem(source, "$", "top level must be an object with 'format', 'questionnaire', 'answers'")]
    target = document.get("questionnaire")
    if isinstance(target, dict) and isinstance(target.get("id"), str) and target.get("id") != questionnaire.id:
        # Answers to another set: every other "error" would be noise.
        return [Problem(source, "$.questionnaire.id", f"answers are for question set {target['id']!r}, not {questionnaire.id!r}")]
    if isinstance(target, dict) and isinstance(target.get("version"), str) and target.get("version") != questionnaire.version:
        return [
            Problem(
                source,
                "$.questionnaire.version",
                f"answers are for version {target['version']}, but the set is version {questionnaire.version}; "
                "load that version of the set, or import into the store and upgrade the assessment",
            )
        ]
    problems = _schema_problems(questionnaire, document, source)
    answers = document.get("answers")
    if isinstance(answers, dict):
        by_id = questionnaire.questions_by_id
        for qid, value in answers.items():
            if qid in by_id:
                problems.extend(_value_problems(by_id[qid], value, ("answers", qid), source))
    return problems


def answer_problems(questionnaire: Questionnaire, question_id: str, value: object) -> list[str]:
    """Problems with one answer value, as sentences (for set-answer and inline UI checks)."""
    by_id = questionnaire.questions_by_id
    if question_id not in by_id:
        return [f"unknown question id {question_id!r}{did_you_mean(question_id, list(by_id))}"]
    document = {
        "format": ANSWERS_FORMAT,
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "vendor": {"name": "-"},
        "answers": {question_id: value},
    }
    return [p.message for p in answers_problems(questionnaire, document, "<answer>")]


def answers_from_json(questionnaire: Questionnaire, document: object, source: str = "<answers>") -> AnswersDocument:
    """Validate and build an answers document, or raise ``InvalidAnswers``."""
    problems = answers_problems(questionnaire, document, source)
    if problems:
        raise InvalidAnswers(problems)
    assert isinstance(document, dict)
    vendor = document["vendor"]
    assessor = document.get("assessor", {})
    return AnswersDocument(
        questionnaire_id=document["questionnaire"]["id"],
        questionnaire_version=document["questionnaire"]["version"],
        vendor=Vendor(vendor["name"], vendor.get("website", ""), vendor.get("contact", "")),
        assessor=Assessor(assessor.get("name", ""), assessor.get("organisation", "")),
        answers={k: v for k, v in document["answers"].items() if v is not None},
        comments=dict(document.get("comments", {})),
    )


def read_answers_json(path: str | os.PathLike[str]) -> object:
    """Parse an answers file (size, encoding and JSON checks only)."""
    try:
        return read_json_file(path)
    except InvalidDocument as exc:
        raise InvalidAnswers(exc.problems) from None


def load_answers(questionnaire: Questionnaire, path: str | os.PathLike[str]) -> AnswersDocument:
    return answers_from_json(questionnaire, read_answers_json(path), str(path))
