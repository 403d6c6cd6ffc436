"""`python -m matcher` runs the command line.

The command line is imported only when this runs as the program: the engine's spawned
processes import this module too (as `__mp_main__`), and need none of it."""

import sys

if __name__ == "__main__":
    from matcher.cli import main

    sys.exit(main())
