"""Local store: SQLAlchemy models, engine and migrations; no Qt."""
