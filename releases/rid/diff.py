"""What changed between two versions of a RID: a pure function of two Rid values.

    diff(old, new) -> RidDiff
        scope added and removed, statuses changed (targeted -> approved, DP153 -> MP153),
        dates moved (go-live, timeline), impacts (participant matrix, SEC documents, SEC Party,
        DCC and other code impacts), costs, acceptance criteria, and word-level changes in the
        prose (modification summaries, impact texts, test strategy, costs, criteria).

A modification keeps its identity across versions by its number and split letter (a Draft
Proposal keeps its number when converted: DP153 in version 5.0 is MP153 in version 7.0).
"""

import difflib
import re
from dataclasses import dataclass

from modifications.references import ReferenceError, parse_modification_reference
from secrelease.text import long_date

from .document import version_key


@dataclass(frozen=True)
class Change:
    """One structured change. kind: "added", "removed" or "changed"."""

    kind: str
    what: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Segment:
    """A run of words in a prose diff. op: "equal", "insert" or "delete"."""

    op: str
    text: str


@dataclass(frozen=True)
class ProseChange:
    what: str
    segments: tuple[Segment, ...]

    @property
    def before(self):
        return "".join(s.text for s in self.segments if s.op != "insert")

    @property
    def after(self):
        return "".join(s.text for s in self.segments if s.op != "delete")


