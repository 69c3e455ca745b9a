"""Release pages: the list, the one-screen release page with every part editable by analysts, the
small forms that change a release (all through releases.services), its activity trail, and the
glossary. Panel members read the same pages with no edit controls; a forged POST gets 403."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from modifications.activity import activity_rows
from modifications.models import ChangeRequest, Event
from modifications.selectors import register_revision
from secrelease.caching import cached_page, form_html
from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, reader_required
from secrelease.text import long_date

from . import forms, impacts, selectors, services
from .models import (
    PARTICIPANT_ORDER,
    AcceptanceCriterion,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PartyImpact,
    Release,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
)
from .policy import rules
from .rid.document import strategy_and_cost_sentences

ACTIVITY_PAGE_SIZE = 50


def _release(slug):
    return get_object_or_404(Release, slug=slug)


def _action_page(request, *, release, form, heading, submit, intro="", danger=False, anchor=""):
    """Render the small form page every change of a release uses. The form is rendered once per
    form, page address and register revision while unbound (secrelease.caching.form_html)."""
    match = request.resolver_match  # the page and its address (the scope item, the part...)
    scope = (release.pk, match.url_name, *sorted(match.kwargs.items())) if match else (release.pk,)
    return render(
        request,
        "releases/release_action_form.html",
        {
            "release": release,
            "form": form,
            "form_html": form_html(form, revision=register_revision(request.user), scope=scope),
            "heading": heading,
            "intro": intro,
            "submit": submit,
            "danger": danger,
            "cancel_url": release.get_absolute_url() + (f"#{anchor}" if anchor else ""),
        },
    )


# List and create ------------------------------------------------------------------------------


@reader_required
def release_list(request):
    today = timezone.localdate()
    releases = list(selectors.releases_with_scope_counts())
    upcoming = [r for r in releases if r.go_live_date >= today]
    past = sorted((r for r in releases if r.go_live_date < today), key=lambda r: r.go_live_date)
    past.reverse()
    return render(
        request, "releases/release_list.html", {"upcoming": upcoming, "past": past, "today": today}
    )


def suggested_release_dates(today, years=3):
    """R15 standard dates from today on, for this year and the next ones."""
    dates = []
    for year in range(today.year, today.year + years):
        dates += [d for d in rules.standard_release_dates(year) if d >= today]
    return dates


@analyst_required
def release_create(request):
    if request.method == "POST":
        form = forms.ReleaseCreateForm(request.POST)
        if form.is_valid():
            source, data = form.service_kwargs()
            try:
                if source is None:
                    release = services.release_create(actor=request.user, **data)
                else:
                    release = services.release_create_from(
                        actor=request.user, source=source, **data
                    )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                copied = f" from {source.name}: check the copied dates" if source else ""
                messages.success(request, f"{release.name} created{copied}.")
                return redirect(release)
    else:
        initial = {"classification": "white"}
        source = Release.objects.filter(slug=request.GET.get("from", "")).first()
        if source:
            initial["copy_from"] = source.pk
        form = forms.ReleaseCreateForm(initial=initial)
    today = timezone.localdate()
    return render(
        request,
        "releases/release_create.html",
        {"form": form, "suggested_dates": suggested_release_dates(today)},
    )


# The release page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    label: str
    date: datetime.date
    rule: str


@dataclass(frozen=True)
class OutRow:
    """A scope item no longer in scope, with the release it moved to (if it moved)."""

    item: ScopeItem
    moved_to: Release | None


def _party_impacts(release):
    rows = sorted(release.party_impacts.all(), key=lambda p: PARTICIPANT_ORDER.index(p.participant))
    return rows


@reader_required
def release_detail(request, slug):
    """The release page, rendered once per register revision, role and day
    (secrelease.caching.cached_page)."""
    key = ("release", slug, register_revision(request.user))
    return cached_page(
        request, "releases/release_detail.html", key, lambda: _release_page_context(slug)
    )


def _release_page_context(slug):
    try:
        release = selectors.release_for_page(slug)
    except Release.DoesNotExist as exc:
        raise Http404("No release with that address.") from exc
    items = selectors.scope_items(release)
    groups = selectors.scope_groups(items)
    destinations = selectors.scope_destinations(release, groups.out)
    context = {
        "release": release,
        "groups": groups,
        "out_rows": [OutRow(item, destinations.get(item.pk)) for item in groups.out],
        "in_scope_count": len(groups.approved) + len(groups.targeted),
        # Sections 4 and 5 say what the RID will print (releases.rid.document).
        "sentences": strategy_and_cost_sentences(release, items),
        "participant_headings": impacts.PARTICIPANT_HEADINGS,
        "participant_rows": impacts.participant_matrix(items),
        "documents": impacts.sec_documents_impacted(items),
        "document_matrix": impacts.document_matrix(items),
        "sections": {key.replace("-", "_"): _section_context(release, key) for key in PARTS},
        "deletable": _deletable_items(release, [*groups.approved, *groups.targeted]),
        "change_requests": sorted(release.change_requests.all(), key=lambda c: c.reference),
        "date_changes": list(release.date_changes.all()),
        "deadlines": [
            Deadline(
                "Scope deadline, DCC System-impacting",
                rules.scope_deadline(release.go_live_date, impacts_dcc_systems=True),
                f"{rules.SYSTEM_SCOPE_MONTHS} months before go-live",
            ),
            Deadline(
                "Scope deadline, documentation-only",
                rules.scope_deadline(release.go_live_date, impacts_dcc_systems=False),
                f"{rules.DOCUMENT_SCOPE_MONTHS} months before go-live",
            ),
        ],
    }
    return context


@analyst_required
def release_edit(request, slug):
    release = _release(slug)
    if request.method == "POST":
        form = forms.ReleaseEditForm(request.POST, instance=Release.objects.get(pk=release.pk))
        if form.is_valid():
            try:
                release = services.release_update(
                    actor=request.user, release=release, **form.service_kwargs()
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{release.name} saved.")
                return redirect(release)
    else:
        form = forms.ReleaseEditForm(instance=release)
    return render(request, "releases/release_edit.html", {"release": release, "form": form})


@reader_required
def release_activity(request, slug):
    release = _release(slug)
    events = Event.objects.about(release).select_related("actor", "modification")
    page = Paginator(events, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "releases/release_activity.html",
        {"release": release, "page": page, "events": activity_rows(page.object_list)},
    )


# Scope ------------------------------------------------------------------------------------


def _scope_item(release, pk):
    return get_object_or_404(
        ScopeItem.objects.select_related("modification", "release", "fall_back_release"),
        pk=pk,
        release=release,
    )


def _in_scope_or_redirect(request, item):
    if item.state != ScopeState.IN_SCOPE:
        messages.error(
            request,
            f"{item.modification.reference} is no longer in the scope of {item.release.name}.",
        )
        return redirect(item.release.get_absolute_url() + "#scope")
    return None


@analyst_required
def scope_add(request, slug):
    release = _release(slug)
    if request.method == "POST":
        form = forms.ScopeAddForm(request.POST, release=release)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            try:
                item = services.scope_add(
                    actor=request.user,
                    release=release,
                    reason=form.cleaned_data["reason"],
                    **data,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                _scope_added_message(request, item)
                return redirect(release.get_absolute_url() + "#scope")
    else:
        form = forms.ScopeAddForm(
            release=release, initial={"added_on": timezone.localdate().isoformat()}
        )
    deadlines = (
        f"Scope deadlines for this release (go-live {long_date(release.go_live_date)}): "
        f"{long_date(rules.scope_deadline(release.go_live_date, impacts_dcc_systems=True))} for "
        f"DCC System-impacting modifications, "
        f"{long_date(rules.scope_deadline(release.go_live_date, impacts_dcc_systems=False))} for "
        "documentation-only ones. A later addition is flagged as an exception."
    )
    return _action_page(
        request,
        release=release,
        form=form,
        heading="Add a modification to the scope",
        intro=deadlines,
        submit="Add to scope",
        anchor="scope",
    )


def _scope_added_message(request, item):
    modification = item.modification
    deadline = rules.scope_deadline(
        item.release.go_live_date, impacts_dcc_systems=modification.impacts_dcc_systems
    )
    kind = "DCC System-impacting" if modification.impacts_dcc_systems else "documentation-only"
    if item.added_after_deadline:
        text = (
            f"{modification.reference} added to the scope after the scope deadline for "
            f"{kind} modifications ({long_date(deadline)}): it is flagged as an exception."
        )
        if not item.exception_reason:
            text += " Record the Panel decision that admits it as the exception reason."
        messages.warning(request, text)
    else:
        messages.success(
            request,
            f"{modification.reference} added to the scope, within the scope deadline for "
            f"{kind} modifications ({long_date(deadline)}).",
        )


def _deletable_items(release, items):
    """Pks of the in-scope items no issued RID version lists (their addition can be undone by
    deleting them): one query for the release's versions."""
    if not items:
        return set()
    listed = selectors.issued_scope(release.pk)
    return {i.pk for i in items if (i.modification.reference, i.part_label or "") not in listed}


