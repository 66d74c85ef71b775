"""Loading a question set: meta-schema first, then the semantic checks.

Validation is fast and explanation is slow: a compiled validator
(jsonschema-rs) answers "valid?" for the common case in a few
milliseconds, and only an invalid file is walked again by the pure-Python
``jsonschema`` validator, which yields every error with its path. Then
the model is built, and every check the meta-schema cannot express
(references, ordering, option values, bands, tiers) is made on the way,
collecting all problems before raising.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from duediligence.errors import InvalidDocument, InvalidQuestionnaire, Problem
from duediligence.questionnaire.conditions import OPERATORS, condition_from_json
from duediligence.questionnaire.jsonfile import (
    gc_paused,
    json_path,
    nesting_problem,
    parse_json_bytes,
    read_file_bytes,
)
from duediligence.questionnaire.validation import SchemaValidator, pattern_problem
from duediligence.questionnaire.model import (
    parse_iso_date,
    FORMAT,
    OPERATOR_TYPES,
    ChoiceQuestion,
    DateQuestion,
    EvidenceQuestion,
    FlagRule,
    ListQuestion,
    NumberQuestion,
    Option,
    Question,
    Questionnaire,
    RiskBand,
    Scoring,
    Section,
    TextQuestion,
    Tier,
    YesNoQuestion,
)

Path = tuple[str | int, ...]
#: Conditions are evaluated recursively; a bound keeps that far from
#: Python's recursion limit (real sets nest 3 or 4 levels).
MAX_CONDITION_DEPTH = 32
JSON = Any


@cache
def meta_schema() -> dict[str, JSON]:
    """The published JSON Schema (2020-12) of the question set format."""
    text = resources.files("duediligence.questionnaire.schema").joinpath(
        "questionnaire.schema.json"
    ).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _meta_validator() -> SchemaValidator:
    return SchemaValidator(meta_schema())


def did_you_mean(word: object, candidates: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` when a candidate is close, else ``""``."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- public entry points --------------------------------------------------------


def load_questionnaire(path: str | os.PathLike[str]) -> Questionnaire:
    """Load and check a question set file; raise ``InvalidQuestionnaire``
    listing every problem found."""
    source = str(path)
    try:
        data = read_file_bytes(path)
        return load_questionnaire_bytes(data, source)
    except InvalidQuestionnaire:
        raise
    except InvalidDocument as exc:
        raise InvalidQuestionnaire(exc.problems) from None


def load_questionnaire_bytes(data: bytes, source: str = "<memory>") -> Questionnaire:
    with gc_paused():
        try:
            document = parse_json_bytes(data, source)
        except InvalidDocument as exc:
            raise InvalidQuestionnaire(exc.problems) from None
        return questionnaire_from_json(document, source, hashlib.sha256(data).hexdigest())


def questionnaire_from_json(document: JSON, source: str = "<memory>", sha256: str = "") -> Questionnaire:
    """Check a parsed document and build the model, or raise with all problems."""
    if not isinstance(document, dict):
        kind = _json_type(document)
        raise InvalidQuestionnaire(
            [Problem(source, "$", f"top level must be an object with 'format', 'id', ...; found {kind}")]
        )
    problems = schema_problems(document, source)
    builder = _Builder(source)
    try:
        questionnaire = builder.build(document, sha256)
    except Exception:  # noqa: BLE001
        # The semantic pass assumes a schema-valid shape. On a file with
        # schema errors it still runs, best effort, so that an author sees
        # a dangling reference next to a typo in one go; where the shape is
        # too broken for it, the schema errors are the report.
        if not problems:
            raise
        raise InvalidQuestionnaire(problems) from None
    problems += builder.problems
    if problems:
        raise InvalidQuestionnaire(sorted(problems, key=lambda p: _path_sort_key(p.path)))
    return questionnaire


# --- pass 1: the meta-schema ----------------------------------------------------


def schema_problems(document: JSON, source: str) -> list[Problem]:
    validator = _meta_validator()
    if validator.is_valid(document):
        return []
    too_deep = nesting_problem(document)
    if too_deep:
        return [Problem(source, "$", too_deep)]
    found: dict[tuple[str, str], Problem] = {}
    errors = validator.explain(document)
    bad_type_paths = {
        tuple(e.absolute_path)[:-1]
        for e in errors
        if e.validator == "enum" and tuple(e.absolute_path)[-1:] == ("type",)
    }
    for error in errors:
        for problem in _explain(error, source, bad_type_paths):
            found.setdefault((problem.path, problem.message), problem)
    if not found:  # the explaining validator saw nothing: use the fast one's words
        for path, message in validator.fast_errors(document) or [([], "does not match the question set schema")]:
            found.setdefault((json_path(path), message), Problem(source, json_path(path), message))
    return sorted(found.values(), key=lambda p: _path_sort_key(p.path))


def _path_sort_key(path: str) -> list[object]:
    return [int(x) if x.isdigit() else x for x in re.split(r"\[(\d+)\]", path)]


_PATTERN_HINTS = {
    "^[a-z][a-z0-9-]{1,63}$": "a set id is 2-64 characters: lowercase letters, digits and '-', starting with a letter",
    "^[a-z][a-z0-9_]{0,63}$": "an id is 1-64 characters: lowercase letters, digits and '_', starting with a letter",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "write a date as YYYY-MM-DD",
    r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$": "write the version as MAJOR.MINOR.PATCH, e.g. 1.0.0",
    r"^\.[A-Za-z0-9]+$": "write a file extension with its dot, e.g. '.pdf'",
}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _allowed_keys(schema: Mapping[str, JSON], instance: Mapping[str, JSON]) -> list[str]:
    keys = list(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        condition = branch.get("if", {}).get("properties", {}).get("type", {})
        if "const" in condition and instance.get("type") == condition["const"]:
            keys.extend(branch.get("then", {}).get("properties", {}))
    return keys


def _explain(error: Any, source: str, bad_type_paths: set[Path]) -> list[Problem]:
    path: Path = tuple(error.absolute_path)
    where = json_path(path)
    kind = error.validator
    instance = error.instance
    if kind == "required":
        return [
            Problem(source, where, f"missing required key {key!r}")
            for key in error.validator_value
            if isinstance(instance, dict) and key not in instance
        ]
    if kind in ("additionalProperties", "unevaluatedProperties"):
        if path in bad_type_paths:
            return []  # the unknown type already explains why its keys do not fit
        allowed = _allowed_keys(error.schema, instance)
        kind_note = f" for a {instance['type']} question" if isinstance(instance.get("type"), str) and "type" in allowed else ""
        return [
            Problem(
                source,
                json_path(path + (key,)),
                f"unknown key {key!r}{kind_note}{did_you_mean(key, [k for k in allowed if k not in instance])}",
            )
            for key in instance
            if key not in allowed
        ]
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        return [
            Problem(
                source,
                where,
                f"{instance!r} is not one of: {', '.join(choices)}{did_you_mean(instance, choices)}",
            )
        ]
    if kind == "const":
        return [Problem(source, where, f"must be {error.validator_value!r}, found {instance!r}")]
    if kind == "type":
        expected = error.validator_value
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        return [Problem(source, where, f"expected {expected_text}, found {_json_type(instance)}")]
    if kind == "pattern":
        hint = _PATTERN_HINTS.get(error.validator_value, f"must match {error.validator_value}")
        return [Problem(source, where, f"{instance!r} is not valid: {hint}")]
    if kind == "minItems":
        return [Problem(source, where, f"needs at least {error.validator_value} item(s)")]
    if kind == "minLength":
        return [Problem(source, where, "must not be empty")]
    if kind in ("minimum", "maximum"):
        word = "at least" if kind == "minimum" else "at most"
        return [Problem(source, where, f"must be {word} {error.validator_value}, found {instance!r}")]
    if kind == "minProperties":
        return [Problem(source, where, "a condition needs 'answer' and an operator")]
    return [Problem(source, where, error.message)]


# --- pass 2: the semantic checks, while building the model -----------------------


class _Builder:
    """Builds the model from a schema-valid document, collecting every
    semantic problem instead of stopping at the first."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        self.positions: dict[str, int] = {}
        self.raw_questions: dict[str, Mapping[str, JSON]] = {}
        self.types: dict[str, str] = {}

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.source, json_path(path), message))

    # -- top level

    def build(self, doc: Mapping[str, JSON], sha256: str) -> Questionnaire:
        self._index_questions(doc["sections"])
        scoring = self._scoring(doc["scoring"])
        section_ids: dict[str, int] = {}
        sections = []
        for s_index, raw in enumerate(doc["sections"]):
            path: Path = ("sections", s_index)
            if raw["id"] in section_ids:
                self.problem(
                    path + ("id",),
                    f"duplicate section id {raw['id']!r}; it is already used by $.sections[{section_ids[raw['id']]}]",
                )
            section_ids.setdefault(raw["id"], s_index)
            sections.append(self._section(raw, path))
        return Questionnaire(
            id=doc["id"],
            version=doc["version"],
            title=doc["title"],
            description=doc.get("description", ""),
            language=doc.get("language", "en"),
            scoring=scoring,
            sections=tuple(sections),
            sha256=sha256,
            source=self.source,
        )

    def _index_questions(self, sections: Sequence[Mapping[str, JSON]]) -> None:
        first_seen: dict[str, Path] = {}
        position = 0
        for s_index, section in enumerate(sections):
            for q_index, question in enumerate(section["questions"]):
                path: Path = ("sections", s_index, "questions", q_index)
                qid = question["id"]
                if qid in first_seen:
                    self.problem(
                        path + ("id",),
                        f"duplicate question id {qid!r}; it is already used by {json_path(first_seen[qid])}"
                        " (question ids are unique across the whole file)",
                    )
                    continue
                first_seen[qid] = path
                self.positions[qid] = position
                self.raw_questions[qid] = question
                self.types[qid] = question["type"]
                position += 1

    def _scoring(self, raw: Mapping[str, JSON]) -> Scoring:
        tiers = []
        seen: set[str] = set()
        previous: float | None = None
        for index, tier in enumerate(raw["tiers"]):
            path: Path = ("scoring", "tiers", index)
            if tier["id"] in seen:
                self.problem(path + ("id",), f"duplicate tier id {tier['id']!r}")
            seen.add(tier["id"])
            minimum = tier["min_score"]
            if index == 0 and minimum != 0:
                self.problem(path + ("min_score",), f"the first tier must start at 0, found {minimum}")
            elif previous is not None and minimum <= previous:
                self.problem(
                    path + ("min_score",),
                    f"tiers must be in ascending order of min_score: {minimum} is not above {previous}",
                )
            elif not 0 <= minimum <= 100:
                self.problem(path + ("min_score",), f"min_score must be within 0-100 (scores run 0-100), found {minimum}")
            previous = minimum
            tiers.append(Tier(tier["id"], tier["label"], float(minimum)))
        return Scoring(tuple(tiers), raw.get("unanswered", "max_risk"))

    def _section(self, raw: Mapping[str, JSON], path: Path) -> Section:
        questions = tuple(
            self._question(q, path + ("questions", i), top_level=True) for i, q in enumerate(raw["questions"])
        )
        visible_if = None
        if "visible_if" in raw:
            first = questions[0].id
            limit = self.positions.get(first, len(self.positions))
            visible_if = self._condition(
                raw["visible_if"], path + ("visible_if",), limit, f"section {raw['id']!r}", None
            )
        return Section(
            id=raw["id"],
            title=raw["title"],
            description=raw.get("description", ""),
            weight=float(raw.get("weight", 1)),
            visible_if=visible_if,
            questions=questions,
            path=json_path(path),
        )

    # -- questions

    def _question(self, raw: Mapping[str, JSON], path: Path, top_level: bool) -> Question:
        qid = raw["id"]
        common: dict[str, Any] = dict(
            id=qid,
            type=raw["type"],
            text=raw["text"],
            help=raw.get("help", ""),
            references=tuple(raw.get("references", ())),
            required=bool(raw.get("required", False)),
            weight=float(raw.get("weight", 1)),
            path=json_path(path),
        )
        if top_level:
            position = self.positions.get(qid, len(self.positions))
            if "visible_if" in raw:
                common["visible_if"] = self._condition(
                    raw["visible_if"], path + ("visible_if",), position, f"question {qid!r}", None
                )
            common["flags"] = tuple(
                FlagRule(
                    when=self._condition(flag["when"], path + ("flags", i, "when"), position + 1, f"question {qid!r}", qid),
                    severity=flag["severity"],
                    message=flag["message"],
                )
                for i, flag in enumerate(raw.get("flags", ()))
            )
        build = getattr(self, "_" + raw["type"])
        return build(raw, path, common)

    def _risk(self, value: float, path: Path) -> float:
        if not 0 <= value <= 10:
            self.problem(path, f"a risk runs from 0 (no concern) to 10 (worst); found {value}")
        return float(value)

    def _yes_no(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        allow_unknown = raw.get("allow_unknown", True)
        risk: dict[str, float] = {}
        if "risk" in raw:
            for answer, value in raw["risk"].items():
                risk[answer] = self._risk(value, path + ("risk", answer))
            needed = ("yes", "no", "unknown") if allow_unknown else ("yes", "no")
            for answer in needed:
                if answer not in risk:
                    extra = " (or set \"allow_unknown\": false)" if answer == "unknown" else ""
                    self.problem(path + ("risk",), f"risk gives no value for the answer {answer!r}; add it{extra}")
        return YesNoQuestion(**common, risk=tuple(risk.items()), allow_unknown=allow_unknown)

    def _options(self, raw: Mapping[str, JSON], path: Path) -> tuple[Option, ...]:
        options = []
        seen: set[str] = set()
        for index, option in enumerate(raw["options"]):
            opt_path = path + ("options", index)
            if option["value"] in seen:
                self.problem(opt_path + ("value",), f"duplicate option value {option['value']!r}")
            seen.add(option["value"])
            risk = self._risk(option["risk"], opt_path + ("risk",)) if "risk" in option else None
            options.append(Option(option["value"], option["label"], risk))
        with_risk = sum(o.risk is not None for o in options)
        if 0 < with_risk < len(options):
            missing = ", ".join(repr(o.value) for o in options if o.risk is None)
            self.problem(path + ("options",), f"either every option has a risk or none does; missing for {missing}")
        return tuple(options)

    def _single_choice(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        return ChoiceQuestion(**common, options=self._options(raw, path))

    def _multi_choice(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        options = self._options(raw, path)
        low, high = raw.get("min_selected"), raw.get("max_selected")
        if low is not None and high is not None and low > high:
            self.problem(path + ("min_selected",), f"min_selected ({low}) is greater than max_selected ({high})")
        for key, value in (("min_selected", low), ("max_selected", high)):
            if value is not None and value > len(options):
                self.problem(path + (key,), f"{key} ({value}) is more than the {len(options)} options")
        return ChoiceQuestion(**common, options=options, min_selected=low, max_selected=high)

    def _text(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        pattern = raw.get("pattern")
        if pattern is not None and (problem := pattern_problem(pattern)):
            self.problem(path + ("pattern",), problem)
        return TextQuestion(
            **common, multiline=raw.get("multiline", False), max_length=raw.get("max_length"), pattern=pattern
        )

    def _bands(self, raw: Mapping[str, JSON], path: Path) -> tuple[RiskBand, ...]:
        if "risk_bands" not in raw:
            return ()
        bands = []
        previous: float | None = None
        raw_bands = raw["risk_bands"]
        for index, band in enumerate(raw_bands):
            band_path = path + ("risk_bands", index)
            maximum = band["max"]
            last = index == len(raw_bands) - 1
            if maximum is None and not last:
                self.problem(band_path + ("max",), "only the last band may have \"max\": null")
            elif maximum is not None and last:
                self.problem(band_path + ("max",), "the last band must have \"max\": null, so every value has a risk")
            if maximum is not None and previous is not None and maximum <= previous:
                self.problem(band_path + ("max",), f"bands must be in ascending order of max: {maximum} is not above {previous}")
            if maximum is not None:
                previous = maximum
            bands.append(RiskBand(None if maximum is None else float(maximum), self._risk(band["risk"], band_path + ("risk",))))
        return tuple(bands)

    def _number(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        low, high = raw.get("min"), raw.get("max")
        if low is not None and high is not None and low > high:
            self.problem(path + ("min",), f"min ({low}) is greater than max ({high})")
        return NumberQuestion(
            **common,
            min=low,
            max=high,
            integer=raw.get("integer", False),
            unit=raw.get("unit", ""),
            risk_bands=self._bands(raw, path),
        )

    def _date_value(self, value: str, path: Path) -> date | None:
        try:
            return parse_iso_date(value)
        except ValueError:
            self.problem(path, f"{value!r} is not a real date (YYYY-MM-DD)")
            return None

    def _date(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        low = self._date_value(raw["min"], path + ("min",)) if "min" in raw else None
        high = self._date_value(raw["max"], path + ("max",)) if "max" in raw else None
        if low and high and low > high:
            self.problem(path + ("min",), f"min ({low}) is after max ({high})")
        return DateQuestion(**common, min=low, max=high, risk_bands=self._bands(raw, path))

    def _evidence(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        risk = raw.get("risk_if_missing")
        return EvidenceQuestion(
            **common,
            accept=tuple(ext.lower() for ext in raw.get("accept", ())),
            max_files=raw.get("max_files"),
            risk_if_missing=None if risk is None else self._risk(risk, path + ("risk_if_missing",)),
        )

    def _list(self, raw: Mapping[str, JSON], path: Path, common: dict[str, Any]) -> Question:
        fields = []
        seen: set[str] = set()
        for index, field in enumerate(raw["fields"]):
            field_path = path + ("fields", index)
            if field["id"] in seen:
                self.problem(field_path + ("id",), f"duplicate field id {field['id']!r} in this list")
            seen.add(field["id"])
            fields.append(self._question(field, field_path, top_level=False))
        low, high = raw.get("min_items"), raw.get("max_items")
        if low is not None and high is not None and low > high:
            self.problem(path + ("min_items",), f"min_items ({low}) is greater than max_items ({high})")
        return ListQuestion(**common, fields=tuple(fields), min_items=low, max_items=high)

    # -- conditions

    def _condition(self, raw: Mapping[str, JSON], path: Path, limit: int, owner: str, default: str | None):
        """Check a condition and build it. ``limit`` is the position of the
        first question it may not look at, so conditions only ever look
        backwards, which also makes cycles impossible."""
        before = len(self.problems)
        self._check_condition(raw, path, limit, owner, default, depth=1)
        if len(self.problems) > before:
            return None
        return condition_from_json(raw, default)

    def _check_condition(
        self, raw: Mapping[str, JSON], path: Path, limit: int, owner: str, default: str | None, depth: int
    ) -> None:
        if depth > MAX_CONDITION_DEPTH:
            self.problem(path, f"conditions nest more than {MAX_CONDITION_DEPTH} levels deep; simplify this one")
            return
        for key in ("all", "any"):
            if key in raw:
                for index, inner in enumerate(raw[key]):
                    self._check_condition(inner, path + (key, index), limit, owner, default, depth + 1)
                return
        if "not" in raw:
            self._check_condition(raw["not"], path + ("not",), limit, owner, default, depth + 1)
            return
        operators = [op for op in OPERATORS if op in raw]
        if len(operators) != 1:
            found = ", ".join(repr(op) for op in operators) if operators else "none"
            self.problem(path, f"a condition needs exactly one operator ({', '.join(OPERATORS)}); found {found}")
            return
        operator = operators[0]
        target = raw.get("answer", default)
        if target is None:
            self.problem(path, "a condition needs \"answer\": the id of the question it looks at")
            return
        answer_path = path + ("answer",) if "answer" in raw else path
        if target not in self.positions:
            self.problem(answer_path, f"unknown question {target!r}{did_you_mean(target, list(self.positions))}")
            return
        if self.positions[target] >= limit:
            relation = "is" if owner == f"question {target!r}" else "comes after"
            self.problem(
                answer_path,
                f"question {target!r} {relation} the {owner} this condition controls; "
                "a condition may only look at earlier questions (this also rules out cycles)",
            )
            return
        qtype = self.types[target]
        if qtype not in OPERATOR_TYPES[operator]:
            fitting = [op for op in OPERATORS if qtype in OPERATOR_TYPES[op]]
            self.problem(
                path + (operator,),
                f"operator {operator!r} does not fit question {target!r} of type {qtype}; use one of: {', '.join(fitting)}",
            )
            return
        value = raw[operator]
        if operator == "in":
            for index, item in enumerate(value):
                self._check_condition_value(target, qtype, item, path + ("in", index))
        elif operator != "answered":
            self._check_condition_value(target, qtype, value, path + (operator,))
        elif not isinstance(value, bool):
            self.problem(path + (operator,), "\"answered\" takes true or false")

    def _check_condition_value(self, target: str, qtype: str, value: object, path: Path) -> None:
        question = self.raw_questions[target]
        if qtype in ("single_choice", "multi_choice"):
            values = [o["value"] for o in question["options"]]
            if value not in values:
                self.problem(
                    path,
                    f"{value!r} is not an option of {target!r}; options are: {', '.join(map(str, values))}"
                    f"{did_you_mean(value, values)}",
                )
        elif qtype == "yes_no":
            allowed = ["yes", "no", "unknown"] if question.get("allow_unknown", True) else ["yes", "no"]
            if value not in allowed:
                self.problem(path, f"{value!r} is not an answer of yes/no question {target!r}; use one of: {', '.join(allowed)}")
        elif qtype == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problem(path, f"question {target!r} is a number; compare it with a number, not {value!r}")
        elif qtype == "date":
            if not isinstance(value, str):
                self.problem(path, f"question {target!r} is a date; compare it with a date \"YYYY-MM-DD\"")
            else:
                self._date_value(value, path)
        elif qtype == "text" and not isinstance(value, str):
            self.problem(path, f"question {target!r} is text; compare it with a string, not {value!r}")
