"""JSON Schema validation: fast to accept, thorough to explain.

A compiled validator (jsonschema-rs) answers "valid?" for the common
case; only an invalid document is walked again by the pure-Python
``jsonschema`` validator, which yields every error with its path and
the schema keyword behind it. Both must agree on what a ``pattern``
means, so the explaining validator evaluates patterns with the same
Rust regex engine (ECMA-262 semantics: ``$`` does not match before a
trailing newline, ``\\d`` is ASCII). That also keeps a hostile pattern
in a loaded set from running Python's backtracking regex on answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1024)
def _pattern_validator(pattern: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator({"type": "string", "pattern": pattern})


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a usable regular expression, or None."""
    try:
        _pattern_validator(pattern)
    except Exception as exc:  # noqa: BLE001 - jsonschema_rs.ValidationError
        first_line = str(exc).splitlines()[0] if str(exc) else "invalid"
        return f"not a valid regular expression (JSON Schema's ECMA-262 dialect): {first_line}"
    return None


def pattern_matches(pattern: str, text: str) -> bool:
    try:
        return bool(_pattern_validator(pattern).is_valid(text))
    except Exception:  # noqa: BLE001 - e.g. the regex engine's backtrack limit
        return False


def _rust_pattern(validator: Any, pattern: str, instance: object, schema: Mapping[str, Any]) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not pattern_matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=1)
def _explaining_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"pattern": _rust_pattern})


class SchemaValidator:
    """One schema, validated fast and explained in full."""

    def __init__(self, schema: Mapping[str, Any]):
        import jsonschema_rs

        self.schema = schema
        self._fast = jsonschema_rs.Draft202012Validator(schema)
        self._slow: Any = None

    def is_valid(self, document: object) -> bool:
        try:
            return bool(self._fast.is_valid(document))
        except Exception:  # noqa: BLE001 - e.g. an integer too big for Rust; explain instead
            return False

    def explain(self, document: object) -> list[Any]:
        """Every ``jsonschema`` error, for a document ``is_valid`` refused."""
        if self._slow is None:
            self._slow = _explaining_class()(self.schema)
        return list(self._slow.iter_errors(document))

    def fast_errors(self, document: object) -> list[tuple[list[str | int], str]]:
        """The compiled validator's own (path, message) pairs: the last resort
        when the explaining validator finds nothing to say."""
        try:
            return [(list(e.instance_path), e.message) for e in self._fast.iter_errors(document)]
        except Exception:  # noqa: BLE001
            return []
