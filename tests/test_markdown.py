"""builder/markdown/__init__.py and highlight.py: the dialect, end to end through one parser."""

from builder.content.sanitize import sanitize
from builder.markdown import create_parser, render_markdown


def html(text: str) -> str:
    return render_markdown(create_parser(), text).html


def test_tables():
    assert html("| Date | Event |\n|:---|---:|\n| 6 Jan | Test |\n") == (
        "<table>\n<thead>\n<tr>\n<th style=\"text-align:left\">Date</th>\n"
        "<th style=\"text-align:right\">Event</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
        "<td style=\"text-align:left\">6 Jan</td>\n<td style=\"text-align:right\">Test</td>\n"
        "</tr>\n</tbody>\n</table>\n")


def test_footnotes_link_to_their_note_and_back():
    out = html("Claim.[^src] Another.[^2]\n\n[^src]: The source.\n[^2]: Second.\n")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1" role="doc-noteref">[1]</a></sup>' in out
    assert '<sup class="footnote-ref"><a href="#fn2" id="fnref2" role="doc-noteref">[2]</a></sup>' in out
    assert '<section class="footnotes" role="doc-endnotes" aria-label="Notes">' in out
    assert ('<li id="fn1" class="footnote-item"><p>The source. <a href="#fnref1" class="footnote-backref" '
            'role="doc-backlink" aria-label="Back to reference 1">') in out
    assert ('<li id="fn2" class="footnote-item"><p>Second. <a href="#fnref2" class="footnote-backref" '
            'role="doc-backlink" aria-label="Back to reference 2">') in out


def test_strikethrough():
    assert html("~~withdrawn~~ claim") == "<p><s>withdrawn</s> claim</p>\n"


def test_definition_lists():
    assert html("Donju\n: The new money masters.\n") == "<dl>\n<dt>Donju</dt>\n<dd>The new money masters.</dd>\n</dl>\n"


def test_typographer_quotes_dashes_and_ellipsis():
    assert html("\"Loyal\" -- 'they' said --- it's... 2015--2016") == (
        "<p>“Loyal” – ‘they’ said — it’s… 2015–2016</p>\n")


def test_bare_urls_become_links():
    assert html("Read https://www.38north.org/ today.") == (
        '<p>Read <a href="https://www.38north.org/">https://www.38north.org/</a> today.</p>\n')


def test_code_is_highlighted_and_escaped():
    out = html("```python\nif a < b:\n    pass\n```\n")
    assert out.startswith('<pre class="highlight"><code class="language-python"><span class="k">if</span>')
    assert "&lt;" in out and "<b" not in out.replace("<br", "")


def test_unknown_language_is_plain_escaped_code():
    assert html("```nosuchlanguage\n<tag> & more\n```\n").strip() == (
        '<pre class="highlight"><code class="language-nosuchlanguage">&lt;tag&gt; &amp; more\n</code></pre>')


def test_inline_code_is_escaped():
    assert html("`<script>`") == "<p><code>&lt;script&gt;</code></p>\n"


def test_raw_html_is_sanitized_not_dropped():
    out = sanitize(html('<script>alert("x")</script>\n\nText <img src=x onerror=alert(1)> here.\n'))
    assert "<script" not in out and "alert" not in out and "onerror" not in out
    assert out.strip() == '<p>Text <img src="x"> here.</p>'


def test_raw_html_for_research_writing_survives_sanitizing():
    text = '<details><summary>Method</summary>\n\nH<sub>2</sub>O, <abbr title="Workers\' Party">WPK</abbr>\n\n</details>\n'
    assert sanitize(html(text)) == html(text)


def test_raw_html_passes_through_the_parser_for_unsafe_html():
    assert html('<div class="chart"></div>\n') == '<div class="chart"></div>\n'


def test_attribute_syntax_cannot_add_event_handlers():
    out = html('![map](map.png){onerror="alert(1)" .wide} [x](y){onclick="alert(1)" .c}')
    assert out == '<p><img src="map.png" alt="map" class="wide" /> <a href="y" class="c">x</a></p>\n'


def test_javascript_links_are_not_links():
    assert "<a" not in html("[x](javascript:alert(1))")


def test_word_count_and_first_paragraph():
    result = render_markdown(create_parser(), "# Title\n\nThe *first* `para`\ngraph here.\n\nSecond one.\n")
    assert result.first_paragraph == "The first para graph here."
    assert result.word_count == 1 + 5 + 2
