"""Characters the PDFs can print.

The RID and the OPSG paper are printed with the fonts shipped in static/fonts/ (Liberation Sans,
then DejaVu Sans for what it lacks); a character neither font has would print as an empty box, or
in whatever font the machine happens to have. So text that reaches a PDF is refused at input when
it holds such a character (an emoji, a full-width or CJK character...), with a message next to the
field that names it. Right-to-left scripts the fonts have (Hebrew, Arabic) are accepted, and so are
the invisible formatting characters (bidirectional marks and isolates, joiners, variation
selectors): the documents isolate user text (<bdi>), so they never reorder the words around it.

Models name their fields that reach a PDF in a `pdf_text_fields` class attribute and inherit
`PrintableTextMixin`, which checks them in `clean_fields`: every ModelForm (the message appears
next to the field, with what was typed kept) and every service (they all full_clean before
saving) refuses the text the same way, so forms, admin, commands and the demo loader agree.

The fonts' character maps are read once per process with fontTools (a WeasyPrint dependency).
"""

import functools
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

FONT_FILES = ("LiberationSans-Regular.ttf", "DejaVuSans.ttf")

#: Characters that print nothing and need no glyph: line breaks and tabs, and invisible format
#: characters (Unicode general category Cf: bidi marks and isolates, joiners, soft hyphen...)
#: or variation selectors.
_ALWAYS_ALLOWED = frozenset("\n\r\t")


@functools.cache
def printable_codepoints():
    """The set of code points the shipped PDF fonts draw."""
    from fontTools.ttLib import TTFont

    fonts_dir = Path(settings.BASE_DIR, "static", "fonts")
    points = set()
    for name in FONT_FILES:
        font = TTFont(fonts_dir / name, lazy=True)
        points.update(font.getBestCmap())
        font.close()
    return frozenset(points)


def _invisible(char):
    return (
        char in _ALWAYS_ALLOWED
        or unicodedata.category(char) == "Cf"
        or 0xFE00 <= ord(char) <= 0xFE0F
    )


def unprintable(text):
    """The characters of `text` the PDF fonts cannot draw, each once, in order of appearance."""
    points = printable_codepoints()
    found = []
    for char in text or "":
        if ord(char) not in points and not _invisible(char) and char not in found:
            found.append(char)
    return found


def describe(char):
    """'“😀” (U+1F600 GRINNING FACE)'"""
    name = unicodedata.name(char, "unnamed character")
    return f"\u201c{char}\u201d (U+{ord(char):04X} {name})"


def unprintable_message(chars):
    """The sentence shown next to a field holding characters the PDFs cannot print."""
    shown = ", ".join(describe(c) for c in chars[:3])
    more = f" and {len(chars) - 3} more" if len(chars) > 3 else ""
    return (
        f"The PDF documents cannot print {shown}{more}: the shipped fonts have no such "
        "character, so it would print as an empty box. Remove it, or write it in words."
    )


def validate_printable(value):
    """A Django validator: refuses text holding characters the PDF fonts cannot draw."""
    chars = unprintable(value if isinstance(value, str) else "")
    if chars:
        raise ValidationError(unprintable_message(chars), code="unprintable")


class PrintableTextMixin:
    """Model mixin: `clean_fields` also refuses, in each of the model's `pdf_text_fields`,
    characters the PDF fonts cannot draw (a ValidationError on that field)."""

    pdf_text_fields = ()

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name in self.pdf_text_fields:
            if (exclude and name in exclude) or name in errors:
                continue
            value = getattr(self, name, "")
            chars = unprintable(value if isinstance(value, str) else "")
            if chars:
                errors[name] = [ValidationError(unprintable_message(chars), code="unprintable")]
        if errors:
            raise ValidationError(errors)
