"""The PDF edition: web HTML turned into print HTML (printhtml), laid out by WeasyPrint with a cache
(layout), and assembled into one PDF per article and the edition (typeset), their structure trees
kept (structure): every PDF is tagged. It is handed views and
templates; it reads no source.

May import: run.
"""
