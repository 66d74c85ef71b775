"""The report and signing code is core: it must never pull in Qt, and the
CLI must not pay for ReportLab/pyHanko on commands that do not need them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODULES = [path.stem for path in (REPO / "duediligence" / "report").glob("*.py") if path.stem != "__init__"]


def _run(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_report_modules_do_not_import_qt() -> None:
    imports = "; ".join(f"import duediligence.report.{name}" for name in MODULES)
    _run(f"import sys; {imports}; import duediligence.cli.report_commands; assert 'PySide6' not in sys.modules, 'Qt imported'")


def test_building_the_cli_parser_does_not_import_reportlab() -> None:
    _run(
        "import sys; from duediligence.cli import build_parser; build_parser(); "
        "assert 'reportlab' not in sys.modules and 'pyhanko' not in sys.modules"
    )
