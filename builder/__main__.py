"""`python -m builder` runs the same command line as `dossier`."""

from builder.cli import run

run()
