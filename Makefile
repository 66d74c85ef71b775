# The two commands that matter on a fresh machine (see README.md):
#   make run   - set everything up and start the app
#   make test  - set everything up and run the whole test suite
.PHONY: run test setup bench

setup:
	@scripts/setup

run: setup
	.venv/bin/duediligence $(ARGS)

test: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	@.venv/bin/python -c "import matplotlib" 2>/dev/null || .venv/bin/python -m pip install -q -e ".[test,bench]"
	.venv/bin/python -m benchmarks $(ARGS)
