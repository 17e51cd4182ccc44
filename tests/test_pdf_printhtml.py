"""Print HTML (builder/pdf/printhtml.py): page footnotes, absolute links, citation anchors, scoped ids."""

from __future__ import annotations

import pytest

from builder.pdf.printhtml import absolute_links, anchor_citations, page_footnotes, print_body, scope_anchors

# markdown-it-py's footnote plugin, as serialised with and without XHTML-style void elements.
FOOTNOTES = """<p>Trains cross at night.<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup> Boats too.\
<sup class="footnote-ref"><a href="#fn2" id="fnref2">[2]</a></sup></p>
<hr class="footnotes-sep"{slash}>
<section class="footnotes">
<ol class="footnotes-list">
<li id="fn1" class="footnote-item"><p>Counted by residents. <a href="#fnref1" class="footnote-backref">↩︎</a></p>
</li>
<li id="fn2" class="footnote-item"><p>In <em>winter</em> only. <a href="#fnref2" class="footnote-backref">↩︎</a></p>
</li>
</ol>
</section>
"""


@pytest.mark.parametrize("slash", ["", " /"])
def test_footnotes_move_to_their_calls_and_the_list_goes(slash):
    html = page_footnotes(FOOTNOTES.format(slash=slash))
    assert html == ('<p>Trains cross at night.<span class="footnote">Counted by residents.</span> Boats too.'
                    '<span class="footnote">In <em>winter</em> only.</span></p>\n')


def test_html_without_footnotes_is_unchanged():
    html = '<p>No notes here.</p>\n'
    assert page_footnotes(html) == html


def test_relative_links_become_absolute_and_others_stay():
    html = ('<a href="../short-note/">a</a> <a href="#ref-kim">b</a> <a href="https://example.com/x">c</a> '
            '<a href="mailto:desk@example.org">d</a> <a href="/ledger/about/">e</a>')
    assert absolute_links(html, "https://example.org/ledger/articles/trade/") == (
        '<a href="https://example.org/ledger/articles/short-note/">a</a> <a href="#ref-kim">b</a> '
        '<a href="https://example.com/x">c</a> <a href="mailto:desk@example.org">d</a> <a href="/ledger/about/">e</a>')


def test_citations_get_ids_that_map_to_their_keys():
    html, cited = anchor_citations('<span class="citation" data-cites="kim2016 lee2015">(…)</span> '
                                   '<span class="citation" data-cites="kim2016">(…)</span>')
    assert html == ('<span class="citation" id="cite-1" data-cites="kim2016 lee2015">(…)</span> '
                    '<span class="citation" id="cite-2" data-cites="kim2016">(…)</span>')
    assert cited == {"cite-1": ("kim2016", "lee2015"), "cite-2": ("kim2016",)}


def test_scoped_anchors_keep_links_inside_their_article():
    html = ('<h2 id="prices">Prices</h2><a href="#ref-kim">Kim</a> <div id="ref-kim" data-id="x"></div>'
            '<a href="https://example.org/#top">out</a> <svg><use xlink:href="#dot"/><rect fill="url(#grad)"/></svg>')
    assert scope_anchors(html, "trade--") == (
        '<h2 id="trade--prices">Prices</h2><a href="#trade--ref-kim">Kim</a> <div id="trade--ref-kim" data-id="x"></div>'
        '<a href="https://example.org/#top">out</a> <svg><use xlink:href="#trade--dot"/><rect fill="url(#trade--grad)"/></svg>')


def test_print_body_applies_all_three():
    body, cited = print_body(FOOTNOTES.format(slash="").replace("Boats too.", 'See <a href="../x/">x</a> '
                             '<span class="citation" data-cites="kim2016">(Kim 2016)</span>.'),
                             "https://example.org/articles/trade/")
    assert '<span class="footnote">Counted by residents.</span>' in body
    assert 'href="https://example.org/articles/x/"' in body
    assert cited == {"cite-1": ("kim2016",)}


def test_korean_words_are_kept_whole_across_lines_with_joiners_a_pdf_holds_no_trace_of(tmp_path):
    import io

    import pypdf
    import weasyprint

    from builder.pdf.printhtml import WORD_JOINER, keep_hangul_words

    html = '<p lang="ko" title="장마당">장마당 상인들이 <b>외화</b>를 벌었다 Jangmadang</p>'
    assert keep_hangul_words(html) == (f'<p lang="ko" title="장마당">장{WORD_JOINER}마{WORD_JOINER}당 '
                                       f'상{WORD_JOINER}인{WORD_JOINER}들{WORD_JOINER}이 <b>외{WORD_JOINER}화</b>'
                                       f'를 벌{WORD_JOINER}었{WORD_JOINER}다 Jangmadang</p>')
    text = "북한 당국은 해외 식당에서 일하던 종업원들이 집단으로 탈북한 사건을 남조선 정보원의 유인랍치라고 주장하였다. " * 2
    page = keep_hangul_words(f'<html lang="ko"><body style="width:60mm"><p>{text}</p></body></html>')
    extracted = pypdf.PdfReader(io.BytesIO(weasyprint.HTML(string=page).write_pdf())).pages[0].extract_text()
    words = set(text.split())
    assert WORD_JOINER not in extracted
    assert all(line.split()[0] in words and line.split()[-1] in words for line in extracted.splitlines() if line.strip())
