"""Evidence boxes at build time: the Admiralty grades (grades), quotes as editorial practice reads
them (quotes) and where a quote's pieces occur in a text (matching), saved copies of sources
(snapshots), verification against them with the closest passage of a misquote (verify), what a
quote shows readers as the page renders it (shown), how a misquote differs word by word
(differences), every box of a document checked with its problems (checks), and what a box
becomes on the page (boxes).

May import: run, content, markdown, bib.
"""
