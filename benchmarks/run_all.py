"""Every benchmark of the project, in one run: ``make bench`` (or
``.venv/bin/python -m benchmarks [--quick]``).

- engine: load + validate and scoring at 200 / 2,000 / 20,000 questions
  (``engine_bench``);
- storage: answer-change latency and listing 10,000 assessments of 60
  answers (``storage_bench``; ``--quick``: 1,000);
- report: build at 500 / 1,000 / 2,000 questions, signing (``report_bench``);
- editor: opening a 2,000-question set in ``AssessmentEditor``, offscreen;
- app start to the first shown window, cold and warm (the smoke hook);
- what the GUI imports on its way to the first window (``-X importtime``).

Each metric is the median of several runs. Writes ``benchmarks/results.json``
(one object per metric: name, value, unit, target, pass),
``benchmarks/results.md`` (table, hardware, start-up profile) and
``benchmarks/scaling.png`` (time against questionnaire size).
Needs the ``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SMOKE_QUIT_MS = 500
ENV = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    #: The target as text ("< 0.25"), or "" when the metric is informative only.
    target: str
    passed: bool | None

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["pass"] = data.pop("passed")
        data["value"] = round(self.value, 4)
        return data


def metric(name: str, value: float, unit: str, limit: float | None = None, *, at_most: bool = False) -> Metric:
    """A metric with an upper bound (``< limit``, or ``<= limit`` with ``at_most``)."""
    if limit is None:
        return Metric(name, value, unit, "", None)
    passed = value <= limit if at_most else value < limit
    return Metric(name, value, unit, f"{'<=' if at_most else '<'} {limit:g}", passed)


# --- engine, storage, report: the existing benchmarks --------------------------------------


def engine(quick: bool) -> tuple[list[Metric], dict[str, list[tuple[int, float]]]]:
    from benchmarks import engine_bench

    sizes = (200, 2_000) if quick else engine_bench.SIZES
    rows = {row["questions"]: row for row in engine_bench.measure_all(sizes)}
    two = rows[2_000]
    metrics = [
        metric("load + validate, 2,000 questions", two["load_validate_s"] * 1000, "ms", 250),
        metric("load + validate, 2,000 questions, vs json.loads", two["ratio_to_json_loads"], "x", 30, at_most=True),
        metric("scoring, 2,000 questions", two["score_s"] * 1000, "ms", 20),
    ]
    if 20_000 in rows:
        metrics.append(metric("load + validate, 20,000 questions", rows[20_000]["load_validate_s"] * 1000, "ms"))
        growth = rows[20_000]["load_validate_s"] / two["load_validate_s"]
        metrics.append(metric("load + validate growth 2,000 -> 20,000 questions", growth, "x", 12, at_most=True))
        score_growth = rows[20_000]["score_s"] / two["score_s"]
        metrics.append(metric("scoring growth 2,000 -> 20,000 questions", score_growth, "x", 12, at_most=True))
    curves = {
        "load + validate": [(s, r["load_validate_s"]) for s, r in rows.items()],
        "scoring": [(s, r["score_s"]) for s, r in rows.items()],
    }
    return metrics, curves


def storage(quick: bool) -> list[Metric]:
    from benchmarks import storage_bench

    count = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="dd-bench-storage-") as folder:
        r = storage_bench.run(count, 60, 200 if quick else 1_000, Path(folder), seed=7)
    ratio = storage_bench.TARGET_RATIO
    return [
        metric("bare sqlite3 INSERT + COMMIT (same pragmas), p50", r["bare_p50"], "ms"),
        metric("answer change in an open assessment, p50", r["same_p50"], "ms"),
        metric("answer change in an open assessment, p50 vs bare commit", r["ratio_same"], "x", ratio, at_most=True),
        metric("answer change, cold assessment, p50 vs bare commit", r["ratio_spread"], "x", ratio, at_most=True),
        metric(f"list all {count:,} assessments with score and tier", r["list_all"], "ms", storage_bench.TARGET_LIST_MS),
        metric(f"search {count:,} assessments", r["list_search"], "ms", storage_bench.TARGET_LIST_MS),
        metric("open one assessment, p95", r["open_p95"], "ms", storage_bench.TARGET_OPEN_MS),
    ]


def report(quick: bool) -> tuple[list[Metric], dict[str, list[tuple[int, float]]]]:
    from benchmarks import report_bench
    from duediligence.report.fonts import bundled_fonts
    from duediligence.report.verify import quiet_validator_logs

    bundled_fonts()
    quiet_validator_logs()
    sizes = (500, 1_000) if quick else report_bench.SIZES
    rows = [report_bench.measure(size) for size in sizes]
    with tempfile.TemporaryDirectory(prefix="dd-bench-report-") as folder:
        signing = report_bench.measure_signing(sizes[-1], Path(folder))
    biggest = rows[-1]
    growth = biggest["report_cpu_s"] / rows[0]["report_cpu_s"]
    size_growth = biggest["questions"] / rows[0]["questions"]
    metrics = [
        metric(f"report build, {biggest['questions']:,} questions", biggest["report_s"], "s", 5),
        metric(f"report build vs bare platypus, {biggest['questions']:,} questions (cpu)", biggest["ratio_cpu"], "x", 1.5, at_most=True),
        metric(f"report growth {rows[0]['questions']:,} -> {biggest['questions']:,} questions, per x{size_growth:g} questions",
               growth / size_growth, "x", 1.25, at_most=True),
        metric(f"sign the {signing['questions']:,}-question report", signing["sign_s"] * 1000, "ms", 500),
        metric(f"verify the signed {signing['questions']:,}-question report", signing["verify_s"] * 1000, "ms"),
    ]
    return metrics, {"report build": [(int(r["questions"]), r["report_s"]) for r in rows]}


# --- the window ----------------------------------------------------------------------------------

EDITOR_SCRIPT = r"""
import json, statistics, sys, time
from datetime import date
from PySide6.QtWidgets import QApplication
from benchmarks.generate import generate_answers, generate_questionnaire
from duediligence.questionnaire import answers_from_json, load_questionnaire_bytes
from duediligence.ui.editor import AssessmentEditor

