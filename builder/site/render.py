"""Pages of the site from the theme's templates: pure, returns Outputs, writes nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from builder.errors import BuildFailed, error
from builder.model import Output, RenderedDocument, Settings
from builder.site.charts import evidence_timeline, sources_over_time
from builder.site.memo import Deferred, PageMemo, resolved, watch
from builder.site.metadata import article_bibtex, article_item, article_ris
from builder.site.notices import corrections_list
from builder.site.structure import Site
from builder.site.views import PageMeta, SiteView, Views, page_meta
from builder.site.words import N_, Words
from builder.text import html_text, in_language
from builder.urls import ARCHIVE, AUTHORS, CORRECTIONS, DOWNLOADS, EVIDENCE, FEED, NOT_FOUND, SEARCH, SOURCES, TAGS


def render_site(site: Site, views: Views, settings: Settings, env: jinja2.Environment, words: Words,
                memo: PageMemo | None = None) -> list[Output]:
    """Every HTML page of the site, and each article's citation downloads. A page is in the language of
    its document, else the publication's: its words, dates and numbers are. With memo, a page made
    from the same values as in the last build is that build's file, not rendered again."""
    with in_language(settings.language):
        pages = _pages(views, settings, words)
        not_found = page_meta("404", words.gettext("Page not found"), "", NOT_FOUND, settings)
    outputs = [download for r in site.articles for download in
               (memo.outputs([r.document.url + name for _, name in DOWNLOADS], _of_downloads(r.document),
                             lambda r=r: memo.made(r.document.url, r.document, memo.site_key,
                                                   lambda: _citation_downloads(r, settings)))
                if memo else _citation_downloads(r, settings))]
    outputs += _page_outputs(env, views.site, pages, settings.root, memo)
    # The 404 page is served at any depth, so its links start from the site's base path.
    outputs.append(Output(NOT_FOUND, _render(env, "404.html", views.site, not_found,
                                              urlsplit(settings.base_url).path or "/", {}, settings.root)))
    return outputs


