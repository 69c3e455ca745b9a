"""The register and the releases as they stood on a date, as plain frozen values.

Policy checks (releases.policy), the dashboard and the OPSG paper (releases.paper) read these
values, never the models, so that a check or a paper "as of 26 May 2020" shows what was true then
even after later decisions were recorded:

- a modification's status and reference on a date come from its dated decisions
  (modifications.lifecycle.status_on / reference_on);
- a release's scope on a date is the scope items with added_on <= date and
  (removed_on is null or removed_on > date);
- a release's go-live date on a date replays its recorded date changes (R10) decided on or before
  that date.

Every loader here issues a fixed number of queries, however many releases, items or decisions.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse

from modifications import lifecycle
from modifications.models import (
    TERMINAL_STATUSES,
    Decision,
    DecisionKind,
    Modification,
    Status,
    StatusQuestions,
)
from secrelease.text import quoted_label

from ..models import Release, ScopeItem, TimelineEvent
from ..selectors import baseline_annotations
from . import history

PENDING_STATUSES = frozenset(
    {
        Status.DEVELOPMENT,
        Status.REFINEMENT,
        Status.REPORT_PHASE,
        Status.CHANGE_BOARD,
        Status.WITH_AUTHORITY,
    }
)


@dataclass(frozen=True)
class DecisionFact:
    kind: str
    body: str
    date: datetime.date
    to_status: str


@dataclass(frozen=True)
class ModificationFact(StatusQuestions):
    """A modification on a date: status and reference replayed from its decisions; the key dates
    (Panel, Change Board, Authority, cut-off) are the register's planned dates."""

    pk: int
    reference: str
    title: str
    url: str
    path: str
    status: str
    impacts_dcc_systems: bool
    duis_impact: str = "no"
    duis_footnote: str = ""
    gbcs_impact: str = "no"
    gbcs_footnote: str = ""
    ch_firmware_impact: str = "no"
    ch_firmware_footnote: str = ""
    panel_date: datetime.date | None = None
    change_board_date: datetime.date | None = None
    authority_decision_date: datetime.date | None = None
    cut_off_date: datetime.date | None = None
    recommend_direct_to_report: bool = False
    decisions: tuple[DecisionFact, ...] = ()
    number: int = 0
    suffix: str = ""
    # The modification's public web page (Modification.web_url), "" when none is recorded.
    web_url: str = ""

    @property
    def label(self):
        return quoted_label(self.reference, self.title)

    @property
    def register_order(self):
        """SECMP0062 before MP080 before DP124: numeric part, then split letter."""
        return (self.number, self.suffix, self.reference)

    @property
    def is_pending(self):
        return self.status in PENDING_STATUSES

    @property
    def is_self_governance(self):
        return self.path in lifecycle.SELF_GOVERNANCE_PATHS

    @property
    def status_label(self):
        return Status(self.status).label

    def last_decision(self, *kinds):
        for decision in reversed(self.decisions):
            if decision.kind in kinds:
                return decision
        return None

    @property
    def change_board_recommendation(self):
        """The Change Board's recommendation to the Authority, when it made one."""
        return self.last_decision(
            DecisionKind.CB_RECOMMEND_APPROVE, DecisionKind.CB_RECOMMEND_REJECT
        )


@dataclass(frozen=True)
class ScopeFact:
    pk: int
    release_slug: str
    release_name: str
    modification: ModificationFact
    part_label: str
    added_on: datetime.date
    removed_on: datetime.date | None
    added_after_deadline: bool
    exception_reason: str
    cut_off_date: datetime.date | None
    fall_back_release_slug: str = ""
    fall_back_release_name: str = ""
    status_override: str = ""

    @property
    def label(self):
        part = f" {self.part_label}" if self.part_label else ""
        return f"{self.modification.label}{part}"


@dataclass(frozen=True)
class TimelineFact:
    pk: int
    date: datetime.date
    event: str
    notes: str
    kind: str
    end_date: datetime.date | None = None


@dataclass(frozen=True)
class DateChangeFact:
    old_date: datetime.date
    new_date: datetime.date
    decided_by: str
    decided_by_label: str
    decision_date: datetime.date
    reason: str


@dataclass(frozen=True)
class ChangeRequestFact:
    reference: str
    title: str
    category: str
    url: str

    @property
    def label(self):
        return quoted_label(self.reference, self.title)


