"""Storage benchmark: 10,000 assessments x 60 answers in a real store.

Run with ``.venv/bin/python -m benchmarks.storage_bench`` (``--help`` for
the scale). It builds a synthetic store (vendors, assessments of all
three statuses, answers of every question type, evidence links, a full
audit chain per assessment and cached scores), then measures:

- one answer change through ``services.set_answer`` (validation, answer,
  audit event and cached score in one ``synchronous=FULL`` transaction),
  against a bare sqlite3 INSERT + COMMIT on a file with the same pragmas;
- listing and searching all assessments with their cached score and tier;
- opening one assessment (answers, comments, evidence, a fresh score).

Not a test: timings depend on the machine. Results go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from benchmarks.generate import generate_answers, generate_questionnaire
from duediligence import services
from duediligence.questionnaire import load_questionnaire_bytes
from duediligence.questionnaire.scoring import score_answers
from duediligence.storage.audit import canonical_json, event_hash
from duediligence.storage.db import DEFAULT_BUSY_TIMEOUT_MS, connection_pragmas
from duediligence.storage.models import GENESIS_HASH, utc_text
from duediligence.storage.store import Store

TARGET_RATIO = 10.0
TARGET_LIST_MS = 150.0
TARGET_OPEN_MS = 50.0


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


# --- building the synthetic store ------------------------------------------------------


def populate(store: Store, n_assessments: int, n_questions: int, seed: int) -> tuple[int, ...]:
    """Fill the store in bulk (one transaction); return the draft ids."""
    rng = random.Random(seed)
    document = generate_questionnaire(n_questions, seed=seed)
    data = json.dumps(document, indent=1).encode("utf-8")
    source = services.SetSource(load_questionnaire_bytes(data, "<bench>"), data)
    services.add_questionnaire(store, source)
    questionnaire = source.questionnaire
    evidence_ids = {q.id for q in questionnaire.questions if q.type == "evidence"}
    today = date.today()
    base = datetime.now(timezone.utc) - timedelta(days=400)
    words = ("Face", "Vision", "Secure", "Biometric", "Identity", "Scan", "Trust", "Optic")
    vendors = [(i + 1, f"Vendor {i:04d} {rng.choice(words)} {rng.choice(words)} Ltd") for i in range(max(1, n_assessments // 5))]

    assessments, answers, evidence, events, drafts, finals = [], [], [], [], [], []
    for index in range(n_assessments):
        assessment_id = index + 1
        created = base + timedelta(minutes=index * 50)
        when = utc_text(created)
        values = generate_answers(document, seed=seed + index)["answers"]
        score = score_answers(questionnaire, values, today)
        status = rng.choices(("draft", "in_review", "final"), (60, 25, 15))[0]
        (drafts if status == "draft" else finals if status == "final" else []).append(assessment_id)
        head, seq = GENESIS_HASH, 0
        for question_id, value in values.items():
            if question_id in evidence_ids:
                for position, item in enumerate(value):
                    evidence.append((assessment_id, question_id, position, item["sha256"], item["name"], item["size"], "application/pdf", when))
            else:
                answers.append((assessment_id, question_id, canonical_json(value), when))
            seq += 1
            new = canonical_json(value)
            digest = event_hash(prev_hash=head, seq=seq, who="bench", when=when, assessment_id=assessment_id,
                                action="answer_set", question_id=question_id, old_value=None, new_value=new)
            events.append((assessment_id, seq, when, "bench", "answer_set", question_id, None, new, head, digest))
            head = digest
        assessments.append((
            assessment_id, rng.choice(vendors)[0], 1, f"Assessor {index % 37}", f"Organisation {index % 11}",
            "in_review" if status == "in_review" else "draft", 1, when, when, seq, head,
            score.overall, score.tier.id, score.tier.label, score.knockout,
            score.completeness.answered, score.completeness.required, today.isoformat(),
        ))

    with store.write() as session:
        connection = session.connection()
        connection.exec_driver_sql(
            "INSERT INTO vendors (id, name, website, contact, notes, created_at) VALUES (?, ?, '', '', '', ?)",
            [(vid, name, utc_text(base)) for vid, name in vendors],
        )
        connection.exec_driver_sql(
            "INSERT INTO assessments (id, vendor_id, questionnaire_version_id, assessor_name, assessor_organisation, "
            "status, revision, created_at, updated_at, audit_count, audit_head, score_overall, score_tier, "
            "score_tier_label, score_knockout, score_answered, score_required, score_as_of) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            assessments,
        )
        connection.exec_driver_sql("INSERT INTO answers VALUES (?, ?, ?, ?)", answers)
        connection.exec_driver_sql(
            "INSERT INTO evidence (assessment_id, question_id, position, sha256, name, size, media_type, attached_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            evidence,
        )
        connection.exec_driver_sql(
            "INSERT INTO audit_events (assessment_id, seq, at, who, action, question_id, old_value, new_value, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
        # Final is reached from draft (a new row may not start final).
        connection.exec_driver_sql(
            "UPDATE assessments SET status = 'final', finalised_at = updated_at WHERE id = ?", [(i,) for i in finals]
        )
    return tuple(drafts)


# --- the measurements ------------------------------------------------------------------


def bare_insert_commit(folder: Path, count: int) -> list[float]:
    """INSERT + COMMIT with plain sqlite3 and the store's pragmas: the floor."""
    connection = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    for pragma in connection_pragmas(DEFAULT_BUSY_TIMEOUT_MS):
        connection.execute(pragma).fetchall()
    connection.execute("CREATE TABLE answers (assessment_id INTEGER, question_id TEXT, value TEXT, updated_at TEXT)")
    samples = []
    for index in range(count):
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO answers VALUES (?, ?, ?, ?)", (index, "q0", '"yes"', utc_text(datetime.now(timezone.utc))))
        connection.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    connection.close()
    return samples


