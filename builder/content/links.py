"""Resolve links written in Markdown to site URLs, refusing anything outside the publication."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from builder.model import Asset, Document
from builder.run.confinement import inside, real_path
from builder.text import did_you_mean

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def relative_url(from_url: str, to_url: str) -> str:
    """Relative link between two site-relative URLs ('articles/a/' -> 'tags/x/' gives '../../tags/x/')."""
    from_dir = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = posixpath.relpath("/" + to_url, "/" + from_dir.rstrip("/") if from_dir != "/" else "/")
    if to_url.endswith("/") and not target.endswith("/"):
        target += "/"
    if target == "./":
        return "./"
    return target


class PublicationLinks:
    """Knows every published document and asset; turns Markdown targets into site URLs."""

    def __init__(self, root: Path, documents: list[Document], assets: list[Asset]):
        self.root = root.resolve()
        self.lexical_root = root.absolute()
        self.by_source = {doc.source.resolve(): doc for doc in documents}
        self.assets = {(self.root / "content" / "assets" / asset.target.removeprefix("assets/")).resolve(): asset
                       for asset in assets}

    def site_map(self) -> list[str]:
        """Every link target there is, as 'source path -> URL': links resolve against this."""
        return sorted([f"{path} -> {doc.url}" for path, doc in self.by_source.items()]
                      + [f"{path} -> {asset.target}" for path, asset in self.assets.items()])

    def resolver_for(self, document: Document):
        """A resolver for targets written in document, for the Markdown links plugin."""
        return lambda target: self.resolve(target, document)

    def resolve(self, target: str, document: Document) -> tuple[str | None, str | None]:
        """(site-relative URL, None), or (None, why the target is refused)."""
        if not target or target.startswith("#") or target.startswith("//") or _SCHEME.match(target):
            if target.startswith("//"):
                return target, None
            return (None, f"'{target}' is not a usable link target") if _is_file_scheme(target) else (target, None)
        parts = urlsplit(target)
        path_text = unquote(parts.path)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if path_text.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", path_text):
            return None, f"link to absolute path '{target}': write a path relative to this file"
        if "\x00" in path_text:
            return None, f"link target '{target}' contains a null byte"
        base = document.source.parent
        candidate = Path(posixpath.normpath((base / path_text).as_posix()))
        real = real_path(candidate)
        if real is None or not inside(self.root, candidate) or not candidate.is_relative_to(self.lexical_root):
            return None, f"link '{target}' points outside the publication folder"
        try:
            return self._published(real, target, document, fragment)
        except OSError:         # a name too long for the file system, say
            return None, f"link target '{target}' does not exist"

    def _published(self, real: Path, target: str, document: Document, fragment: str) -> tuple[str | None, str | None]:
        if real in self.by_source:
            return relative_url(document.url, self.by_source[real].url) + fragment, None
        if real in self.assets:
            return relative_url(document.url, self.assets[real].target) + fragment, None
        if real.suffix == ".md" and real.exists() and real.parent.parent == self.root / "content":
            return None, f"link '{target}' points to a document that is not published (a draft?)"
        if real.is_dir():
            return None, f"link '{target}' points to a folder, not a document or asset"
        if not real.exists():
            return None, f"link target '{target}' does not exist{self._closest(target, document)}"
        return None, f"link '{target}' points to a file that is not published: put it in content/assets/"


    def _closest(self, target: str, document: Document) -> str:
        """The documents and assets written as target was (relative to document) that are most like it."""
        folder = document.source.resolve().parent
        written = [os.path.relpath(path, folder).replace(os.sep, "/") for path in [*self.by_source, *self.assets]]
        return did_you_mean(unquote(urlsplit(target).path), written)


def _is_file_scheme(target: str) -> bool:
    return target.lower().startswith("file:")
