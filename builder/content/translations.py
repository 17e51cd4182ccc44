"""Articles that are translations of one another: `translation_of: SLUG` in front matter.

An article names the article it translates (by its file name, or the slug made of it); the articles so linked (directly or through one
another) form a group, and each page of a group names the others with their languages
(`<link rel="alternate" hreflang>`, "Also in: 한국어"). The group's members must be articles, in
as many languages as there are members.
"""

from __future__ import annotations

from builder.errors import Problem, error
from builder.model import Document
from builder.text import did_you_mean, slugify


def translation_problems(documents: list[Document], language: str) -> list[Problem]:
    """An error at each `translation_of` that names no article, the article itself or a page, and
    at each article whose group already has one in its language. language: the publication's."""
    articles = {d.slug: d for d in documents if d.kind == "article"}
    problems = []
    for document in documents:
        named = document.translation_of
        if named is None:
            continue
        where = (document.relpath, named.line, named.col)
        if document.kind != "article":
            problems.append(error(*where, "'translation_of' links articles: a page cannot be a translation"))
        elif slugify(named.text) == document.slug:
            problems.append(error(*where, f"'translation_of: {named.text}' names this article itself: name the "
                                  "article it translates"))
        elif slugify(named.text) not in articles:
            problems.append(error(*where, f"'translation_of: {named.text}' names no article"
                                  f"{did_you_mean(named.text, articles)}"))
    if problems:
        return problems
    for group in {id(group): group for group in translation_groups(documents).values()}.values():
        by_language: dict[str, list[Document]] = {}
        for member in group:
            by_language.setdefault((member.language or language).lower(), []).append(member)
        for tag, same in by_language.items():
            for member in same[1:] if len(same) > 1 else ():
                written, partner = (member, same[0]) if member.translation_of is not None else (same[0], member)
                named = written.translation_of
                problems.append(error(written.relpath, named.line, named.col,
                                      f"'{written.slug}' and '{partner.slug}' are both in '{tag}': translations of "
                                      "one article must each be in a language of their own (set 'language:')"))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col))


def translation_groups(documents: list[Document]) -> dict[str, tuple[Document, ...]]:
    """Each linked article's group (itself included), by slug, in the order of its members'
    slugs; articles linked to none are left out. Names that are no article are passed over."""
    articles = {d.slug: d for d in documents if d.kind == "article"}
    parent = {slug: slug for slug in articles}

    def root(slug: str) -> str:
        while parent[slug] != slug:
            parent[slug] = parent[parent[slug]]
            slug = parent[slug]
        return slug

    for article in articles.values():
        named = article.translation_of
        if named is not None and slugify(named.text) in articles:
            parent[root(article.slug)] = root(slugify(named.text))
    members: dict[str, list[Document]] = {}
    for slug in sorted(articles):
        members.setdefault(root(slug), []).append(articles[slug])
    return {member.slug: tuple(group) for group in members.values() if len(group) > 1 for member in group}