def answer_changes(store: Store, ids: list[int], question_id: str, count: int) -> list[float]:
    samples = []
    for index in range(count):
        value = ("yes", "no")[index % 2]
        assessment_id = ids[index % len(ids)]
        samples.append(timed(lambda: services.set_answer(store, assessment_id, question_id, value, who="bench")))
    return samples


def median_of(action: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(action) for _ in range(repeat))


def run(n_assessments: int, n_questions: int, changes: int, folder: Path, seed: int) -> dict[str, float]:
    print(f"building {n_assessments:,} assessments x {n_questions} answers in {folder} ...", flush=True)
    start = time.perf_counter()
    store = services.open_store(folder / "store")
    drafts = list(populate(store, n_assessments, n_questions, seed))
    store.close()
    print(f"  built in {time.perf_counter() - start:.1f} s", flush=True)

    store = services.open_store(folder / "store")
    results: dict[str, float] = {}
    try:
        questionnaire = services.open_assessment(store, drafts[0]).questionnaire
        question_id = next(q.id for q in questionnaire.questions if q.type == "yes_no" and q.visible_if is None)
        rng = random.Random(seed)

        bare = bare_insert_commit(folder, changes)
        services.open_assessment(store, drafts[0])  # as the editor does before the first change
        same = answer_changes(store, [drafts[0]], question_id, changes)
        spread = answer_changes(store, rng.sample(drafts[1:], min(len(drafts) - 1, changes)), question_id, changes)
        results.update(
            bare_p50=statistics.median(bare), bare_p95=percentile(bare, 0.95),
            same_p50=statistics.median(same), same_p95=percentile(same, 0.95),
            spread_p50=statistics.median(spread), spread_p95=percentile(spread, 0.95),
        )
        results["ratio_same"] = results["same_p50"] / results["bare_p50"]
        results["ratio_spread"] = results["spread_p50"] / results["bare_p50"]

        count = len(services.list_assessments(store))
        assert count == n_assessments, count
        results["list_all"] = median_of(lambda: services.list_assessments(store), 7)
        results["list_search"] = median_of(lambda: services.list_assessments(store, search="vendor 012"), 7)
        results["list_search_miss"] = median_of(lambda: services.list_assessments(store, search="no such vendor"), 7)
        results["list_final"] = median_of(lambda: services.list_assessments(store, status="final"), 7)

        sample = rng.sample(range(1, n_assessments + 1), min(200, n_assessments))
        fresh = services.open_store(folder / "store")  # no parsed question set cached yet
        results["open_first"] = timed(lambda: services.open_assessment(fresh, sample[0]))
        fresh.close()
        opens = [timed(lambda i=i: services.open_assessment(store, i)) for i in sample]
        results["open_p50"] = statistics.median(opens)
        results["open_p95"] = percentile(opens, 0.95)
        results["verify_one"] = median_of(lambda: services.verify_audit(store, drafts[1]), 5)
        results["db_mb"] = (folder / "store" / "duediligence.sqlite3").stat().st_size / 1e6
    finally:
        store.close()
    return results


