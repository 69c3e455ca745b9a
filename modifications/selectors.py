"""Reads for the register pages and the CSV export. Each selector owns its select_related /
prefetch_related so that a page issues a fixed number of queries however large the register is.

This app knows nothing about releases: what a modification is targeted for is read through the
reverse relation `scope_items` (defined by releases.ScopeItem) with plain values lookups.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch

from .models import (
    ChangeRequest,
    Decision,
    Event,
    ImpactValue,
    Modification,
    Revision,
    SECDocument,
    SECDocumentKind,
)
from .references import ReferenceError, parse_modification_reference

# The value of releases.models.ScopeState.IN_SCOPE; this app may not import releases.
IN_SCOPE = "in_scope"


@dataclass(frozen=True)
class RegisterFilters:
    """What the analyst asked the register for; empty strings mean 'any'."""

    search: str = ""
    status: str = ""
    dcc: str = ""  # "yes" / "no"
    release: str = ""  # a release slug: in scope of that release

    @property
    def active(self):
        return any([self.search, self.status, self.dcc, self.release])


def revision_columns_sql():
    """SQL of the two columns of the register revision token (see register_revision), named
    _revision_number and _latest_event, for a query that reads them along with something
    else."""
    return (
        f"(SELECT number FROM {Revision._meta.db_table} WHERE id = 1) AS _revision_number, "
        f"(SELECT MAX(id) FROM {Event._meta.db_table}) AS _latest_event"
    )


def revision_token(number, latest_event):
    return f"{number or 0}.{latest_event or 0}"


def register_revision(user=None):
    """A token that changes with every change recorded in the activity trail, for the keys of
    cached pages built from the data (secrelease.caching): "<revision>.<latest event id>".

    The revision (services.revision_bump) goes up after each change commits, in whatever order
    transactions commit; the latest event id changes at once inside the changing transaction
    itself (what a test sees, its bump never running). Read before the data a page shows, so
    that a page is always at least as new as its key.

    `user`: the request's user; when secrelease.roles.RolesBackend read it, the token came in
    the same query (read at the start of the request) and this costs nothing. Otherwise one
    query, written in SQL: it runs on every cached page, and the ORM took longer to build it
    than the database to answer."""
    token = getattr(user, "_register_revision", None)
    if token is not None:
        return token
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {revision_columns_sql()}")
        return revision_token(*cursor.fetchone())


def modification_register(filters=RegisterFilters()):
    """The register, searched and filtered, in register order (SECMP0062 before MP080 before
    DP124). The list page and the CSV export both read through this one function."""
    modifications = Modification.objects.all()
    if filters.search:
        modifications = modifications.search(filters.search)
    if filters.status:
        modifications = modifications.filter(status=filters.status)
    if filters.dcc == "yes":
        modifications = modifications.filter(impacts_dcc_systems=True)
    elif filters.dcc == "no":
        modifications = modifications.filter(impacts_dcc_systems=False)
    if filters.release:
        modifications = modifications.filter(
            scope_items__release__slug=filters.release, scope_items__state=IN_SCOPE
        ).distinct()
    return modifications.prefetch_related("former_references").in_register_order()


def _scope_item_model():
    """releases.ScopeItem, reached through the reverse relation (this app may not import
    releases)."""
    return Modification._meta.get_field("scope_items").related_model


def release_choices():
    """(slug, name) of every release that has (or had) a modification in its scope, by go-live
    date: one query over the releases (each checked through the scope item index on release),
    not over the register."""
    scope_item = _scope_item_model()
    release = scope_item._meta.get_field("release").related_model
    return list(
        release.objects.filter(Exists(scope_item.objects.filter(release=OuterRef("pk"))))
        .order_by("go_live_date", "name")
        .values_list("slug", "name")
    )


@dataclass(frozen=True)
class TargetedRelease:
    slug: str
    name: str
    part_label: str


def targeted_releases(modification_ids):
    """{modification id: [TargetedRelease, ...]} for the releases each is in scope of, in
    go-live order: one query over the scope items of those modifications (their index on
    modification), whatever the size of the register."""
    rows = (
        _scope_item_model()
        .objects.filter(modification_id__in=modification_ids, state=IN_SCOPE)
        .values_list("modification_id", "release__slug", "release__name", "part_label")
        .order_by("release__go_live_date", "part_label")
    )
    result = {}
    for pk, slug, name, part_label in rows:
        result.setdefault(pk, []).append(TargetedRelease(slug, name, part_label or ""))
    return result


def resolve_reference(text):
    """(modification, is_canonical) for a reference typed in a URL: the current reference,
    a former one (DP153 -> MP153) or a loose spelling (mp153). (None, False) when unknown."""
    try:
        normalised = str(parse_modification_reference(text))
    except ReferenceError:
        return None, False
    modification = (
        Modification.objects.filter(reference=normalised).first()
        or Modification.objects.filter(former_references__reference=normalised).first()
    )
    if modification is None:
        return None, False
    return modification, modification.reference == text


def modification_for_page(modification):
    """Everything the detail page shows about one modification, in a fixed number of queries."""
    modification = Modification.objects.prefetch_related(
        Prefetch("sec_documents", queryset=SECDocument.objects.order_by("position")),
        "former_references",
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("recorded_by", "corrected_by"),
        ),
    ).get(pk=modification.pk)
    scope = list(
        modification.scope_items.select_related("release", "fall_back_release").order_by(
            "release__go_live_date", "part_label", "id"
        )
    )
    return modification, scope


@dataclass(frozen=True)
class CatalogueGroup:
    """The documents of one kind, in listing order, each annotated with `cited_by` (the
    number of modifications citing it)."""

    kind: str
    heading: str
    in_force: list
    retired: list


def sec_document_catalogue():
    """The SEC document catalogue by kind (Sections, Schedules, Appendices), in listing order,
    in force first, then retired: one query."""
    documents = SECDocument.objects.annotate(cited_by=Count("modifications")).order_by(
        "position", "pk"
    )
    headings = {
        SECDocumentKind.SECTION: "Sections",
        SECDocumentKind.SCHEDULE: "Schedules",
        SECDocumentKind.APPENDIX: "Appendices",
    }
    groups = {kind: CatalogueGroup(kind, heading, [], []) for kind, heading in headings.items()}
    for document in documents:
        group = groups[document.kind]
        (group.retired if document.is_retired else group.in_force).append(document)
    return list(groups.values())


def sec_document_events(limit=10):
    """The latest changes to the catalogue, newest first (one query)."""
    return list(
        Event.objects.filter(subject_type=ContentType.objects.get_for_model(SECDocument))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def recent_events(modification, limit=5):
    return list(Event.objects.for_modification(modification).select_related("actor")[:limit])


def modification_events(modification):
    return Event.objects.for_modification(modification).select_related("actor")


def change_requests():
    return ChangeRequest.objects.prefetch_related("releases").order_by("reference", "id")


def change_request_for_page(pk):
    change_request = ChangeRequest.objects.get(pk=pk)
    releases = list(change_request.releases.order_by("go_live_date"))
    events = list(Event.objects.about(change_request).select_related("actor")[:20])
    return change_request, releases, events


# Labels for showing and exporting -------------------------------------------------------

IMPACT_LABELS = dict(ImpactValue.choices)
