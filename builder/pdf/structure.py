"""Tagged PDFs put together: parts that WeasyPrint laid out as tagged PDFs (each with its own
structure tree) appended into one PDF whose structure tree holds them all, in order, and page
numbers stamped on as artifacts.

The parts are read and copied by qpdf (pikepdf): its page copy carries each part's pages with their
annotations, bookmarks and the named destinations its links lead to (an anchor no link names is not
a destination of the whole), and leaves the structure tree behind. An Assembly
copies each part's structure tree too (qpdf maps its references to the pages and annotations already
copied) and fixes it up in place: its elements go under one /Document element, its pages' and
annotations' keys and its parent tree are shifted past the keys of the parts before it, the IDs of
table headers (unique in one part only) get the part's number as a prefix, and so do the cells'
/Headers naming them. Elements WeasyPrint maps content to but leaves out of its tree (the page
margins' running heads and numbers) stay as it makes them: parented, not listed. A part in another
language than the whole keeps it: its elements carry /Lang. WeasyPrint makes an element of each
page's part of a box; an article's are joined again, so that an article is one /Art element, with
the footnotes of its pages.

Why qpdf: it parses and writes in C++; pypdf, which did this before, spent ~0.1 s reading each tagged
part's object streams in Python, for each article's own PDF and again for each edition.
"""

from __future__ import annotations

import io

from builder.pdf.fonts import share_fonts

ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"


