"""`dossier serve`: the site served on 127.0.0.1 (http: every path inside the site or refused) and
rebuilt on every change, with the browser reloaded (live, livereload.js).

The search index of a rebuilt site is remade after its pages reload (site.search.reindex).

May import: run, config, site, the build (builder.build) and what builds keep (builder.session).
"""
