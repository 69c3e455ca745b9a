"""PDF rendering of documents with WeasyPrint: the same templates as the screen, print.css and
the fonts shipped in static/fonts/, never anything fetched over the network.

The output is A4, tagged PDF/UA-1 (`pdfinfo` says `Tagged: yes`), with title, author and
language metadata, a running header (the classification) and footer ("Page N of M").

WeasyPrint 70 tags the document but leaves four things PDF/UA-1 (ISO 14289-1) asks for, which
`finish_pdf_ua` adds to its PDF objects before they are written (WeasyPrint's `finisher` hook):

- header cells carry /Scope (/Column for a <th> of the <thead>, /Row for one in a body row, as
  the templates write scope="col" and scope="row"; WeasyPrint reads scope only for /Headers);
- the running header and footer (page margin boxes) are marked as /Artifact /Pagination:
  WeasyPrint marks their text as content but leaves it out of the structure tree;
- every link annotation has a description (/Contents) saying what it points to: the link's
  text or aria-label, ", page N" for a link inside the document; and the Print flag;
- a Contents entry (`<a class="doc-toc-link">` followed by `<span class="doc-toc-page">`
  drawing the dot leader and page number) reads as "1. Scope, page 3", not as the dots: the
  leader span gets that as /ActualText.

Relative links (an in-app page such as /modifications/MP106/) resolve against
settings.SITE_URL, so a link in a PDF opens the product, never a file:/// path.
"""

import atexit
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.utils.safestring import mark_safe

STATIC_DIR = Path(settings.BASE_DIR, "static").resolve()
PRINT_CSS = STATIC_DIR / "css" / "print.css"
AUTHOR = "SECAS"
PDF_VARIANT = "pdf/ua-1"

logger = logging.getLogger(__name__)

_fetcher = None


def site_url():
    """The absolute URL of the product, ending with "/" (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + "/"


def static_url_fetcher():
    """A WeasyPrint URL fetcher that serves files under static/ (also when named by their
    product URL, SITE_URL + STATIC_URL + path) and refuses everything else (http, https, data
    outside, files elsewhere on disk)."""
    global _fetcher
    if _fetcher is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class StaticFilesOnly(URLFetcher):
            def fetch(self, url, headers=None):
                static_prefix = site_url() + settings.STATIC_URL.lstrip("/")
                if url.startswith(static_prefix):
                    url = (STATIC_DIR / url.removeprefix(static_prefix)).as_uri()
                if not url.startswith("file:"):
                    raise ValueError(f"Only local static files are fetched, not {url}")
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not path.is_relative_to(STATIC_DIR) or not path.is_file():
                    raise ValueError(f"Not a static file: {url}")
                return URLFetcherResponse(path.as_uri(), path.read_bytes())

        _fetcher = StaticFilesOnly(allowed_protocols={"file"})
    return _fetcher


_print_style = threading.local()


@atexit.register
def _forget_print_style():
    """Drop the main thread's pair before the interpreter tears modules down: the font
    configuration deletes its temporary font folder in __del__, which fails that late."""
    _print_style.__dict__.clear()


def print_style():
    """(FontConfiguration, print.css as a WeasyPrint CSS) for this thread, made once.

    Parsing print.css and building a font configuration (the system fonts, then the shipped
    fonts of its @font-face rules) took ~20 ms of every render. Both only depend on print.css
    and static/fonts/, which do not change while the process runs, and WeasyPrint reuses them
    across documents (a CSS object belongs to the FontConfiguration it was parsed with, so they
    are kept together). One pair per thread: neither is documented as thread-safe."""
    cached = getattr(_print_style, "value", None)
    if cached is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        # print.css links its fonts relative to itself (../fonts/...).
        stylesheet = CSS(
            filename=str(PRINT_CSS),
            font_config=font_config,
            url_fetcher=static_url_fetcher(),
            base_url=PRINT_CSS.as_uri(),
        )
        cached = _print_style.value = (font_config, stylesheet)
    return cached


def render_document(html):
    """Lay out HTML text (from our templates, linking css/fonts relative to static/) and return
    (PDF bytes, {anchor id: page number}).

    Title, author and language come from the HTML: <title>, <meta name="author"> and
    <html lang>."""
    from weasyprint import HTML

    font_config, stylesheet = print_style()
    fetcher = static_url_fetcher()
    # Links in the document (/modifications/MP106/) point to the product; anchors (#rid-scope)
    # stay inside the PDF.
    base_url = site_url()
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config, pdf_variant=PDF_VARIANT
    )
    pages = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_pdf_ua), pages


def render_pdf(html):
    """HTML text -> PDF bytes (see render_document)."""
    return render_document(html)[0]


def css_string(text):
    """A CSS string literal (for running headers), safe to put in a <style> element."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,-()" else f"\\{ord(ch):x} " for ch in text)
    return mark_safe(f'"{escaped}"')


# -- PDF/UA: what WeasyPrint 70 leaves out (see the module docstring) -----------------------------

TOC_LINK_CLASS = "doc-toc-link"
TOC_PAGE_CLASS = "doc-toc-page"
_ANNOTATION_PRINT = 4


