"""Use cases, each owning its transaction: the only way the GUI and CLI touch data."""
