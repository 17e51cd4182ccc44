"""citations/*.bib: the one .bib reader (source: every block and value with its position;
values: @string expansion and limits; inherit: crossref and xdata), what a well-formed entry is
(rules, latex), the build's bibliography (bibliography), `dossier cite check` (check), the canonical
form `cite fmt` writes (format), and the `dossier cite` commands themselves (cite).

May import: run, config, content, markdown.
"""
