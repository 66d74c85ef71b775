"""Evidence files with hostile names, links and sizes, through
``services.attach_evidence``. The user's file name is only metadata;
nothing is ever written outside the data dir, and no link is followed
into writing anywhere."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from duediligence import services
from duediligence.errors import EvidenceError, NotFound
from duediligence.questionnaire import Vendor
from duediligence.services.evidence import MAX_NAME_LENGTH, display_name
from duediligence.storage.store import Store
from tests.storage.sets import question_set, source_of

EVIDENCE_SET = question_set({"id": "files", "type": "evidence", "text": "Any files?"}, set_id="evidence-names")
CONTENT = b"%PDF-1.4 the same bytes under every name\n"
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def evidence_store(tmp_path: Path) -> Iterator[tuple[Store, int]]:
    store = services.open_store(tmp_path / "data")
    assessment_id = services.create_assessment(store, source_of(EVIDENCE_SET), Vendor("Files"))
    yield store, assessment_id
    store.close()


def snapshot_outside(root: Path, data_dir: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under ``root`` except the data dir: what a write would change."""
    entries = {}
    for path in root.rglob("*"):
        if path == data_dir or data_dir in path.parents:
            continue
        info = path.lstat()
        entries[str(path)] = (info.st_mode, info.st_size, info.st_mtime_ns, os.readlink(path) if path.is_symlink() else None)
    return entries


def blobs(store: Store) -> list[Path]:
    return sorted(p for p in store.paths.evidence.rglob("*") if p.is_file() and p.parent.name != "tmp")


def test_hostile_names_are_metadata_and_the_content_is_stored_once(evidence_store: tuple[Store, int], tmp_path: Path) -> None:
    store, assessment_id = evidence_store
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    names = {
        "dot-dot": "..evil.pdf",
        "rtl override": "invoice\u202efdp.exe",
        "newline": "two\nlines.txt",
        "spaces and quotes": " 'quoted' \"name\" .pdf",
        "long": "é" * 120 + ".pdf",  # 245 bytes in UTF-8: the longest a file system allows
        "reserved on Windows": "CON.txt",
    }
    sources = {}
    for label, name in names.items():
        sources[label] = outside / name
        sources[label].write_bytes(CONTENT)
    sources["via ../ in the path"] = outside / "sub" / ".." / "sub" / ".." / "..evil.pdf"
    sources["absolute"] = (outside / "CON.txt").resolve()
    before = snapshot_outside(tmp_path, store.paths.root)

    other = services.create_assessment(store, source_of(EVIDENCE_SET), Vendor("Other"))
    for number, (label, source) in enumerate(sources.items()):
        target = assessment_id if number % 2 else other
        try:
            services.attach_evidence(store, target, "files", source)
        except EvidenceError as exc:
            assert "already attached" in str(exc), (label, exc)  # the same content twice on one question

    assert snapshot_outside(tmp_path, store.paths.root) == before
    assert [p.name for p in blobs(store)] == [SHA]  # one blob, named by its hash
    stored = [item["name"] for a in (assessment_id, other) for item in services.open_assessment(store, a).answers["files"]]  # type: ignore[union-attr]
    assert len(stored) == 2
    for name in stored:
        assert "\u202e" not in name and "/" not in name
    shown = display_name(Path("invoice\u202efdp.exe"))
    assert shown == "invoice\ufffdfdp.exe" and shown.endswith(".exe")  # the real extension stays visible


@pytest.mark.parametrize(
    "name, reason",
    [("nul\x00byte.pdf", "embedded null byte"), ("x" * 300 + ".pdf", "File name too long"), ("", "is a folder")],
    ids=["NUL", "300 characters", "empty"],
)
def test_names_the_system_cannot_have_are_refused_clearly(evidence_store: tuple[Store, int], tmp_path: Path, name: str, reason: str) -> None:
    """(A NUL byte or a 300-character name used to end in ValueError / OSError.)"""
    store, assessment_id = evidence_store
    with pytest.raises(EvidenceError, match=reason):
        services.attach_evidence(store, assessment_id, "files", tmp_path / name if name else "")
    assert blobs(store) == [] and "files" not in services.open_assessment(store, assessment_id).answers


