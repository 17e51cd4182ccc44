"""citations/: the bibliography files, read by their kind through one function (source.read_bibliographies).
The one .bib reader (source: every block and value with its position; keys: citation keys as pandoc
reads them; values: @string expansion and limits; inherit: crossref and xdata), the CSL-JSON and
CSL-YAML reader (csljson; variables: what citeproc reads in an item), every file's entries by key
(catalogue), what a well-formed entry is (rules, latex), the build's bibliography (bibliography),
`dossier cite check` (check), the canonical form `cite fmt` writes (format), and the `dossier cite`
commands themselves (cite).

May import: run, config, content, markdown.
"""
