"""The RID as HTML for print and as PDF (WeasyPrint through releases.pdf): the same templates as
the screen page, print.css, the classification in the running header."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from secrelease import caching

from .. import pdf
from ..models import RidVersion
from ..pdf import AUTHOR, PRINT_CSS, css_string
from .document import Rid


def render_rid_screen_html(rid):
    """The document as the web page shows it (templates/releases/rid/_document.html)."""
    return mark_safe(render_to_string("releases/rid/_document.html", {"rid": rid}))


def issued_version_html(version):
    """The screen HTML of an issued version (a RidVersion from rid_versions: its content is
    not loaded), from its stored content. It never changes, so it is made once and kept
    (secrelease.caching.immutable: no query when this process has it, one when another worker
    made it); only then is the content read and decoded."""

    def build():
        content = RidVersion.objects.filter(pk=version.pk).values_list("content", flat=True).get()
        return str(render_rid_screen_html(Rid.from_json(content)))

    key = ("rid-version-html", version.pk, version.pdf_sha256)
    return mark_safe(caching.immutable(key, build))


def comparison_title(rid, diff):
    """The running header of a comparison copy: it says on every page that it is not an issued
    version (short enough for one line)."""
    since = f"v{diff.from_version}" if diff.from_version else "the previous version"
    return (
        f"COMPARISON COPY, not an issued version: {rid.release_name} RID v{rid.version} with "
        f"the changes since {since}"
    )


def rid_print_context(rid, *, diff=None):
    return {
        "rid": rid,
        "diff": diff,
        "pdf": True,
        "author": AUTHOR,
        "document_title": (
            f"{rid.document_title} – comparison copy with the changes since version "
            f"{diff.from_version}"
            if diff
            else rid.document_title
        ),
        "running_title": css_string(comparison_title(rid, diff) if diff else rid.running_title),
        "running_classification": css_string(
            f"This document has a Classification of {rid.classification_label}"
        ),
    }


def render_rid_html(rid, *, diff=None):
    """The HTML WeasyPrint lays out (print.css is given to WeasyPrint separately)."""
    return render_to_string("releases/rid/print.html", rid_print_context(rid, diff=diff))


def render_rid_standalone_html(rid):
    """A self-contained HTML file of the document (for export): the print layout with print.css
    inlined and the Contents page numbers of the version's PDF."""
    context = rid_print_context(rid)
    context.update(pdf=False, inline_css=PRINT_CSS.read_text(encoding="utf-8"))
    return render_to_string("releases/rid/print.html", context)


def render_rid_pdf(rid, *, diff=None):
    """The PDF of a Rid value; with `diff` (a RidDiff), a comparison copy: "Appendix 3: Changes
    since version N" is appended and listed in the Contents, and the cover and the running header
    of every page say it is a comparison copy, not an issued version."""
    return pdf.render_pdf(render_rid_html(rid, diff=diff))


def render_rid(rid):
    """(PDF bytes, the Rid with the page number of each of its Contents entries), from one
    layout: an issued version stores both, so its web page shows the Contents page numbers of
    its PDF."""
    pdf_bytes, anchors = pdf.render_document(render_rid_html(rid))
    return pdf_bytes, rid.with_pages(anchors)
