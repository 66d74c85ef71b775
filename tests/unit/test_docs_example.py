"""The worked example in docs/questionnaire-format.md stays true."""

from __future__ import annotations

import json
import re
from datetime import date

from duediligence.questionnaire import questionnaire_from_json, score_answers

from tests.conftest import REPO


def test_worked_example_in_the_authors_guide_scores_as_it_says() -> None:
    text = (REPO / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    block = re.search(r"## A worked example\s+```json\n(.*?)```", text, re.S)
    assert block, "the worked example is missing from the guide"
    questionnaire = questionnaire_from_json(json.loads(block.group(1)))
    score = score_answers(
        questionnaire, {"scrapes_web": "yes", "scraping_stopped": "2026-06-01"}, date(2026, 11, 26)
    )
    assert score.questions["scraping_stopped"].risk == 9
    assert score.sections["sourcing"] == 95
    assert score.overall == 95
    assert score.tier.label == "High"
    assert score.knockout
    assert "the overall score is 95 (High)" in text
