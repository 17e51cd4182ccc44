"""The readable text of a fetched source: a web page's article without its menus and footers
(trafilatura), a PDF's text (pypdf), a text file as it is; each decoded in the charset it is in.

Charsets as a browser finds them: a byte order mark, then the HTTP header, then an HTML page's
<meta charset>, then detection (charset_normalizer), so a Korean page served as EUC-KR without
saying so still reads as Korean. Labels are read as the WHATWG Encoding Standard reads them:
'euc-kr' is Windows code page 949 (which the pages that say 'euc-kr' are written in), 'iso-8859-1'
is windows-1252.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from dataclasses import dataclass

from builder.evidence.fetch import Fetched, SnapshotFailed

__all__ = ["Extracted", "decode_text", "readable_text"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
# WHATWG: labels whose pages are in fact written in a superset.
_SUPERSETS = {"euc_kr": "cp949", "iso8859_1": "cp1252", "ascii": "cp1252", "latin_1": "cp1252",
              "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "iso8859_9": "cp1254",
              "iso8859_11": "cp874", "tis_620": "cp874"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Extracted:
    """A source's readable text: paragraphs separated by blank lines, and its title when it has one."""

    text: str
    title: str = ""
    kind: str = "text"          # "web page" | "PDF" | "text"


def readable_text(fetched: Fetched) -> Extracted:
    """The readable text of what was fetched or read; SnapshotFailed when there is none."""
    kind = _kind(fetched)
    if kind == "PDF":
        title, text = _pdf_text(fetched.data)
    elif kind == "web page":
        title, text = _html_text(decode_text(fetched.data, fetched.charset, html=True), fetched.address)
    else:
        title, text = "", decode_text(fetched.data, fetched.charset)
    text = _paragraphs(text, one_per_line=kind == "web page")
    if not text:
        raise SnapshotFailed(f"no readable text found in the {kind}" + (" (a scan, perhaps: save a text copy and "
                                                                       "give --from FILE)" if kind == "PDF" else ""))
    return Extracted(text, " ".join(_CONTROLS.sub("", title).split()), kind)


def _kind(fetched: Fetched) -> str:
    data, media = fetched.data, fetched.content_type
    if data.startswith(b"%PDF-") or media == "application/pdf":
        return "PDF"
    if media in _HTML_TYPES:
        return "web page"
    if media in _TEXT_TYPES:
        return "text"
    name = fetched.address.lower().rsplit("?", 1)[0]
    if media in ("", "application/octet-stream"):
        if _HTML_START.match(data[:4096]) or name.endswith((".html", ".htm", ".xhtml")):
            return "web page"
        if name.endswith(".pdf"):
            return "PDF"
        if b"\x00" not in data[:4096] or data.startswith(_BOMS[1][0]) or data.startswith(_BOMS[2][0]):
            return "text"
    raise SnapshotFailed(f"it is {media or 'binary data'}, not a web page, a PDF or a text file")


def decode_text(data: bytes, declared: str | None = None, *, html: bool = False) -> str:
    """data as text: by its byte order mark, else the declared charset (the HTTP header's), else an
    HTML page's <meta charset>, else UTF-8 if it is valid UTF-8, else the charset detected."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for label in (declared, _meta_charset(data) if html else None):
        encoding = _encoding(label)
        if encoding:
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = _encoding(best.encoding) if best is not None else None
    return data.decode(encoding or "cp1252", errors="replace")


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _encoding(label: str | None) -> str | None:
    """Python's codec for a charset label, as browsers read the label; None for none or an unknown one."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None
    if name == "utf_16":        # a page that says UTF-16 but had no byte order mark is not (WHATWG)
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _html_text(markup: str, address: str) -> tuple[str, str]:
    """The article of a web page, without navigation, footers or comments; its title."""
    import trafilatura

    document = trafilatura.bare_extraction(markup, url=address or None, with_metadata=True, include_comments=False,
                                           include_tables=True, include_images=False, include_links=False,
                                           deduplicate=False)
    text = document.text if document is not None and document.text else ""
    if not text:                    # too short or too odd for its heuristics: the page's body text
        _, text, _ = trafilatura.baseline(markup)
    title = document.title if document is not None and document.title else ""
    return title, text


def _pdf_text(data: bytes) -> tuple[str, str]:
    """A PDF's text, page after page; its title from its metadata."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise SnapshotFailed("the PDF is encrypted: save a text copy and give --from FILE")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else "") or ""
    except SnapshotFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise SnapshotFailed(f"the PDF cannot be read ({type(exc).__name__}: {str(exc)[:120]})") from None
    return str(title), "\n\n".join(pages)


def _paragraphs(text: str, *, one_per_line: bool = False) -> str:
    """text with lines ending in '\\n', no control characters or trailing blanks, and one blank line
    between paragraphs; one_per_line: each line is a paragraph (trafilatura's output)."""
    text = unicodedata.normalize("NFC", _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    lines = [line.rstrip() for line in text.split("\n")]
    if one_per_line:
        return "".join(f"{line}\n\n" for line in lines if line.strip()).removesuffix("\n")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n" if text.strip() else ""
