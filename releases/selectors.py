"""Reads for release pages. Each selector owns its select_related/prefetch_related so that a page
issues a fixed number of queries however large the release is."""

from django.db.models import Prefetch

from modifications.models import Modification

from .models import Release, ScopeItem, ScopeState

SCOPE_ITEM_RELATED = ("modification", "fall_back_release")


def scope_items(release):
    """Every scope item of a release (in and out of scope), with each modification's SEC
    documents, in register order."""
    return list(
        ScopeItem.objects.filter(release=release)
        .select_related(*SCOPE_ITEM_RELATED)
        .prefetch_related(
            Prefetch("modification__sec_documents"),
        )
        .order_by("modification__number", "modification__suffix", "part_label", "id")
    )


def release_for_page(slug):
    """A release with everything its page and its RID show, in a fixed number of queries."""
    return Release.objects.prefetch_related(
        "party_impacts",
        "dcc_impacts",
        "other_code_impacts",
        "timeline",
        "secas_costs",
        "acceptance_criteria",
        "change_requests",
        "date_changes",
    ).get(slug=slug)


def in_scope(items):
    return [i for i in items if i.state == ScopeState.IN_SCOPE]


def modifications_in_scope(release):
    return Modification.objects.filter(
        scope_items__release=release, scope_items__state=ScopeState.IN_SCOPE
    ).distinct()
