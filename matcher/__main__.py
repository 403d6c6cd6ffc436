"""`python -m matcher` runs the command line.

The command line is imported only when this runs as the program: the engine's spawned
processes import this module too (as `__mp_main__`), and need none of it."""

if __name__ == "__main__":
    from matcher.cli.launch import run

    run()
