"""How a build runs, whatever it builds: the read gate (confinement: nothing outside the
publication is read) and the write gate (write: nothing outside the output folder is written),
where the site may go (output), the cache in .dossier-cache/ (cache), the fingerprint that skips a
rebuild nothing invalidated (fingerprint), the lock that lets one build of a publication run at a
time (lock), and forked worker pools (parallel).

May import: the base modules only.
"""
