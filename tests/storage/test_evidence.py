"""Evidence: content-addressed blobs under evidence/ab/<sha256>, never the
user's file name; metadata kept in the database; one copy per content."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from duediligence import services
from duediligence.errors import EvidenceError, InvalidAnswers, NotFound
from duediligence.questionnaire import Vendor
from duediligence.services import SetSource
from duediligence.storage.blobs import MAX_EVIDENCE_BYTES, BlobStore
from duediligence.storage.store import Store
from tests.storage.fixtures import table_counts


def blob_files(store: Store) -> list[Path]:
    return sorted(p for p in store.paths.evidence.rglob("*") if p.is_file())


def test_a_file_is_stored_by_its_hash_with_its_metadata_in_the_database(store: Store, draft: int, tmp_path: Path) -> None:
    content = b"%PDF-1.4 privacy policy"
    original = tmp_path / "../Privacy Policy (final) \u00e9.pdf"
    original.write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()

    change = services.attach_evidence(store, draft, "policy", original, who="jane")

    assert blob_files(store) == [store.paths.evidence / sha[:2] / sha]
    assert (store.paths.evidence / sha[:2] / sha).read_bytes() == content
    [record] = services.open_assessment(store, draft).evidence
    assert (record.name, record.size, record.sha256, record.media_type, record.available) == (
        "Privacy Policy (final) \u00e9.pdf", len(content), sha, "application/pdf", True,
    )
    assert change.new == [{"name": record.name, "size": len(content), "sha256": sha, "media_type": "application/pdf"}]
    assert services.evidence_file(store, sha).read_bytes() == content
    # The evidence question now counts as answered: its risk drops to 0.
    assert services.open_assessment(store, draft).score.questions["policy"].risk == 0


def test_the_same_content_is_stored_once(store: Store, draft: int, source: SetSource, tmp_path: Path) -> None:
    first = tmp_path / "a.pdf"
    second = tmp_path / "copy of a.pdf"
    first.write_bytes(b"same bytes")
    second.write_bytes(b"same bytes")
    other = services.create_assessment(store, source, Vendor("Other"))
    services.attach_evidence(store, draft, "policy", first)
    services.attach_evidence(store, other, "policy", second)
    assert len(blob_files(store)) == 1
    names = [r.name for r in services.open_assessment(store, other).evidence]
    assert names == ["copy of a.pdf"]


def test_attaching_the_same_file_twice_to_a_question_is_refused(store: Store, draft: int, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"x")
    services.attach_evidence(store, draft, "policy", path)
    before = table_counts(store.path)
    with pytest.raises(EvidenceError, match="already attached"):
        services.attach_evidence(store, draft, "policy", path)
    assert table_counts(store.path) == before


def test_refused_files_store_nothing(store: Store, draft: int, tmp_path: Path) -> None:
    wrong_type = tmp_path / "photo.jpg"
    wrong_type.write_bytes(b"jpeg")
    before = table_counts(store.path)
    with pytest.raises(EvidenceError, match="accepts only .pdf, .txt"):
        services.attach_evidence(store, draft, "policy", wrong_type)
    with pytest.raises(EvidenceError, match="not an evidence question"):
        services.attach_evidence(store, draft, "consent", wrong_type)
    with pytest.raises(EvidenceError, match="no such file"):
        services.attach_evidence(store, draft, "policy", tmp_path / "missing.pdf")
    with pytest.raises(EvidenceError, match="is a folder"):
        services.attach_evidence(store, draft, "policy", tmp_path)
    assert table_counts(store.path) == before
    assert blob_files(store) == []


def test_the_size_limit_is_enforced_without_leaving_a_partial_blob(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "evidence", max_bytes=1000)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"x" * 1001)
    with pytest.raises(EvidenceError, match="limited to"):
        blobs.add_file(big)
    with pytest.raises(EvidenceError, match="limited to"), open(big, "rb") as reader:
        blobs.add_stream(reader, "stream")  # a stream does not know its size up front
    assert [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()] == []
    assert MAX_EVIDENCE_BYTES == 200 * 1024 * 1024


def test_a_blob_that_does_not_match_its_expected_hash_is_refused(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "evidence")
    source = tmp_path / "x"
    source.write_bytes(b"tampered")
    with pytest.raises(EvidenceError, match="does not match"), open(source, "rb") as reader:
        blobs.add_stream(reader, "x", expected_sha256="0" * 64)
    assert not blobs.has("0" * 64)


def test_removing_evidence_keeps_the_blob(store: Store, draft: int, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"notes")
    change = services.attach_evidence(store, draft, "policy", path)
    sha = change.new[0]["sha256"]  # type: ignore[index]
    removed = services.remove_evidence(store, draft, "policy", sha)
    assert removed.new is None
    assert services.open_assessment(store, draft).evidence == ()
    assert store.blobs.has(sha)
    with pytest.raises(NotFound):
        services.remove_evidence(store, draft, "policy", sha)
    actions = [e.action for e in services.audit_trail(store, draft)]
    assert actions[-2:] == ["evidence_attached", "evidence_removed"]


def test_max_files_is_checked(store: Store, draft: int, tmp_path: Path) -> None:
    for index in range(3):
        path = tmp_path / f"{index}.txt"
        path.write_text(str(index))
        services.attach_evidence(store, draft, "policy", path)
    fourth = tmp_path / "3.txt"
    fourth.write_text("3")
    with pytest.raises(InvalidAnswers, match="at most 3"):
        services.attach_evidence(store, draft, "policy", fourth)
    assert len(services.open_assessment(store, draft).evidence) == 3