def report(results: dict[str, float], n_assessments: int, n_questions: int, changes: int) -> str:
    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    r = results
    rows = [
        ("bare sqlite3 INSERT + COMMIT (same pragmas)", f"{r['bare_p50']:.3f} / {r['bare_p95']:.3f} ms", "", ""),
        ("answer change in an open assessment (the editor)", f"{r['same_p50']:.3f} / {r['same_p95']:.3f} ms",
         f"{r['ratio_same']:.1f}x bare (<= {TARGET_RATIO:.0f}x)", verdict(r["ratio_same"] <= TARGET_RATIO)),
        ("answer change, cold: a different assessment each time, never opened", f"{r['spread_p50']:.3f} / {r['spread_p95']:.3f} ms",
         f"{r['ratio_spread']:.1f}x bare (<= {TARGET_RATIO:.0f}x)", verdict(r["ratio_spread"] <= TARGET_RATIO)),
        (f"list all {n_assessments:,} with score and tier", f"{r['list_all']:.1f} ms", f"< {TARGET_LIST_MS:.0f} ms", verdict(r["list_all"] < TARGET_LIST_MS)),
        ("search (`vendor 012`)", f"{r['list_search']:.1f} ms", f"< {TARGET_LIST_MS:.0f} ms", verdict(r["list_search"] < TARGET_LIST_MS)),
        ("search, no match", f"{r['list_search_miss']:.1f} ms", f"< {TARGET_LIST_MS:.0f} ms", verdict(r["list_search_miss"] < TARGET_LIST_MS)),
        ("list status final", f"{r['list_final']:.1f} ms", f"< {TARGET_LIST_MS:.0f} ms", verdict(r["list_final"] < TARGET_LIST_MS)),
        ("open one assessment", f"{r['open_p50']:.1f} / {r['open_p95']:.1f} ms", f"< {TARGET_OPEN_MS:.0f} ms", verdict(r["open_p95"] < TARGET_OPEN_MS)),
        ("open one, first after start (parses the set)", f"{r['open_first']:.1f} ms", f"< {TARGET_OPEN_MS:.0f} ms", verdict(r["open_first"] < TARGET_OPEN_MS)),
        ("audit verify, one assessment", f"{r['verify_one']:.1f} ms", "", ""),
    ]
    lines = [
        f"{n_assessments:,} assessments x {n_questions} answers, {changes:,} timed changes, "
        f"database {r['db_mb']:.0f} MB. Times are p50 / p95 or medians.",
        "",
        "| measurement | time | target | |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--changes", type=int, default=1_000, help="answer changes to time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="DIR", type=Path, help="build the store in DIR and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        results = run(args.assessments, args.questions, args.changes, args.keep, args.seed)
    else:
        with tempfile.TemporaryDirectory(prefix="dd-storage-bench-") as folder:
            results = run(args.assessments, args.questions, args.changes, Path(folder), args.seed)
    print(report(results, args.assessments, args.questions, args.changes))


if __name__ == "__main__":
    main()
