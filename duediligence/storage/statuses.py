"""The workflow statuses of an assessment, importable without SQLAlchemy
(the CLI names them in its help before it opens any store)."""

STATUSES = ("draft", "in_review", "final")
