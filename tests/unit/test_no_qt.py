"""The core, the store, the services, the report and the CLI never import Qt.

Run in a fresh interpreter, because this test session itself may have
imported PySide6 (pytest-qt does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO

SCRIPT = r"""
import importlib, json, pkgutil, sys

imported, failed = [], {}

def load(name):
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None  # not built yet
        failed[name] = repr(exc)
        return None
    except Exception as exc:
        failed[name] = repr(exc)
        return None
    imported.append(name)
    return module

load("duediligence.questionnaire")
cli = load("duediligence.cli")
if cli is not None:
    cli.build_parser()
    imported.append("duediligence.cli.build_parser()")
for package_name in ("duediligence.storage", "duediligence.services", "duediligence.report"):
    package = load(package_name)
    if package is None or not hasattr(package, "__path__"):
        continue
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        # Alembic's env.py runs only inside an Alembic command.
        if ".migrations" in info.name:
            continue
        load(info.name)

print(json.dumps({
    "imported": imported,
    "failed": failed,
    "qt": sorted(m for m in sys.modules if m == "PySide6" or m.startswith(("PySide6.", "shiboken6"))),
}))
"""


def test_core_store_report_and_cli_do_not_import_pyside6() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("QT_API", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "duediligence.questionnaire" in report["imported"]
    assert "duediligence.cli.build_parser()" in report["imported"]
    assert report["failed"] == {}, "modules that could not be imported cannot be checked"
    assert report["qt"] == [], f"Qt was imported: {report['qt']}"
    assert "PySide6" not in report["qt"]