def test_a_kept_name_is_cut_to_the_limit_with_its_extension() -> None:
    shown = display_name(Path("n" * 300 + ".pdf"))
    assert len(shown) == MAX_NAME_LENGTH and shown.endswith(".pdf")


def test_a_link_to_a_file_outside_is_copied_by_content(evidence_store: tuple[Store, int], tmp_path: Path) -> None:
    store, assessment_id = evidence_store
    target = tmp_path / "elsewhere" / "policy.pdf"
    target.parent.mkdir()
    target.write_bytes(CONTENT)
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    services.attach_evidence(store, assessment_id, "files", link)
    [blob] = blobs(store)
    assert not blob.is_symlink() and blob.read_bytes() == CONTENT
    target.write_bytes(b"changed later")  # the stored evidence does not follow
    assert blob.read_bytes() == CONTENT


@pytest.mark.parametrize("kind", ["device", "fifo", "loop", "dangling"])
def test_special_files_and_broken_links_are_refused_without_hanging(evidence_store: tuple[Store, int], tmp_path: Path, kind: str) -> None:
    store, assessment_id = evidence_store
    path = tmp_path / f"{kind}.pdf"
    if kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)  # opening it to read would wait for a writer for ever
    elif kind == "loop":
        path.symlink_to(path)
    else:
        path.symlink_to(tmp_path / "gone.pdf")
    started = time.monotonic()
    with pytest.raises(EvidenceError):
        services.attach_evidence(store, assessment_id, "files", path)
    assert time.monotonic() - started < 5 and blobs(store) == []


@pytest.mark.parametrize("planted", ["blob folder", "tmp folder", "evidence folder"])
def test_a_link_planted_in_the_data_dir_is_never_written_through(evidence_store: tuple[Store, int], tmp_path: Path, planted: str) -> None:
    """(A link at ``evidence/<xx>`` used to carry the blob out of the data dir.)"""
    store, assessment_id = evidence_store
    outside = tmp_path / "outside"
    outside.mkdir()
    evidence = store.paths.evidence
    link = {"blob folder": evidence / SHA[:2], "tmp folder": evidence / "tmp", "evidence folder": evidence}[planted]
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists():
        link.rename(link.with_name(link.name + ".moved"))
    link.symlink_to(outside, target_is_directory=True)
    source = tmp_path / "policy.pdf"
    source.write_bytes(CONTENT)
    with pytest.raises(EvidenceError, match="symbolic link"):
        services.attach_evidence(store, assessment_id, "files", source)
    assert list(outside.iterdir()) == []
    assert "files" not in services.open_assessment(store, assessment_id).answers


def test_a_link_planted_as_a_blob_is_replaced_not_followed(evidence_store: tuple[Store, int], tmp_path: Path) -> None:
    store, assessment_id = evidence_store
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(b"what the planter wants the report to show")
    blob = store.blobs.path_for(SHA)
    blob.parent.mkdir(parents=True)
    blob.symlink_to(forged)
    assert not store.blobs.has(SHA)
    with pytest.raises(NotFound):
        services.evidence_file(store, SHA)
    source = tmp_path / "policy.pdf"
    source.write_bytes(CONTENT)
    services.attach_evidence(store, assessment_id, "files", source)
    assert not blob.is_symlink() and blob.read_bytes() == CONTENT
    assert forged.read_bytes() == b"what the planter wants the report to show"


def test_a_2_gb_sparse_file_is_refused_at_once_by_the_size_limit(evidence_store: tuple[Store, int], tmp_path: Path) -> None:
    store, assessment_id = evidence_store
    sparse = tmp_path / "scan.pdf"
    with open(sparse, "wb") as handle:
        handle.truncate(2 * 1024**3)
    started = time.monotonic()
    with pytest.raises(EvidenceError, match="limited to 200 MiB"):
        services.attach_evidence(store, assessment_id, "files", sparse)
    assert time.monotonic() - started < 1.0  # refused by its size, not read
    assert blobs(store) == [] and list((store.paths.evidence / "tmp").glob("*")) == []
