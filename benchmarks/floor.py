"""The floors for Dossier's build time: the least work any build of the same Markdown must do.

    .venv/bin/python benchmarks/floor.py PUBLICATION OUT_DIR [--plain]

Reads every PUBLICATION/content/{articles,pages}/*.md, splits off the front matter and
parses it with PyYAML, renders the body, wraps it in one Jinja2 template and writes
OUT_DIR/articles/SLUG/index.html (pages: OUT_DIR/SLUG/). Nothing else: no citation
formatting, no bibliography, no links resolved, no lists, tags, feeds, search index or cache.

- Dossier's floor (the default) renders with Dossier's own markdown-it-py parser and plugins
  (builder.markdown.create_parser) and reads YAML with libyaml when present, as Dossier does,
  so it moves with Dossier's own parsing cost.
- The plain floor (--plain) is the least any Python generator must do: PyYAML's pure-Python
  SafeLoader, markdown-it-py's `commonmark` preset with the table rule and the footnote plugin
  (mdit-py-plugins), and no import of Dossier at all.

benchmarks/bench.py times both as whole processes and states every Dossier time as a
multiple of each.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml
from jinja2 import Environment

_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ meta.title }}</title>
{% if meta.summary %}<meta name="description" content="{{ meta.summary }}">{% endif %}
</head>
<body>
<main>
<article>
<h1>{{ meta.title }}</h1>
{% if meta.date %}<p><time>{{ meta.date }}</time>{% if meta.authors %} · {{ meta.authors | join(", ") }}{% endif %}</p>{% endif %}
{{ body | safe }}
{% if meta.tags %}<p>{% for tag in meta.tags %}<a href="/tags/{{ tag }}/">{{ tag }}</a> {% endfor %}</p>{% endif %}
</article>
</main>
</body>
</html>
"""


def split_front_matter(text: str, loader) -> tuple[dict, str]:
    """(front matter, body) of one file, split the way Dossier splits it."""
    end = _FRONT_MATTER_END.search(text, 4) if text.startswith("---\n") else None
    if end is None:
        return {}, text
    return yaml.load(text[4:end.start()], Loader=loader) or {}, text[end.end() + 1:]


def dossier_parser():
    """Dossier's own parser, from the builder/ next to this script (or bench.py's copy of it)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from builder.markdown import create_parser

    return create_parser()


def plain_parser():
    """markdown-it-py's CommonMark with tables and footnotes: what a plain Python generator uses."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def build_floor(publication: Path, out: Path, plain: bool = False) -> int:
    """Render every article and page of publication into out; return how many were written."""
    md = plain_parser() if plain else dossier_parser()
    loader = yaml.SafeLoader if plain else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    template = Environment(autoescape=True).from_string(TEMPLATE)
    written = 0
    for folder, prefix in (("articles", "articles/"), ("pages", "")):
        for path in sorted((publication / "content" / folder).glob("*.md")):
            meta, body = split_front_matter(path.read_text(encoding="utf-8"), loader)
            html = md.render(body, {"path": path.name})
            target = out / f"{prefix}{path.stem}" / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template.render(meta=meta, body=html), encoding="utf-8")
            written += 1
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("publication", type=Path, help="a publication folder (with content/)")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--plain", action="store_true",
                        help="the plain floor: pure-Python YAML, markdown-it-py CommonMark with tables and footnotes")
    args = parser.parse_args(argv)
    written = build_floor(args.publication, args.out, args.plain)
    print(f"Wrote {written} pages into {args.out}/")


if __name__ == "__main__":
    main()
