"""Entry point of the frozen app: exactly the ``duediligence`` console
script (no arguments starts the window, a subcommand runs the CLI)."""

import sys

from duediligence.cli import main

if __name__ == "__main__":
    sys.exit(main())
