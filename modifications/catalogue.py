"""The shape of SEC document codes and the catalogue's listing order (domain.md 3.6), as pure
functions: services.sec_document_create/_update use them, and migrations 0005 and 0011 hold copies.

- Sections are one letter (A 'Definitions and Interpretation' ... X 'Transition').
- Schedules are numbered (1 'Framework Agreement' ... 11 'TS Applicability Tables').
- Appendices are one or two letters (A ... Z, then AA ... AZ, BA ...).

Listing order: Sections, then Schedules, then Appendices; letters alphabetically with single
letters before double ones (X, Y, AA, AB), numbers numerically (7, 8, 10).
"""

import re

from .models import SECDocumentKind

K = SECDocumentKind

KIND_WORDS = {K.SECTION: "Section", K.SCHEDULE: "Schedule", K.APPENDIX: "Appendix"}
CODE_PATTERNS = {
    K.SECTION: re.compile(r"^[A-Z]$"),
    K.SCHEDULE: re.compile(r"^[1-9][0-9]?$"),
    K.APPENDIX: re.compile(r"^[A-Z]{1,2}$"),
}
CODE_SHAPES = {
    K.SECTION: "one letter, e.g. H",
    K.SCHEDULE: "a number from 1 to 99, e.g. 8",
    K.APPENDIX: "one or two letters, e.g. I or AB",
}
KIND_BASE = {K.SECTION: 0, K.SCHEDULE: 10_000, K.APPENDIX: 20_000}


class CodeError(ValueError):
    """A code that is not the shape of its kind; the message is a sentence for the analyst."""


def normalise_code(kind, text):
    """'ab', ' Appendix AB ' -> 'AB' for an Appendix; '08' -> '8' for a Schedule.

    kind: a SECDocumentKind value. Raises CodeError (a sentence) when the code is not the
    shape of its kind (CODE_SHAPES)."""
    word = KIND_WORDS[kind]
    code = " ".join((text or "").split()).upper()
    if code.startswith(word.upper() + " "):
        code = code[len(word) + 1 :]
    code = code.replace(" ", "")
    if kind == K.SCHEDULE and code.isdigit():
        code = str(int(code))
    if not CODE_PATTERNS[kind].match(code):
        shown = (text or "").strip() or "(empty)"
        raise CodeError(f"{shown} is not a {word} code: a {word} is {CODE_SHAPES[kind]}.")
    return code


def position(kind, code):
    """The catalogue's listing order of a (normalised) code: an integer, smaller first.

    Sections 10-260, Schedules 10_010-10_990, Appendices 20_010 (A) ... 20_260 (Z),
    20_270 (AA) ... : single letters before double letters, as the SEC lists them."""
    if kind == K.SCHEDULE:
        rank = int(code)
    else:
        rank = 0
        for letter in code:
            rank = rank * 26 + (ord(letter) - ord("A") + 1)
    return KIND_BASE[kind] + rank * 10
