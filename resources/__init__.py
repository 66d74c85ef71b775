"""Fonts and icons, shipped inside the package as data."""
