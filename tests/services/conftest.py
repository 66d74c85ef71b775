from tests.storage.fixtures import draft, filled, source, store  # noqa: F401
