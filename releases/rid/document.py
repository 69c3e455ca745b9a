"""The Release Implementation Document as a value (STYLE.md section 2, domain.md section 6).

    DB rows --selectors (fixed number of queries)--> build_rid(release) --> Rid (frozen)
    Rid --> templates/releases/rid/*.html --> screen page, and with print.css --> PDF
    Rid --> to_json() --> stored in an issued RidVersion; RidVersion.content --> Rid.from_json()

A Rid holds everything the document shows, already decided: which modifications are approved,
the matrices, the wording choices that depend on data (costs, test strategy) and the glossary of
the acronyms the document uses. Fixed wording lives in the templates.

Version history: each Rid carries the document history up to and including itself. An issued
version's Rid lists every version issued before it plus its own row (number, date, Changes text),
so version 3.0 shows 0.1 ... 3.0 and never anything later. The live draft (``version=""``) lists
the versions issued so far.
"""

import dataclasses
import datetime
import json
import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from modifications.models import APPROVED_STATUSES, PARTICIPANT_COLUMNS
from secrelease.text import long_date, quoted_label

from .. import impacts, selectors
from ..models import (
    PARTICIPANT_ORDER,
    Classification,
    GlossaryEntry,
    Participant,
    Release,
    RidVersion,
)

# The shape of the RID value as stored in an issued version's JSON. Raise it when a field is
# added, renamed or changes meaning, and add the step from the previous schema to UPGRADES
# below, so that every version issued before keeps rendering (tests/releases/rid/schemas/ holds
# a stored JSON of each schema, and the tests render each as HTML and PDF).
SCHEMA = 2
MATRIX_COLUMNS = 8
CONTENTS_ANCHORS = (
    "rid-scope",
    "rid-impacts",
    "rid-timeline",
    "rid-test-strategy",
    "rid-costs",
    "rid-acceptance",
    "rid-version-control",
    "rid-glossary",
)

PARTICIPANT_LABELS = tuple(label for _, label in PARTICIPANT_COLUMNS)

