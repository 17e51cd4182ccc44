"""Load content/articles/*.md and content/pages/*.md with validated front matter."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from builder.config.settings import parse_authors
from builder.config.yamlfile import YamlError, describe_character, parse_yaml
from builder.content.metadata import KEYS as CITATION_KEYS
from builder.content.metadata import read_citation_metadata
from builder.content.notices import KEYS as NOTICE_KEYS
from builder.content.notices import read_notices
from builder.errors import Problem, error, line_col, warning
from builder.model import Asset, Document, MetaText
from builder.run.confinement import inside, real_path
from builder.text import UNPRINTABLE, date_fix, decode_utf8, did_you_mean, parse_date, slugify
from builder.urls import article_url, page_url

KINDS = {"articles": "article", "pages": "page"}

# Page slugs that would collide with folders the site generates.
RESERVED_SLUGS = frozenset({"articles", "assets", "authors", "tags", "archive", "sources",
                            "evidence", "search", "pdf", "theme", "pagefind", "pagefind-all", "feeds", "404",
                            "data", "corrections", "editions"})

_FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)

_KNOWN_KEYS = {"title", "subtitle", "date", "updated", "authors", "tags", "summary", "draft",
               "translation_of"} | CITATION_KEYS | set(NOTICE_KEYS)


def load_documents(root: Path, include_drafts: bool, memo: dict | None = None) -> tuple[list[Document], list[Problem]]:
    """Every article and page, sorted by path; problems for each bad file. memo (`dossier serve`):
    documents read by earlier builds, by path, reused while their file is as it was."""
    documents: list[Document] = []
    problems: list[Problem] = []
    slugs: dict[tuple[str, str], str] = {}
    unpublished, listed = _unpublished(root), set()
    for folder, kind in KINDS.items():
        folder_inside = inside(root, root / "content" / folder)
        for path in sorted(p for p in (root / "content" / folder).glob("*") if _is_markdown(p)):
            relpath = path.relative_to(root).as_posix()
            try:
                info = path.lstat()
            except OSError:
                info = None
            # A file (not a link) in a folder inside the publication is inside it: no path resolved.
            regular = info is not None and stat.S_ISREG(info.st_mode)
            if not (regular and folder_inside) and not inside(root, path):
                problems.append(error(relpath, 1, 1, "document is a link to a file outside the publication folder"))
                continue
            if not path.is_file():
                problems.append(error(relpath, 1, 1, "not a readable file (a folder, or a link to nothing)"))
                continue
            document = _remembered(memo, relpath, kind, info if regular else None,
                                   lambda found: _load_document(root, path, relpath, kind, found), problems)
            listed.update(document.citation_metadata.bibliography if document else ())   # read: not "not published"
            if document is None or (document.draft and not include_drafts):
                continue
            key = (kind, document.slug)
            if key in slugs:
                problems.append(error(relpath, 1, 1, f"slug '{document.slug}' is already used by {slugs[key]}"))
                continue
            slugs[key] = relpath
            documents.append(document)
    problems += [problem for problem in unpublished if problem.path not in listed]
    if memo is not None:
        for gone in set(memo) - {document.relpath for document in documents}:
            del memo[gone]
    return documents, problems


def _remembered(memo: dict | None, relpath: str, kind: str, info, load, problems: list[Problem]) -> Document | None:
    """load(problems), or the document an earlier build loaded from the same file (same size,
    times, inode): only one that loaded without a problem and reads no other file (`bibliography:`)."""
    key = (kind, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino) if info is not None else None
    if memo is not None and key is not None and relpath in memo and memo[relpath][0] == key:
        return memo[relpath][1]
    found: list[Problem] = []
    document = load(found)
    problems += found
    if memo is not None:
        memo.pop(relpath, None)
        if key is not None and document is not None and not found and not document.citation_metadata.bibliography:
            memo[relpath] = (key, document)
    return document


def _is_markdown(path: Path) -> bool:
    """A document's file: NAME.md in any case (pandoc reads a.MD too), not hidden."""
    return path.suffix.lower() == ".md" and not path.name.startswith(".")


