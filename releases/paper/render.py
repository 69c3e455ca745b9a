"""The OPSG paper as print HTML and as a tagged PDF (WeasyPrint through releases.pdf)."""

from django.template.loader import render_to_string

from .. import pdf
from ..pdf import AUTHOR, css_string


def paper_print_html(value):
    return render_to_string(
        "releases/paper/print.html",
        {
            "paper": value,
            "pdf": True,
            "author": AUTHOR,
            "running_title": css_string(value.header),
            "running_classification": css_string(
                f"This document has a Classification of {value.classification_label}"
            ),
        },
    )


def paper_pdf_bytes(value):
    return pdf.render_pdf(paper_print_html(value))