def _pages(views: Views, settings: Settings, words: Words) -> list[tuple[str, str, PageMeta, dict]]:
    """(template, URL, page, context) of every page but the 404, each page's words in the publication's
    language; a value made only for the page's HTML (a timeline) is Deferred: made if the page is rendered."""
    articles, tags, authors, years = views.articles, views.tags, views.authors, views.years
    title, gettext = settings.title, words.gettext
    pages: list[tuple[str, str, PageMeta, dict]] = [
        ("index.html", "", page_meta("index", settings.title, settings.description, "", settings),
         {"articles": articles[:settings.index_articles], "has_more": len(articles) > settings.index_articles,
          "tags": tags, "years": years, "top_sources": views.most_cited}),
        ("archive.html", ARCHIVE, page_meta("archive", gettext("Archive"), gettext("All articles of %(title)s", title=title),
                                            ARCHIVE, settings),
         {"years": years}),
        ("tags.html", TAGS, page_meta("tags", gettext("Topics"), gettext("Topics of %(title)s", title=title), TAGS, settings),
         {"tags": tags}),
        ("authors.html", AUTHORS, page_meta("authors", gettext("Authors"), gettext("Authors of %(title)s", title=title),
                                            AUTHORS, settings),
         {"authors": authors}),
        ("search.html", SEARCH, page_meta("search", gettext("Search"), gettext("Search %(title)s", title=title), SEARCH, settings),
         {}),
    ]
    for language in views.site.languages:      # a search page in each other language the documents are in
        if language.url != SEARCH:
            with in_language(language.language):
                pages.append(("search.html", language.url,
                              page_meta("search", gettext("Search"), gettext("Search %(title)s", title=title),
                                        language.url, settings, language=language.language), {}))
    source_views = views.sources
    evidence_groups = tuple(source for source in source_views if source.evidence)
    if evidence_groups:
        count = sum(len(s.evidence) for s in evidence_groups)
        description = words.ngettext("%(num)d evidence box, grouped by source", "%(num)d evidence boxes, grouped by source",
                                     count)
        pages.append(("evidence.html", EVIDENCE, page_meta("evidence", gettext("Evidence"), description, EVIDENCE, settings,
                                                         feed=EVIDENCE + FEED),
                      {"groups": evidence_groups, "timeline": Deferred(evidence_timeline, evidence_groups)}))
        for box in (box for group in evidence_groups for box in group.evidence):
            name = gettext("%(label)s: %(article)s", label=box.label, article=box.article.title)
            pages.append(("evidence_box.html", box.page_url, page_meta("evidence-box", name, box.summary, box.page_url, settings),
                          {"box": box}))
    corrections = corrections_list(articles)
    if corrections:
        pages.append(("corrections.html", CORRECTIONS, page_meta(
            "corrections", gettext("Corrections"), gettext("Every correction to %(title)s, newest first", title=title),
            CORRECTIONS, settings), {"corrections": corrections}))
    if source_views:
        pages.append(("sources.html", SOURCES, page_meta("sources", gettext("Sources"),
                                                       gettext("Every source cited in %(title)s", title=title), SOURCES,
                                                       settings),
                      {"sources": source_views, "over_time": sources_over_time(views.most_cited)}))
    for source in source_views:
        description = " ".join(html_text(str(source.reference)).split())      # its reference, as plain text
        pages.append(("source.html", source.url, page_meta("source", gettext("Source: %(key)s", key=source.key),
                                                           description, source.url, settings),
                      {"source": source, "timeline": Deferred(evidence_timeline, (source,))}))
    for article in articles:
        pages.append(("article.html", article.url, page_meta("article", article.title, article.summary, article.url, settings,
                                                             language=article.language),
                      {"article": article}))
    for view in views.pages:
        pages.append(("page.html", view.url, page_meta("page", view.title, view.summary, view.url, settings,
                                                       language=view.language),
                      {"article": view}))
    descriptions = {"tag": N_("Articles tagged “%(name)s”"), "author": N_("Articles by %(name)s"),
                    "year": N_("Articles from %(name)s")}
    for kind, template, groups in (("tag", "tag.html", tags), ("author", "author.html", authors),
                                   ("year", "year.html", years)):
        for group in groups:
            meta = page_meta(kind, group.name, gettext(descriptions[kind], name=group.name), group.url, settings,
                             feed=group.url + FEED if kind == "tag" else "")
            pages.append((template, group.url, meta, {"group": group, "tags": tags, "authors": authors, "years": years}))
    return pages


def _page_outputs(env: jinja2.Environment, site: SiteView, pages: list, publication: Path,
                  memo: PageMemo | None) -> list[Output]:
    if memo is None:
        return [Output(url + "index.html", html)
                for (_, url, _, _), (html, _) in zip(pages, _render_pages(env, site, pages, publication))]
    watch(env)
    kept = [memo.previous_file(url + "index.html", (template, url, meta, context, site))
            for template, url, meta, context in pages]
    todo = [page for page, file in zip(pages, kept) if file is None]
    fresh = {}
    for (template, url, meta, context), (html, bodies) in zip(todo, _render_pages(env, site, todo, publication)):
        memo.rendered(url + "index.html", (template, url, meta, context, site), bodies)
        fresh[url] = html
    return [Output(url + "index.html", source=file, kept=True) if file else Output(url + "index.html", fresh[url])
            for (_, url, _, _), file in zip(pages, kept)]


PARALLEL_FROM = 200     # from this many pages, a process per core renders them
_PART = 64              # pages per task