def _unpublished(root: Path) -> list[Problem]:
    """A warning for each file under content/ that no build reads, so that nothing is left out
    without a word: Markdown in subfolders or beside the known folders, other files beside
    the documents. Hidden files and editors' backups (NAME~) are passed over."""
    content = root / "content"
    if not content.is_dir():
        return []
    problems = []
    for path in sorted(content.rglob("*")):
        relative = path.relative_to(content)
        if any(part.startswith(".") for part in relative.parts) or path.name.endswith("~") or path.is_dir():
            continue
        top = relative.parts[0]
        if top == "assets" and len(relative.parts) > 1:
            continue
        relpath = path.relative_to(root).as_posix()
        if top in KINDS and len(relative.parts) == 2 and _is_markdown(path):
            continue
        if top in KINDS and len(relative.parts) > 2:
            reason = f"it is in a subfolder: documents are read from content/{top}/ itself; move it there"
        elif top in KINDS:
            reason = f"only .md files of content/{top}/ are read; put images and downloads in content/assets/"
        else:
            reason = "content/ holds articles/, pages/ and assets/ only; move it into one of them"
        problems.append(warning(relpath, 1, 1, f"not published: {reason}"))
    return problems


def _load_document(root: Path, path: Path, relpath: str, kind: str,
                   problems: list[Problem]) -> Document | None:
    text, problem = decode_utf8(path.read_bytes(), relpath)
    if text is None:
        problems.append(problem)
        return None
    text = text.replace("\r\n", "\n")
    slug = slugify(path.stem)
    if not slug:
        problems.append(error(relpath, 1, 1, "file name gives an empty slug: rename the file"))
        return None
    if kind == "page" and slug in RESERVED_SLUGS:
        problems.append(error(relpath, 1, 1, f"page slug '{slug}' is reserved for generated pages: rename the file"))
        return None
    front, body, body_line = _split_front_matter(text, relpath, problems)
    body = _without_unprintable(body, relpath, body_line, problems)
    if front is None:
        return None
    # A value in error is left at its default and the document is read on, so that every problem of
    # the file (its body's too) is reported in one run; the build fails after reading them all.
    fields = _validate_front_matter(front, relpath, problems, path, root)
    if kind == "article" and "date" not in fields and fields.get("title"):
        problems.append(error(relpath, 1, 1, "missing date: articles need 'date: YYYY-MM-DD' in the front matter"))
    fields.setdefault("title", "")
    url = article_url(slug) if kind == "article" else page_url(slug)
    return Document(source=path, relpath=relpath, kind=kind, slug=slug, url=url,
                    body=body, body_line=body_line, **fields)


def _without_unprintable(body: str, relpath: str, body_line: int, problems: list[Problem]) -> str:
    """body with each unprintable character replaced by a space (columns stay right), a warning for each."""
    if UNPRINTABLE.search(body) is None:        # the common case: one pass over the text, not two
        return body
    for match in UNPRINTABLE.finditer(body):
        line, col = line_col(body, match.start())
        problems.append(warning(relpath, body_line + line - 1, col,
                                f"unprintable character {describe_character(match.group())} replaced by a space"))
    return UNPRINTABLE.sub(" ", body)


def _split_front_matter(text: str, relpath: str, problems: list[Problem]):
    """(front matter text, body, body's first line) or (None, ...) after recording a problem."""
    if not text.startswith("---\n") and text.strip() != "---":
        problems.append(error(relpath, 1, 1, "missing front matter: the file must begin with a '---' line, then 'title: ...'"))
        return None, "", 1
    end = _FRONT_MATTER_END.search(text, 4)
    if end is None:
        problems.append(error(relpath, 1, 1, "front matter is not closed: add a '---' line after it"))
        return None, "", 1
    front = text[4:end.start()]
    body_start = end.end() + 1 if end.end() < len(text) else len(text)
    body_line = text.count("\n", 0, body_start) + 1
    return front, text[body_start:], body_line


