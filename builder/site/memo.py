"""Pages of the last build by what they were made from, so a rebuild renders only the pages whose
inputs changed (.dossier-cache/pages.json).

A page is the theme's template applied to its values (the site view, the page's metadata and
context: frozen view objects of builder/site/views.py). Its digest is a hash of those values as
pickle writes them, each view object standing for its own digest (computed once per build, so a
list of 1,000 articles costs 1,000 lookups), and of what every page depends on: the theme's
files, the words, the settings and Dossier's own code. A page whose digest is the last build's
is not rendered: the previous site's file is linked into the new one, if it is still the file
that build wrote (same size, modification time and inode); else it is rendered.

A page that lists articles reads their titles, dates and summaries, not the fields made from
their bodies (ArticleView's fields marked of_body). While a page renders, the template
environment notes whether it read any such field (watch()); the digest of a page that did not
leaves them out, so an edit of an article's text renders its own page again, not every list
it is on. The theme decides: a list template that shows bodies is digested with them.

A document's view (its page's values, or what lists show of it) is digested from what it was made
from when the last build recorded that: its document, its body's cache key, its own reference, the
settings and the items, labels and pages of the sources in its bibliography are hashed, and the last
build's digest of a view made from the same is taken (pickling every view's values again costs a
fifth of a second at 1,000 articles). A view made from anything else (a .bib entry it cites edited)
is digested from its values, as before.

Pickle tells apart values that == does not (True and 1, 1 and 1.0), so equal digests mean the
template saw the same values; values equal but pickled differently (a dict in another order)
only cost a render.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import fields
from pathlib import Path
from typing import Callable

import jinja2

from builder.model import Output
from builder.run.digests import Remembered, digest_of, slot_values
from builder.run.fingerprint import code_digest, theme_digest
from builder.run.write import replace_file
from builder.site.notices import CorrectionView
from builder.site.views import ArticleView, CitingView, EvidenceView, GroupView, SiteView, SourceView

FORMAT = 2
_VIEWS = {ArticleView, CitingView, CorrectionView, EvidenceView, GroupView, SourceView, SiteView}
_HOLDING_VIEWS = {CitingView, CorrectionView, EvidenceView, GroupView, SourceView}   # views with views in them
# Fields of those that hold no view by their type (text, numbers, search facets): taken as they are,
# not walked value by value for views to replace. (A view in one would only be digested whole.)
_PLAIN = {"str", "int", "bool", "Markup", "tuple[str, ...]", "tuple[SearchFacet, ...]"}
_FIELDS = {kind: (slot_values(kind), tuple(f.type not in _PLAIN for f in fields(kind))) for kind in _HOLDING_VIEWS}
OF_BODY = frozenset(f.name for f in fields(ArticleView) if f.metadata.get("of_body"))
_NOT_OF_BODY = tuple(f.name for f in fields(ArticleView) if f.name not in OF_BODY)


class PageMemo:
    """What the last build rendered into out_dir, page by page; begin(), then for each page
    previous_file() and, for the pages rendered, rendered(); save() once the site is published."""

    def __init__(self, path: Path, out_dir: Path, session=None):
        """session (`dossier serve`'s builder.session.Session): keeps the digests of the last build's views, by id, with the
        view (so that no other object takes its id), replaced by this build's when it is saved;
        and what made() made."""
        self.path = path
        self.out_dir = Path(os.path.realpath(out_dir))
        self.site_key = ""
        self._previous: dict[str, list] = {}
        self._kept_digests = session.digests if session is not None else {}
        self.made = Remembered(session.made if session is not None else None)    # files other than pages
        self.data = session.data if session is not None else None               # site/data.py's memo
        self._digests: dict[int, tuple[object, dict[bool, str]]] = {}   # id of a view -> (view, {bodies: digest})
        self.pages: dict[str, tuple[str, bool]] = {}    # this build's pages: site path -> (digest, of bodies)
        self._as_left: dict[str, list] = {}         # the pages kept: site path -> their file's size, time, inode
        self.kept = 0
        self.fresh: list[str] = []                  # the paths rendered in this build
        self._made_from: dict = {}                  # views.Views.made_from
        self._previous_views: dict[str, str] = {}   # the last build's: what a document's view was made from -> its digest
        self.views: dict[str, str] = {}             # this build's

    def begin(self, settings: object, words_signature: str, theme: list[Path], made_from: dict | None = None) -> None:
        """Start with what every page depends on; the last build's pages count only if it was the same.
        made_from: what each document's view was made from (views.Views.made_from)."""
        self.site_key = digest_of([FORMAT, settings, words_signature, theme_digest(theme), code_digest(),
                                   str(self.out_dir)])
        self._made_from = made_from or {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("site") == self.site_key and isinstance(data.get("pages"), dict):
                self._previous = data["pages"]
                views = data.get("views")
                self._previous_views = views if isinstance(views, dict) else {}
        except (OSError, ValueError):
            pass

    def previous_file(self, path: str, values: tuple, plain: str = "") -> Path | None:
        """The previous site's file at path if the last build made it from the same values and it
        is as that build left it (then the page counts as made from them). plain: the digest of
        values that hold no view (output()), taken as it is."""
        entry = self._previous.get(path)
        if not (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[1], bool)):
            return None
        page_digest = plain or self.digest(values, bodies=entry[1])
        if entry[0] != page_digest:
            return None
        try:
            info = os.lstat(f"{self.out_dir}/{path}")
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or [info.st_size, info.st_mtime_ns, info.st_ino] != entry[2:]:
            return None
        self.pages[path] = (page_digest, entry[1])
        self._as_left[path] = entry[2:]
        self.kept += 1
        return self.out_dir / path

    def output(self, path: str, values: object, make: Callable[[], bytes]) -> Output:
        """The file at path made by make() from values (not a template's: no body fields to watch),
        or the last build's file if made from the same values."""
        plain = digest_of(values)           # no view in them: nothing to replace by its digest
        kept = self.previous_file(path, (), plain)
        if kept is not None:
            return Output(path, source=kept, kept=True)
        self.pages[path] = (plain, False)
        self.fresh.append(path)
        return Output(path, make())

    def outputs(self, paths: list[str], values: object, make: Callable[[], list[Output]]) -> list[Output]:
        """Files made together by make() from values (no view in them), one per path in order: the
        last build's files if all of them were made from the same values and are as it left them."""
        plain = digest_of(values)
        kept = [self.previous_file(path, (), plain) for path in paths]
        if all(file is not None for file in kept):
            return [Output(path, source=file, kept=True) for path, file in zip(paths, kept)]
        for path, file in zip(paths, kept):
            if file is not None:    # counted as kept above, but written again with the others
                self.kept -= 1
            self.pages[path] = (plain, False)
            self.fresh.append(path)
        return make()

    def rendered(self, path: str, values: tuple, bodies: bool) -> None:
        """The page at path was rendered from values; bodies: it read a field of an article's body."""
        self.pages[path] = (self.digest(values, bodies=bodies), bodies)
        self.fresh.append(path)

    def digest(self, values: tuple, *, bodies: bool) -> str:
        """The digest of a page made from values; without bodies, articles' body fields are left out."""
        return digest_of(self._shallow(values, bodies))

    def save(self) -> None:
        """Record this build's pages, as now in the published site (call after publishing)."""
        pages, fresh = {}, set(self.fresh)
        for path, (page_digest, bodies) in sorted(self.pages.items()):
            # a kept page's file is as the last build left it (a stale record only costs a render)
            if path in self._as_left and path not in fresh:
                pages[path] = [page_digest, bodies, *self._as_left[path]]
                continue
            try:
                info = os.lstat(self.out_dir / path)
            except OSError:
                continue
            pages[path] = [page_digest, bodies, info.st_size, info.st_mtime_ns, info.st_ino]
        try:
            replace_file(self.path, json.dumps({"site": self.site_key, "pages": pages, "views": dict(sorted(self.views.items()))},
                                               separators=(",", ":")).encode())
        except OSError:
            pass
        self.remember()

    def remember(self) -> None:
        """Keep this build's view digests and made files in the session (a build that writes
        nothing, `dossier serve`'s warm-up, keeps them too: the first save then digests only what changed)."""
        self._kept_digests.clear()
        self._kept_digests.update(self._digests)
        self.made.forget_others()

    def _shallow(self, value: object, bodies: bool) -> object:
        """value with each view object in it replaced by the view's digest."""
        kind = type(value)
        if kind is CitingView:      # one per source and article citing it, in one source's view: not worth a digest of its own
            return ("CitingView", self._view_digest(value.article, bodies), value.contexts)
        if kind in _VIEWS:
            return self._view_digest(value, bodies)
        if kind is Deferred:
            return ("Deferred", value.make.__module__, value.make.__qualname__, self._shallow(value.args, bodies))
        if kind in (tuple, list):
            return kind(self._shallow(item, bodies) for item in value)
        if kind is dict:
            return {key: self._shallow(item, bodies) for key, item in value.items()}
        return value

    def _view_digest(self, view: object, bodies: bool) -> str:
        entry = self._digests.get(id(view))
        if entry is None:
            kept = self._kept_digests.get(id(view))
            entry = self._digests[id(view)] = kept if kept is not None and kept[0] is view else (view, {})
        found = entry[1].get(bodies)
        if found is None:
            kind = type(view)
            if kind in _HOLDING_VIEWS:
                values, walked = _FIELDS[kind]
                shallow = (kind.__name__, *(self._shallow(value, bodies) if walk else value
                                            for value, walk in zip(values(view), walked)))
            elif kind is ArticleView:
                entry[1][bodies] = found = self._document_view_digest(view, bodies)
                return found
            else:
                shallow = view
            found = entry[1][bodies] = digest_of(shallow)
        return found

    def _document_view_digest(self, view: ArticleView, bodies: bool) -> str:
        """The digest of a document's view (without its body's fields unless bodies): the last build's
        if the view was made from the same (its document, its body's cache key, its own reference,
        what every view is made from, and its translations and editions); pickling a thousand views'
        values costs a fifth of a second."""
        key = self._made_from_key(view)
        if key is not None:
            key += "+body" if bodies else "-body"
            found = self._previous_views.get(key)
            if isinstance(found, str) and len(found) == 64:
                self.views[key] = found
                return found
        found = values_digest(view, bodies)
        if key is not None:
            self.views[key] = found
        return found

    def _made_from_key(self, view: ArticleView) -> str | None:
        made = self._made_from.get(id(view))
        if made is None or made[0] is not view:
            return None
        if len(made) == 7:
            return made[6]
        shared, cited = made[1], made[5]
        key = digest_of((shared.settings_digest(), [shared.source_digest(source) for source in cited], *made[2:5],
                         view.translations, view.editions))
        self._made_from[id(view)] = (*made, key)
        return key


def values_digest(view: ArticleView, bodies: bool) -> str:
    """The digest of a document's view from its values (without its body's fields unless bodies)."""
    return digest_of(view if bodies else (ArticleView.__name__, *(getattr(view, name) for name in _NOT_OF_BODY)))


class Deferred:
    """A value of a page's context made by make(*args) only when the page is rendered (a picture
    drawn from views); the page's digest takes make and args in its place."""

    __slots__ = ("make", "args")

    def __init__(self, make: Callable, *args):
        self.make, self.args = make, args


def resolved(context: dict) -> dict:
    """context with each Deferred value in it made."""
    if not any(type(value) is Deferred for value in context.values()):
        return context
    return {key: value.make(*value.args) if type(value) is Deferred else value for key, value in context.items()}


def watch(env: jinja2.Environment) -> BodyReads:
    """Note, from now on, whether a template rendered by env reads a field of an article's body
    (every attribute and item a template looks up goes through env.getattr and env.getitem)."""
    reads = getattr(env, "dossier_body_reads", None)
    if reads is None:
        reads = BodyReads()
        plain_getattr, plain_getitem = env.getattr, env.getitem

        def getattr_(obj, attribute):
            if type(obj) is ArticleView and attribute in OF_BODY:
                reads.seen = True
            return plain_getattr(obj, attribute)

        def getitem(obj, argument):
            if type(obj) is ArticleView and isinstance(argument, str) and argument in OF_BODY:
                reads.seen = True
            return plain_getitem(obj, argument)

        env.getattr, env.getitem, env.dossier_body_reads = getattr_, getitem, reads
    return reads


class BodyReads:
    """Whether a field of an article's body was read since the last take()."""

    seen = False

    def take(self) -> bool:
        seen, self.seen = self.seen, False
        return seen
