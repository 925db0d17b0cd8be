"""The ``yibao`` command line (typer + rich). ``main`` assembles the command modules."""
