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
import html as html_module
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from modifications.models import APPROVED_STATUSES, PARTICIPANT_COLUMNS
from secrelease.text import long_date, quoted_label

from .. import impacts, selectors
from ..frozen import decode, encode
from ..models import (
    PARTICIPANT_ORDER,
    Classification,
    GlossaryEntry,
    Participant,
    Release,
    RidVersion,
)

# The shape of the RID value as stored in an issued version's JSON. A field added with a default
# that says what older versions meant needs nothing more (decode fills it). Raise SCHEMA when
# older versions need another value, or a field is renamed or changes meaning, and add the step
# from the previous schema to UPGRADES below, so that every version issued before keeps saying
# what it said (tests/releases/rid/schemas/ holds a stored JSON of each schema, and the tests
# render each as HTML and PDF).
SCHEMA = 3
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

CONTENTS_LABELS = tuple(
    zip(
        CONTENTS_ANCHORS,
        (
            "1. Scope",
            "2. Impacts",
            "3. Implementation timeline",
            "4. Test strategy",
            "5. Costs",
            "6. Acceptance criteria",
            "Appendix 1: Version control",
            "Appendix 2: Glossary",
        ),
        strict=True,
    )
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
class OtherPart:
    """Another part of a modification in scope: where it is implemented (schema 2)."""

    part_label: str
    release_name: str
    go_live_date: datetime.date
    same_release: bool = False


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
    # Schema 2: the other parts of a partially implemented modification and their releases.
    other_parts: tuple[OtherPart, ...] = ()

    @property
    def label(self):
        """MP106 'CHISM update for Unknown WAN Variant' (part 2)"""
        part = f" ({self.part_label})" if self.part_label else ""
        return quoted_label(self.reference, self.title, part)


@dataclass(frozen=True)
class ImpactCell:
    """A cell of the DCC System impact table: "yes" (a tick), "tbc" or "no" (blank), with the
    number of its footnote (None for none)."""

    value: str
    footnote: int | None = None

    @property
    def spoken(self):
        """What a screen reader says for the cell (the tick alone is not enough)."""
        return {"yes": "Yes", "tbc": "To be confirmed"}.get(self.value, "No")


@dataclass(frozen=True)
class SystemImpactRow:
    """A modification in scope that impacts the DCC Systems, with its DUIS, GBCS and CH
    firmware impacts (schema 2)."""

    reference: str
    title: str
    url: str
    duis: ImpactCell
    gbcs: ImpactCell
    ch_firmware: ImpactCell

    @property
    def label(self):
        return quoted_label(self.reference, self.title)

    @property
    def cells(self):
        """DUIS, GBCS, CH firmware: the table's column order."""
        return (self.duis, self.gbcs, self.ch_firmware)


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


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
    end_date: datetime.date | None = None  # a window (schema 3): "1 Jun 21 - 30 Jul 21"

    @property
    def when_dates(self):
        """The dates as the RID writes them: ('1 Jun 21',), or ('1 Jun 21', '30 Jul 21') for a
        window; the table keeps each on one line and wraps a window between them."""
        if self.end_date and self.end_date != self.date:
            return (short_date(self.date), short_date(self.end_date))
        return (short_date(self.date),)

    @property
    def when(self):
        """The date as the RID writes it: '1 Jun 21', or '1 Jun 21 - 30 Jul 21' for a window."""
        return " - ".join(self.when_dates)


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
    # -- schema 2: which sentence the data asks for where the RID has a choice (the wording
    # itself is in the template), the DCC System impact table and the acronyms the glossary
    # does not define. Defaults are what a schema 1 version said.
    # "" (no such subsection, schema 1), "table", "documentation_only"
    system_impacts_wording: str = ""
    system_impacts: tuple[SystemImpactRow, ...] = ()
    system_footnotes: tuple[Footnote, ...] = ()
    # "none": There are no DCC impacts; "not_summarised": DCC impacted, no summary typed
    dcc_impacts_wording: str = "none"
    # "text", "required", "required_no_system_impact", "not_agreed", "not_required"
    test_strategy_wording: str = "not_required"
    # "text", "none", "not_described" (UIT needed, impacts on Users not typed)
    user_testing_wording: str = "none"
    # "text", "estimate", "none" (will not incur), "not_estimated"
    dcc_costs_wording: str = "none"
    glossary_unknown: tuple[str, ...] = ()

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
    def contents(self):
        """[(anchor, label, page number or None)] of the Contents, in order."""
        pages = self.pages
        return [
            (anchor, label, pages.get(anchor.removeprefix("rid-").replace("-", "_")))
            for anchor, label in CONTENTS_LABELS
        ]

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
        return testing_phases(pit=self.pit_required, sit=self.sit_required, uit=self.uit_required)

    @property
    def testing_phases_not_required(self):
        """The test phases this release does not need, e.g. 'User Integration Testing (UIT)'."""
        phases = []
        if not self.pit_required:
            phases.append("Pre-Integration Testing (PIT)")
        if not self.sit_required:
            phases.append("Systems Integration Testing (SIT)")
        if not self.uit_required:
            phases.append("User Integration Testing (UIT)")
        return join_words(phases)

    @property
    def title_parts(self):
        """(release name, "(24 June 2021)" with no-break spaces): the cover title, whose date
        never breaks across lines."""
        return self.release_name, "(" + long_date(self.go_live_date).replace(" ", "\u00a0") + ")"

    @property
    def dcc_cost_text(self):
        return money(self.dcc_cost) if self.dcc_cost else ""

    @property
    def is_public_classification(self):
        return self.classification == Classification.WHITE

    # -- JSON --

    def to_json(self):
        """A dict of JSON types (dates as ISO strings), stored in RidVersion.content."""
        return encode(self)

    def to_json_text(self):
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, data):
        """A Rid from its stored JSON (a dict, or JSON text), upgraded step by step from the
        schema it was stored with to the current SCHEMA (see UPGRADES). Raises ValueError for
        a schema newer than this code knows."""
        if isinstance(data, (str, bytes)):
            data = json.loads(data)
        return decode(cls, upgrade(data))


