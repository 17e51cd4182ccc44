"""The publication's own files before any Markdown is read: articles and pages with their front
matter (documents) and pandoc's citation metadata in it (metadata), the articles that translate
one another (translations), assets, the resolver that turns a Markdown link into a site URL (links),
HTML sanitising (sanitize), and the files `dossier new` and `dossier init` write (scaffold; the starter publication: starter).

May import: run, config.
"""
