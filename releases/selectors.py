"""Reads for release pages. Each selector owns its select_related/prefetch_related so that a page
issues a fixed number of queries however large the release is."""

import json
from typing import NamedTuple

from django.db.models import CharField, Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Cast, Concat

from modifications.models import APPROVED_STATUSES, TERMINAL_STATUSES, ChangeRequest, Modification

from .models import PanelBaseline, Release, RidVersion, ScopeItem, ScopeState, UpdatePaper

SCOPE_ITEM_RELATED = ("modification", "fall_back_release")


def scope_items(release):
    """Every scope item of a release (in and out of scope), with each modification's SEC
    documents and each part's own, in register order."""
    return list(
        ScopeItem.objects.filter(release=release)
        .select_related(*SCOPE_ITEM_RELATED)
        .prefetch_related(
            Prefetch("modification__sec_documents"),
            "sec_documents",
        )
        .order_by("modification__number", "modification__suffix", "part_label", "id")
    )


def baseline_annotations():
    """Annotations of a Release queryset with its recorded Panel baselines (no extra query):
    system_baseline_recorded / full_baseline_recorded (the meeting date, None while the date is
    only planned) and *_baseline_version (the number of the RID version it baselined, "2.0")."""
    annotations = {}
    for scope in ("system", "full"):
        rows = PanelBaseline.objects.filter(release=OuterRef("pk"), scope=scope)
        annotations[f"{scope}_baseline_recorded"] = Subquery(rows.values("meeting_date")[:1])
        number = Concat(
            Cast("rid_version__major", CharField()),
            Value("."),
            Cast("rid_version__minor", CharField()),
            output_field=CharField(),
        )
        annotations[f"{scope}_baseline_version"] = Subquery(
            rows.filter(rid_version__isnull=False).annotate(number=number).values("number")[:1]
        )
    return annotations


def release_for_page(slug):
    """A release with everything its page and its RID show, in a fixed number of queries."""
    return (
        Release.objects.annotate(**baseline_annotations())
        .prefetch_related(
            "party_impacts",
            "dcc_impacts",
            "other_code_impacts",
            "timeline",
            "secas_costs",
            "acceptance_criteria",
            "change_requests",
            "date_changes",
        )
        .get(slug=slug)
    )


def in_scope(items):
    return [i for i in items if i.state == ScopeState.IN_SCOPE]


def modifications_in_scope(release):
    return Modification.objects.filter(
        scope_items__release=release, scope_items__state=ScopeState.IN_SCOPE
    ).distinct()


class ScopeGroups(NamedTuple):
    """A release's scope as its page shows it."""

    approved: list  # in scope, modification approved or implemented: "Approved for inclusion"
    targeted: list  # in scope, decision pending: "Targeted, not yet approved"
    out: list  # fell out, removed or moved to another release


def scope_groups(items):
    """Split scope items (from scope_items) into approved / targeted / out, keeping their order.
    Pure: no query."""
    groups = ScopeGroups([], [], [])
    for item in items:
        if item.state != ScopeState.IN_SCOPE:
            groups.out.append(item)
        elif item.modification.status in APPROVED_STATUSES:
            groups.approved.append(item)
        else:
            groups.targeted.append(item)
    groups.out.sort(key=lambda i: (i.removed_on, i.id))
    return groups


OUT_STATES = [ScopeState.FELL_OUT, ScopeState.REMOVED, ScopeState.MOVED]


def scope_destinations(release, out_items):
    """Where each moved or fallen-out item went: {item.pk: release it joined}, in one query.

    A move (services.scope_move) takes the item out and adds the same modification and part to
    the other release on the same date; items that were simply removed have no destination.
    """
    moved = [i for i in out_items if i.state in (ScopeState.MOVED, ScopeState.FELL_OUT)]
    if not moved:
        return {}
    candidates = (
        ScopeItem.objects.filter(modification_id__in={i.modification_id for i in moved})
        .exclude(release=release)
        .select_related("release")
        .order_by("added_on", "id")
    )
    found = {}
    for item in moved:
        for other in candidates:
            if (
                other.modification_id == item.modification_id
                and other.part_label == item.part_label
                and other.added_on == item.removed_on
            ):
                found[item.pk] = other.release
                break
    return found