# -- stored schemas ------------------------------------------------------------------------------


# {schema N: function(dict of schema N) -> dict of schema N + 1}. A step fills what the newer
# schema added (with the value an older version meant) and renames what it renamed; it never
# changes what an older version said.
def _upgrade_1_to_2(data):
    """Schema 1 -> 2. Schema 1 chose its sentences in the template from the data it stored;
    schema 2 stores the choice. This step makes the choices schema 1 made, so a version issued
    before says exactly what it said: no DCC System impact subsection, "There are no DCC
    impacts" whenever no DCC impact row was typed, the test strategy, User testing and DCC
    cost sentences by the rules of the time, and no SECAS closing sentence without cost lines
    (schema 1 printed it only after them)."""
    testing = data.get("pit_required") or data.get("sit_required") or data.get("uit_required")
    if data.get("test_strategy_text"):
        strategy = "text"
    elif testing:
        strategy = "required"
    elif data.get("impacts_dcc_systems"):
        strategy = "not_agreed"
    else:
        strategy = "not_required"
    if data.get("dcc_costs_text"):
        costs = "text"
    elif data.get("dcc_cost"):
        costs = "estimate"
    else:
        costs = "none"
    return {
        **data,
        "system_impacts_wording": "",
        "system_impacts": [],
        "system_footnotes": [],
        "dcc_impacts_wording": "none",
        "test_strategy_wording": strategy,
        "user_testing_wording": "text" if data.get("user_testing_text") else "none",
        "dcc_costs_wording": costs,
        "secas_costs_note": data.get("secas_costs_note", "") if data.get("secas_costs") else "",
        "glossary_unknown": [],
        "schema": 2,
    }


def _upgrade_2_to_3(data):
    """Schema 3 gave timeline rows an end date (a window, "1 Jun 21 - 30 Jul 21"); every
    earlier row was a single day."""
    return {
        **data,
        "timeline": [{**row, "end_date": None} for row in data.get("timeline", [])],
        "schema": 3,
    }


UPGRADES = {1: _upgrade_1_to_2, 2: _upgrade_2_to_3}


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


