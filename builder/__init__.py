"""Dossier: turns a folder of sourced research into a static site and a PDF edition."""

__version__ = "0.1.0"