NUMBER_WORDS = {
    0: "zero",
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


@dataclass(frozen=True)
class RidModification:
    reference: str
    title: str
    summary: str
    url: str
    status: str
    status_label: str
    approved: bool
    part_label: str = ""
    impacts_dcc_systems: bool = False

    @property
    def label(self):
        """MP106 'CHISM update for Unknown WAN Variant' (part 2)"""
        part = f" ({self.part_label})" if self.part_label else ""
        return quoted_label(self.reference, self.title, part)


@dataclass(frozen=True)
class ChangeRequestRef:
    reference: str
    title: str

    @property
    def label(self):
        return quoted_label(self.reference, self.title)


@dataclass(frozen=True)
class MatrixRow:
    """One row of a tick matrix: a label and one bool per column."""

    label: str
    cells: tuple[bool, ...]


@dataclass(frozen=True)
class MatrixPart:
    number: int
    of: int
    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class ImpactRow:
    """A row of the SEC Party / DCC / other code impact tables: a label and bulleted lines."""

    label: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DocumentRef:
    label: str  # "Section H"
    title: str  # "DCC Services"

    @property
    def full(self):
        return quoted_label(self.label, self.title)


@dataclass(frozen=True)
class TimelineRow:
    date: datetime.date
    event: str
    notes: str
    end_date: datetime.date | None = None  # a window (schema 2): "1 Jun 21 - 30 Jul 21"

    @property
    def when(self):
        """The date as the RID writes it: '1 Jun 21', or '1 Jun 21 - 30 Jul 21' for a window."""
        text = short_date(self.date)
        if self.end_date and self.end_date != self.date:
            text += f" - {short_date(self.end_date)}"
        return text


@dataclass(frozen=True)
class CostLine:
    activity: str
    effort_days: str  # decimal as text, "2" or "2.5"
    cost: str  # decimal as text, "1200.00"
    is_maximum: bool

    @property
    def effort_words(self):
        """'two days', 'one day', '2.5 days'."""
        value = Decimal(self.effort_days)
        if value == value.to_integral_value() and int(value) in NUMBER_WORDS:
            n = int(value)
            return f"{NUMBER_WORDS[n]} day" + ("" if n == 1 else "s")
        return f"{value.normalize():f} days"

    @property
    def cost_text(self):
        return money(self.cost)

    @property
    def activity_text(self):
        return self.activity.strip().rstrip(".")


@dataclass(frozen=True)
class HistoryRow:
    number: str
    date: datetime.date
    changes: str


@dataclass(frozen=True)
class GlossaryRow:
    acronym: str
    full_term: str


@dataclass(frozen=True)
class Rid:
    release_name: str
    release_slug: str
    go_live_date: datetime.date
    classification: str
    classification_label: str
    # "8.0"; "" for the live draft
    version: str
    version_date: datetime.date
    approved: tuple[RidModification, ...]
    targeted: tuple[RidModification, ...]
    change_requests: tuple[ChangeRequestRef, ...]
    participant_columns: tuple[str, ...]
    participant_matrix: tuple[MatrixRow, ...]
    party_impacts: tuple[ImpactRow, ...]
    dcc_impacts: tuple[ImpactRow, ...]
    documents: tuple[DocumentRef, ...]
    document_matrix_columns: tuple[str, ...]
    document_matrix: tuple[MatrixRow, ...]
    other_code_impacts: tuple[ImpactRow, ...]
    timeline: tuple[TimelineRow, ...]
    impacts_dcc_systems: bool
    pit_required: bool
    sit_required: bool
    uit_required: bool
    test_strategy_text: str
    user_testing_text: str
    dcc_cost: str  # "" when none
    dcc_costs_text: str
    secas_costs: tuple[CostLine, ...]
    secas_costs_note: str
    acceptance_criteria: tuple[str, ...]
    history: tuple[HistoryRow, ...]
    glossary: tuple[GlossaryRow, ...] = ()
    built_at: str = ""
    # Page of each Contents entry in this version's PDF, e.g. (("scope", 3), ...); empty for
    # the live draft.
    contents_pages: tuple[tuple[str, int], ...] = ()
    schema: int = SCHEMA
    managed_by: str = "SECAS"

    # -- presentation helpers (no queries, no decisions about permissions) --

    @property
    def is_draft(self):
        return not self.version

    @property
    def title(self):
        """June 2021 SEC Release (24 June 2021)"""
        return f"{self.release_name} ({long_date(self.go_live_date)})"

    @property
    def document_title(self):
        version = f"Version {self.version}" if self.version else "live draft"
        return f"{self.title} \u2013 SEC Release Implementation Document, {version}"

    @property
    def running_title(self):
        """Running header of the PDF: 'June 2021 SEC Release Implementation Document v8.0'."""
        name = self.release_name
        name = name if name.endswith("Release") else f"{name} \u2013 SEC Release"
        version = f"v{self.version}" if self.version else "(live draft)"
        return f"{name} Implementation Document {version}"

    @property
    def pages(self):
        """{'scope': 3, 'version_control': 6, ...} for the Contents."""
        return dict(self.contents_pages)

    def with_pages(self, anchors):
        """This Rid with the Contents page numbers taken from {anchor id: page number}."""
        pages = tuple(
            (anchor.removeprefix("rid-").replace("-", "_"), anchors[anchor])
            for anchor in CONTENTS_ANCHORS
            if anchor in anchors
        )
        return dataclasses.replace(self, contents_pages=pages)

    @property
    def modifications(self):
        return self.approved + self.targeted

    @property
    def document_matrix_parts(self):
        """The document matrix in parts of at most MATRIX_COLUMNS modification columns, so that
        a large release still fits the page width.

        A part lists the documents its own modifications change: a row without a tick in that
        part is left out. With one part nothing is left out (every document of the matrix is
        changed by one of the modifications); with 200 modifications and 44 documents the 25
        parts shrink from 44 rows each to the dozen or so their modifications touch, which is
        most of the time and memory of laying out such a RID."""
        columns = self.document_matrix_columns
        count = max(1, -(-len(columns) // MATRIX_COLUMNS))
        parts = []
        for n in range(count):
            start, stop = n * MATRIX_COLUMNS, (n + 1) * MATRIX_COLUMNS
            rows = (MatrixRow(r.label, r.cells[start:stop]) for r in self.document_matrix)
            parts.append(
                MatrixPart(
                    number=n + 1,
                    of=count,
                    columns=columns[start:stop],
                    rows=tuple(row for row in rows if any(row.cells)),
                )
            )
        return parts

    @property
    def needs_testing(self):
        return self.pit_required or self.sit_required or self.uit_required

    @property
    def testing_phases(self):
        phases = []
        if self.pit_required:
            phases.append("Pre-Integration Testing (PIT)")
        if self.sit_required:
            phases.append("Systems Integration Testing (SIT)")
        if self.uit_required:
            phases.append("User Integration Testing (UIT)")
        return join_words(phases)

    @property
    def dcc_cost_text(self):
        return money(self.dcc_cost) if self.dcc_cost else ""

    @property
    def is_public_classification(self):
        return self.classification == Classification.WHITE

    # -- JSON --

    def to_json(self):
        """A dict of JSON types (dates as ISO strings), stored in RidVersion.content."""
        return _encode(self)

    def to_json_text(self):
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, data):
        """A Rid from its stored JSON (a dict, or JSON text), upgraded step by step from the
        schema it was stored with to the current SCHEMA (see UPGRADES). Raises ValueError for
        a schema newer than this code knows."""
        if isinstance(data, (str, bytes)):
            data = json.loads(data)
        return _decode(cls, upgrade(data))


# -- stored schemas ------------------------------------------------------------------------------


# {schema N: function(dict of schema N) -> dict of schema N + 1}. A step fills what the newer
# schema added (with the value an older version meant) and renames what it renamed; it never
# changes what an older version said.
def _upgrade_1_to_2(data):
    """Schema 2 gave timeline rows an end date (a window); every earlier row was a single day."""
    data["timeline"] = [{**row, "end_date": None} for row in data.get("timeline", [])]
    return data


UPGRADES = {1: _upgrade_1_to_2}


def upgrade(data):
    """A stored RID JSON dict of any known schema -> the same document as a dict of the current
    SCHEMA. A dict without "schema" is schema 1 (the first one). Raises ValueError for an
    unknown schema."""
    schema = data.get("schema", 1)
    if not isinstance(schema, int) or schema < 1 or schema > SCHEMA:
        raise ValueError(f"Unknown RID content schema {schema!r}: this code reads 1 to {SCHEMA}.")
    while schema < SCHEMA:
        data = UPGRADES[schema](dict(data))
        schema += 1
    return {**data, "schema": schema}


# -- JSON encoding of the frozen dataclasses ---------------------------------------------------


def _encode(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(tp, value):
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):  # "X | None": decode as X unless None
        if value is None:
            return None
        (tp, *_rest) = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        origin = typing.get_origin(tp)
    if origin is tuple:
        (item_type, *_rest) = typing.get_args(tp)
        return tuple(_decode(item_type, v) for v in value)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _decode(hints[k], v) for k, v in value.items() if k in known})
    if tp is datetime.date:
        return datetime.date.fromisoformat(value) if value else None
    return value


