"""Citations formatted by a CSL style, through pandoc's citeproc: the style a publication asks for
(styles), the long-lived pandoc worker and its Lua filter (pandoc, citeproc.lua), each document's
citations, notes, bibliography and "cite this" references (citations), the entries as CSL-JSON
as pandoc reads them (references), what a document's own metadata asks of its citations
(metadata: nocite, links, language, its bibliography files), and the sentence each citation
stands in (contexts).

May import: run, config, content, markdown, bib.
"""
