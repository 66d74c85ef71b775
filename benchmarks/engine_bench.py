"""Load+validate and scoring at 200, 2,000 and 20,000 questions.

Reports per-question cost and how it grows, against a bare ``json.loads``
of the same file. Run: ``python -m benchmarks.engine_bench``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.generate import generate_answers, generate_questionnaire
from duediligence.questionnaire.answers import answers_from_json
from duediligence.questionnaire.loader import load_questionnaire_bytes
from duediligence.questionnaire.scoring import score_answers

SIZES = (200, 2_000, 20_000)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(size: int) -> dict[str, float]:
    document = generate_questionnaire(size)
    data = json.dumps(document, indent=1).encode()
    repeat = 5 if size >= 20_000 else 15
    load_questionnaire_bytes(data)  # warm caches (compiled meta-schema)
    t_json = median_time(lambda: json.loads(data), repeat)
    t_load = median_time(lambda: load_questionnaire_bytes(data), repeat)
    questionnaire = load_questionnaire_bytes(data)
    answers = answers_from_json(questionnaire, generate_answers(document)).answers
    today = date(2026, 11, 26)
    t_score = median_time(lambda: score_answers(questionnaire, answers, today), repeat)
    return {"questions": size, "bytes": len(data), "json_loads_s": t_json, "load_validate_s": t_load,
            "ratio_to_json_loads": t_load / t_json, "score_s": t_score}


def main() -> int:
    rows = [measure(size) for size in SIZES]
    by_size = {row["questions"]: row for row in rows}
    print(f"{'questions':>9} {'bytes':>11} {'json.loads':>11} {'load+valid':>11} {'ratio':>6} "
          f"{'us/question':>11} {'score':>9} {'us/question':>11}")
    for r in rows:
        print(f"{r['questions']:>9} {r['bytes']:>11,} {r['json_loads_s']*1000:>9.1f}ms {r['load_validate_s']*1000:>9.1f}ms "
              f"{r['ratio_to_json_loads']:>5.1f}x {r['load_validate_s']/r['questions']*1e6:>11.1f} "
              f"{r['score_s']*1000:>7.2f}ms {r['score_s']/r['questions']*1e6:>11.2f}")
    load_growth = by_size[20_000]["load_validate_s"] / by_size[2_000]["load_validate_s"]
    score_growth = by_size[20_000]["score_s"] / by_size[2_000]["score_s"]
    checks = {
        "load+validate 2,000 < 0.25 s": by_size[2_000]["load_validate_s"] < 0.25,
        "load+validate 2,000 <= 30x json.loads": by_size[2_000]["ratio_to_json_loads"] <= 30,
        "score 2,000 < 20 ms": by_size[2_000]["score_s"] < 0.020,
        f"load growth 2k->20k <= 12x (is {load_growth:.1f}x)": load_growth <= 12,
        f"score growth 2k->20k <= 12x (is {score_growth:.1f}x)": score_growth <= 12,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