# -- formatting helpers used by the Rid and the templates ---------------------------------------


def short_date(value):
    """date(2021, 6, 1) -> '1 Jun 21', as the RID's timeline writes dates."""
    return f"{value.day} {value:%b %y}"


def money(value):
    """'1200.00' -> '£1,200'; '1250.50' -> '£1,250.50'."""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return f"\u00a3{int(amount):,}"
    return f"\u00a3{amount:,.2f}"


def join_words(items):
    """['a'] -> 'a'; ['a', 'b'] -> 'a and b'; ['a', 'b', 'c'] -> 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def version_key(number):
    major, _, minor = str(number).partition(".")
    return int(major), int(minor or 0)


# -- building ----------------------------------------------------------------------------------


def _rid_modification(item):
    m = item.modification
    return RidModification(
        reference=m.reference,
        title=m.title,
        summary=m.rid_summary,
        url=m.web_url,
        status=m.status,
        status_label=m.get_status_display(),
        approved=m.status in APPROVED_STATUSES,
        part_label=item.part_label,
        impacts_dcc_systems=m.impacts_dcc_systems,
    )


def _impacts(items):
    """Participant matrix, SEC documents impacted and the document matrix (releases.impacts),
    as Rid rows."""
    participant = [
        MatrixRow(row.reference, tuple(row.impacts)) for row in impacts.participant_matrix(items)
    ]
    documents = [DocumentRef(d.label, d.title) for d in impacts.sec_documents_impacted(items)]
    matrix = impacts.document_matrix(items)
    document_rows = [MatrixRow(row.label, tuple(row.ticks)) for row in matrix.rows]
    return participant, documents, tuple(matrix.columns), document_rows


def history_rows(release, *, before=None):
    """Issued versions of a release (number, date, Changes) in version order, without loading
    their stored content or PDF. One query."""
    rows = (
        RidVersion.objects.filter(release=release)
        .order_by("major", "minor")
        .values_list("major", "minor", "date", "changes")
    )
    result = [HistoryRow(f"{a}.{b}", d, c) for a, b, d, c in rows]
    if before is not None:
        result = [r for r in result if version_key(r.number) < version_key(before)]
    return result


_TAGS = re.compile(r"<[^>]+>")


def acronyms_used(text, entries):
    """The glossary entries whose acronym appears in text as a word of its own (case-sensitive),
    in glossary order."""
    found = []
    for entry in entries:
        pattern = r"(?<![A-Za-z0-9])" + re.escape(entry.acronym) + r"(?![A-Za-z0-9])"
        if re.search(pattern, text):
            found.append(GlossaryRow(entry.acronym, entry.full_term))
    return tuple(found)


def document_text(rid):
    """The words of the document (every section, screen wording) as plain text; used to find the
    acronyms it uses."""
    html = render_to_string("releases/rid/_document.html", {"rid": rid, "for_glossary": True})
    return strip_tags(html)


def build_rid(release, *, version="", version_date=None, changes="", today=None):
    """The RID of a release as of now.

    With ``version`` (e.g. "8.0"), the Rid is that issued version: its number and date are on the
    cover and its row (with ``changes``) ends the document history, after every version issued
    before it. Without, it is the live draft dated ``today``.

    Queries: a fixed number whatever the size of the release (release with its parts, scope items
    with modifications and documents, version history, glossary).
    """
    today = today or timezone.localdate()
    release = selectors.release_for_page(release.slug)
    items = selectors.in_scope(selectors.scope_items(release))
    mods = [_rid_modification(i) for i in items]
    approved = tuple(m for m in mods if m.approved)
    targeted = tuple(m for m in mods if not m.approved)

    participant_rows, documents, document_columns, document_matrix = _impacts(items)
    party_by_key = {p.participant: p for p in release.party_impacts.all()}
    party_impacts = tuple(
        ImpactRow(
            Participant(key).label,
            tuple(party_by_key[key].lines) if key in party_by_key else (),
        )
        for key in PARTICIPANT_ORDER
    )

    history = history_rows(release, before=version or None) if version else history_rows(release)
    if version:
        history.append(HistoryRow(version, version_date or today, changes))

    rid = Rid(
        release_name=release.name,
        release_slug=release.slug,
        go_live_date=release.go_live_date,
        classification=release.classification,
        classification_label=release.get_classification_display(),
        version=version,
        version_date=version_date or today,
        approved=approved,
        targeted=targeted,
        change_requests=tuple(
            ChangeRequestRef(cr.reference, cr.title) for cr in release.change_requests.all()
        ),
        participant_columns=PARTICIPANT_LABELS,
        participant_matrix=tuple(participant_rows),
        party_impacts=party_impacts,
        dcc_impacts=tuple(ImpactRow(d.area, tuple(d.lines)) for d in release.dcc_impacts.all()),
        documents=tuple(documents),
        document_matrix_columns=document_columns,
        document_matrix=tuple(document_matrix),
        other_code_impacts=tuple(
            ImpactRow(o.code, (o.summary,)) for o in release.other_code_impacts.all()
        ),
        timeline=tuple(
            TimelineRow(t.date, t.event, t.notes, t.end_date) for t in release.timeline.all()
        ),
        impacts_dcc_systems=any(m.impacts_dcc_systems for m in mods),
        pit_required=release.pit_required,
        sit_required=release.sit_required,
        uit_required=release.uit_required,
        test_strategy_text=release.test_strategy_text,
        user_testing_text=release.user_testing_text,
        dcc_cost=str(release.dcc_cost) if release.dcc_cost is not None else "",
        dcc_costs_text=release.dcc_costs_text,
        secas_costs=tuple(
            CostLine(c.activity, str(c.effort_days), str(c.cost), c.is_maximum)
            for c in release.secas_costs.all()
        ),
        secas_costs_note=release.secas_costs_note,
        acceptance_criteria=tuple(a.text for a in release.acceptance_criteria.all()),
        history=tuple(history),
        built_at=timezone.now().isoformat(timespec="seconds"),
    )
    glossary = acronyms_used(document_text(rid), list(GlossaryEntry.objects.all()))
    return dataclasses.replace(rid, glossary=glossary)


__all__ = [
    "Rid",
    "RidModification",
    "ChangeRequestRef",
    "MatrixRow",
    "ImpactRow",
    "DocumentRef",
    "TimelineRow",
    "CostLine",
    "HistoryRow",
    "GlossaryRow",
    "build_rid",
    "history_rows",
    "acronyms_used",
]


# -- reads of issued versions (the RID's own selectors) -------------------------------------------

VERSION_LIST_FIELDS = (
    "id",
    "release_id",
    "major",
    "minor",
    "kind",
    "baseline_scope",
    "date",
    "changes",
    "panel_decision",
    "panel_meeting_date",
    "pdf_sha256",
    "issued_at",
    "issued_by__first_name",
    "issued_by__last_name",
    "issued_by__username",
    "prepared_by__first_name",
    "prepared_by__last_name",
    "prepared_by__username",
    "reviewed_by__first_name",
    "reviewed_by__last_name",
    "reviewed_by__username",
    "unreviewed_reason",
)


def parse_version_number(number):
    """'8.0' -> (8, 0); None for anything else."""
    match = re.fullmatch(r"(\d{1,4})\.(\d{1,4})", number or "")
    return (int(match[1]), int(match[2])) if match else None


def rid_versions(release):
    """Every issued version of a release, oldest first, without content or PDF (each knows its
    release: no query for get_absolute_url). One query."""
    return list(
        release.rid_versions.select_related("issued_by", "prepared_by", "reviewed_by")
        .only(*VERSION_LIST_FIELDS)
        .order_by("major", "minor")
    )


# What the pages of issued versions show of their release (the rest is loaded if asked for).
RELEASE_IDENTITY_FIELDS = ("id", "name", "slug", "go_live_date", "classification")


def release_with_versions(slug):
    """(release, its issued versions oldest first, without content or PDF) for a slug, in one
    query when the release has versions (two when it has none); (None, []) for an unknown
    slug. The pages of issued versions start here."""
    versions = list(
        RidVersion.objects.filter(release__slug=slug)
        .select_related("release", "issued_by", "prepared_by", "reviewed_by")
        .only(*VERSION_LIST_FIELDS, *(f"release__{name}" for name in RELEASE_IDENTITY_FIELDS))
        .order_by("major", "minor")
    )
    if not versions:
        return Release.objects.filter(slug=slug).first(), []
    release = versions[0].release
    for version in versions:
        version.release = release
    return release, versions


def rid_version_get(release, number, *, with_content=True, with_pdf=False):
    """One issued version by its number ('8.0'), or None. One query; the PDF bytes and the
    content are loaded only when asked for."""
    parsed = parse_version_number(number)
    if parsed is None:
        return None
    fields = list(VERSION_LIST_FIELDS)
    if with_content:
        fields.append("content")
    if with_pdf:
        fields.append("pdf")
    return (
        RidVersion.objects.filter(release=release, major=parsed[0], minor=parsed[1])
        .select_related("issued_by", "prepared_by", "reviewed_by")
        .only(*fields)
        .first()
    )
