"""What changed between two versions of a RID: a pure function of two Rid values.

    diff(old, new) -> RidDiff: a list of Changes, each in the section of the document it belongs
    to (cover, scope, impacts, timeline, test strategy, costs, acceptance criteria, glossary).

The comparison walks the whole Rid value generically (the frozen dataclasses of document.py), so
anything the document prints is compared: every field of Rid is either in a SECTION or in
NOT_COMPARED (the test suite checks that, and changes every leaf of a sample Rid in turn).
Collections are matched by identity, not position: a modification by its number, split letter and
part (a Draft Proposal keeps its number when converted: DP153 in version 5.0 is MP153 in 7.0),
matrix rows by modification or SEC document and matrix cells by column, timeline rows by event,
cost lines by activity, glossary rows by acronym. Prose (summaries, impact texts, test strategy,
costs wording, criteria) is compared word by word.
"""

import dataclasses
import datetime
import difflib
import re
from dataclasses import dataclass

from modifications.references import ReferenceError, parse_modification_reference
from secrelease.text import long_date

from .document import version_key

# (key, heading, Rid fields) in reading order of the document.
SECTIONS = (
    (
        "cover",
        "Cover and classification",
        ("release_name", "release_slug", "go_live_date", "classification", "classification_label")
        + ("managed_by",),
    ),
    ("scope", "Scope", ("approved", "targeted", "change_requests", "impacts_dcc_systems")),
    (
        "impacts",
        "Impacts",
        (
            "participant_columns",
            "participant_matrix",
            "party_impacts",
            "dcc_impacts",
            "documents",
            "document_matrix_columns",
            "document_matrix",
            "other_code_impacts",
            "dcc_impacts_wording",
            "system_impacts_wording",
            "system_impacts",
            "system_footnotes",
        ),
    ),
    ("timeline", "Timeline", ("timeline",)),
    (
        "testing",
        "Test strategy",
        ("pit_required", "sit_required", "uit_required", "test_strategy_text", "user_testing_text")
        + ("test_strategy_wording", "user_testing_wording"),
    ),
    (
        "costs",
        "Costs",
        ("dcc_cost", "dcc_costs_text", "secas_costs", "secas_costs_note", "dcc_costs_wording"),
    ),
    ("criteria", "Acceptance criteria", ("acceptance_criteria",)),
    ("glossary", "Glossary", ("glossary", "glossary_unknown")),
)
# Fields of Rid that are not compared as content: the version's own number and date and the
# document history (shown as the table of versions issued in between), when the value was built,
# the Contents page numbers (they follow from the layout) and the stored schema number.
NOT_COMPARED = ("version", "version_date", "history", "built_at", "contents_pages", "schema")

FIELD_LABELS = {
    "release_name": "Release name",
    "release_slug": "Release address (slug)",
    "go_live_date": "Go-live",
    "classification": "Classification",
    "classification_label": "Classification wording",
    "managed_by": "Managed by",
    "change_requests": "DCC Change Request alongside",
    "impacts_dcc_systems": "Impacts the DCC Systems",
    "participant_columns": "Participant matrix columns",
    "party_impacts": "SEC Party impacts",
    "dcc_impacts": "DCC impacts",
    "documents": "SEC document impacted",
    "other_code_impacts": "Other Code impacts",
    "timeline": "Timeline",
    "pit_required": "Pre-Integration Testing (PIT)",
    "sit_required": "Systems Integration Testing (SIT)",
    "uit_required": "User Integration Testing (UIT)",
    "test_strategy_text": "Test strategy",
    "user_testing_text": "User testing impacts",
    "dcc_cost": "DCC implementation cost",
    "dcc_costs_text": "DCC costs",
    "secas_costs": "SECAS",
    "secas_costs_note": "SECAS costs note",
    "acceptance_criteria": "Acceptance criterion",
    "glossary": "Glossary",
    "glossary_unknown": "Acronyms not in the glossary",
    "dcc_impacts_wording": "DCC impacts wording",
    "system_impacts_wording": "DCC System impacts wording",
    "system_impacts": "DCC System impacts",
    "system_footnotes": "DCC System impacts footnote",
    "test_strategy_wording": "Test strategy wording",
    "user_testing_wording": "User testing wording",
    "dcc_costs_wording": "DCC costs wording",
    "other_parts": "other parts",
    # inside rows
    "title": "title",
    "summary": "scope summary",
    "url": "web page",
    "status": "status",
    "status_label": "status wording",
    "approved": "state",
    "impacts_dcc_systems_mod": "impacts the DCC Systems",
    "lines": "text",
    "notes": "notes",
    "date": "date",
    "end_date": "end date",
    "event": "event",
    "effort_days": "effort",
    "cost": "cost",
    "is_maximum": "estimate is a maximum",
    "activity": "activity",
    "full_term": "full term",
    "reference": "reference",
    "part_label": "part",
    "label": "label",
}


