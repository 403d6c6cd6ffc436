"""`python -m matcher` runs the command line."""

import sys

from matcher.cli import main

if __name__ == "__main__":
    sys.exit(main())