@dataclass(frozen=True)
class ReleaseFact:
    """A release on a date: go-live as decided by then, the scope it had then."""

    pk: int
    slug: str
    name: str
    url: str
    go_live_date: datetime.date
    current_go_live_date: datetime.date
    # The release's baseline dates: planned until the Panel's baseline is recorded, then the
    # recorded meeting date (*_recorded is set only then).
    system_baseline_date: datetime.date | None = None
    full_baseline_date: datetime.date | None = None
    system_baseline_recorded: datetime.date | None = None
    full_baseline_recorded: datetime.date | None = None
    pit_required: bool = False
    sit_required: bool = False
    uit_required: bool = False
    scope: tuple[ScopeFact, ...] = ()
    timeline: tuple[TimelineFact, ...] = ()
    date_changes: tuple[DateChangeFact, ...] = ()
    change_requests: tuple[ChangeRequestFact, ...] = ()
    as_of: datetime.date | None = None

    @property
    def dcc_scope(self):
        return tuple(item for item in self.scope if item.modification.impacts_dcc_systems)

    @property
    def has_system_tests(self):
        return self.pit_required or self.sit_required or self.uit_required

    def timeline_of(self, kind):
        return [event for event in self.timeline if event.kind == kind]


def go_live_on(current, changes, date):
    """The go-live date as decided on `date`: the first recorded date, moved by every date change
    decided on or before `date` (R10). Without recorded changes it is the current date."""
    return lifecycle.value_on(
        sorted(changes, key=lambda c: (c.decision_date, getattr(c, "id", 0) or 0)),
        date,
        current,
        when=lambda c: c.decision_date,
        before=lambda c: c.old_date,
        after=lambda c: c.new_date,
    )


def modification_fact(modification, date, recorded=None):
    """The fact for one modification on `date`; its decisions must be prefetched (ordered).
    With `recorded` (a history.Recorded), its fields are as recorded by then."""
    decisions = list(modification.decisions.all())
    if recorded is not None:
        modification = recorded.modification(modification)
    return ModificationFact(
        pk=modification.pk,
        reference=lifecycle.reference_on(decisions, date, modification.reference),
        title=modification.title,
        url=reverse("modifications:modification_detail", args=[modification.reference]),
        path=modification.path,
        status=lifecycle.status_on(decisions, date, modification.status),
        impacts_dcc_systems=modification.impacts_dcc_systems,
        duis_impact=modification.duis_impact,
        duis_footnote=modification.duis_footnote,
        gbcs_impact=modification.gbcs_impact,
        gbcs_footnote=modification.gbcs_footnote,
        ch_firmware_impact=modification.ch_firmware_impact,
        ch_firmware_footnote=modification.ch_firmware_footnote,
        panel_date=modification.panel_date,
        change_board_date=modification.change_board_date,
        authority_decision_date=modification.authority_decision_date,
        cut_off_date=modification.cut_off_date,
        recommend_direct_to_report=modification.recommend_direct_to_report,
        decisions=tuple(
            DecisionFact(kind=d.kind, body=d.body, date=d.date, to_status=d.to_status)
            for d in decisions
            if d.date <= date
        ),
        number=modification.number,
        suffix=modification.suffix,
        web_url=modification.web_url,
    )


def decisions_prefetch(prefix=""):
    """The standing decisions (not those corrected as recorded in error), oldest first."""
    return Prefetch(
        f"{prefix}decisions", queryset=Decision.objects.standing().order_by("date", "id")
    )


def scope_on(date):
    """Scope items in scope on `date` (a queryset filter, for prefetching)."""
    return Q(added_on__lte=date) & (Q(removed_on__isnull=True) | Q(removed_on__gt=date))


def scope_fact(item, modification, release):
    cut_off = item.cut_off_date or modification.cut_off_date
    if cut_off and cut_off < item.added_on:
        # A cut-off before the item joined the scope belongs to another release (a lapsed one).
        cut_off = None
    fall_back = item.fall_back_release
    return ScopeFact(
        pk=item.pk,
        release_slug=release.slug,
        release_name=release.name,
        modification=modification,
        part_label=item.part_label,
        added_on=item.added_on,
        removed_on=item.removed_on,
        added_after_deadline=item.added_after_deadline,
        exception_reason=item.exception_reason,
        cut_off_date=cut_off,
        fall_back_release_slug=fall_back.slug if fall_back else "",
        fall_back_release_name=fall_back.name if fall_back else "",
        status_override=item.status_override,
    )