@dataclass(frozen=True)
class Segment:
    """A run of words in a prose diff. op: "equal", "insert" or "delete"."""

    op: str
    text: str


@dataclass(frozen=True)
class Change:
    """One change. kind: "added", "removed" or "changed"; section: a SECTIONS key; field: the
    Rid field it is in; what: what changed, in the document's terms; before/after: short values;
    segments: the word-level diff when the value is prose."""

    kind: str
    what: str
    before: str = ""
    after: str = ""
    section: str = ""
    field: str = ""
    segments: tuple[Segment, ...] = ()

    @property
    def is_prose(self):
        return bool(self.segments)


@dataclass(frozen=True)
class DiffSection:
    key: str
    heading: str
    changes: tuple[Change, ...]

    @property
    def listed(self):
        return tuple(c for c in self.changes if not c.is_prose)

    @property
    def prose(self):
        return tuple(c for c in self.changes if c.is_prose)


@dataclass(frozen=True)
class RidDiff:
    from_version: str
    to_version: str
    changes: tuple[Change, ...]
    history: tuple  # HistoryRow of the versions after from_version up to to_version

    @property
    def sections(self):
        """The non-empty sections, in reading order."""
        result = []
        for key, heading, _fields in SECTIONS:
            changes = tuple(c for c in self.changes if c.section == key)
            if changes:
                result.append(DiffSection(key, heading, changes))
        return result

    def section(self, key):
        return tuple(c for c in self.changes if c.section == key)

    def in_field(self, *fields):
        return tuple(c for c in self.changes if c.field in fields)

    @property
    def prose(self):
        return tuple(c for c in self.changes if c.is_prose)

    @property
    def is_empty(self):
        return not self.changes

    @property
    def counts(self):
        return {s.heading: len(s.changes) for s in self.sections}


# -- word-level prose diff -------------------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(before, after):
    """Word-level diff of two texts as segments (whitespace kept with the words)."""
    a, b = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    segments = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return tuple(_merge(segments))