class Assembly:
    """One PDF put together from laid-out parts, keeping their structure trees."""

    def __init__(self):
        import pikepdf
        from pikepdf import Array, Dictionary, Name

        self.pdf = pikepdf.new()
        self.root = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root, K=Array()))
        self.nums: list[tuple[int, object]] = []     # the parent tree: (key, element or array of elements)
        self.next_key = 0
        self.parts = 0
        self.head: tuple | None = None               # the first part's document information, XMP and version
        self.page_list: list = []                    # the whole's pages (pikepdf's own list costs O(pages) a lookup)
        self.page_mode: str | None = None            # e.g. "/UseOutlines"
        self.save_state = None                       # the content stream that opens every stamped page

    @property
    def pages(self) -> int:
        """How many pages the whole has so far."""
        return len(self.page_list)

    def append(self, pdf: bytes, *, bookmarks: bool = True, outline_item: str | None = None,
               language: str | None = None) -> list[tuple[int, object]]:
        """Append a part's pages with its bookmarks (or none; or one, outline_item, to its first page) and its
        structure; language: the part's own, if not the whole's. Returns its /Link elements as (page index, element)."""
        import pikepdf

        with pikepdf.open(io.BytesIO(pdf)) as source:        # qpdf copies what it takes as it copies
            if self.head is None:
                self.head = (self.pdf.copy_foreign(source.trailer.Info) if "/Info" in source.trailer else None,
                             self.pdf.copy_foreign(source.Root.Metadata) if "/Metadata" in source.Root else None,
                             source.pdf_version)
            start = self.pages
            self.pdf.add_pages_from(source, outlines="preserve" if bookmarks and outline_item is None else "ignore")
            self.page_list.extend(self.pdf.pages[start:])
            if outline_item is not None:
                with self.pdf.open_outline() as outline:
                    outline.root.append(pikepdf.OutlineItem(outline_item, start))
            tree = source.Root.get("/StructTreeRoot")
            if tree is None:
                return []
            self.parts += 1
            return _PartCopy(self, start, language).run(self.pdf.copy_foreign(tree))

    def stamp(self, index: int, form) -> None:
        """Draw form (a form XObject of another PDF: a page number) over page index, as a pagination artifact."""
        from pikepdf import Name

        target = self.page_list[index]
        taken = target.obj.get("/Resources", {}).get("/XObject", {})
        name = next(Name(f"/PageNumber{n}") for n in range(len(taken) + 1) if f"/PageNumber{n}" not in taken)
        target.add_resource(self.pdf.copy_foreign(form), Name.XObject, name)
        if self.save_state is None:         # one stream for every page: "q", keeping the page's own state apart
            self.save_state = self.pdf.make_stream(b"q\n")
        target.contents_add(self.save_state, prepend=True)
        target.contents_add(b"Q\n" + ARTIFACT + b"q " + str(name).encode() + b" Do Q\nEMC\n")

    def pad(self, pages: int = 0) -> None:
        """Keep the next part on a right-hand page: blank pages up to an even count (and at least pages)."""
        while self.pages % 2 or self.pages < pages:
            box = self.page_list[-1].mediabox
            self.page_list.append(self.pdf.add_blank_page(
                page_size=(float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))))

    def link(self, page_index: int, rect, target_page: int, description: str, element=None) -> None:
        """A link to target_page over rect, described for assistive technology, tagged as a /Link
        element (element: the one its text is in; None: a new one in the document)."""
        from pikepdf import Array, Dictionary, Name, String

        page = self.page_list[page_index].obj
        key = self.next_key
        self.next_key += 1
        annotation = self.pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([float(value) for value in rect]), Border=Array([0, 0, 0]),
            Dest=Array([self.page_list[target_page].obj, Name.Fit]), Contents=String(description), StructParent=key,
            P=page))
        if "/Annots" not in page:
            page.Annots = Array()
        page.Annots.append(annotation)
        if element is None:
            element = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=self.document, Pg=page,
                                                        K=Array()))
            self.document.K.append(element)
        if not isinstance(element.get("/K"), Array):
            element.K = Array([] if element.get("/K") is None else [element.K])
        element.K.append(Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page))
        self.nums.append((key, element))

    def finish(self, language: str) -> bytes:
        """The PDF, in language, with the first part's metadata (document information and XMP) and its
        title shown by viewers, written compact: its objects in object streams, its streams compressed."""
        import pikepdf
        from pikepdf import Array, Dictionary, Name, String

        pdf = self.pdf
        info, metadata, version = self.head
        if info is not None:
            pdf.trailer.Info = info
        if metadata is not None:
            pdf.Root.Metadata = metadata
        pdf.Root.Lang = String(language)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if self.page_mode:
            pdf.Root.PageMode = Name(self.page_mode)
        if self.parts:
            # One Array made at once: pikepdf's Array.extend copies the array (quadratic for 50,000 keys).
            nums = Array([item for key, value in sorted(self.nums, key=lambda pair: pair[0]) for item in (key, value)])
            self.root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
            self.root.ParentTreeNextKey = self.next_key
            self.root.K = Array([self.document])
            pdf.Root.StructTreeRoot = self.root
            pdf.Root.MarkInfo = Dictionary(Marked=True)
        share_fonts(pdf)            # after the structure is complete
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                 deterministic_id=True, min_version=version)
        return out.getvalue()


