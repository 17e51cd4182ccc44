"""Files for `dossier new` and `dossier init`."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from builder.errors import BuildFailed, error
from builder.model import Settings
from builder.text import slugify


def today() -> dt.date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def new_article(settings: Settings, title: str) -> Path:
    """Create content/articles/SLUG.md from the title; refuse to overwrite."""
    slug = slugify(title)
    if not slug:
        raise BuildFailed([error("<title>", 1, 1, "the title gives an empty file name: use letters or digits")])
    path = settings.root / "content" / "articles" / f"{slug}.md"
    if path.exists():
        raise BuildFailed([error(path.relative_to(settings.root).as_posix(), 1, 1,
                                 "an article with this name exists already")])
    authors = ", ".join(json.dumps(a.name, ensure_ascii=False) for a in settings.authors)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"date: {today().isoformat()}\n"
        f"authors: [{authors}]\n"
        "tags: []\n"
        'summary: ""\n'
        "draft: true\n"
        "---\n\n"
        "Write the analysis here. Set `draft: false` to publish it.\n", encoding="utf-8")
    return path


def init_publication(directory: Path, title: str) -> list[Path]:
    """A minimal publication: settings, an article, a page and an empty bibliography folder."""
    if (directory / "dossier.yml").exists():
        raise BuildFailed([error(str(directory / "dossier.yml"), 1, 1, "a publication exists here already")])
    files = {
        "dossier.yml": (f"title: {json.dumps(title, ensure_ascii=False)}\n"
                        'description: "Sourced analysis."\n'
                        "base_url: https://example.org/\n"
                        "language: en\n"
                        "authors: [Your Name]\n"),
        "content/articles/first-analysis.md": (
            "---\n"
            'title: "A first analysis"\n'
            f"date: {today().isoformat()}\n"
            "authors: [Your Name]\n"
            "tags: [example]\n"
            'summary: "What this publication is about."\n'
            "---\n\n"
            "## Findings\n\n"
            "1. Write numbered findings first.\n"
            "2. Then the evidence for each.\n\n"
            "See [the about page](../pages/about.md).\n"),
        "content/pages/about.md": "---\ntitle: About\n---\n\nWho writes this publication, and why.\n",
    }
    created = []
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        created.append(path)
    (directory / "content" / "assets").mkdir(exist_ok=True)
    (directory / "citations").mkdir(exist_ok=True)
    return created