class Backend:
    def set_answer(self, question_id, value): pass
    def set_comment(self, question_id, text): pass
    def attach_evidence(self, question_id, path): return []
    def remove_evidence(self, question_id, sha256): return []
    def open_evidence(self, sha256, name): pass

app = QApplication([])
document = generate_questionnaire(int(sys.argv[1]))
questionnaire = load_questionnaire_bytes(json.dumps(document).encode(), "<bench>")
answers = answers_from_json(questionnaire, generate_answers(document)).answers
times = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    editor = AssessmentEditor(questionnaire, answers, {}, Backend(), today=date(2026, 11, 26))
    editor.show()
    app.processEvents()  # the first section laid out and shown
    times.append(time.perf_counter() - start)
    editor.close()
    editor.deleteLater()
    app.processEvents()
print(json.dumps({"first": times[0], "median": statistics.median(times[1:] or times), "sections": len(questionnaire.sections)}))
"""


def editor(quick: bool) -> list[Metric]:
    runs = 3 if quick else 7
    result = subprocess.run(
        [sys.executable, "-c", EDITOR_SCRIPT, "2000", str(runs)], capture_output=True, text=True, env=ENV, cwd=REPO, timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the editor benchmark failed:\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return [
        metric("open a 2,000-question set in the editor (offscreen), median", data["median"] * 1000, "ms", 300),
        metric("open a 2,000-question set in the editor, first in the process", data["first"] * 1000, "ms"),
    ]


def drop_page_cache() -> bool:
    """Make the next start cold (root only on Linux)."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def start_to_window(data_dir: Path, extra: tuple[str, ...] = ()) -> tuple[float, str]:
    """Seconds from process start to "main window shown" in the log; stderr."""
    log = data_dir / "duediligence.log"
    log.unlink(missing_ok=True)
    env = {**ENV, "DUEDILIGENCE_SMOKE_QUIT_AFTER_MS": str(SMOKE_QUIT_MS)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *extra, "-m", "duediligence", "--data-dir", str(data_dir)],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    shown = None
    while shown is None and time.perf_counter() - started < 60:
        if log.exists() and "main window shown" in log.read_text(encoding="utf-8", errors="replace"):
            shown = time.perf_counter() - started
            break
        if process.poll() is not None and not (log.exists() and "main window shown" in log.read_text()):
            break
        time.sleep(0.002)
    _, stderr = process.communicate(timeout=60)
    if shown is None or process.returncode != 0:
        raise RuntimeError(f"the app did not start (exit {process.returncode}):\n{stderr[-3000:]}")
    return shown, stderr


def app_start(quick: bool) -> tuple[list[Metric], str]:
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="dd-bench-start-") as folder:
        data_dir = Path(folder) / "data"
        cold_kind = "page cache dropped" if drop_page_cache() else "first start of this run"
        cold, _ = start_to_window(data_dir)  # also creates the store
        warm = statistics.median(start_to_window(data_dir)[0] for _ in range(runs))
        _, profile = start_to_window(data_dir, ("-X", "importtime"))
    metrics = [
        metric(f"app start to first window, cold ({cold_kind})", cold * 1000, "ms"),
        metric("app start to first window, warm, median", warm * 1000, "ms", 1500),
    ]
    return metrics, profile