def finish_pdf_ua(document, pdf):
    """WeasyPrint finisher: add /Scope to header cells, mark the running header and footer as
    pagination artifacts, describe every link and make Contents entries read "1. Scope, page 3".
    Works on the PDF objects WeasyPrint is about to write (pydyf); the layout is not changed."""
    root = pdf.catalog.get("StructTreeRoot")
    if root is None:
        return
    objects = pdf.objects
    root = _resolve(objects, root)
    elements = [o for o in objects if isinstance(o, dict) and o.get("Type") == "/StructElem"]
    _scope_header_cells(objects, elements)
    _pagination_artifacts(pdf, objects, root)
    _describe_links(document, objects, elements)


def _resolve(objects, reference):
    return objects[int(reference.split()[0])]


def _scope_header_cells(objects, elements):
    import pydyf

    for element in elements:
        if element["S"] != "/TH":
            continue
        row = _resolve(objects, element["P"])
        group = _resolve(objects, row["P"]) if row.get("S") == "/TR" else None
        in_head = group is not None and group.get("S") == "/THead"
        element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        element["A"]["Scope"] = "/Column" if in_head else "/Row"


def _reachable(objects, root):
    seen = set()
    stack = [r for r in _kids(root)]
    while stack:
        reference = stack.pop()
        number = int(reference.split()[0])
        if number in seen:
            continue
        seen.add(number)
        obj = objects[number]
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem":
            stack.extend(_kids(obj))
    return seen


def _kids(element):
    kids = element.get("K", ())
    if isinstance(kids, (bytes, str, int)):
        kids = [kids]
    return [k for k in kids if isinstance(k, bytes) and k.endswith(b" R")]


def _pagination_artifacts(pdf, objects, root):
    """Text of the page margin boxes is marked content whose structure elements WeasyPrint
    leaves out of the tree: mark it /Artifact /Pagination and drop it from the parent tree."""
    import pydyf

    reachable = _reachable(objects, root)
    orphans = {}  # page reference -> {mcid}
    for obj in objects:
        if not (isinstance(obj, dict) and obj.get("Type") == "/StructElem"):
            continue
        if obj.number in reachable:
            continue
        kids = obj.get("K", ())
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                orphans.setdefault(obj["Pg"], set()).add(kid)
    if not orphans:
        return
    page_refs = list(pdf.page_references)
    nums = _resolve(objects, root["ParentTree"])["Nums"]
    for page_ref, mcids in orphans.items():
        page_index = page_refs.index(page_ref)
        page = _resolve(objects, page_ref)
        stream = _resolve(objects, page["Contents"])
        items = stream.stream
        for n, item in enumerate(items):
            if isinstance(item, dict) and item.get("MCID") in mcids and n > 0:
                items[n - 1] = "/Artifact"
                items[n] = pydyf.Dictionary({"Type": "/Pagination"})
        parents = None
        for n in range(0, len(nums) - 1, 2):
            if nums[n] == page_index:
                parents = nums[n + 1]
                break
        if parents is not None:
            for mcid in mcids:
                if mcid < len(parents):
                    parents[mcid] = b"null"


def _text(element):
    return " ".join("".join(element.itertext()).split())


def _describe_links(document, objects, elements):
    """Every link annotation: /Contents saying what it points to, and the Print flag; the
    dot leader of a Contents entry reads ", page N"."""
    import pydyf

    pages = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    link_elements = {}
    for element in elements:
        if element["S"] != "/Link":
            continue
        for kid in _kids(element):
            obj = _resolve(objects, kid)
            if isinstance(obj, dict) and obj.get("Type") == "/OBJR":
                link_elements[obj["Obj"]] = element
    for page in document.pages:
        for box in _descendants(page._page_box):
            annotation = getattr(box, "link_annotation", None)
            if annotation is None or box.element is None:
                continue
            html = box.element
            label = html.get("aria-label") or _text(html) or html.get("href", "")
            target = annotation.get("Dest")
            page_number = pages.get(getattr(target, "string", target)) if target else None
            if page_number and TOC_LINK_CLASS in (html.get("class") or "").split():
                label = f"{label}, page {page_number}"
                leader = _next_sibling_element(objects, link_elements.get(annotation.reference))
                if leader is not None:
                    leader["ActualText"] = pydyf.String(f", page {page_number}")
            elif page_number and not label.endswith(f"page {page_number}"):
                label = f"{label} (page {page_number})"
            annotation["Contents"] = pydyf.String(label)
            annotation["F"] = _ANNOTATION_PRINT
            element = link_elements.get(annotation.reference)
            if element is not None:
                element["Alt"] = pydyf.String(label)


def _next_sibling_element(objects, element):
    if element is None:
        return None
    parent = _resolve(objects, element["P"])
    kids = _kids(parent)
    if element.reference in kids:
        index = kids.index(element.reference)
        if index + 1 < len(kids):
            return _resolve(objects, kids[index + 1])
    return None


def _descendants(box):
    stack = [box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", ()))
