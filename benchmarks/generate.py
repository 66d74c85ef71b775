"""Generators for large question sets and answers, for benchmarks.

A generated set uses every question type, and about 30% of its questions
are conditional on an earlier question, like real sets.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

TYPES = ("yes_no", "single_choice", "multi_choice", "text", "number", "date", "evidence", "list")


def _question(qid: str, qtype: str, rng: random.Random) -> dict:
    q: dict = {"id": qid, "type": qtype, "text": f"Question {qid} about the vendor ({qtype})?",
               "help": "Why we ask and what a good answer looks like. " * 2,
               "references": ["GDPR Art. 35"], "weight": rng.choice([1, 1, 2, 3])}
    if qtype == "yes_no":
        q["risk"] = {"yes": 0, "no": 8, "unknown": 10}
        q["flags"] = [{"when": {"equals": "no"}, "severity": "warning", "message": "Answered no"}]
    elif qtype in ("single_choice", "multi_choice"):
        q["options"] = [{"value": f"o{i}", "label": f"Option {i}", "risk": i * 2} for i in range(5)]
    elif qtype == "text":
        q["multiline"] = rng.random() < 0.5
        q["max_length"] = 2000
    elif qtype == "number":
        q.update({"min": 0, "max": 100000, "unit": "hours",
                  "risk_bands": [{"max": 48, "risk": 0}, {"max": 72, "risk": 5}, {"max": None, "risk": 9}]})
    elif qtype == "date":
        q["risk_bands"] = [{"max": 365, "risk": 0}, {"max": 730, "risk": 5}, {"max": None, "risk": 9}]
    elif qtype == "evidence":
        q.update({"accept": [".pdf"], "max_files": 5, "risk_if_missing": 6})
    elif qtype == "list":
        q["fields"] = [
            {"id": "when", "type": "date", "text": "When"},
            {"id": "records", "type": "number", "text": "Records",
             "risk_bands": [{"max": 0, "risk": 0}, {"max": None, "risk": 8}]},
            {"id": "status", "type": "single_choice", "text": "Status",
             "options": [{"value": "open", "label": "Open", "risk": 8}, {"value": "closed", "label": "Closed", "risk": 2}]},
        ]
    return q


def generate_questionnaire(n_questions: int, seed: int = 1, per_section: int = 50) -> dict:
    rng = random.Random(seed)
    sections: list[dict] = []
    yes_no_ids: list[str] = []
    for index in range(n_questions):
        if index % per_section == 0:
            sections.append({"id": f"s{len(sections)}", "title": f"Section {len(sections)}",
                             "weight": rng.choice([1, 2, 3]), "questions": []})
        qtype = TYPES[index % len(TYPES)]
        q = _question(f"q{index}", qtype, rng)
        if yes_no_ids and rng.random() < 0.3:
            q["visible_if"] = {"answer": rng.choice(yes_no_ids[-20:]), "equals": "yes"}
        if qtype == "yes_no":
            yes_no_ids.append(q["id"])
        sections[-1]["questions"].append(q)
    return {
        "format": "duediligence/questionnaire@1", "id": f"bench-{n_questions}", "version": "1.0.0",
        "title": f"Benchmark set with {n_questions} questions",
        "scoring": {"unanswered": "max_risk", "tiers": [
            {"id": "low", "label": "Low", "min_score": 0}, {"id": "medium", "label": "Medium", "min_score": 25},
            {"id": "high", "label": "High", "min_score": 50}, {"id": "critical", "label": "Critical", "min_score": 75}]},
        "sections": sections,
    }


def generate_answers(questionnaire: dict, seed: int = 2) -> dict:
    """An answer to every question, valid for the generated set."""
    rng = random.Random(seed)
    answers: dict = {}
    for section in questionnaire["sections"]:
        for q in section["questions"]:
            t = q["type"]
            if t == "yes_no":
                answers[q["id"]] = rng.choice(["yes", "no", "unknown"])
            elif t == "single_choice":
                answers[q["id"]] = rng.choice(q["options"])["value"]
            elif t == "multi_choice":
                answers[q["id"]] = sorted({rng.choice(q["options"])["value"] for _ in range(2)})
            elif t == "text":
                answers[q["id"]] = "An answer given by the vendor in the call. " * 3
            elif t == "number":
                answers[q["id"]] = rng.randint(0, 200)
            elif t == "date":
                answers[q["id"]] = f"20{rng.randint(18, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            elif t == "evidence":
                answers[q["id"]] = [{"name": "report.pdf", "size": 1234, "sha256": "ab" * 32}]
            elif t == "list":
                answers[q["id"]] = [{"when": "2020-02-26", "records": rng.randint(0, 5000), "status": "closed"}
                                    for _ in range(rng.randint(0, 3))]
    return {"format": "duediligence/answers@1",
            "questionnaire": {"id": questionnaire["id"], "version": questionnaire["version"]},
            "vendor": {"name": "Benchmark Vendor"}, "answers": answers}


def write_set(n_questions: int, folder: Path) -> Path:
    path = folder / f"bench-{n_questions}.json"
    path.write_text(json.dumps(generate_questionnaire(n_questions), indent=1), encoding="utf-8")
    return path
