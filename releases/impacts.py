"""What a release's scope implies: the participant impact matrix, the SEC documents it changes and
the SEC document impact matrix (RID section 2, domain.md 3.5-3.6, R9).

Pure functions over scope items: they never query the database. Pass them the list returned by
`releases.selectors.scope_items(release)` (each item with its `modification` and the
modification's `sec_documents` prefetched), or any iterable of objects shaped like a `ScopeItem`
(`state`, `modification` with `pk`, `reference`, `number`, `suffix`, the five `impacts_*` flags
and `sec_documents.all()`).

Rules, the same for the release page and the RID:
- Only items in scope count (`state == "in_scope"`); items that fell out, were removed or moved
  are ignored. Targeted but not yet approved modifications count: "This section assumes all
  targeted modifications will be approved for inclusion in this release." (R9)
- A modification in scope with several parts (e.g. "part 2", "CTSD legal text") is one row or
  column, at the place of its first part.
- Modifications are in register order (numeric part, then split letter: SECMP0062, MP080,
  MP102A, MP102B, DP124); documents are in catalogue order (Sections, Schedules, Appendices).
- DCC Change Requests never appear: they are not part of a SEC Release (R8).
"""

from dataclasses import dataclass

from modifications.models import PARTICIPANT_COLUMNS

from .models import ScopeState

#: Column headings of the participant impact matrix, in the RID's fixed order.
PARTICIPANT_HEADINGS = tuple(label for _, label in PARTICIPANT_COLUMNS)


@dataclass(frozen=True)
class ParticipantRow:
    """One row of the participant impact matrix.

    `impacts` holds five booleans in the order of PARTICIPANT_HEADINGS:
    Suppliers | Electricity Networks | Gas Networks | Other SEC Parties | DCC.
    """

    reference: str
    impacts: tuple[bool, bool, bool, bool, bool]
    modification: object = None

    @property
    def cells(self):
        """(heading, ticked) pairs, handy for templates that label every cell."""
        return tuple(zip(PARTICIPANT_HEADINGS, self.impacts, strict=True))


@dataclass(frozen=True)
class DocumentRow:
    """One row of the SEC document impact matrix: a document and one tick per column."""

    document: object
    ticks: tuple[bool, ...]

    @property
    def label(self):
        """Short label used in the matrix, e.g. "Section H", "Appendix AD"."""
        return self.document.label


@dataclass(frozen=True)
class DocumentMatrix:
    """The SEC document impact matrix: columns are modification references in register order,
    rows are documents in catalogue order; `rows[i].ticks[j]` is True when the modification of
    column j changes the document of row i."""

    columns: tuple[str, ...]
    rows: tuple[DocumentRow, ...]

    def __bool__(self):
        return bool(self.rows)


def _register_key(modification):
    return (modification.number, modification.suffix, modification.reference)


def modifications_in_scope(scope_items):
    """The distinct modifications in scope, in register order."""
    seen = {}
    for item in scope_items:
        if item.state != ScopeState.IN_SCOPE:
            continue
        seen.setdefault(item.modification.pk, item.modification)
    return sorted(seen.values(), key=_register_key)


def participant_matrix(scope_items):
    """Rows of the participant impact matrix, one per modification in scope, register order."""
    return [
        ParticipantRow(
            reference=m.reference,
            impacts=tuple(bool(getattr(m, field)) for field, _ in PARTICIPANT_COLUMNS),
            modification=m,
        )
        for m in modifications_in_scope(scope_items)
    ]


def _documents_of(modification):
    return list(modification.sec_documents.all())


def sec_documents_impacted(scope_items):
    """Every SEC document changed by a modification in scope, once each, in catalogue order
    (Sections, then Schedules, then Appendices: the catalogue's `position`)."""
    documents = {}
    for modification in modifications_in_scope(scope_items):
        for document in _documents_of(modification):
            documents.setdefault(document.pk, document)
    return sorted(documents.values(), key=lambda d: (d.position, d.pk))


def document_matrix(scope_items):
    """The SEC document impact matrix of the modifications in scope.

    Every modification in scope is a column (register order), even one that changes no
    document; every document changed by at least one of them is a row (catalogue order).
    """
    modifications = modifications_in_scope(scope_items)
    changed = [{d.pk for d in _documents_of(m)} for m in modifications]
    rows = tuple(
        DocumentRow(document=document, ticks=tuple(document.pk in docs for docs in changed))
        for document in sec_documents_impacted(scope_items)
    )
    return DocumentMatrix(columns=tuple(m.reference for m in modifications), rows=rows)
