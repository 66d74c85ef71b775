"""``python -m duediligence`` behaves exactly like the console script."""

import sys

from duediligence.cli import main

sys.exit(main())
