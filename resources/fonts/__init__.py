"""Bundled TrueType fonts and their licences."""
