"""The theme owns an evidence box's caption (templates/_evidence_caption.html) and the grade badge
(templates/_macros.html grade_badge): a publication restyles or translates them with a template of
its own, a cached body follows an edit of that template, and a broken one is an error at its line."""

import re

import pytest

from builder.build import build
from builder.errors import BuildFailed

CAPTION = """{% from "_macros.html" import grade_badge %}
{% macro evidence_caption(caption) -%}
<figcaption class="evidence__caption">증거 {{ caption.number }}{% if caption.grade %} {{ grade_badge(caption.grade, caption.grade_text) }}{% endif %}
{%- if caption.verified %} ✓ {{ caption.saved_text }}{% endif %}</figcaption>
{%- endmacro %}
"""


@pytest.fixture
def evidence(publication):
    return publication("evidence-basic")


def captions(site) -> list[str]:
    html = (site / "articles" / "markets" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<figcaption class="evidence__caption">.*?</figcaption>', html, re.DOTALL)


def test_the_shipped_caption_shows_label_grade_links_and_verification(evidence):
    [first, *_] = captions(build(evidence, pdf=False).out_dir)
    assert first.startswith('<figcaption class="evidence__caption"><span class="evidence__label">Evidence 1</span>\n')
    assert '<span class="grade grade--c" title="C2 — fairly reliable; probably true"><span aria-hidden="true">C2</span>' in first
    assert "✓ verified against saved source" in first


def test_a_publication_caption_template_replaces_the_shipped_one_and_the_cache_follows_its_edits(evidence):
    templates = evidence / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "_evidence_caption.html").write_text(CAPTION, encoding="utf-8")
    found = captions(build(evidence, pdf=False).out_dir)
    assert found and all(c.startswith('<figcaption class="evidence__caption">증거 ') for c in found)
    assert "Evidence" not in "".join(found)
    (templates / "_evidence_caption.html").write_text(CAPTION.replace("증거", "Beweis"), encoding="utf-8")
    found = captions(build(evidence, pdf=False).out_dir)     # the bodies are cached: the edit must show
    assert all(c.startswith('<figcaption class="evidence__caption">Beweis ') for c in found)


def test_a_broken_caption_template_is_an_error_at_its_line(evidence):
    templates = evidence / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "_evidence_caption.html").write_text(
        '{% macro evidence_caption(caption) -%}\n<figcaption>{{ caption.number | nosuchfilter }}</figcaption>\n'
        '{%- endmacro %}\n', encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(evidence, pdf=False)
    [problem] = [p for p in failed.value.problems if p.is_error]
    assert problem.path == "themes/default/templates/_evidence_caption.html"
    assert problem.line == 2
    assert "nosuchfilter" in problem.message