def _render_pages(env: jinja2.Environment, site: SiteView, pages: list, publication: Path) -> list[tuple[bytes, bool]]:
    """Each page's HTML, in order, and whether it read an article's body fields (when env is
    watched: site/memo.py); many pages are rendered by forked processes, one per core."""
    from builder.run.parallel import forked_map, workers

    processes = workers()
    if len(pages) < PARALLEL_FROM or processes < 2:
        return _render_all(env, site, pages, publication)

    def render_part(start: int):
        """Worker: pages start .. start + _PART; a template's problems come back as a tuple (an
        exception would lose them on the way)."""
        try:
            return _render_all(env, site, pages[start:start + _PART], publication)
        except BuildFailed as failed:
            return tuple(failed.problems)

    rendered = []
    for part in forked_map(render_part, range(0, len(pages), _PART), processes, 1, "themes", "rendering pages"):
        if isinstance(part, tuple):
            raise BuildFailed(list(part))
        rendered += part
    return rendered


def _render_all(env: jinja2.Environment, site: SiteView, pages: list, publication: Path) -> list[tuple[bytes, bool]]:
    reads = getattr(env, "dossier_body_reads", None)
    if reads is not None:
        reads.take()
    return [(_render(env, template, site, meta, "../" * url.count("/"), resolved(context), publication),
             reads is not None and reads.take())
            for template, url, meta, context in pages]


def _render(env: jinja2.Environment, template: str, site: SiteView, page: PageMeta,
            root: str, context: dict, publication: Path | None = None) -> bytes:
    try:
        with in_language(page.language):
            html = env.get_template(template).render(site=site, page=page, root=root, **context)
    except Exception as exc:    # the theme's error (a template, or an expression in one: {{ 1 / 0 }})
        raise BuildFailed([template_problem(env, template, exc, publication)]) from None
    return html.encode("utf-8")


def render_page(env: jinja2.Environment, template: str, site: SiteView, page: PageMeta, root: str, context: dict,
                publication: Path | None = None) -> bytes:
    """One page of template (root: the way from its folder to the site's); a template's error at its line."""
    return _render(env, template, site, page, root, context, publication)


def template_problem(env: jinja2.Environment, template: str, exc: Exception, publication: Path | None = None):
    """The problem a template raised while rendering template, at its file and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error(_shown(exc.filename or template, publication), exc.lineno or 1, 1,
                     f"template syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        if Path(template).is_absolute():        # included or extended by this template file
            return error(_shown(template, publication), _template_line(exc, template), 1,
                         f"template '{exc.name}' not found in the theme")
        return error(f"themes/{template}", 1, 1, f"template '{exc.name}' not found in the theme")
    path = _template_path(env, template)
    reason = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    return error(_shown(path, publication), _template_line(exc, path), 1, f"template error: {reason}")


def failing_template(exc: BaseException) -> str | None:
    """The file of the template in whose code exc was raised (Jinja's traceback names it), if any."""
    found, frame = None, exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
            found = frame.tb_frame.f_code.co_filename
        frame = frame.tb_next
    return found


def _template_path(env: jinja2.Environment, template: str) -> str:
    try:
        return env.get_template(template).filename or template
    except jinja2.TemplateError:
        return template


def _template_line(exc: BaseException, path: str) -> int:
    """The line of the template where exc happened (Jinja's traceback frames name the template file)."""
    line, frame = 1, exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == path:
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def _shown(path: str, publication: Path | None) -> str:
    """A template's path as messages give it: relative to the publication when it is the publication's."""
    if publication is not None and Path(path).is_absolute() and Path(path).is_relative_to(publication):
        return Path(path).relative_to(publication).as_posix()
    return path


def _of_downloads(document) -> tuple:
    """What an article's citation downloads are made from: its front matter (not its body)."""
    return ("downloads", replace(document, body="", body_line=0))


def _citation_downloads(rendered: RenderedDocument, settings: Settings) -> list[Output]:
    doc = rendered.document
    item = json.dumps([article_item(doc, settings)], ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    texts = {"cite.bib": article_bibtex(doc, settings), "cite.ris": article_ris(doc, settings), "cite.json": item}
    return [Output(doc.url + name, texts[name].encode("utf-8")) for _, name in DOWNLOADS]