def _rid_modification(item, others=()):
    m = item.modification
    return RidModification(
        reference=m.reference,
        title=m.title,
        summary=item.rid_summary or m.rid_summary,
        url=m.web_url,
        status=m.status,
        status_label=m.get_status_display(),
        approved=m.status in APPROVED_STATUSES,
        part_label=item.part_label,
        impacts_dcc_systems=impacts.item_impacts(item).impacts_dcc_systems,
        other_parts=tuple(
            OtherPart(
                part_label=other.part_label,
                release_name=other.release.name,
                go_live_date=other.release.go_live_date,
                same_release=other.release_id == item.release_id,
            )
            for other in others
        ),
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


def _system_impacts(items):
    """The DCC System impact table (rows) and its footnotes, numbered in order of first
    appearance; a footnote text used twice keeps its number."""
    numbers = {}

    def cell(impact):
        if not impact.footnote:
            return ImpactCell(impact.value)
        number = numbers.setdefault(impact.footnote, len(numbers) + 1)
        return ImpactCell(impact.value, number)

    rows = []
    for row in impacts.system_impact_rows(items):
        m = row.modification
        rows.append(
            SystemImpactRow(
                reference=m.reference,
                title=m.title,
                url=m.web_url,
                duis=cell(row.duis),
                gbcs=cell(row.gbcs),
                ch_firmware=cell(row.ch_firmware),
            )
        )
    footnotes = tuple(Footnote(number, text) for text, number in numbers.items())
    return tuple(rows), footnotes


# -- the sentences the data chooses (the wording is in the template) ---------------------------


def dcc_impacts_wording(*, dcc_impact_rows, dcc_ticked, impacts_dcc_systems, testing, dcc_cost):
    """'none' ("There are no DCC impacts for this release.") only when nothing in the data says
    the DCC is impacted; 'not_summarised' when something does (a DCC tick in the participant
    matrix, a DCC System impact, a test phase, a DCC cost) but no DCC impact row was typed.
    With DCC impact rows the table is shown and this is not used."""
    if dcc_impact_rows:
        return "table"
    impacted = dcc_ticked or impacts_dcc_systems or testing or bool(dcc_cost)
    return "not_summarised" if impacted else "none"


def test_strategy_wording(*, text, testing, impacts_dcc_systems):
    """Which test strategy sentence (R12): the analyst's text; the phases required; phases
    ticked while no modification in scope impacts the DCC Systems (no claim about them); DCC
    System impact but no phase agreed; or the seed's "will not impact the DCC Systems"."""
    if text:
        return "text"
    if testing:
        return "required" if impacts_dcc_systems else "required_no_system_impact"
    return "not_agreed" if impacts_dcc_systems else "not_required"


def user_testing_wording(*, text, uit_required):
    """The analyst's User testing text; "There are no User testing impacts" only when no UIT is
    needed; otherwise say they have not been described."""
    if text:
        return "text"
    return "not_described" if uit_required else "none"


def testing_phases(*, pit, sit, uit):
    """The test phases required (bools), in words: 'Pre-Integration Testing (PIT) and User
    Integration Testing (UIT)'; '' when none."""
    names = [
        ("Pre-Integration Testing (PIT)", pit),
        ("Systems Integration Testing (SIT)", sit),
        ("User Integration Testing (UIT)", uit),
    ]
    return join_words(name for name, required in names if required)


@dataclasses.dataclass(frozen=True)
class StrategyAndCostSentences:
    """What the RID's test strategy (section 4) and DCC costs (section 5) say for a release, with
    the same attribute names as the Rid, so that one template (rid/_test_strategy_sentences.html,
    rid/_dcc_costs_sentence.html) writes them in the RID and on the release page."""

    test_strategy_wording: str
    test_strategy_text: str
    testing_phases: str
    user_testing_wording: str
    user_testing_text: str
    dcc_costs_wording: str
    dcc_costs_text: str
    dcc_cost_text: str


def strategy_and_cost_sentences(release, scope_items):
    """The RID's choice of test strategy, User testing and DCC costs sentences for `release` (a
    Release) and its `scope_items` (ScopeItems of the release, any state: those in scope count),
    as a StrategyAndCostSentences; no query beyond what `scope_items` has loaded. build_rid and the
    release page both use it, so the page never shows a sentence the RID does not print."""
    impacts_dcc_systems = bool(impacts.system_impact_rows(scope_items))
    testing = release.pit_required or release.sit_required or release.uit_required
    dcc_cost = str(release.dcc_cost) if release.dcc_cost is not None else ""
    return StrategyAndCostSentences(
        test_strategy_wording=test_strategy_wording(
            text=release.test_strategy_text,
            testing=testing,
            impacts_dcc_systems=impacts_dcc_systems,
        ),
        test_strategy_text=release.test_strategy_text,
        testing_phases=testing_phases(
            pit=release.pit_required, sit=release.sit_required, uit=release.uit_required
        ),
        user_testing_wording=user_testing_wording(
            text=release.user_testing_text, uit_required=release.uit_required
        ),
        user_testing_text=release.user_testing_text,
        dcc_costs_wording=dcc_costs_wording(text=release.dcc_costs_text, dcc_cost=dcc_cost),
        dcc_costs_text=release.dcc_costs_text,
        dcc_cost_text=money(dcc_cost) if dcc_cost else "",
    )


def dcc_costs_wording(*, text, dcc_cost):
    """The analyst's text; an estimate; "will not incur any implementation costs" only for a
    cost of 0 entered for this release; otherwise "has not estimated" (nothing entered)."""
    if text:
        return "text"
    if dcc_cost is None or dcc_cost == "":
        return "not_estimated"
    return "estimate" if Decimal(dcc_cost) > 0 else "none"


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
# An acronym: two or more capital letters (digits may follow: SMETS2, SR12.1 -> SR), a plural
# "s" allowed (IHDs, PPMIDs), not inside a word.
_ACRONYM = re.compile(r"(?<![\w\u2019'-])([A-Z](?:[A-Z]|[0-9](?=[A-Z]))*[A-Z])[0-9]*(s?)(?![\w])")
# Modification and Change Request references, and the codes of SEC documents ("Appendix AD"),
# are not acronyms.
_NOT_ACRONYMS = re.compile(
    r"\b(?:SECMP[0-9]{4}|MP[0-9]{3,4}[A-Z]?|DP[0-9]{3,4}|CR(?:[0-9]{3,5}|TBC))\b"
    r"|\b(?:Appendix|Appendices|Section|Sections|Schedule|Schedules)\s+[A-Z]{1,2}\b"
)


def acronyms_in(text):
    """The acronyms a text uses, as written, in order of first use, each once: every word of
    two or more capital letters, plurals included ("IHD", "PPMIDs", "SR" for "SR12.1"), leaving
    out modification and Change Request references and SEC document codes (Appendix AD)."""
    text = _NOT_ACRONYMS.sub(" ", text)
    found = {}
    for match in _ACRONYM.finditer(text):
        found.setdefault(match.group(1) + match.group(2), None)
    return list(found)


def _word(acronym):
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(acronym) + r"s?(?![A-Za-z0-9])")