def _validate_front_matter(front: str, relpath: str, problems: list[Problem], source: Path, root: Path) -> dict:
    offset = 1  # front matter starts on line 2
    try:
        doc = parse_yaml(front)
    except YamlError as exc:
        problems.append(error(relpath, exc.line + offset, exc.col, exc.message))
        return {}
    problems += doc.warnings(relpath, offset)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        problems.append(error(relpath, 2, 1, "front matter must be a YAML mapping (key: value lines)"))
        return {}

    def where(*path: object) -> tuple[int, int]:
        line, col = doc.value_position(*path)
        return line + offset, col

    def text_field(key: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        problems.append(error(relpath, *where(key), f"'{key}' must be text"))
        return ""

    fields: dict = {}
    reported = len(problems)
    title = text_field("title")
    if not title and len(problems) == reported:   # a title of the wrong type is reported once
        line, col = (where("title") if "title" in data else (1, 1))
        problems.append(error(relpath, line, col, "missing title: add 'title: ...' to the front matter"))
    fields["title"] = title
    fields["subtitle"] = text_field("subtitle")
    fields["summary"] = text_field("summary")
    for key in ("date", "updated"):
        if data.get(key) is None:
            continue
        date = parse_date(data[key])
        if date is None:
            problems.append(error(relpath, *where(key), f"invalid {key} '{data[key]}': {date_fix(data[key])}"))
        fields[key] = date
    fields["authors"] = parse_authors(data.get("authors", []), relpath, doc, ("authors",), problems, offset)
    for index, author in enumerate(fields["authors"]):
        if not author.slug:
            problems.append(error(relpath, *where("authors", index), f"author name '{author.name}' has no letter "
                                  "or digit to make the author's page address of: write the name in letters"))
    fields["tags"] = _tags(data.get("tags", []), relpath, where, problems)
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(error(relpath, *where("draft"), "'draft' must be true or false"))
        draft = False
    fields["draft"] = draft
    fields["language"], fields["citation_metadata"] = read_citation_metadata(data, front, where, relpath, source,
                                                                             root, problems)
    translation_of = data.get("translation_of")
    if translation_of is not None:
        if isinstance(translation_of, str) and translation_of.strip():
            fields["translation_of"] = MetaText(translation_of.strip(), *where("translation_of"))
        else:
            problems.append(error(relpath, *where("translation_of"), "'translation_of' must be the name of the "
                                  "article this one translates (its file name without .md)"))
    notices = read_notices(data, where, relpath, fields.get("date"), fields.get("updated"), problems)
    fields["corrections"], fields["updates"] = notices["corrections"], notices["updates"]
    fields["extra"] = {str(k): v for k, v in data.items() if k not in _KNOWN_KEYS}
    for key in fields["extra"]:     # free keys are the templates', but one a letter off a known key is a slip
        meant = did_you_mean(key, _KNOWN_KEYS - {"lang"})
        if meant and key not in _KNOWN_KEYS:
            problems.append(warning(relpath, *_shifted(doc.key_position(key), offset),
                                    f"unknown front matter key '{key}'{meant} (kept for templates)"))
    return fields


def _shifted(position: tuple[int, int], offset: int) -> tuple[int, int]:
    return position[0] + offset, position[1]


def _tags(value: object, relpath: str, where, problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list):
        problems.append(error(relpath, *where("tags"), "'tags' must be a list"))
        return ()
    tags: list[str] = []
    for index, tag in enumerate(value):
        if not isinstance(tag, (str, int)) or not slugify(str(tag)):
            problems.append(error(relpath, *where("tags", index), f"tag {tag!r} is not usable as a tag"))
        elif str(tag).strip() not in tags:
            tags.append(str(tag).strip())
    return tuple(tags)


def find_assets(root: Path) -> tuple[list[Asset], list[Problem]]:
    """Files under content/assets/, refusing any that resolve outside the publication."""
    assets_dir = root / "content" / "assets"
    assets: list[Asset] = []
    problems: list[Problem] = []
    if not assets_dir.is_dir():
        return assets, problems
    for path in sorted(assets_dir.rglob("*")):
        relpath = path.relative_to(root).as_posix()
        real = real_path(path)
        if real is None or not inside(root, path):
            problems.append(error(relpath, 1, 1, "asset is a link to a file outside the publication folder"))
            continue
        if path.is_file():
            assets.append(Asset(source=real, target="assets/" + path.relative_to(assets_dir).as_posix()))
    return assets, problems