def release_queryset(date):
    """Releases with their scope on `date` and everything the checks and the paper read:
    6 queries however many releases, items or decisions."""
    items = (
        ScopeItem.objects.filter(scope_on(date))
        .select_related("modification", "fall_back_release")
        .prefetch_related(decisions_prefetch("modification__"))
        .order_by("modification__number", "modification__suffix", "part_label", "id")
    )
    return (
        Release.objects.annotate(**baseline_annotations())
        .prefetch_related(
            Prefetch("scope_items", queryset=items, to_attr="scope_on_date"),
            Prefetch("timeline", queryset=TimelineEvent.objects.order_by("date", "id")),
            "date_changes",
            "change_requests",
        )
        .order_by("go_live_date", "name")
    )


def release_fact(release, date, recorded=None):
    """The fact for a release loaded with release_queryset(date). With `recorded` (a
    history.Recorded), its fields, scope items, modifications, timeline and Change Requests are
    as recorded by then."""
    if recorded is None:
        recorded = history.Recorded(date)
    changes = list(release.date_changes.all())
    change_requests = recorded.release_change_requests(release)
    timeline = recorded.release_timeline(release)
    release = recorded.release(release)
    scope = []
    for item in release.scope_on_date:
        modification = modification_fact(item.modification, date, recorded)
        scope.append(scope_fact(recorded.scope_item(item), modification, release))
    return ReleaseFact(
        pk=release.pk,
        slug=release.slug,
        name=release.name,
        url=release.get_absolute_url(),
        go_live_date=go_live_on(release.go_live_date, changes, date),
        current_go_live_date=release.go_live_date,
        system_baseline_date=release.system_baseline_date,
        full_baseline_date=release.full_baseline_date,
        system_baseline_recorded=release.system_baseline_recorded,
        full_baseline_recorded=release.full_baseline_recorded,
        pit_required=release.pit_required,
        sit_required=release.sit_required,
        uit_required=release.uit_required,
        scope=tuple(scope),
        timeline=tuple(
            TimelineFact(
                pk=t.pk,
                date=t.date,
                event=t.event,
                notes=t.notes,
                kind=t.kind,
                end_date=t.end_date,
            )
            for t in timeline
        ),
        date_changes=tuple(
            DateChangeFact(
                old_date=c.old_date,
                new_date=c.new_date,
                decided_by=c.decided_by,
                decided_by_label=c.get_decided_by_display(),
                decision_date=c.decision_date,
                reason=c.reason,
            )
            for c in sorted(changes, key=lambda c: (c.decision_date, c.pk))
        ),
        change_requests=tuple(
            ChangeRequestFact(
                reference=cr.reference,
                title=cr.title,
                category=cr.category,
                url=cr.get_absolute_url(),
            )
            for cr in sorted(change_requests, key=lambda cr: (cr.reference, cr.pk))
        ),
        as_of=date,
    )


def releases_on(date, *, slugs=None, pks=None):
    """Every release (or the chosen ones) as it stood on `date`, in go-live order (as of then)."""
    queryset = release_queryset(date)
    if slugs is not None:
        queryset = queryset.filter(slug__in=list(slugs))
    if pks is not None:
        queryset = queryset.filter(pk__in=list(pks))
    releases = list(queryset)
    recorded = history.Recorded.load(
        date,
        releases=releases,
        scope_items=[i for r in releases for i in r.scope_on_date],
        modifications={i.modification for r in releases for i in r.scope_on_date},
    )
    facts = [release_fact(release, date, recorded) for release in releases]
    return sorted(facts, key=lambda r: (r.go_live_date, r.name))


def modifications_on(date, *, pks=None, open_only=False):
    """Modifications as they stood on `date` (2 queries). With open_only, those already
    terminal on that date (rejected, withdrawn, implemented by then) are left out in SQL."""
    queryset = Modification.objects.prefetch_related(decisions_prefetch()).in_register_order()
    if pks is not None:
        queryset = queryset.filter(pk__in=list(pks))
    if open_only:
        closed = Decision.objects.standing().filter(
            modification=OuterRef("pk"), date__lte=date, to_status__in=TERMINAL_STATUSES
        )
        queryset = queryset.filter(Q(date_raised__isnull=True) | Q(date_raised__lte=date)).exclude(
            Exists(closed)
        )
    modifications = list(queryset)
    recorded = history.Recorded.load(date, modifications=modifications)
    facts = [modification_fact(m, date, recorded) for m in modifications]
    if open_only:
        facts = [f for f in facts if not f.is_terminal]
    return facts
