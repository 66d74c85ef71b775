"""What ReportLab cannot write: the attached answers document and the empty
signature field, added by pyHanko as one incremental update; and reading
the attachment back for verification.

The answers go into the PDF as an embedded file (``answers.json``) so a
report stays machine-readable and can be re-imported; its sha256 is also
printed in the appendix and written in the attachment's description. The
empty signature field sits exactly on the box drawn on the last page, so a
signer (duediligence or a PDF reader) fills that box.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timezone
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from duediligence.questionnaire.model import ANSWERS_FORMAT
from duediligence.report.story import ANSWERS_FILE_NAME, SignaturePlacement

SIGNATURE_FIELD = "AssessorSignature"
_DESCRIPTION_PREFIX = f"{ANSWERS_FORMAT}; sha256="


def add_attachments(pdf: bytes, answers_json: bytes, placement: SignaturePlacement, created: datetime) -> bytes:
    """The report with the answers attached and an empty signature field on
    the signature box."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=True)
    _carry_metadata_into_xmp(writer)
    digest = hashlib.sha256(answers_json).hexdigest()
    stamp = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    data = EmbeddedFileObject.from_file_data(
        writer,
        answers_json,
        mime_type="application/json",
        params=EmbeddedFileParams(creation_date=stamp, modification_date=stamp),
    )
    embed_file(
        writer,
        FileSpec(
            file_spec_string=ANSWERS_FILE_NAME,
            file_name=ANSWERS_FILE_NAME,
            embedded_data=data,
            description=_DESCRIPTION_PREFIX + digest,
            af_relationship=generic.pdf_name("/Data"),
        ),
    )
    if placement.box is not None:
        append_signature_field(
            writer,
            SigFieldSpec(SIGNATURE_FIELD, on_page=placement.page - 1, box=placement.box),  # type: ignore[arg-type]
        )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _carry_metadata_into_xmp(writer: IncrementalPdfFileWriter) -> None:
    """pyHanko writes an XMP metadata stream (the update is PDF 2.0) from
    its own metadata only; viewers that read XMP would then show no title.
    Copy ReportLab's document info into it."""
    info, meta = writer.document_meta_view, writer.document_meta
    meta.title, meta.author, meta.subject = info.title, info.author, info.subject
    meta.keywords, meta.creator, meta.created = list(info.keywords), info.creator, info.created


def embedded_files(reader: PdfFileReader) -> Iterator[tuple[str, bytes, str]]:
    """(name, content, description) of each file attached to the document."""
    names = _entry(reader.root, "/Names")
    tree = _entry(names, "/EmbeddedFiles") if names is not None else None
    if tree is not None:
        yield from _walk_name_tree(tree, depth=0)


def _entry(dictionary: generic.DictionaryObject, key: str) -> generic.PdfObject | None:
    """``dictionary[key]`` resolved (``.get`` would return an unresolved reference)."""
    try:
        return dictionary[key]
    except KeyError:
        return None


def _walk_name_tree(node: generic.DictionaryObject, depth: int) -> Iterator[tuple[str, bytes, str]]:
    if depth > 16:  # a hostile file may nest without end
        return
    pairs = _entry(node, "/Names")
    if pairs is not None:
        for index in range(0, len(pairs) - 1, 2):
            spec = pairs[index + 1].get_object()
            streams = _entry(spec, "/EF")
            stream = _entry(streams, "/F") if streams is not None else None
            if stream is None:
                continue
            description = _entry(spec, "/Desc") or ""
            yield str(pairs[index]), stream.data, str(description)
    for kid in _entry(node, "/Kids") or ():
        yield from _walk_name_tree(kid.get_object(), depth + 1)


def answers_attachment(reader: PdfFileReader) -> tuple[bytes, str] | None:
    """The attached answers document and the sha256 recorded with it."""
    for name, content, description in embedded_files(reader):
        if name == ANSWERS_FILE_NAME:
            recorded = description[len(_DESCRIPTION_PREFIX) :] if description.startswith(_DESCRIPTION_PREFIX) else ""
            return content, recorded
    return None
