"""Which articles each PDF edition holds: those `pdf: {editions: ...}` selects, or with no editions
defined one edition per year of publication, the latest year first (a publication of a thousand
articles is printed as a journal's volumes are, not as one book no reader wants)."""

from __future__ import annotations

from builder.config.editions import ALL
from builder.errors import Problem, error
from builder.model import Document, Edition, EditionSpec, Settings
from builder.text import did_you_mean

EVERYTHING = "edition"      # `editions: all`: pdf/edition.pdf


def pdf_problems(settings: Settings, documents: list[Document], assets) -> list[Problem]:
    """What is wrong with the `pdf:` settings given the publication's documents and assets."""
    return _cover_image_problems(settings, assets) + choose_editions(settings, documents)[1]


def _cover_image_problems(settings: Settings, assets) -> list[Problem]:
    """`pdf: {cover_image: ...}` must name an image of the site (the PDF stage reads nothing else)."""
    image = settings.pdf.get("cover_image")
    if image is None or image in {asset.target for asset in assets}:
        return []
    return [error("dossier.yml", *settings.position("pdf.cover_image"),
                  f"pdf cover_image '{image}' is not a file of the site: put the image in content/assets/ "
                  "and write its path from there, e.g. assets/cover.jpg")]


def choose_editions(settings: Settings, documents: list[Document]) -> tuple[tuple[Edition, ...], list[Problem]]:
    """The editions, each with its articles in its order; an error at dossier.yml's line for an edition
    naming an article that is not published, selecting none, or taking the PDF name of an article."""
    articles = sorted((d for d in documents if d.kind == "article"), key=lambda d: (d.date is None, d.date, d.slug))
    specs = settings.pdf.get("editions")
    if specs is None:
        return _by_year(articles, settings), []
    if specs == ALL:
        return ((Edition(EVERYTHING, settings.title, _ordered(articles, settings)),) if articles else ()), []
    editions, problems = [], []
    slugs = {article.slug for article in articles}
    for spec in specs:
        chosen, found = _chosen(spec, articles, settings)
        problems += found
        if spec.slug in slugs:
            problems.append(error("dossier.yml", *spec.position, f"edition '{spec.slug}' has the name of an article: "
                                  f"its PDF would replace pdf/{spec.slug}.pdf; give the edition another slug"))
        elif not chosen and not found:
            problems.append(error("dossier.yml", *spec.position, f"edition '{spec.slug}' holds no article: none "
                                  "is published that its dates, tags, authors or articles select"))
        if chosen:
            editions.append(Edition(spec.slug, spec.title, chosen))
    return tuple(editions), problems


def _chosen(spec: EditionSpec, articles: list[Document], settings: Settings) -> tuple[tuple[str, ...], list[Problem]]:
    if spec.articles:
        slugs = {article.slug for article in articles}
        problems = [error("dossier.yml", *position, f"edition '{spec.slug}' names article '{slug}', which is not "
                          f"published{did_you_mean(slug, slugs)}")
                    for slug, position in zip(spec.articles, spec.article_positions) if slug not in slugs]
        return tuple(dict.fromkeys(slug for slug in spec.articles if slug in slugs)), problems
    tags, authors = {t.casefold() for t in spec.tags}, {a.casefold() for a in spec.authors}
    chosen = [a for a in articles
              if (spec.start is None or (a.date is not None and a.date >= spec.start))
              and (spec.end is None or (a.date is not None and a.date <= spec.end))
              and (not tags or any(tag.casefold() in tags for tag in a.tags))
              and (not authors or any({au.name.casefold(), au.slug} & authors for au in a.authors))]
    return _ordered(chosen, settings), []


def _ordered(articles: list[Document], settings: Settings) -> tuple[str, ...]:
    """By date, the articles named in `pdf: {order: [...]}` first, in that order."""
    rank = {slug: index for index, slug in enumerate(dict.fromkeys(settings.pdf.get("order") or ()))}
    return tuple(a.slug for a in sorted(articles, key=lambda a: (rank.get(a.slug, len(rank)), a.date is None,
                                                                  a.date, a.slug)))


def _by_year(articles: list[Document], settings: Settings) -> tuple[Edition, ...]:
    """pdf/YEAR.pdf for each year, pdf/edition-YEAR.pdf where an article is named YEAR."""
    years = sorted({a.date.year for a in articles if a.date}, reverse=True)
    slugs = {a.slug for a in articles}
    return tuple(Edition(f"edition-{year}" if str(year) in slugs else str(year), str(year),
                         _ordered([a for a in articles if a.date and a.date.year == year], settings))
                 for year in years)