def acronyms_used(text, entries):
    """(glossary rows, acronyms not in the glossary) for a text: the glossary entries whose
    acronym the text uses as a word of its own, singular or plural (IHD for "IHDs"), in
    glossary order; and the acronyms the text uses that no entry defines, alphabetically.

    A word written as a plural ("PPMIDs") is defined by an entry for it ("PPMIDs") or for its
    singular ("PPMID")."""
    rows = []
    defined = set()
    tokens = set(acronyms_in(text))
    for entry in entries:
        if {entry.acronym, entry.acronym + "s"} & tokens or _word(entry.acronym).search(text):
            rows.append(GlossaryRow(entry.acronym, entry.full_term))
            defined.add(entry.acronym)
    unknown = set()
    for written in acronyms_in(text):
        singular = written[:-1] if written.endswith("s") else written
        if written not in defined and singular not in defined:
            unknown.add(singular)
    return tuple(rows), tuple(sorted(unknown))


def document_text(rid):
    """The words of the document (every section, screen wording) as plain text; used to find the
    acronyms it uses."""
    html = render_to_string("releases/rid/_document.html", {"rid": rid, "for_glossary": True})
    return html_module.unescape(_TAGS.sub(" ", html))


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
    others = selectors.other_parts(items)
    mods = [
        _rid_modification(i, [o for o in others.get(i.modification_id, ()) if o.pk != i.pk])
        for i in items
    ]
    approved = tuple(m for m in mods if m.approved)
    targeted = tuple(m for m in mods if not m.approved)
    system_rows, system_footnotes = _system_impacts(items)
    impacts_dcc_systems = bool(system_rows)
    testing = release.pit_required or release.sit_required or release.uit_required
    dcc_cost = str(release.dcc_cost) if release.dcc_cost is not None else ""
    sentences = strategy_and_cost_sentences(release, items)

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
        impacts_dcc_systems=impacts_dcc_systems,
        pit_required=release.pit_required,
        sit_required=release.sit_required,
        uit_required=release.uit_required,
        test_strategy_text=release.test_strategy_text,
        user_testing_text=release.user_testing_text,
        dcc_cost=dcc_cost,
        dcc_costs_text=release.dcc_costs_text,
        secas_costs=tuple(
            CostLine(c.activity, str(c.effort_days), str(c.cost), c.is_maximum)
            for c in release.secas_costs.all()
        ),
        secas_costs_note=release.secas_costs_note,
        acceptance_criteria=tuple(a.text for a in release.acceptance_criteria.all()),
        history=tuple(history),
        built_at=timezone.now().isoformat(timespec="seconds"),
        system_impacts_wording="table" if system_rows else "documentation_only",
        system_impacts=system_rows,
        system_footnotes=system_footnotes,
        dcc_impacts_wording=dcc_impacts_wording(
            dcc_impact_rows=bool(release.dcc_impacts.all()),
            dcc_ticked=any(row.cells[-1] for row in participant_rows),
            impacts_dcc_systems=impacts_dcc_systems,
            testing=testing,
            dcc_cost=release.dcc_cost,
        ),
        test_strategy_wording=sentences.test_strategy_wording,
        user_testing_wording=sentences.user_testing_wording,
        dcc_costs_wording=sentences.dcc_costs_wording,
    )
    glossary, unknown = acronyms_used(document_text(rid), list(GlossaryEntry.objects.all()))
    return dataclasses.replace(rid, glossary=glossary, glossary_unknown=unknown)


__all__ = [
    "Rid",
    "RidModification",
    "OtherPart",
    "SystemImpactRow",
    "ImpactCell",
    "Footnote",
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
