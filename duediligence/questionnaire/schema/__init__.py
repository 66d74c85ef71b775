"""The published meta-schema of the question set format (package data)."""
