"""What a release's scope implies: the participant impact matrix, the SEC documents it changes and
the SEC document impact matrix (RID section 2, domain.md 3.5-3.6, R9).

Pure functions over scope items: they never query the database. Pass them the list returned by
`releases.selectors.scope_items(release)` (each item with its `modification` and the
modification's `sec_documents` prefetched), or any iterable of objects shaped like a `ScopeItem`
(`state`, `modification` with `pk`, `reference`, `number`, `suffix`, the five `impacts_*` flags
and `sec_documents.all()`; optionally `own_impacts` with the same impact fields on the item).

Rules, the same for the release page and the RID:
- Only items in scope count (`state == "in_scope"`); items that fell out, were removed or moved
  are ignored. Targeted but not yet approved modifications count: "This section assumes all
  targeted modifications will be approved for inclusion in this release." (R9)
- A modification in scope with several parts (e.g. "part 2", "CTSD legal text") is one row or
  column, at the place of its first part.
- A part with its own impacts (`ScopeItem.own_impacts`) counts with those impacts instead of the
  modification's; a modification with several parts in scope counts with what any of its parts
  impacts (`item_impacts`).
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


#: The DCC System artefacts of the "Impacts DUIS? / GBCS? / CH firmware?" table, in its order.
SYSTEM_IMPACTS = ("duis", "gbcs", "ch_firmware")
#: Which value wins when the parts of one modification in a release say different things.
_SYSTEM_IMPACT_RANK = {"no": 0, "tbc": 1, "yes": 2}


@dataclass(frozen=True)
class SystemImpact:
    """One cell of the DCC System impact table: "yes" (tick), "tbc" or "no" (blank), and the
    footnote text that explains it ("" for none)."""

    value: str
    footnote: str = ""


@dataclass(frozen=True)
class ItemImpacts:
    """What a scope item impacts: its own impacts for a part that has them
    (`ScopeItem.own_impacts`), otherwise its modification's."""

    participants: tuple[bool, bool, bool, bool, bool]
    impacts_dcc_systems: bool
    systems: tuple[SystemImpact, SystemImpact, SystemImpact]  # DUIS, GBCS, CH firmware
    documents: tuple


def item_impacts(item):
    """The impacts of one scope item (ItemImpacts): the part's own when it has them, else the
    modification's. No query when the documents are prefetched."""
    source = item if getattr(item, "own_impacts", False) else item.modification
    return ItemImpacts(
        participants=tuple(bool(getattr(source, field)) for field, _ in PARTICIPANT_COLUMNS),
        impacts_dcc_systems=bool(getattr(source, "impacts_dcc_systems", False)),
        systems=tuple(
            SystemImpact(
                getattr(source, f"{name}_impact", "no") or "no",
                (getattr(source, f"{name}_footnote", "") or "").strip(),
            )
            for name in SYSTEM_IMPACTS
        ),
        documents=tuple(source.sec_documents.all()),
    )


def _register_key(modification):
    return (modification.number, modification.suffix, modification.reference)


def _in_scope_by_modification(scope_items):
    """[(modification, [its items in scope])] in register order."""
    groups = {}
    for item in scope_items:
        if item.state != ScopeState.IN_SCOPE:
            continue
        groups.setdefault(item.modification.pk, (item.modification, []))[1].append(item)
    return sorted(groups.values(), key=lambda group: _register_key(group[0]))


def modifications_in_scope(scope_items):
    """The distinct modifications in scope, in register order."""
    return [modification for modification, _items in _in_scope_by_modification(scope_items)]


def _combined(items):
    """The impacts of a modification's parts in scope, together (ItemImpacts)."""
    each = [item_impacts(item) for item in items]
    documents = {}
    for impacts in each:
        for document in impacts.documents:
            documents.setdefault(document.pk, document)
    systems = []
    for n in range(len(SYSTEM_IMPACTS)):
        cells = [impacts.systems[n] for impacts in each]
        top = max(cells, key=lambda c: _SYSTEM_IMPACT_RANK.get(c.value, 0)).value
        notes = []
        for cell in cells:
            if cell.value == top and cell.footnote and cell.footnote not in notes:
                notes.append(cell.footnote)
        systems.append(SystemImpact(top, " ".join(notes)))
    return ItemImpacts(
        participants=tuple(any(i.participants[n] for i in each) for n in range(5)),
        impacts_dcc_systems=any(i.impacts_dcc_systems for i in each),
        systems=tuple(systems),
        documents=tuple(documents.values()),
    )


def participant_matrix(scope_items):
    """Rows of the participant impact matrix, one per modification in scope, register order."""
    return [
        ParticipantRow(
            reference=m.reference,
            impacts=_combined(items).participants,
            modification=m,
        )
        for m, items in _in_scope_by_modification(scope_items)
    ]


@dataclass(frozen=True)
class SystemImpactRow:
    """A row of the DCC System impact table: a modification in scope that impacts the DCC
    Systems and its DUIS, GBCS and CH firmware impacts."""

    modification: object
    items: tuple
    duis: SystemImpact
    gbcs: SystemImpact
    ch_firmware: SystemImpact

    @property
    def reference(self):
        return self.modification.reference


def system_impact_rows(scope_items):
    """The modifications in scope that impact the DCC Systems (register order), each with its
    DUIS, GBCS and CH firmware impact and footnote (the OPSG paper's "Impacts DCC Systems?"
    columns, domain.md 3.2)."""
    rows = []
    for modification, items in _in_scope_by_modification(scope_items):
        impacts = _combined(items)
        if impacts.impacts_dcc_systems:
            rows.append(SystemImpactRow(modification, tuple(items), *impacts.systems))
    return rows


def sec_documents_impacted(scope_items):
    """Every SEC document changed by a modification in scope, once each, in catalogue order
    (Sections, then Schedules, then Appendices: the catalogue's `position`)."""
    documents = {}
    for _modification, items in _in_scope_by_modification(scope_items):
        for document in _combined(items).documents:
            documents.setdefault(document.pk, document)
    return sorted(documents.values(), key=lambda d: (d.position, d.pk))


def document_matrix(scope_items):
    """The SEC document impact matrix of the modifications in scope.

    Every modification in scope is a column (register order), even one that changes no
    document; every document changed by at least one of them is a row (catalogue order).
    """
    groups = _in_scope_by_modification(scope_items)
    changed = [{d.pk for d in _combined(items).documents} for _m, items in groups]
    rows = tuple(
        DocumentRow(document=document, ticks=tuple(document.pk in docs for docs in changed))
        for document in sec_documents_impacted(scope_items)
    )
    return DocumentMatrix(columns=tuple(m.reference for m, _items in groups), rows=rows)
