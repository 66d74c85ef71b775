"""Reading a JSON document from a user's file, safely.

Question sets and answers documents come from people and from other
programs, so every way a file can be broken (too big, not UTF-8, a BOM,
not JSON, too deep, duplicate keys, NaN) ends in one clear ``Problem``
and never in a traceback or a hang.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from duediligence.errors import InvalidDocument, Problem

#: Largest file we read. The biggest realistic set (a few thousand
#: questions) is about 2 MB; 16 MiB leaves room and bounds memory.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Deepest nesting we explain. The format needs about 12 levels (a condition
#: inside ``not`` inside ``all`` ...); 64 is generous and keeps every
#: recursive step far from Python's recursion limit. ``json.loads`` itself
#: refuses about 1,000 levels.
MAX_DEPTH = 64


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large document is parsed
    and modelled.

    Parsing allocates hundreds of thousands of objects and no cycles; each
    allocation burst triggers full collections that rescan everything
    allocated so far, which made loading grow faster than the file (a
    20,000-question set took 15x the time of a 2,000-question one instead
    of 10x). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def json_path(parts: object) -> str:
    """Format a sequence of keys and indices as ``$.a[0].b`` (JSONPath)."""
    out = "$"
    for part in parts:  # type: ignore[attr-defined]
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            out += f".{part}"
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number; write a finite number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large to represent; write a finite number")
    return value


def _pairs_without_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def nesting_problem(value: object, limit: int = MAX_DEPTH) -> str | None:
    """An iterative depth check, so that measuring depth cannot itself recurse.

    It is not on the hot path: a document that passes its (non-recursive
    or depth-checked) schema is shallow by construction, so callers run
    this only before explaining a schema failure with a recursive validator.
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return f"JSON is nested too deeply; the limit is {limit} levels"
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))  # type: ignore[union-attr]
    return None


def parse_json_bytes(data: bytes, source: str, max_bytes: int = MAX_FILE_BYTES) -> object:
    """Decode and parse ``data``; raise ``InvalidDocument`` with one problem."""

    def fail(message: str) -> InvalidDocument:
        return InvalidDocument([Problem(source, "$", message)])

    if len(data) > max_bytes:
        raise fail(
            f"file is {len(data):,} bytes; the limit is {max_bytes:,} bytes "
            "(split the set or remove embedded data)"
        )
    if not data.strip():
        raise fail("file is empty; expected a JSON object")
    if data.startswith(b"\xef\xbb\xbf"):
        raise fail("file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}, "
            f"line {line}); save it as UTF-8"
        ) from None
    return parse_json_text(text, source)


def parse_json_text(text: str, source: str) -> object:
    def fail(message: str) -> InvalidDocument:
        return InvalidDocument([Problem(source, "$", message)])

    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs_without_duplicates,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as exc:
        if text.startswith(("//", "/*"), exc.pos):  # JavaScript-style files (Google's VSAQ, say)
            raise fail(
                f"not valid JSON: a comment at line {exc.lineno}, column {exc.colno}; JSON has no comments "
                "(is this a duediligence question set or answers file?)"
            ) from None
        raise fail(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except _DuplicateKey as exc:
        raise fail(f"duplicate key {exc.key!r} in an object; each key may appear once") from None
    except RecursionError:
        raise fail(f"JSON is nested too deeply; the limit is {MAX_DEPTH} levels") from None
    except ValueError as exc:  # NaN / Infinity, huge integers
        raise fail(f"not valid JSON: {exc}") from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise fail(
            "contains a lone UTF-16 surrogate escape (such as \\ud800), which is not valid Unicode text; "
            "remove it or write the character itself"
        )
    return value


#: A \uD800-\uDFFF escape. Paired escapes (an emoji written as two) are
#: joined by the parser; only an unpaired one survives as a surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_CHAR = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: object) -> bool:
    """Only walked when the text has a surrogate escape at all (rare)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _SURROGATE_CHAR.search(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def read_file_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read a user's file, refusing folders and huge files before reading them."""
    source = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise InvalidDocument([Problem(source, "$", "is a folder, not a file")])
        size = p.stat().st_size
        if size > max_bytes:
            raise InvalidDocument(
                [Problem(source, "$", f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")]
            )
        with p.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InvalidDocument([Problem(source, "$", "no such file")]) from None
    except PermissionError:
        raise InvalidDocument([Problem(source, "$", "permission denied; check the file's permissions")]) from None
    except OSError as exc:
        raise InvalidDocument([Problem(source, "$", f"cannot read the file: {exc.strerror or exc}")]) from None


def read_json_file(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> object:
    """Read and parse a JSON file; every failure is one ``Problem``."""
    return parse_json_bytes(read_file_bytes(path, max_bytes), str(path), max_bytes)