def _merge(segments):
    merged = []
    for seg in segments:
        if not seg.text:
            continue
        if merged and merged[-1].op == seg.op:
            merged[-1] = Segment(seg.op, merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return merged


# -- values as text --------------------------------------------------------------------------


def _is_prose(text):
    return isinstance(text, str) and len(text.split()) > 4


def _text(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return long_date(value)
    if value is None or value == "":
        return "none"
    if isinstance(value, tuple):
        return "; ".join(_text(v) for v in value) or "none"
    return str(value)


def _tick(value):
    return "impacted" if value else "not impacted"


def _ticked(names):
    return f"ticked: {', '.join(names)}" if names else "nothing ticked"


def _needed(value):
    return "needed" if value else "not needed"


def _mod_identity(reference):
    """A modification's identity across versions: its number and split letter."""
    try:
        parsed = parse_modification_reference(reference)
    except ReferenceError:
        return (reference, "")
    return (parsed.number, parsed.suffix)


def _state(m):
    return "approved" if m.approved else f"targeted, {m.status_label}"


def _cost_line(line):
    return f"{line.effort_words}, around {line.cost_text}" + (
        " (a maximum)" if line.is_maximum else ""
    )


# -- the walk --------------------------------------------------------------------------------


class _Collector:
    def __init__(self):
        self.changes = []
        self.section = ""
        self.field = ""

    def add(self, kind, what, before="", after=""):
        self.changes.append(Change(kind, what, before, after, self.section, self.field))

    def leaf(self, what, old, new, *, show=_text):
        """A changed value: prose gets a word diff, anything else before and after."""
        if old == new:
            return
        if _is_prose(old) or _is_prose(new):
            self.changes.append(
                Change(
                    "changed",
                    what,
                    old or "",
                    new or "",
                    self.section,
                    self.field,
                    word_diff(old or "", new or ""),
                )
            )
        else:
            self.add("changed", what, show(old), show(new))

    def fields(self, prefix, old, new, *, skip=(), shows=None):
        """Every field of two dataclass values of the same type, generically."""
        shows = shows or {}
        for f in dataclasses.fields(type(new)):
            if f.name in skip:
                continue
            a, b = getattr(old, f.name), getattr(new, f.name)
            if a == b:
                continue
            label = f"{prefix}: {FIELD_LABELS.get(f.name, f.name.replace('_', ' '))}"
            if isinstance(b, tuple) and all(isinstance(x, str) for x in (*a, *b)):
                self.leaf(label, "\n".join(a), "\n".join(b))
            elif dataclasses.is_dataclass(b):
                self.fields(label, a, b)
            else:
                self.leaf(label, a, b, show=shows.get(f.name, _text))

    def keyed(self, prefix, old, new, *, key, label, describe=None, compare=None):
        """Two collections matched by key: added, removed, and the fields of the others."""
        old_by, new_by = _index(old, key), _index(new, key)
        for k, item in new_by.items():
            if k not in old_by:
                self.add(
                    "added", f"{prefix}{label(item)}", after=describe(item) if describe else ""
                )
        for k, item in old_by.items():
            if k not in new_by:
                self.add(
                    "removed", f"{prefix}{label(item)}", before=describe(item) if describe else ""
                )
        for k, item in new_by.items():
            if k in old_by and old_by[k] != item:
                if compare:
                    compare(f"{prefix}{label(item)}", old_by[k], item)
                else:
                    self.fields(f"{prefix}{label(item)}", old_by[k], item)


def _index(items, key):
    """{key: item}; a repeated key gets its occurrence number so that nothing is lost."""
    result = {}
    for item in items:
        k = key(item)
        n = 1
        while (k, n) in result:
            n += 1
        result[(k, n)] = item
    return result


def _matrix(c, prefix, old_columns, old_rows, new_columns, new_rows, *, row_key, column_key):
    """A tick matrix compared cell by cell: rows matched by row_key, cells by column."""
    old_cols = [column_key(x) for x in old_columns]
    new_cols = [column_key(x) for x in new_columns]
    new_names = dict(zip(new_cols, new_columns, strict=True))
    old_names = dict(zip(old_cols, old_columns, strict=True))
    for col in new_cols:
        if col not in old_cols:
            c.add("added", f"{prefix}: column {new_names[col]}")
    for col in old_cols:
        if col not in new_cols:
            c.add("removed", f"{prefix}: column {old_names[col]}")
    old_by = {row_key(r.label): r for r in old_rows}
    new_by = {row_key(r.label): r for r in new_rows}
    for k, row in new_by.items():
        now = dict(zip(new_cols, row.cells, strict=False))
        was_row = old_by.get(k)
        if was_row is None:
            ticked = [new_names[col] for col, v in now.items() if v]
            c.add("added", f"{prefix}: {row.label}", after=_ticked(ticked))
            continue
        if was_row.label != row.label:
            c.add("changed", f"{prefix}: row label", was_row.label, row.label)
        was = dict(zip(old_cols, was_row.cells, strict=False))
        for col in new_cols:
            if col not in was:
                if now.get(col):
                    c.add(
                        "added", f"{prefix}: {row.label} \u00d7 {new_names[col]}", after="impacted"
                    )
                continue
            if was[col] != now.get(col):
                c.add(
                    "changed",
                    f"{prefix}: {row.label} \u00d7 {new_names[col]}",
                    _tick(was[col]),
                    _tick(now.get(col)),
                )
            elif old_names[col] != new_names[col]:
                pass  # a renamed column is reported once, above, as removed and added
    for k, row in old_by.items():
        if k not in new_by:
            ticked = [old_names[col] for col, v in zip(old_cols, row.cells, strict=False) if v]
            c.add(
                "removed",
                f"{prefix}: {row.label}",
                before=_ticked(ticked),
            )


def _compare_modification(c, prefix, o, m):
    if o.reference != m.reference:
        c.add("changed", f"{prefix}: reference", o.reference, m.reference)
    if _state(o) != _state(m):
        c.add("changed", f"{prefix}: state", _state(o), _state(m))
    elif o.status != m.status:
        before, after = o.status_label, m.status_label
        if before == after:
            before, after = o.status, m.status
        c.add("changed", f"{prefix}: status", before, after)
    c.fields(
        prefix,
        o,
        m,
        skip=("reference", "approved", "status", "status_label", "part_label"),
        shows={
            "impacts_dcc_systems": lambda v: "yes" if v else "no",
            "other_parts": _other_parts,
        },
    )


def _other_parts(parts):
    return (
        "; ".join(
            f"{p.part_label or 'another part'} in the {p.release_name} "
            f"({long_date(p.go_live_date)})"
            for p in parts
        )
        or "none"
    )


def _system_cells(row):
    cells = []
    for name, cell in zip(("DUIS", "GBCS", "CH firmware"), row.cells, strict=True):
        note = f" (footnote {cell.footnote})" if cell.footnote else ""
        cells.append(f"{name} {cell.spoken.lower()}{note}")
    return ", ".join(cells)


def diff(old, new):
    """Everything that differs between two Rid values, old first (a RidDiff)."""
    c = _Collector()
    compared = {name for _key, _heading, fields in SECTIONS for name in fields}
    for key, _heading, fields in SECTIONS:
        c.section = key
        for name in fields:
            c.field = name
            a, b = getattr(old, name), getattr(new, name)
            if a == b and name not in ("approved", "targeted", "document_matrix"):
                continue
            _compare_field(c, name, a, b, old, new)
    unknown = {f.name for f in dataclasses.fields(new)} - compared - set(NOT_COMPARED)
    if unknown:  # a new Rid field must be placed in SECTIONS or NOT_COMPARED
        raise RuntimeError(f"diff: Rid fields not compared: {sorted(unknown)}")
    low = version_key(old.version) if old.version else (-1, -1)
    history = tuple(r for r in new.history if version_key(r.number) > low)
    return RidDiff(
        from_version=old.version,
        to_version=new.version,
        changes=tuple(c.changes),
        history=history,
    )


def _compare_field(c, name, a, b, old, new):
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    if name == "approved":
        # Approved and targeted modifications are one collection with a state.
        c.field = "modifications"
        mod_key = lambda m: (*_mod_identity(m.reference), m.part_label)  # noqa: E731
        c.keyed(
            "",
            old.modifications,
            new.modifications,
            key=mod_key,
            label=lambda m: m.label,
            describe=_state,
            compare=lambda p, o, m: _compare_modification(c, p, o, m),
        )
        return
    if name == "targeted":
        return
    if name == "classification_label" and old.classification != new.classification:
        return  # said once, by the classification
    if name in ("change_requests",):
        c.keyed(f"{label}: ", a, b, key=lambda x: x.reference, label=lambda x: x.label)
        return
    if name == "participant_matrix":
        _matrix(
            c,
            "Participant matrix",
            old.participant_columns,
            a,
            new.participant_columns,
            b,
            row_key=_mod_identity,
            column_key=lambda x: x,
        )
        return
    if name == "participant_columns" or name == "document_matrix_columns":
        if name == "participant_columns":
            c.leaf(label, a, b)
        return  # document matrix columns: compared with the cells, below
    if name == "document_matrix":
        _matrix(
            c,
            "SEC document impacts",
            old.document_matrix_columns,
            a,
            new.document_matrix_columns,
            b,
            row_key=lambda x: x,
            column_key=_mod_identity,
        )
        return
    if name in ("party_impacts", "dcc_impacts", "other_code_impacts"):
        c.keyed(
            f"{label}: ",
            a,
            b,
            key=lambda r: r.label,
            label=lambda r: r.label,
            describe=lambda r: "; ".join(r.lines) or "no further impacts",
        )
        return
    if name == "documents":
        c.keyed(f"{label}: ", a, b, key=lambda d: d.label, label=lambda d: d.full)
        return
    if name == "timeline":
        c.keyed(
            "Timeline: ",
            a,
            b,
            key=lambda t: t.event,
            label=lambda t: t.event,
            describe=lambda t: (
                long_date(t.date) + (f" to {long_date(t.end_date)}" if t.end_date else "")
            ),
        )
        return
    if name == "secas_costs":
        c.keyed(
            "SECAS: ",
            a,
            b,
            key=lambda x: x.activity_text,
            label=lambda x: x.activity_text,
            describe=_cost_line,
            compare=lambda p, o, n: (
                c.leaf(p, _cost_line(o), _cost_line(n))
                if _cost_line(o) != _cost_line(n)
                else c.fields(p, o, n)
            ),
        )
        return
    if name == "acceptance_criteria":
        for n, (x, y) in enumerate(zip(a, b, strict=False), start=1):
            c.leaf(f"Acceptance criterion {n}", x, y)
        for n, text in enumerate(b[len(a) :], start=len(a) + 1):
            c.add("added", f"Acceptance criterion {n}", after=text)
        for n, text in enumerate(a[len(b) :], start=len(b) + 1):
            c.add("removed", f"Acceptance criterion {n}", before=text)
        return
    if name == "glossary":
        c.keyed(
            "Glossary: ",
            a,
            b,
            key=lambda g: g.acronym,
            label=lambda g: g.acronym,
            describe=lambda g: g.full_term,
        )
        return
    if name == "system_impacts":
        c.keyed(
            f"{label}: ",
            a,
            b,
            key=lambda r: _mod_identity(r.reference),
            label=lambda r: r.label,
            describe=_system_cells,
            compare=lambda p, o, n: (
                c.add("changed", p, _system_cells(o), _system_cells(n))
                if _system_cells(o) != _system_cells(n)
                else c.fields(p, o, n, skip=("duis", "gbcs", "ch_firmware"))
            ),
        )
        return
    if name == "system_footnotes":
        c.keyed(
            f"{label} ",
            a,
            b,
            key=lambda f: f.number,
            label=lambda f: str(f.number),
            describe=lambda f: f.text,
        )
        return
    if name in ("pit_required", "sit_required", "uit_required"):
        c.leaf(label, a, b, show=_needed)
        return
    if name == "dcc_cost":
        c.add("changed", label, old.dcc_cost_text or "none", new.dcc_cost_text or "none")
        return
    c.leaf(label, a, b)
