"""How a build runs, whatever it builds: the read gate (confinement: nothing outside the
publication is read) and the write gate (write: nothing outside the output folder is written),
the cache in .dossier-cache/, the fingerprint that skips a rebuild nothing invalidated, the lock
that lets one build of a publication run at a time, and forked worker pools.

May import: the base modules only.
"""
