"""The website: document bodies parsed and rendered (bodies), the site's structure of articles,
tags, authors, years and sources (structure), the data templates receive (views), the theme
(theme), its words in each page's language from gettext catalogues (words, catalogue), pages
rendered from it (render), scholarly metadata (metadata), feeds and sitemap (feeds), and the
Pagefind search index (search).

May import: run, config, content, markdown, bib, csl, evidence.
"""
