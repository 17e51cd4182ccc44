"""`dossier serve`: the site served on 127.0.0.1 (http: every path inside the site or refused) and
rebuilt on every change, with the browser reloaded (live, livereload.js).

May import: run, config, and the build (builder.build).
"""