@dataclass(frozen=True)
class RidDiff:
    from_version: str
    to_version: str
    scope: tuple[Change, ...]
    statuses: tuple[Change, ...]
    dates: tuple[Change, ...]
    impacts: tuple[Change, ...]
    testing: tuple[Change, ...]
    costs: tuple[Change, ...]
    criteria: tuple[Change, ...]
    prose: tuple[ProseChange, ...]
    history: tuple  # HistoryRow of the versions after from_version up to to_version

    @property
    def groups(self):
        """(heading, changes) for each non-empty group of structured changes, in reading order."""
        groups = [
            ("Scope", self.scope),
            ("Statuses", self.statuses),
            ("Dates", self.dates),
            ("Impacts", self.impacts),
            ("Test strategy", self.testing),
            ("Costs", self.costs),
            ("Acceptance criteria", self.criteria),
        ]
        return [(heading, changes) for heading, changes in groups if changes]

    @property
    def is_empty(self):
        return not (self.groups or self.prose)

    @property
    def counts(self):
        return {heading: len(changes) for heading, changes in self.groups}


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
    """Join neighbouring segments of the same kind, and a lone space between two changes into
    both sides, so that "<del>a b</del><ins>c d</ins>" reads as one replacement."""
    merged = []
    for seg in segments:
        if not seg.text:
            continue
        if merged and merged[-1].op == seg.op:
            merged[-1] = Segment(seg.op, merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return merged


def _prose(what, before, after):
    if (before or "") == (after or ""):
        return None
    return ProseChange(what, word_diff(before, after))


def _mod_key(m):
    try:
        parsed = parse_modification_reference(m.reference)
        identity = (parsed.number, parsed.suffix)
    except ReferenceError:
        identity = (m.reference, "")
    return (*identity, m.part_label)


def _state(m):
    return "approved" if m.approved else f"targeted, {m.status_label}"


def _tick(value):
    return "impacted" if value else "not impacted"


def _lines(rows):
    return {r.label: "\n".join(r.lines) for r in rows}


def _cost_line(line):
    return f"{line.effort_words}, around {line.cost_text}" + (
        " (a maximum)" if line.is_maximum else ""
    )


def diff(old, new):
    """Everything that differs between two Rid values, old first."""
    scope, statuses, dates, impacts, testing, costs, criteria, prose = ([] for _ in range(8))

    # Scope and statuses ------------------------------------------------------------------------
    old_mods = {_mod_key(m): m for m in old.modifications}
    new_mods = {_mod_key(m): m for m in new.modifications}
    for key, m in new_mods.items():
        if key not in old_mods:
            scope.append(Change("added", m.label, after=_state(m)))
    for key, m in old_mods.items():
        if key not in new_mods:
            scope.append(Change("removed", m.label, before=_state(m)))
    for key, m in new_mods.items():
        if key not in old_mods:
            continue
        o = old_mods[key]
        if o.reference != m.reference:
            statuses.append(
                Change("changed", f"{m.reference} (reference)", o.reference, m.reference)
            )
        if _state(o) != _state(m):
            statuses.append(Change("changed", m.reference, _state(o), _state(m)))
        if o.title != m.title:
            prose.append(_prose(f"{m.reference}: title", o.title, m.title))
        if o.summary != m.summary:
            prose.append(_prose(f"{m.reference}: scope summary", o.summary, m.summary))
        if o.url != m.url:
            statuses.append(Change("changed", f"{m.reference} (web page)", o.url, m.url))
    old_crs = {c.reference: c for c in old.change_requests}
    new_crs = {c.reference: c for c in new.change_requests}
    for ref, c in new_crs.items():
        if ref not in old_crs:
            scope.append(Change("added", f"{c.label} (DCC Change Request alongside)"))
    for ref, c in old_crs.items():
        if ref not in new_crs:
            scope.append(Change("removed", f"{c.label} (DCC Change Request alongside)"))
    if old.classification != new.classification:
        statuses.append(
            Change("changed", "Classification", old.classification_label, new.classification_label)
        )

    # Dates ---------------------------------------------------------------------------------------
    if old.go_live_date != new.go_live_date:
        dates.append(
            Change(
                "changed",
                "Go-live",
                f"{long_date(old.go_live_date)}",
                f"{long_date(new.go_live_date)}",
            )
        )

    def _when(t):
        text = f"{t.date:%-d %b %Y}"
        return text + (f" - {t.end_date:%-d %b %Y}" if t.end_date else "")

    old_events = {t.event: t for t in old.timeline}
    new_events = {t.event: t for t in new.timeline}
    for name, t in new_events.items():
        if name not in old_events:
            dates.append(Change("added", name, after=_when(t)))
        elif (old_events[name].date, old_events[name].end_date) != (t.date, t.end_date):
            dates.append(Change("changed", name, _when(old_events[name]), _when(t)))
        if name in old_events:
            p = _prose(f"Timeline: {name}", old_events[name].notes, t.notes)
            if p:
                prose.append(p)
    for name, t in old_events.items():
        if name not in new_events:
            dates.append(Change("removed", name, before=_when(t)))

    # Impacts -------------------------------------------------------------------------------------
    old_rows = {r.label: r for r in old.participant_matrix}
    for row in new.participant_matrix:
        before = old_rows.get(row.label)
        if before is None:
            continue
        for column, was, now in zip(new.participant_columns, before.cells, row.cells, strict=True):
            if was != now:
                impacts.append(Change("changed", f"{row.label}: {column}", _tick(was), _tick(now)))
    old_docs = {d.full for d in old.documents}
    new_docs = {d.full for d in new.documents}
    for d in new.documents:
        if d.full not in old_docs:
            impacts.append(Change("added", f"SEC document {d.full}"))
    for d in old.documents:
        if d.full not in new_docs:
            impacts.append(Change("removed", f"SEC document {d.full}"))
    for heading, old_rows_, new_rows_ in [
        ("SEC Party impacts", old.party_impacts, new.party_impacts),
        ("DCC impacts", old.dcc_impacts, new.dcc_impacts),
        ("Other Code impacts", old.other_code_impacts, new.other_code_impacts),
    ]:
        before, after = _lines(old_rows_), _lines(new_rows_)
        for label, text in after.items():
            if label not in before:
                impacts.append(Change("added", f"{heading}: {label}", after=text))
            elif before[label] != text:
                prose.append(_prose(f"{heading}: {label}", before[label], text))
        for label, text in before.items():
            if label not in after:
                impacts.append(Change("removed", f"{heading}: {label}", before=text))

    # Test strategy -------------------------------------------------------------------------------
    for what, a, b in [
        ("Test strategy", old.test_strategy_text, new.test_strategy_text),
        ("User testing impacts", old.user_testing_text, new.user_testing_text),
        ("DCC costs", old.dcc_costs_text, new.dcc_costs_text),
        ("SECAS costs note", old.secas_costs_note, new.secas_costs_note),
    ]:
        p = _prose(what, a, b)
        if p:
            prose.append(p)
    for what, a, b in [
        ("Pre-Integration Testing (PIT)", old.pit_required, new.pit_required),
        ("Systems Integration Testing (SIT)", old.sit_required, new.sit_required),
        ("User Integration Testing (UIT)", old.uit_required, new.uit_required),
    ]:
        if a != b:
            testing.append(
                Change(
                    "changed",
                    what,
                    "needed" if a else "not needed",
                    "needed" if b else "not needed",
                )
            )

    # Costs ---------------------------------------------------------------------------------------
    if old.dcc_cost != new.dcc_cost:
        costs.append(
            Change(
                "changed",
                "DCC implementation cost",
                old.dcc_cost_text or "none",
                new.dcc_cost_text or "none",
            )
        )
    old_lines = {c.activity_text: c for c in old.secas_costs}
    new_lines = {c.activity_text: c for c in new.secas_costs}
    for activity, c in new_lines.items():
        if activity not in old_lines:
            costs.append(Change("added", f"SECAS: {activity}", after=_cost_line(c)))
        elif _cost_line(old_lines[activity]) != _cost_line(c):
            costs.append(
                Change(
                    "changed", f"SECAS: {activity}", _cost_line(old_lines[activity]), _cost_line(c)
                )
            )
    for activity, c in old_lines.items():
        if activity not in new_lines:
            costs.append(Change("removed", f"SECAS: {activity}", before=_cost_line(c)))

    # Acceptance criteria -------------------------------------------------------------------
    for n, (a, b) in enumerate(
        zip(old.acceptance_criteria, new.acceptance_criteria, strict=False), start=1
    ):
        if a != b:
            prose.append(_prose(f"Acceptance criterion {n}", a, b))
    for n, text in enumerate(
        new.acceptance_criteria[len(old.acceptance_criteria) :],
        start=len(old.acceptance_criteria) + 1,
    ):
        criteria.append(Change("added", f"Criterion {n}", after=text))
    for n, text in enumerate(
        old.acceptance_criteria[len(new.acceptance_criteria) :],
        start=len(new.acceptance_criteria) + 1,
    ):
        criteria.append(Change("removed", f"Criterion {n}", before=text))

    low = version_key(old.version) if old.version else (-1, -1)
    history = tuple(r for r in new.history if version_key(r.number) > low)
    return RidDiff(
        from_version=old.version,
        to_version=new.version,
        scope=tuple(scope),
        statuses=tuple(statuses),
        dates=tuple(dates),
        impacts=tuple(impacts),
        testing=tuple(testing),
        costs=tuple(costs),
        criteria=tuple(criteria),
        prose=tuple(p for p in prose if p),
        history=history,
    )