BULK_CANDIDATES = 50


@analyst_required
def scope_bulk_add(request, slug):
    """Many modifications into the scope at once: pasted references and/or ticked rows of a
    searched list (never the whole register), one date, one reason. References not in the
    register come back as rows to add them (reference, title, summary) in the same step."""
    release = _release(slug)
    search = request.GET.get("q", "").strip()
    if request.method == "POST":
        form = forms.ScopeBulkAddForm(request.POST, release=release)
        new_forms = forms.NewModificationFormSet(request.POST, prefix="new")
        if form.is_valid():
            unknown = form.unknown
            typed = [f["reference"].value() for f in new_forms.forms]
            if typed != unknown:
                # Offer (again) exactly the references that are not in the register.
                new_forms = forms.NewModificationFormSet(
                    prefix="new", initial=[{"reference": r} for r in unknown]
                )
            if not unknown or (typed == unknown and new_forms.is_valid()):
                try:
                    items = services.scope_add_many(
                        actor=request.user,
                        release=release,
                        modifications=form.known,
                        new_modifications=[f.service_fields() for f in new_forms.forms]
                        if unknown
                        else [],
                        added_on=form.cleaned_data["added_on"],
                        reason=form.cleaned_data["reason"],
                        exception_reason=form.cleaned_data["exception_reason"],
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    _bulk_added_message(request, items, unknown)
                    return redirect(release.get_absolute_url() + "#scope")
        ticked = {str(pk) for pk in request.POST.getlist("modifications")}
    else:
        form = forms.ScopeBulkAddForm(
            release=release,
            initial={
                "added_on": timezone.localdate().isoformat(),
                "references": request.GET.get("references", ""),
            },
        )
        new_forms = forms.NewModificationFormSet(prefix="new")
        ticked = set()
    candidates = selectors.scope_candidates(release, search, limit=BULK_CANDIDATES)
    return render(
        request,
        "releases/release_scope_bulk.html",
        {
            "release": release,
            "form": form,
            "new_forms": new_forms,
            "search": search,
            "candidates": candidates[:BULK_CANDIDATES],
            "more_candidates": len(candidates) > BULK_CANDIDATES,
            "ticked": ticked,
            "limit": BULK_CANDIDATES,
        },
    )


def _bulk_added_message(request, items, created):
    late = [i.modification.reference for i in items if i.added_after_deadline]
    text = (
        f"{len(items)} modification{'s' if len(items) != 1 else ''} added to the scope: "
        f"{', '.join(i.modification.reference for i in items)}."
    )
    if created:
        text += f" New in the register: {', '.join(created)}."
    if late:
        messages.warning(
            request,
            text + f" After the scope deadline, flagged as exceptions with the Panel decision "
            f"recorded: {', '.join(late)}.",
        )
    else:
        messages.success(request, text)


@analyst_required
def scope_new_modification(request, slug):
    """Add a new modification to the register and to this release's scope in one form (the form
    sits on the release page; this page shows it again with its messages)."""
    release = _release(slug)
    if request.method == "POST":
        form = forms.ScopeNewModificationForm(request.POST, prefix="new-modification")
        if form.is_valid():
            try:
                (item,) = services.scope_add_many(
                    actor=request.user,
                    release=release,
                    new_modifications=[form.service_fields()],
                    added_on=form.cleaned_data["added_on"],
                    reason=form.cleaned_data["reason"],
                    exception_reason=form.cleaned_data["exception_reason"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "references" in exc.error_dict:
                    exc = ValidationError({"reference": exc.message_dict["references"]})
                apply_service_errors(form, exc)
            else:
                _scope_added_message(request, item)
                return redirect(release.get_absolute_url() + "#scope")
    else:
        form = forms.ScopeNewModificationForm(
            prefix="new-modification", initial={"added_on": timezone.localdate().isoformat()}
        )
    return _action_page(
        request,
        release=release,
        form=form,
        heading="Add a new modification to the register and to this scope",
        submit="Add to the register and the scope",
        anchor="scope",
    )


@analyst_required
def modification_options(request):
    """htmx: <option>s of the modifications matching what is typed (reference, former
    reference or words of the title), at most 20, for the reference fields' <datalist>."""
    text = request.GET.get("q") or next((v for k, v in request.GET.items() if k != "q"), "")
    matches = selectors.modification_matches(text, limit=20) if text.strip() else []
    return render(request, "releases/_modification_options.html", {"matches": matches})


@analyst_required
def scope_item_delete(request, slug, pk):
    release = _release(slug)
    item = _scope_item(release, pk)
    if response := _in_scope_or_redirect(request, item):
        return response
    if request.method == "POST":
        form = forms.ReasonOnlyForm(request.POST)
        form.fields["reason"].required = True
        if form.is_valid():
            try:
                services.scope_item_delete(
                    actor=request.user, item=item, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{item.modification.reference} deleted from the scope (added in error). "
                    "The activity trail keeps both the addition and its undoing.",
                )
                return redirect(release.get_absolute_url() + "#scope")
    else:
        form = forms.ReasonOnlyForm()
        form.fields["reason"].required = True
    return _action_page(
        request,
        release=release,
        form=form,
        heading=f"Delete {item.modification} from the scope (added in error)",
        intro="No issued RID version lists it, so the addition can be undone: it disappears "
        "from the scope instead of being listed under 'Fell out or removed'. The activity "
        "trail keeps the addition and records this deletion with your reason.",
        submit="Delete from the scope",
        danger=True,
        anchor="scope",
    )


@analyst_required
def scope_item_edit(request, slug, pk):
    release = _release(slug)
    item = _scope_item(release, pk)
    if response := _in_scope_or_redirect(request, item):
        return response
    if request.method == "POST":
        form = forms.ScopeItemForm(request.POST, instance=_scope_item(release, pk))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            try:
                services.scope_item_update(
                    actor=request.user, item=item, reason=form.cleaned_data["reason"], **data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{item.modification.reference} scope details saved.")
                return redirect(release.get_absolute_url() + "#scope")
    else:
        form = forms.ScopeItemForm(instance=item)
    return _action_page(
        request,
        release=release,
        form=form,
        heading=f"Edit {item.modification} in the scope",
        submit="Save",
        anchor="scope",
    )


@analyst_required
def scope_remove(request, slug, pk):
    release = _release(slug)
    item = _scope_item(release, pk)
    if response := _in_scope_or_redirect(request, item):
        return response
    if request.method == "POST":
        form = forms.ScopeRemoveForm(request.POST)
        if form.is_valid():
            try:
                services.scope_remove(
                    actor=request.user,
                    item=item,
                    removed_on=form.cleaned_data["removed_on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{item.modification.reference} removed from the scope.")
                return redirect(release.get_absolute_url() + "#scope")
    else:
        form = forms.ScopeRemoveForm(initial={"removed_on": timezone.localdate().isoformat()})
    return _action_page(
        request,
        release=release,
        form=form,
        heading=f"Remove {item.modification} from the scope",
        intro="It stays listed under 'Fell out or removed' with the date and the reason.",
        submit="Remove from scope",
        danger=True,
        anchor="scope",
    )


@analyst_required
def scope_move(request, slug, pk):
    release = _release(slug)
    item = _scope_item(release, pk)
    if response := _in_scope_or_redirect(request, item):
        return response
    if request.method == "POST":
        form = forms.ScopeMoveForm(request.POST, release=release)
        if form.is_valid():
            to_release = form.cleaned_data["to_release"]
            try:
                _old, new = services.scope_move(
                    actor=request.user,
                    item=item,
                    to_release=to_release,
                    moved_on=form.cleaned_data["moved_on"],
                    reason=form.cleaned_data["reason"],
                    fell_out=form.cleaned_data["fell_out"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                text = f"{item.modification.reference} moved to {to_release.name}."
                if new.added_after_deadline:
                    text += (
                        f" It joins {to_release.name} after its scope deadline, so it is "
                        "flagged there as an exception."
                    )
                messages.success(request, text)
                return redirect(release.get_absolute_url() + "#scope")
    else:
        initial = {"moved_on": timezone.localdate().isoformat()}
        if item.fall_back_release_id:
            initial["to_release"] = item.fall_back_release_id
        form = forms.ScopeMoveForm(release=release, initial=initial)
    return _action_page(
        request,
        release=release,
        form=form,
        heading=f"Move {item.modification} to another release",
        submit="Move",
        anchor="scope",
    )


# DCC Change Requests alongside ------------------------------------------------------------------


@analyst_required
def release_change_request_add(request, slug):
    release = _release(slug)
    if request.method == "POST":
        form = forms.ChangeRequestAddForm(request.POST, release=release)
        if form.is_valid():
            change_request = form.cleaned_data["change_request"]
            try:
                services.release_change_request_add(
                    actor=request.user,
                    release=release,
                    change_request=change_request,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"{change_request.reference} to be implemented alongside the release."
                )
                return redirect(release.get_absolute_url() + "#change-requests")
    else:
        form = forms.ChangeRequestAddForm(release=release)
    return _action_page(
        request,
        release=release,
        form=form,
        heading="Add a DCC Change Request alongside the release",
        intro="DCC Change Requests do not form part of a SEC Release: they are listed, not "
        "counted in the scope or its impacts. Add a new one to the register first under "
        "Change Requests.",
        submit="Add",
        anchor="change-requests",
    )


@analyst_required
def release_change_request_remove(request, slug, pk):
    release = _release(slug)
    change_request = get_object_or_404(ChangeRequest, pk=pk, releases=release)
    if request.method == "POST":
        form = forms.ReasonOnlyForm(request.POST)
        if form.is_valid():
            services.release_change_request_remove(
                actor=request.user,
                release=release,
                change_request=change_request,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, f"{change_request.reference} is no longer alongside the release."
            )
            return redirect(release.get_absolute_url() + "#change-requests")
    else:
        form = forms.ReasonOnlyForm()
    return _action_page(
        request,
        release=release,
        form=form,
        heading=f"Remove {change_request} from alongside the release",
        submit="Remove",
        danger=True,
        anchor="change-requests",
    )


# Parts: impacts, timeline, costs, criteria --------------------------------------------------------


@dataclass(frozen=True)
class Part:
    model: type
    form: type
    label: str  # "DCC impact"
    anchor: str  # section id on the release page
    columns: int  # table columns of its rows on the release page, actions included
    can_add: bool = True
    movable: bool = False  # reordered with up / down (position managed by the service)


PARTS = {
    "party-impacts": Part(
        PartyImpact,
        forms.PartyImpactForm,
        "SEC Party impact",
        "party-impacts",
        3,
        can_add=False,
    ),
    "dcc-impacts": Part(
        DccImpact, forms.DccImpactForm, "DCC impact", "dcc-impacts", 3, movable=True
    ),
    "other-code-impacts": Part(
        OtherCodeImpact, forms.OtherCodeImpactForm, "other Code impact", "other-code-impacts", 3
    ),
    "timeline": Part(TimelineEvent, forms.TimelineEventForm, "timeline event", "timeline", 4),
    "secas-costs": Part(
        SecasCostLine, forms.SecasCostLineForm, "SECAS cost line", "costs", 4, movable=True
    ),
    "acceptance-criteria": Part(
        AcceptanceCriterion,
        forms.AcceptanceCriterionForm,
        "acceptance criterion",
        "criteria",
        3,
        movable=True,
    ),
}


def _part(part):
    try:
        return PARTS[part]
    except KeyError as exc:
        raise Http404("No such part of a release.") from exc


def _section_context(release, key, **state):
    """What the release page's section of one part shows: its rows (from the release's
    prefetched parts, or one query each) and, while a row is edited in place, the state of that
    editor (`editing` pk, `deleting` pk, `adding`, `form`, `notice`)."""
    spec = PARTS[key]
    rows = {
        "party-impacts": lambda: _party_impacts(release),
        "dcc-impacts": lambda: list(release.dcc_impacts.all()),
        "other-code-impacts": lambda: list(release.other_code_impacts.all()),
        "timeline": lambda: list(release.timeline.all()),
        "secas-costs": lambda: list(release.secas_costs.all()),
        "acceptance-criteria": lambda: list(release.acceptance_criteria.all()),
    }[key]()
    context = {"part": key, "spec": spec, "rows": rows, "release": release, **state}
    if key == "secas-costs":
        context["effort_total"] = sum((c.effort_days for c in rows), start=0)
        context["cost_total"] = sum((c.cost for c in rows), start=0)
    return context


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _section_response(request, release, key, **state):
    """The section of one part, for htmx to swap in place of the one on the page."""
    release = selectors.release_for_page(release.slug)
    return render(
        request,
        f"releases/_section_{key.replace('-', '_')}.html",
        _section_context(release, key, **state),
    )


def _part_form_page(request, release, spec, instance, key):
    creating = instance.pk is None
    # In place on the release page the editor's fields are prefixed with the part, so that
    # their ids never clash with another form of the page.
    prefix = key if _is_htmx(request) else None
    if request.method == "POST":
        form = spec.form(request.POST, instance=instance, prefix=prefix)
        if form.is_valid():
            try:
                services.release_part_save(
                    actor=request.user,
                    release=release,
                    model=spec.model,
                    instance=None if creating else instance,
                    reason=form.cleaned_data["reason"],
                    **form.service_fields(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                verb = "added" if creating else "saved"
                text = f"{spec.label[0].upper()}{spec.label[1:]} {verb}."
                if _is_htmx(request):
                    return _section_response(request, release, key, notice=text)
                messages.success(request, text)
                return redirect(release.get_absolute_url() + f"#{spec.anchor}")
    else:
        form = spec.form(instance=instance, prefix=prefix)
    if _is_htmx(request):
        first = next(iter(form.fields.values()))
        first.widget.attrs["autofocus"] = True
        state = {"adding": True} if creating else {"editing": instance.pk}
        return _section_response(request, release, key, form=form, **state)
    if creating:
        article = "an" if spec.label[0] in "aeiou" else "a"
        heading = f"Add {article} {spec.label}"
    elif spec.model is PartyImpact:
        heading = f"Edit the impacts on {instance.get_participant_display()}"
    else:
        heading = f"Edit {spec.label}"
    return _action_page(
        request,
        release=release,
        form=form,
        heading=heading,
        intro="One impact per line; each line becomes a bullet."
        if "summary" in form.fields
        else "",
        submit="Add" if creating else "Save",
        anchor=spec.anchor,
    )


@analyst_required
def part_create(request, slug, part):
    spec = _part(part)
    if not spec.can_add:
        raise Http404("The five SEC Party impact rows are fixed.")
    release = _release(slug)
    return _part_form_page(request, release, spec, spec.model(release=release), part)


@analyst_required
def part_edit(request, slug, part, pk):
    spec = _part(part)
    release = _release(slug)
    instance = get_object_or_404(spec.model, pk=pk, release=release)
    return _part_form_page(request, release, spec, instance, part)


@analyst_required
def part_delete(request, slug, part, pk):
    spec = _part(part)
    if not spec.can_add:
        raise Http404("The five SEC Party impact rows are fixed; clear the text instead.")
    release = _release(slug)
    instance = get_object_or_404(spec.model, pk=pk, release=release)
    prefix = f"{part}-delete" if _is_htmx(request) else None
    if request.method == "POST":
        form = forms.ReasonOnlyForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                services.release_part_delete(
                    actor=request.user,
                    release=release,
                    instance=instance,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                text = f"{spec.label[0].upper()}{spec.label[1:]} deleted."
                if _is_htmx(request):
                    return _section_response(request, release, part, notice=text)
                messages.success(request, text)
                return redirect(release.get_absolute_url() + f"#{spec.anchor}")
    else:
        form = forms.ReasonOnlyForm(prefix=prefix)
    if _is_htmx(request):
        form.fields["reason"].widget.attrs["autofocus"] = True
        return _section_response(request, release, part, form=form, deleting=instance.pk)
    return _action_page(
        request,
        release=release,
        form=form,
        heading=f"Delete {spec.label}: {instance}",
        submit="Delete",
        danger=True,
        anchor=spec.anchor,
    )


@analyst_required
def part_move(request, slug, part, pk):
    """Move a DCC impact, SECAS cost line or acceptance criterion one place up or down: htmx
    posts at once; without JavaScript a GET shows a one-button confirmation page."""
    spec = _part(part)
    if not spec.movable:
        raise Http404("These rows are not reordered by hand.")
    release = _release(slug)
    instance = get_object_or_404(spec.model, pk=pk, release=release)
    if request.method != "POST":
        direction = request.GET.get("direction", "up")
        form = forms.PartMoveForm(initial={"direction": direction})
        return _action_page(
            request,
            release=release,
            form=form,
            heading=f"Move {spec.label} {'up' if direction == 'up' else 'down'}: {instance}",
            submit="Move",
            anchor=spec.anchor,
        )
    direction = request.POST.get("direction", "")
    try:
        services.release_part_move(
            actor=request.user, release=release, instance=instance, direction=direction
        )
    except ValidationError as exc:
        text, ok = " ".join(exc.messages), False
    else:
        text, ok = f"{spec.label[0].upper()}{spec.label[1:]} moved {direction}.", True
    if _is_htmx(request):
        return _section_response(request, release, part, notice=text)
    (messages.success if ok else messages.error)(request, text)
    return redirect(release.get_absolute_url() + f"#{spec.anchor}")


@analyst_required
def part_section(request, slug, part):
    """htmx: the section of one part as the release page shows it (Cancel of an editor);
    without htmx, the release page itself."""
    _part(part)
    release = _release(slug)
    if _is_htmx(request):
        return _section_response(request, release, part)
    return release_detail(request, slug)


# Search ---------------------------------------------------------------------------------------


@reader_required
def search(request):
    """The header search box: modifications (also by former reference), DCC Change Requests,
    releases and OPSG papers. A query that is exactly one modification's reference goes
    straight to it."""
    text = request.GET.get("q", "").strip()[:100]
    results = selectors.search_everything(text)
    if len(results.modifications) == 1 and results.count == 1 and request.GET.get("go") != "no":
        only = results.modifications[0]
        refs = {only.reference, *(f.reference for f in only.former_references.all())}
        if text.replace(" ", "").upper() in refs:
            return redirect(only)
    return render(
        request,
        "releases/release_search.html",
        {"q": text, "results": results, "nav_section": "search"},
    )


# Glossary ---------------------------------------------------------------------------------


@reader_required
def glossary(request):
    entries = GlossaryEntry.objects.order_by("acronym")
    return render(request, "releases/glossary.html", {"entries": entries})


def _glossary_form_page(request, entry):
    creating = entry is None
    if request.method == "POST":
        form = forms.GlossaryEntryForm(request.POST, instance=entry or GlossaryEntry())
        if form.is_valid():
            try:
                saved = services.glossary_entry_save(
                    actor=request.user,
                    entry=entry,
                    acronym=form.cleaned_data["acronym"],
                    full_term=form.cleaned_data["full_term"],
                    reason=form.cleaned_data["reason"],
                    edit_token=form.cleaned_data.get("edit_token"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{saved.acronym} {'added to' if creating else 'saved in'} the glossary.",
                )
                return redirect("releases:glossary")
    else:
        # The pre-issue checks of a RID link here with the acronym the glossary lacks.
        initial = {"acronym": request.GET.get("acronym", "")[:20]} if creating else None
        form = forms.GlossaryEntryForm(instance=entry, initial=initial)
    return render(
        request,
        "releases/glossary_form.html",
        {
            "form": form,
            "heading": "Add an acronym" if creating else f"Edit {entry.acronym}",
            "submit": "Add" if creating else "Save",
            "danger": False,
        },
    )


@analyst_required
def glossary_create(request):
    return _glossary_form_page(request, None)


@analyst_required
def glossary_edit(request, pk):
    return _glossary_form_page(request, get_object_or_404(GlossaryEntry, pk=pk))


@analyst_required
def glossary_delete(request, pk):
    entry = get_object_or_404(GlossaryEntry, pk=pk)
    if request.method == "POST":
        form = forms.ReasonOnlyForm(request.POST)
        if form.is_valid():
            services.glossary_entry_delete(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"{entry.acronym} deleted from the glossary.")
            return redirect("releases:glossary")
    else:
        form = forms.ReasonOnlyForm()
    return render(
        request,
        "releases/glossary_form.html",
        {
            "form": form,
            "heading": f"Delete {entry.acronym} ({entry.full_term}) from the glossary",
            "submit": "Delete",
            "danger": True,
        },
    )