class _PartCopy:
    """The fix-up of one part's structure tree, copied into an Assembly (see the module's docstring)."""

    def __init__(self, assembly: Assembly, start: int, language: str | None):
        from pikepdf import Array

        self.assembly = assembly
        self.offset = assembly.next_key
        self.prefix = f"p{assembly.parts}-"
        self.language = language
        self.seen: set[tuple[int, int]] = set()
        self.joined: dict[tuple[int, int], object] = {}   # an element joined into its article -> the article
        self.head = 0                                # inside a table's head: its headers head columns
        self.links: list[tuple[int, object]] = []
        self.page_index: dict[tuple[int, int], int] = {}
        for index in range(start, assembly.pages):
            page = assembly.page_list[index].obj
            self.page_index[page.objgen] = index
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + self.offset
            annotations = page.get("/Annots")
            for annotation in annotations if isinstance(annotations, Array) else ():
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + self.offset

    def run(self, tree) -> list[tuple[int, object]]:
        from pikepdf import Array, Name, String

        document = self.assembly.document
        for top in _as_list(tree.get("/K")):
            kids = _as_list(top.get("/K")) if top.get("/S") == Name.Document else [top]
            article = None
            for kid in kids:
                self._element(kid, document)
                if article is not None:
                    self._join(article, kid)
                    continue
                if self.language:
                    kid.Lang = String(self.language)
                document.K.append(kid)
                if kid.get("/S") == Name.Art:
                    article = kid
        keys = []
        for key, value in _number_tree(tree.get("/ParentTree")):
            if isinstance(value, Array):
                value = Array([self._orphan(item) for item in value])
            else:
                value = self._orphan(value)
            keys.append(key)
            self.assembly.nums.append((key + self.offset, value))
        self.assembly.next_key = max([key + self.offset + 1 for key in keys] + [self.assembly.next_key])
        return self.links

    def _join(self, article, rest) -> None:
        """Make rest part of the article: the article's elements on a later page (WeasyPrint makes an
        element of each page's part of a box) join it, what else a later page holds (its footnotes)
        goes into it. A part holds one article."""
        from pikepdf import Array, Dictionary, Name

        if not isinstance(article.get("/K"), Array):
            article.K = Array(_as_list(article.get("/K")))
        if rest.get("/S") != Name.Art:
            rest.P = article
            article.K.append(rest)
            return
        for kid in _as_list(rest.get("/K")):
            if isinstance(kid, Dictionary):
                if "/P" in kid:
                    kid.P = article
                article.K.append(kid)
            else:                                   # a marked-content id on rest's page
                article.K.append(Dictionary(Type=Name.MCR, Pg=rest.Pg, MCID=kid))
        self.joined[rest.objgen] = article

    def _orphan(self, element):
        """The element the parent tree names: the article it was joined into, or, if the tree did not
        hold it, itself parented by the document."""
        from pikepdf import Dictionary

        if not isinstance(element, Dictionary):
            return element
        if element.objgen in self.joined:
            return self.joined[element.objgen]
        if element.objgen not in self.seen:
            self._element(element, self.assembly.document)
        return element

    def _element(self, element, parent) -> None:
        from pikepdf import Dictionary, Name, String

        element.P = parent
        if element.is_indirect:
            if element.objgen in self.seen:       # reached again (an orphan's kid before it): fixed up once
                return
            self.seen.add(element.objgen)
        kind = element.get("/S")
        if "/ID" in element:
            element.ID = String(self.prefix + str(element.ID))
        if "/A" in element:
            element.A = self._attributes(element.A)
        if kind == Name.TH:
            self._scope(element)
        if kind == Name.Link and "/Pg" in element:
            self.links.append((self.page_index[element.Pg.objgen], element))
        head = kind == Name.THead
        self.head += head
        for kid in _as_list(element.get("/K")):
            if isinstance(kid, Dictionary) and kid.get("/Type") not in (Name.MCR, Name.OBJR):
                self._element(kid, element)
        self.head -= head

    def _scope(self, header) -> None:
        """Say what a header cell heads, which WeasyPrint leaves to /Headers: its column in the
        table's head, its row in the body (where Markdown tables have none)."""
        from pikepdf import Dictionary, Name

        attributes = header.get("/A")
        if not isinstance(attributes, Dictionary) or "/Scope" in attributes:
            return
        attributes.Scope = Name.Column if self.head else Name.Row

    def _attributes(self, attributes):
        """The attributes as the element's own (a direct copy), their /Headers prefixed."""
        from pikepdf import Array, Dictionary, String

        if isinstance(attributes, Array):
            return Array([self._attributes(item) for item in attributes])
        if not isinstance(attributes, Dictionary):
            return attributes
        copy = Dictionary({key: attributes[key] for key in attributes.keys()})
        if "/Headers" in copy:
            copy.Headers = Array([String(self.prefix + str(header)) for header in copy.Headers])
        return copy


def _as_list(value) -> list:
    from pikepdf import Array

    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _number_tree(node) -> list[tuple[int, object]]:
    """The (key, value) pairs of a number tree, in order, its /Kids read."""
    if node is None:
        return []
    pairs = []
    nums = node.get("/Nums", [])
    pairs += [(int(nums[index]), nums[index + 1]) for index in range(0, len(nums) - 1, 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs
