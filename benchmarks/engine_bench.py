"""Load+validate and scoring at 200, 2,000 and 20,000 questions.

Reports per-question cost and how it grows, against a bare ``json.loads``
of the same file. Run: ``python -m benchmarks.engine_bench``.
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import generate_answers, generate_questionnaire
from duediligence.questionnaire.answers import answers_from_json
from duediligence.questionnaire.loader import load_questionnaire_bytes
from duediligence.questionnaire.scoring import score_answers

SIZES = (200, 2_000, 20_000)


ROUNDS = 11


def interleaved_medians(jobs: dict[tuple[int, str], Callable[[], object]], rounds: int = ROUNDS) -> dict[tuple[int, str], float]:
    """Median wall time of each job, measured in interleaved rounds (every
    job once per round), so that drift of the shared machine (frequency,
    other load, cache warmth) hits all sizes alike instead of whichever
    size happened to run during it. Each run starts after a full
    collection, as ``timeit`` keeps the collector out of its timings."""
    times: dict[tuple[int, str], list[float]] = {key: [] for key in jobs}
    for _ in range(rounds):
        for key, job in jobs.items():
            gc.collect()
            start = time.perf_counter()
            job()
            times[key].append(time.perf_counter() - start)
    return {key: statistics.median(values) for key, values in times.items()}


def prepare(size: int) -> tuple[bytes, dict[str, Callable[[], object]]]:
    document = generate_questionnaire(size)
    data = json.dumps(document, indent=1).encode()
    questionnaire = load_questionnaire_bytes(data)  # also warms the compiled meta-schema
    answers = answers_from_json(questionnaire, generate_answers(document)).answers
    today = date(2026, 11, 26)
    return data, {
        "json": lambda: json.loads(data),
        "load": lambda: load_questionnaire_bytes(data),
        "score": lambda: score_answers(questionnaire, answers, today),
    }


def measure_all(sizes: tuple[int, ...] = SIZES) -> list[dict[str, float]]:
    prepared = {size: prepare(size) for size in sizes}
    jobs = {(size, name): job for size, (_, named) in prepared.items() for name, job in named.items()}
    medians = interleaved_medians(jobs)
    return [
        {"questions": size, "bytes": len(prepared[size][0]), "json_loads_s": medians[(size, "json")],
         "load_validate_s": medians[(size, "load")],
         "ratio_to_json_loads": medians[(size, "load")] / medians[(size, "json")],
         "score_s": medians[(size, "score")]}
        for size in sizes
    ]


def main() -> int:
    rows = measure_all()
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
