"""Alembic migrations for the local store."""