def releases_with_scope_counts():
    """Every release with its scope counts (one query): in_scope_count, approved_count,
    targeted_count and out_count."""
    in_scope = Q(scope_items__state=ScopeState.IN_SCOPE)
    approved = in_scope & Q(scope_items__modification__status__in=APPROVED_STATUSES)
    return (
        Release.objects.annotate(
            in_scope_count=Count("scope_items", filter=in_scope),
            approved_count=Count("scope_items", filter=approved),
            out_count=Count("scope_items", filter=Q(scope_items__state__in=OUT_STATES)),
        )
        .annotate(targeted_count=F("in_scope_count") - F("approved_count"))
        .order_by("go_live_date", "name")
    )


def modification_matches(text, *, limit=20, exclude_terminal=True):
    """Modifications whose reference, former reference or title matches `text`, in register
    order, at most `limit` (one query). Implemented, rejected and withdrawn ones are left out
    unless exclude_terminal=False."""
    rows = Modification.objects.search(text)
    if exclude_terminal:
        rows = rows.exclude(status__in=TERMINAL_STATUSES)
    return list(rows.in_register_order()[:limit])


def scope_candidates(release, search="", *, limit=50):
    """Modifications that may join the release's scope (not terminal, not already in it),
    matching `search` when given, in register order: at most limit + 1 rows (the extra one
    says there are more), one query."""
    rows = Modification.objects.exclude(status__in=TERMINAL_STATUSES).exclude(
        pk__in=ScopeItem.objects.filter(release=release, state=ScopeState.IN_SCOPE).values(
            "modification_id"
        )
    )
    if search:
        rows = rows.search(search)
    return list(rows.in_register_order()[: limit + 1])


class SearchResults(NamedTuple):
    modifications: list
    change_requests: list
    releases: list
    papers: list

    @property
    def count(self):
        return sum(len(group) for group in self)


def search_everything(text, *, limit=50):
    """The header search: modifications (reference, former reference, title), DCC Change
    Requests (reference, title), releases (name, slug) and OPSG papers (reference, title), each
    at most `limit`, in four queries. Empty text finds nothing."""
    text = " ".join((text or "").split())
    if not text:
        return SearchResults([], [], [], [])
    compact = text.replace(" ", "").upper()
    return SearchResults(
        modifications=list(
            Modification.objects.search(text)
            .prefetch_related("former_references")
            .in_register_order()[:limit]
        ),
        change_requests=list(
            ChangeRequest.objects.filter(
                Q(reference__icontains=compact) | Q(title__icontains=text)
            ).order_by("reference", "id")[:limit]
        ),
        releases=list(
            Release.objects.filter(Q(name__icontains=text) | Q(slug__icontains=text)).order_by(
                "-go_live_date"
            )[:limit]
        ),
        papers=list(
            UpdatePaper.objects.filter(
                Q(reference__icontains=text) | Q(title__icontains=text)
            ).order_by("-as_of", "-id")[:limit]
        ),
    )


def issued_scope(release_id):
    """{(reference, part_label): [version numbers]} of the modifications the issued RID versions
    of a release list (approved or targeted), read from their stored content: one query."""
    found = {}
    rows = RidVersion.objects.filter(release_id=release_id).values_list(
        "major", "minor", "content__approved", "content__targeted"
    )
    for major, minor, *groups in rows:
        for group in groups:
            if isinstance(group, str):  # SQLite returns the JSON text of a key
                group = json.loads(group)
            for row in group or []:
                key = (row.get("reference"), row.get("part_label") or "")
                found.setdefault(key, []).append(f"{major}.{minor}")
    return found


def other_parts(items):
    """{modification pk: [ScopeItem]}: for each modification in scope in `items`, its other
    parts in the scope of any release (this one included), with their release, in go-live
    order; modifications in one scope only are left out. One query."""
    parts = [i for i in items if i.state == ScopeState.IN_SCOPE]
    if not parts:
        return {}
    others = (
        ScopeItem.objects.filter(
            modification_id__in={i.modification_id for i in parts}, state=ScopeState.IN_SCOPE
        )
        .exclude(pk__in=[i.pk for i in parts])
        .select_related("release")
        .order_by("release__go_live_date", "part_label", "id")
    )
    found = {}
    for other in others:
        found.setdefault(other.modification_id, []).append(other)
    return found
