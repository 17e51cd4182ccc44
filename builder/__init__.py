"""Dossier: turns a folder of sourced research into a static site and a PDF edition.

The base modules: cli (the command line), build (the pipeline: a flat list of stages), errors
(problems with positions), model (the frozen dataclasses handed from stage to stage), urls (names
into site paths), text (slugs, dates, the text of HTML). Every stage is a package; each package's
docstring says what it owns and which packages it may import (tests/test_layout.py holds them to it).
"""

__version__ = "0.1.0"
