"""Benchmarks: run with ``python -m benchmarks`` (``make bench``), never as timed tests."""
