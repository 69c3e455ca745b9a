"""PDF rendering of documents with WeasyPrint: the same templates as the screen, print.css and
the fonts shipped in static/fonts/, never anything fetched over the network.

The output is A4, tagged PDF/UA-1 (`pdfinfo` says `Tagged: yes`), with title, author and
language metadata, a running header (the classification) and footer ("Page N of M").
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


def static_url_fetcher():
    """A WeasyPrint URL fetcher that serves files under static/ and refuses everything else
    (http, https, data outside, files elsewhere on disk)."""
    global _fetcher
    if _fetcher is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class StaticFilesOnly(URLFetcher):
            def fetch(self, url, headers=None):
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
    base_url = STATIC_DIR.as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config, pdf_variant=PDF_VARIANT
    )
    pages = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return document.write_pdf(pdf_variant=PDF_VARIANT), pages


def render_pdf(html):
    """HTML text -> PDF bytes (see render_document)."""
    return render_document(html)[0]


def css_string(text):
    """A CSS string literal (for running headers), safe to put in a <style> element."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,-()" else f"\\{ord(ch):x} " for ch in text)
    return mark_safe(f'"{escaped}"')
