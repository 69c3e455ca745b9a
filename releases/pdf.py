"""PDF rendering of documents with WeasyPrint: the same templates as the screen, print.css and
the fonts shipped in static/fonts/, never anything fetched over the network.

The output is A4, tagged PDF/UA-1 (`pdfinfo` says `Tagged: yes`), with title, author and
language metadata, a running header (the classification) and footer ("Page N of M").
"""

import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

STATIC_DIR = Path(settings.BASE_DIR, "static").resolve()
PRINT_CSS = STATIC_DIR / "css" / "print.css"
AUTHOR = "SECAS"

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


def render_pdf(html):
    """HTML text (from our templates, linking css/fonts relative to static/) -> PDF bytes.

    Title, author and language come from the HTML: <title>, <meta name="author"> and
    <html lang>."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = static_url_fetcher()
    base_url = STATIC_DIR.as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    stylesheet = CSS(
        filename=str(PRINT_CSS), font_config=font_config, url_fetcher=fetcher, base_url=base_url
    )
    return document.write_pdf(
        stylesheets=[stylesheet],
        font_config=font_config,
        pdf_variant="pdf/ua-1",
    )


def render_rid_pdf(rid, *, diff=None):
    """The PDF of a Rid value; with `diff` (a RidDiff), "Changes since version N" is appended."""
    html = render_to_string(
        "releases/rid/print.html", {"rid": rid, "diff": diff, "pdf": True, "author": AUTHOR}
    )
    return render_pdf(html)
