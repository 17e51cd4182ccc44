"""Tagged PDFs put together: parts that WeasyPrint laid out as tagged PDFs (each with its own
structure tree) appended into one PDF whose structure tree holds them all, in order, and page
numbers stamped on as artifacts.

pypdf's append copies pages, outlines, named destinations and annotations, and drops the
structure tree: the catalog's /StructTreeRoot and each page's /StructParents. An Assembly
appends with pypdf, then copies each part's structure elements under one /Document element,
with their pages, their link annotations (found again by their /StructParent keys, which
pypdf keeps) and their parent tree shifted past the keys of the parts before them. The IDs of
table headers, unique in one part only, get the part's number as a prefix, and so do the
cells' /Headers naming them. Elements WeasyPrint maps content to but leaves out of its tree
(the page margins' running heads and numbers) are copied as it makes them: parented, not
listed. A part in another language than the whole keeps it: its elements carry /Lang. WeasyPrint
makes an element of each page's part of a box; an article's are joined again, so that an
article is one /Art element, with the footnotes of its pages.
"""

from __future__ import annotations

import io

from builder.pdf.fonts import share_fonts

ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"


class Assembly:
    """One PDF put together from laid-out parts, keeping their structure trees."""

    def __init__(self):
        from pypdf import PdfWriter
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        self.writer = PdfWriter()
        self.root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.root_ref = self.writer._add_object(self.root)
        self.document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
                                          NameObject("/P"): self.root_ref, NameObject("/K"): ArrayObject()})
        self.document_ref = self.writer._add_object(self.document)
        self.nums: list[tuple[int, object]] = []     # the parent tree: (key, element or array of elements)
        self.parts = 0
        self.head = None                             # the first part's reader: the whole's metadata

    @property
    def pages(self) -> int:
        return len(self.writer.pages)

    def append(self, pdf: bytes, *, bookmarks: bool = True, outline_item: str | None = None,
               language: str | None = None) -> list[tuple[int, object]]:
        """Append a part's pages with its bookmarks (or none; or one, outline_item, to its first page) and its
        structure; language: the part's own, if not the whole's. Returns its /Link elements as (page index, reference)."""
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(pdf))
        if self.head is None:
            self.head = reader
        start = self.pages
        self.writer.append(reader, outline_item=outline_item, import_outline=bookmarks and outline_item is None)
        tree = reader.root_object.get("/StructTreeRoot")
        if tree is None:
            return []
        self.parts += 1
        return _PartCopy(self, reader, start, language).run(tree.get_object())

    def stamp(self, index: int, page) -> None:
        """Lay page (whose content is an artifact: see artifact_page) over page index."""
        self.writer.pages[index].merge_page(page)

    def pad(self) -> None:
        """Keep the next part on a right-hand page."""
        if self.pages % 2:
            last = self.writer.pages[-1]
            self.writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)

    def link(self, page_index: int, rect, target_page: int, description: str, element=None) -> None:
        """A link to target_page over rect, described for assistive technology, tagged as a /Link
        element (element: the one its text is in; None: a new one in the document)."""
        from pypdf.annotations import Link
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

        annotation = Link(rect=rect, target_page_index=target_page)
        annotation[NameObject("/Contents")] = TextStringObject(description)
        key = self._next_key()
        annotation[NameObject("/StructParent")] = NumberObject(key)
        reference = self.writer.add_annotation(page_number=page_index, annotation=annotation).indirect_reference
        page = self.writer.pages[page_index].indirect_reference
        if element is None:
            element = self.writer._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Link"),
                NameObject("/P"): self.document_ref, NameObject("/Pg"): page, NameObject("/K"): ArrayObject()}))
            self.document["/K"].append(element)
        link = element.get_object()
        kids = link.get("/K")
        if not isinstance(kids, ArrayObject):
            kids = ArrayObject([] if kids is None else [kids])
            link[NameObject("/K")] = kids
        kids.append(self.writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/OBJR"), NameObject("/Obj"): reference, NameObject("/Pg"): page})))
        self.nums.append((key, element))

    def _next_key(self) -> int:
        return max((key for key, _ in self.nums), default=-1) + 1

    def finish(self, language: str) -> bytes:
        """The PDF, in language, with the first part's metadata (document information and XMP) and its
        title shown by viewers."""
        from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, NameObject, NumberObject, TextStringObject

        writer = self.writer
        catalog = writer._root_object
        reader = self.head
        if reader.metadata:
            writer.add_metadata(dict(reader.metadata))
        xmp = reader.root_object.get("/Metadata")
        if xmp is not None:
            catalog[NameObject("/Metadata")] = xmp.get_object().clone(writer).indirect_reference
        catalog[NameObject("/Lang")] = TextStringObject(language)
        catalog[NameObject("/ViewerPreferences")] = DictionaryObject({NameObject("/DisplayDocTitle"): BooleanObject(True)})
        if self.parts:
            nums = ArrayObject()
            for key, value in sorted(self.nums, key=lambda pair: pair[0]):
                nums += [NumberObject(key), value]
            self.root[NameObject("/ParentTree")] = writer._add_object(DictionaryObject({NameObject("/Nums"): nums}))
            self.root[NameObject("/ParentTreeNextKey")] = NumberObject(self._next_key())
            self.root[NameObject("/K")] = ArrayObject([self.document_ref])
            catalog[NameObject("/StructTreeRoot")] = self.root_ref
            catalog[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
        share_fonts(writer)         # after the structure is complete: it drops what nothing refers to
        buffer = io.BytesIO()
        writer.write(buffer)
        return compact(buffer.getvalue())


def compact(data: bytes) -> bytes:
    """The PDF written again by qpdf (pikepdf) with its streams compressed and its objects in object
    streams: pypdf writes the pages it stamped uncompressed and every structure element as an
    object of its own. An edition of 6 articles: 2.39 MB from pypdf, 0.61 MB so (0.1 s)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                 deterministic_id=True)
        return out.getvalue()


class _PartCopy:
    """The copy of one part's structure tree into an Assembly (see the module's docstring)."""

    def __init__(self, assembly: Assembly, reader, start: int, language: str | None):
        from pypdf.generic import NameObject, NumberObject

        self.assembly = assembly
        self.writer = assembly.writer
        self.offset = assembly._next_key()
        self.prefix = f"p{assembly.parts}-"
        self.language = language
        self.pages = {page.indirect_reference.idnum: assembly.writer.pages[start + index]
                      for index, page in enumerate(reader.pages)}
        self.page_index = {page.indirect_reference.idnum: start + index for index, page in enumerate(reader.pages)}
        self.copied: dict[int, object] = {}
        self.head = 0                                # inside a table's head: its headers head columns
        self.links: list[tuple[int, object]] = []
        self.annotations: dict[int, object] = {}     # the part's /StructParent key -> the annotation in the writer
        for index, page in enumerate(reader.pages):
            copy = assembly.writer.pages[start + index]
            if "/StructParents" in page:
                copy[NameObject("/StructParents")] = NumberObject(page["/StructParents"] + self.offset)
            for annotation in copy.get("/Annots", []):
                target = annotation.get_object()
                if "/StructParent" in target:
                    self.annotations[int(target["/StructParent"])] = annotation
                    target[NameObject("/StructParent")] = NumberObject(target["/StructParent"] + self.offset)

    def run(self, tree) -> list[tuple[int, object]]:
        from pypdf.generic import ArrayObject, NameObject, TextStringObject

        document = self.assembly.document
        for top in _as_list(tree.raw_get("/K")):
            element = top.get_object()
            kids = _as_list(element.raw_get("/K")) if element.get("/S") == "/Document" else [top]
            article = None
            for kid in kids:
                copy = self._element(kid, self.assembly.document_ref)
                if article is not None:
                    self._join(article, copy, kid)
                    continue
                if self.language:
                    copy.get_object()[NameObject("/Lang")] = TextStringObject(self.language)
                document["/K"].append(copy)
                if kid.get_object().get("/S") == "/Art":
                    article = copy
        for key, value in _number_tree(tree.get("/ParentTree")):
            if isinstance(value.get_object(), list):
                copied = ArrayObject(self._orphan(item) for item in value.get_object())
            else:
                copied = self._orphan(value)
            self.assembly.nums.append((key + self.offset, copied))
        return self.links

    def _join(self, article, rest, reference) -> None:
        """Make rest part of the article: the article's elements on a later page (WeasyPrint makes an
        element of each page's part of a box) join it, what else a later page holds (its footnotes)
        goes into it. A part holds one article."""
        from pypdf.generic import DictionaryObject, NameObject

        kept, moved = article.get_object(), rest.get_object()
        if moved.get("/S") != "/Art":
            moved[NameObject("/P")] = article
            kept["/K"].append(rest)
            return
        for kid in _as_list(moved.raw_get("/K")):
            target = kid.get_object()
            if isinstance(target, DictionaryObject):
                if "/P" in target:
                    target[NameObject("/P")] = article
                kept["/K"].append(kid)
            else:                                   # a marked-content id on rest's page
                kept["/K"].append(DictionaryObject({NameObject("/Type"): NameObject("/MCR"),
                                                    NameObject("/Pg"): moved.raw_get("/Pg"), NameObject("/MCID"): target}))
        self.copied[reference.idnum] = article

    def _orphan(self, reference):
        """The copy of an element the parent tree names, copied now if the tree did not hold it."""
        from pypdf.generic import NullObject

        if not hasattr(reference, "idnum"):
            return NullObject()
        if reference.idnum not in self.copied:
            self._element(reference, self.assembly.document_ref)
        return self.copied[reference.idnum]

    def _element(self, reference, parent):
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        element = reference.get_object()
        copy = DictionaryObject()
        ref = self.writer._add_object(copy)
        self.copied[reference.idnum] = ref
        for key in element:
            value = element.raw_get(key)
            if key == "/P":
                copy[NameObject(key)] = parent
            elif key == "/Pg":
                copy[NameObject(key)] = self._page(value)
            elif key == "/K":
                head = element.get("/S") == "/THead"
                self.head += head
                copy[NameObject(key)] = self._kids(value, ref)
                self.head -= head
            elif key == "/ID":
                copy[NameObject(key)] = TextStringObject(self.prefix + str(value))
            elif key == "/A":
                copy[NameObject(key)] = self._attributes(value.get_object())
            else:
                copy[NameObject(key)] = value.clone(self.writer)
        if element.get("/S") == "/TH":
            self._scope(copy)
        if element.get("/S") == "/Link" and "/Pg" in element:
            self.links.append((self.page_index[_idnum(element.raw_get("/Pg"))], ref))
        return ref

    def _scope(self, header) -> None:
        """Say what a header cell heads, which WeasyPrint leaves to /Headers: its column in the
        table's head, its row in the body (where Markdown tables have none)."""
        from pypdf.generic import DictionaryObject, NameObject

        attributes = header.get("/A")
        if not isinstance(attributes, DictionaryObject) or "/Scope" in attributes:
            return
        attributes[NameObject("/Scope")] = NameObject("/Column" if self.head else "/Row")

    def _page(self, reference):
        return self.pages[_idnum(reference)].indirect_reference

    def _kids(self, value, parent):
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        kids = ArrayObject()
        for kid in _as_list(value):
            target = kid.get_object()
            if not isinstance(target, DictionaryObject):
                kids.append(target)                                  # a marked-content id
            elif target.get("/Type") == "/OBJR":
                obj = self.annotations.get(int(target["/Obj"].get_object().get("/StructParent", -1)))
                if obj is not None:
                    kids.append(self.writer._add_object(DictionaryObject({
                        NameObject("/Type"): NameObject("/OBJR"), NameObject("/Obj"): obj,
                        NameObject("/Pg"): self._page(target.raw_get("/Pg"))})))
            elif target.get("/Type") == "/MCR":
                kids.append(DictionaryObject({NameObject("/Type"): NameObject("/MCR"), NameObject("/Pg"): self._page(target.raw_get("/Pg")),
                                              NameObject("/MCID"): target["/MCID"]}))
            else:
                kids.append(self._element(kid, parent))
        return kids if isinstance(value, list) else (kids[0] if kids else ArrayObject())

    def _attributes(self, attributes):
        from pypdf.generic import ArrayObject, NameObject, TextStringObject

        if isinstance(attributes, list):
            return ArrayObject(self._attributes(item.get_object()) for item in attributes)
        copy = attributes.clone(self.writer)
        if "/Headers" in copy:
            copy[NameObject("/Headers")] = ArrayObject(TextStringObject(self.prefix + str(header)) for header in copy["/Headers"])
        return copy


def artifact_page(page):
    """page with its whole content marked as a pagination artifact, to be stamped onto tagged pages."""
    from pypdf.generic import DecodedStreamObject

    content = DecodedStreamObject()
    content.set_data(ARTIFACT + page.get_contents().get_data() + b"\nEMC\n")
    page.replace_contents(content)
    return page


def _idnum(reference) -> int:
    """The object number of an indirect reference, or of the object it was read from."""
    return reference.idnum if hasattr(reference, "idnum") else reference.indirect_reference.idnum


def _as_list(value) -> list:
    if value is None:
        return []
    target = value.get_object() if hasattr(value, "get_object") else value
    return list(target) if isinstance(target, list) else [value]


def _number_tree(node) -> list[tuple[int, object]]:
    """The (key, value) pairs of a number tree, in order, its /Kids read."""
    if node is None:
        return []
    node = node.get_object()
    pairs = []
    nums = node.get("/Nums", [])
    pairs += [(int(nums[index]), nums[index + 1]) for index in range(0, len(nums) - 1, 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs
