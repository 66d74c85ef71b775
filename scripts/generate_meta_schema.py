"""Writes duediligence/questionnaire/schema/questionnaire.schema.json.

The meta-schema is data shipped in the package; this script is where it
is written from, so its repeated parts (typed question branches, the
condition chain) stay consistent. A test checks the committed file is
what this script writes. Run: python scripts/generate_meta_schema.py
"""
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "duediligence" / "questionnaire" / "schema" / "questionnaire.schema.json"

risk = {"type": "number"}
bands = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["max", "risk"], "additionalProperties": False,
    "properties": {"max": {"type": ["number", "null"]}, "risk": risk}}}
iso_date = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
text = {"type": "string", "minLength": 1}
option = {"type": "object", "required": ["value", "label"], "additionalProperties": False,
          "properties": {"value": text, "label": text, "risk": risk}}
typed = {
    "yes_no": {"risk": {"type": "object", "additionalProperties": False,
                        "properties": {"yes": risk, "no": risk, "unknown": risk}},
               "allow_unknown": {"type": "boolean"}},
    "single_choice": {"options": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}}},
    "multi_choice": {"options": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"}},
                     "min_selected": {"type": "integer", "minimum": 0},
                     "max_selected": {"type": "integer", "minimum": 1}},
    "text": {"multiline": {"type": "boolean"}, "max_length": {"type": "integer", "minimum": 1},
             "pattern": text},
    "number": {"min": {"type": "number"}, "max": {"type": "number"}, "integer": {"type": "boolean"},
               "unit": {"type": "string"}, "risk_bands": {"$ref": "#/$defs/risk_bands"}},
    "date": {"min": {"$ref": "#/$defs/iso_date"}, "max": {"$ref": "#/$defs/iso_date"},
             "risk_bands": {"$ref": "#/$defs/risk_bands"}},
    "evidence": {"accept": {"type": "array", "items": {"type": "string", "pattern": r"^\.[A-Za-z0-9]+$"}},
                 "max_files": {"type": "integer", "minimum": 1},
                 "risk_if_missing": risk},
    "list": {"fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
             "min_items": {"type": "integer", "minimum": 0},
             "max_items": {"type": "integer", "minimum": 1}},
}
required_extra = {"single_choice": ["options"], "multi_choice": ["options"], "list": ["fields"]}

def typed_branches(types):
    out = []
    for t in types:
        then = {"properties": typed[t]}
        if t in required_extra:
            then["required"] = required_extra[t]
        out.append({"if": {"properties": {"type": {"const": t}}, "required": ["type"]}, "then": then})
    return out

all_types = list(typed)
field_types = [t for t in all_types if t not in ("list", "evidence")]
common = {"id": {"$ref": "#/$defs/item_id"}, "text": text, "help": {"type": "string"},
          "references": {"type": "array", "items": text},
          "required": {"type": "boolean"}, "weight": {"type": "number", "minimum": 0, "maximum": 1000}}
question = {"type": "object", "required": ["id", "type", "text"],
            "properties": {**common, "type": {"enum": all_types},
                           "visible_if": {"$ref": "#/$defs/condition"},
                           "flags": {"type": "array", "items": {"$ref": "#/$defs/flag"}}},
            "allOf": typed_branches(all_types), "unevaluatedProperties": False}
fieldq = {"type": "object", "required": ["id", "type", "text"],
          "properties": {**common, "type": {"enum": field_types}},
          "allOf": typed_branches(field_types), "unevaluatedProperties": False}
value = {"type": ["string", "number", "boolean"]}
answer_condition = {"type": "object", "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {"answer": {"$ref": "#/$defs/item_id"},
                                   "equals": value, "not_equals": value,
                                   "in": {"type": "array", "minItems": 1, "items": value},
                                   "includes": {"type": "string"},
                                   "gt": {"type": ["number", "string"]}, "gte": {"type": ["number", "string"]},
                                   "lt": {"type": ["number", "string"]}, "lte": {"type": ["number", "string"]},
                                   "answered": {"type": "boolean"}}}
def combinator(key, sub):
    return {"if": {"type": "object", "required": [key]},
            "then": {"type": "object", "required": [key], "additionalProperties": False,
                     "properties": {key: sub}}}
cond_list = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}
condition = {"type": "object",
             **combinator("all", cond_list),
             "else": {**combinator("any", cond_list),
                      "else": {**combinator("not", {"$ref": "#/$defs/condition"}),
                               "else": {"$ref": "#/$defs/answer_condition"}}}}
schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://duediligence.invalid/schema/questionnaire@1.json",
    "title": "duediligence question set (duediligence/questionnaire@1)",
    "type": "object",
    "required": ["format", "id", "version", "title", "scoring", "sections"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "format": {"const": "duediligence/questionnaire@1"},
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,63}$"},
        "version": {"type": "string", "pattern": r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"},
        "title": text, "description": {"type": "string"},
        "language": {"type": "string", "pattern": "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"},
        "scoring": {"type": "object", "required": ["tiers"], "additionalProperties": False,
                    "properties": {"unanswered": {"enum": ["max_risk", "exclude"]},
                                   "tiers": {"type": "array", "minItems": 1, "items": {
                                       "type": "object", "required": ["id", "label", "min_score"],
                                       "additionalProperties": False,
                                       "properties": {"id": {"$ref": "#/$defs/item_id"}, "label": text,
                                                      "min_score": {"type": "number"}}}}}},
        "sections": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/section"}},
    },
    "$defs": {
        "item_id": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
        "iso_date": iso_date,
        "risk_bands": bands,
        "option": option,
        "flag": {"type": "object", "required": ["when", "severity", "message"], "additionalProperties": False,
                 "properties": {"when": {"$ref": "#/$defs/condition"},
                                "severity": {"enum": ["info", "warning", "knockout"]}, "message": text}},
        "condition": condition,
        "answer_condition": answer_condition,
        "section": {"type": "object", "required": ["id", "title", "questions"], "additionalProperties": False,
                    "properties": {"id": {"$ref": "#/$defs/item_id"}, "title": text,
                                   "description": {"type": "string"},
                                   "weight": {"type": "number", "minimum": 0, "maximum": 1000},
                                   "visible_if": {"$ref": "#/$defs/condition"},
                                   "questions": {"type": "array", "minItems": 1,
                                                 "items": {"$ref": "#/$defs/question"}}}},
        "question": question,
        "field": fieldq,
    },
}


def render() -> str:
    return json.dumps(schema, indent=2) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
