"""The store commands as a user runs them: a real process, a real data dir,
exit codes and messages (0 success, 1 a problem with input or store, 2 usage)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_ANSWERS, EXAMPLE_SET
from tests.storage.sets import STANDARD_ANSWERS, answers_document, standard_set

REPO = Path(__file__).resolve().parents[2]


def cli(data_dir: Path, *args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DUEDILIGENCE_DATA_DIR", None)  # --data-dir must be enough
    return subprocess.run(
        [sys.executable, "-m", "duediligence", "--data-dir", str(data_dir), *map(str, args)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    return result.stderr


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    set_file = tmp_path / "set.json"
    set_file.write_text(json.dumps(standard_set()), encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(answers_document(standard_set(), STANDARD_ANSWERS)), encoding="utf-8")
    return set_file, answers


def test_import_list_answer_finalize_and_refuse(tmp_path: Path, files: tuple[Path, Path]) -> None:
    data = tmp_path / "data"
    set_file, answers = files
    refused(cli(data, "import", answers), "not in the library", "--questionnaire FILE")
    assessment = ok(cli(data, "import", answers, "--questionnaire", set_file)).strip()
    assert assessment == "1"

    listing = ok(cli(data, "list"))
    assert "Acme Face Inc." in listing and "draft" in listing and "store-test 1.0.0" in listing
    [row] = json.loads(ok(cli(data, "list", "--json", "--search", "acme")))
    assert row["id"] == 1 and row["status"] == "draft" and row["score"]["tier"]
    assert json.loads(ok(cli(data, "list", "--json", "--status", "final"))) == []

    assert "consent" in ok(cli(data, "answer", "1", "consent", "no"))  # a plain word is a string
    assert 'regions = ["eu"]' in ok(cli(data, "answer", "1", "regions", '["eu"]'))
    refused(cli(data, "answer", "1", "consent", "maybe"), "'maybe' is not one of")
    refused(cli(data, "answer", "9", "consent", "yes"), "no assessment 9")

    assert "is final" in ok(cli(data, "finalize", "1"))
    refused(cli(data, "answer", "1", "consent", "yes"), "assessment 1 is final")
    refused(cli(data, "import", answers, "--into", "1"), "assessment 1 is final")
    assert json.loads(ok(cli(data, "list", "--json", "--status", "final")))[0]["id"] == 1


def test_export_writes_a_document_that_reimports_to_the_same_answers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assessment = ok(cli(data, "import", EXAMPLE_ANSWERS, "--questionnaire", EXAMPLE_SET)).strip()
    out = tmp_path / "out" / "export.json"
    assert str(out) in ok(cli(data, "export", assessment, "--json", out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    original = json.loads(EXAMPLE_ANSWERS.read_text(encoding="utf-8"))
    assert exported["answers"] == {k: v for k, v in original["answers"].items() if v is not None}
    assert exported["comments"] == original.get("comments", {})

    again = ok(cli(data, "import", out)).strip()  # the set is in the library now
    second = tmp_path / "second.json"
    ok(cli(data, "export", again, "--json", second))
    assert json.loads(second.read_text(encoding="utf-8")) == exported

    usage = cli(data, "export", assessment)
    assert usage.returncode == 2 and "--json OUT" in usage.stderr


def test_audit_verify_finds_tampering(tmp_path: Path, files: tuple[Path, Path]) -> None:
    data = tmp_path / "data"
    set_file, answers = files
    ok(cli(data, "import", answers, "--questionnaire", set_file))
    assert "audit trail ok" in ok(cli(data, "audit", "verify"))
    assert "audit trail ok" in ok(cli(data, "audit", "verify", "1"))

    connection = sqlite3.connect(data / "duediligence.sqlite3", isolation_level=None)
    connection.execute("DROP TRIGGER audit_events_no_update")
    connection.execute("UPDATE audit_events SET new_value = '\"tampered\"' WHERE seq = 3")
    connection.close()
    result = cli(data, "audit", "verify")
    assert result.returncode == 1
    assert "BROKEN assessment 1: event 3" in result.stdout and "edited?" in result.stdout


def test_backup_and_restore(tmp_path: Path, files: tuple[Path, Path]) -> None:
    data = tmp_path / "data"
    set_file, answers = files
    ok(cli(data, "import", answers, "--questionnaire", set_file))
    archive = tmp_path / "backup.zip"
    assert "wrote" in ok(cli(data, "backup", archive))
    refused(cli(data, "backup", archive), "already exists")
    ok(cli(data, "answer", "1", "consent", "no"))

    refused(cli(data, "restore", archive), "--force")
    output = ok(cli(data, "restore", archive, "--force"))
    assert "kept as" in output
    [row] = json.loads(ok(cli(data, "list", "--json")))
    assert row["id"] == 1
    fresh = tmp_path / "fresh"
    ok(cli(fresh, "restore", archive))
    assert json.loads(ok(cli(fresh, "list", "--json")))[0]["vendor"]["name"] == "Acme Face Inc."


def test_the_question_set_library(tmp_path: Path, files: tuple[Path, Path]) -> None:
    data = tmp_path / "data"
    set_file, _ = files
    assert "added" in ok(cli(data, "questionnaires", "add", set_file))
    assert "already in the library" in ok(cli(data, "questionnaires", "add", set_file))
    listed = {(r["id"], r["source"]) for r in json.loads(ok(cli(data, "questionnaires", "list", "--json")))}
    assert ("store-test", "library") in listed and ("biometric-vendor", "built-in") in listed
    refused(cli(data, "questionnaires", "add", tmp_path / "missing.json"), "no such file")


def test_an_unusable_database_is_reported_and_left_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "duediligence.sqlite3"
    database.write_bytes(b"not a database" * 100)
    message = refused(cli(data, "list"), str(database), "restore")
    assert "left untouched" in message
    assert database.read_bytes() == b"not a database" * 100


def test_the_store_commands_never_load_qt() -> None:
    code = (
        "import sys\n"
        "import duediligence.cli, duediligence.cli.store_commands, duediligence.services, duediligence.storage.store\n"
        "duediligence.cli.build_parser()\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