def import_profile(stderr: str, top: int = 15) -> tuple[list[tuple[str, float]], dict[str, bool]]:
    """Import time on the way to the first window, summed per top-level
    package (self time of each of its modules, ms), heaviest first; and
    whether the report and migration libraries were imported at all."""
    packages: dict[str, float] = {}
    seen: set[str] = set()
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match:
            module = match.group(2)
            seen.add(module)
            root = module.split(".")[0]
            packages[root] = packages.get(root, 0) + int(match.group(1)) / 1000
    heaviest = sorted(packages.items(), key=lambda item: -item[1])[:top]
    libraries = {name: any(m == name or m.startswith(name + ".") for m in seen) for name in ("reportlab", "pyhanko", "alembic", "matplotlib")}
    return heaviest, libraries


# --- output ---------------------------------------------------------------------------------------------


def hardware() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def plot(curves: dict[str, list[tuple[int, float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=110)
    for label, points in curves.items():
        sizes, seconds = zip(*sorted(points))
        axes.plot(sizes, [s * 1000 for s in seconds], marker="o", label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("questions in the set")
    axes.set_ylabel("time (ms, median)")
    axes.set_title("Time against questionnaire size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def markdown(metrics: list[Metric], machine: dict[str, str], heaviest: list[tuple[str, float]], libraries: dict[str, bool], quick: bool, took: float) -> str:
    def number(value: float) -> str:
        return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"

    verdict = {True: "pass", False: "**FAIL**", None: ""}
    lines = [
        "# Benchmark results",
        "",
        f"`{'.venv/bin/python -m benchmarks --quick' if quick else 'make bench'}`, {time.strftime('%Y-%m-%d')}, "
        f"{took:.0f} s{' (quick: smaller store and sizes)' if quick else ''}. Each value is the median of several runs.",
        "",
        f"Hardware: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; Python {machine['python']}; {machine['os']}.",
        "",
        "| metric | value | unit | target | |",
        "|---|---:|---|---|---|",
        *(f"| {m.name} | {number(m.value)} | {m.unit} | {m.target} | {verdict[m.passed]} |" for m in metrics),
        "",
        "![time against questionnaire size](scaling.png)",
        "",
        "## App start: what is imported before the first window",
        "",
        "From `python -X importtime -m duediligence` with the smoke hook: import time (self, summed over",
        "each top-level package's modules) on the way to the first window:",
        "",
        "| package | ms |",
        "|---|---:|",
        *(f"| {name} | {ms:.0f} |" for name, ms in heaviest),
        "",
        "Report and migration libraries on the start path: "
        + ", ".join(f"{name} {'**imported**' if loaded else 'not imported'}" for name, loaded in libraries.items())
        + ".",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Run every benchmark and write benchmarks/results.*")
    parser.add_argument("--quick", action="store_true", help="a smaller store (1,000) and fewer sizes: about a minute")
    parser.add_argument("--out", type=Path, default=HERE, help="where results.json, results.md and scaling.png go")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    metrics: list[Metric] = []
    curves: dict[str, list[tuple[int, float]]] = {}
    for label, step in (("engine", engine), ("report", report)):
        print(f"== {label}", flush=True)
        found, more = step(args.quick)
        metrics += found
        curves.update(more)
    print("== storage", flush=True)
    metrics += storage(args.quick)
    print("== editor", flush=True)
    metrics += editor(args.quick)
    print("== app start", flush=True)
    started, profile = app_start(args.quick)
    metrics += started
    heaviest, libraries = import_profile(profile)
    took = time.perf_counter() - began

    args.out.mkdir(parents=True, exist_ok=True)
    machine = hardware()
    results = {"hardware": machine, "quick": args.quick, "metrics": [m.to_json() for m in metrics]}
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    plot(curves, args.out / "scaling.png")
    (args.out / "results.md").write_text(markdown(metrics, machine, heaviest, libraries, args.quick, took))
    for m in metrics:
        mark = {True: "PASS", False: "FAIL", None: "    "}[m.passed]
        print(f"{mark}  {m.name}: {m.value:.3f} {m.unit} {m.target}")
    print(f"wrote {args.out / 'results.json'}, results.md and scaling.png in {took:.0f} s")
    return 0 if all(m.passed is not False for m in metrics) else 1
