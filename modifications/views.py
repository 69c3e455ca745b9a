"""Pages of the register: Modification Proposals (list, CSV export, detail, create, edit,
activity) and DCC Change Requests. Reads go through selectors, writes through services."""

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from secrelease import last_date
from secrelease.caching import cached_page, form_html
from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, is_analyst, reader_required

from . import lifecycle, selectors, services
from .activity import activity_row
from .forms import (
    ChangeRequestCreateForm,
    ChangeRequestEditForm,
    ModificationCreateForm,
    ModificationEditForm,
    ReasonForm,
    RegisterFilterForm,
    SECDocumentForm,
    SECDocumentRetireForm,
)
from .models import PARTICIPANT_COLUMNS, ChangeRequest, DecisionKind, Modification, SECDocument

PAGE_SIZE = 25
PAGE_SIZES = {"25": 25, "100": 100, "all": None}
# Register columns that sort: ?sort=<key> ascending, ?sort=-<key> descending. Reference order
# is register order (SECMP0062 before MP080 before DP124), the default.
SORTS = {
    "reference": ("number", "suffix", "reference"),
    "title": ("title", "number", "suffix"),
    "status": ("status", "number", "suffix"),
    "path": ("path", "number", "suffix"),
    "dcc": ("impacts_dcc_systems", "number", "suffix"),
}
ACTIVITY_PAGE_SIZE = 25


# The register list and its CSV export ------------------------------------------------------


def _filtered_register(request):
    form = RegisterFilterForm(request.GET)
    filters = form.filters()
    return form, filters, selectors.modification_register(filters)


def _register_sort(request):
    """(key, descending) of the register's sort from ?sort=, register order when unknown."""
    text = request.GET.get("sort", "")
    key = text.lstrip("-")
    if key not in SORTS:
        return "reference", False
    return key, text.startswith("-")


@reader_required
def modification_list(request):
    """The register, a page of PAGE_SIZE rows; each page with its filters is rendered once per
    register revision and role (secrelease.caching.cached_page)."""
    key = ("register", request.get_full_path(), selectors.register_revision(request.user))
    return cached_page(
        request,
        "modifications/modification_list.html",
        key,
        lambda: _modification_list_context(request),
    )


def _modification_list_context(request):
    form, filters, modifications = _filtered_register(request)
    sort, descending = _register_sort(request)
    order = SORTS[sort]
    modifications = modifications.order_by(
        *(f"-{field}" if descending else field for field in order)
    )
    per_page = request.GET.get("per_page", "25")
    if per_page not in PAGE_SIZES:
        per_page = "25"
    size = PAGE_SIZES[per_page] or max(modifications.count(), 1)
    page = Paginator(modifications, size).get_page(request.GET.get("page"))
    targeted = selectors.targeted_releases([m.pk for m in page.object_list])
    rows = [(m, targeted.get(m.pk, [])) for m in page.object_list]
    export_query = urlencode(
        {k: v for k, v in request.GET.items() if k not in ("page", "per_page") and v}
    )
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": rows,
        "export_url": reverse("modifications:modification_export_csv")
        + (f"?{export_query}" if export_query else ""),
        "sort": sort,
        "descending": descending,
        "per_page": per_page,
        "page_sizes": list(PAGE_SIZES),
        "columns": [
            ("reference", "Reference"),
            ("title", "Title"),
            ("status", "Status"),
            ("path", "Path"),
            ("dcc", "Impacts DCC Systems?"),
        ],
    }


CSV_COLUMNS = [
    "Reference",
    "Title",
    "Status",
    "Path",
    "Impacts DCC Systems?",
    "Impacts DUIS?",
    "DUIS footnote",
    "Impacts GBCS?",
    "GBCS footnote",
    "Impacts CH firmware?",
    "CH firmware footnote",
    "Targeted releases",
    "Date raised",
    "Panel date",
    "Change Board vote",
    "Authority decision expected",
    "Decision cut-off",
    "Public web page",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell a spreadsheet will not run as a formula (CSV injection): text starting with
    = + - @ (or a tab / carriage return) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _release_text(targets):
    return "; ".join(f"{t.name} ({t.part_label})" if t.part_label else t.name for t in targets)


@reader_required
def modification_export_csv(request):
    _form, _filters, modifications = _filtered_register(request)
    modifications = list(modifications)
    targeted = selectors.targeted_releases([m.pk for m in modifications])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modification-register.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8 (curly quotes in titles)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for m in modifications:
        writer.writerow(
            [
                csv_safe(v)
                for v in [
                    m.reference,
                    m.title,
                    m.get_status_display(),
                    m.get_path_display(),
                    m.impacts_dcc_systems,
                    m.get_duis_impact_display(),
                    m.duis_footnote,
                    m.get_gbcs_impact_display(),
                    m.gbcs_footnote,
                    m.get_ch_firmware_impact_display(),
                    m.ch_firmware_footnote,
                    _release_text(targeted.get(m.pk, [])),
                    m.date_raised,
                    m.panel_date,
                    m.change_board_date,
                    m.authority_decision_date,
                    m.cut_off_date,
                    m.web_url,
                ]
            ]
        )
    return response


# One modification ------------------------------------------------------------------------


def _modification_or_redirect(reference, url_name):
    """The modification a URL names, or a redirect to its canonical URL (DP153 -> MP153,
    mp153 -> MP153)."""
    modification, canonical = selectors.resolve_reference(reference)
    if modification is None:
        raise Http404(f"No modification {reference} in the register.")
    if not canonical:
        return None, redirect(url_name, reference=modification.reference)
    return modification, None


@reader_required
def modification_detail(request, reference):
    modification, redirect_to = _modification_or_redirect(
        reference, "modifications:modification_detail"
    )
    if redirect_to:
        return redirect_to
    modification, scope = selectors.modification_for_page(modification)
    system_impacts = [
        (
            label,
            getattr(modification, f"get_{field}_impact_display")(),
            getattr(modification, f"{field}_footnote"),
        )
        for field, label in [("duis", "DUIS"), ("gbcs", "GBCS"), ("ch_firmware", "CH firmware")]
    ]
    participants = [(label, getattr(modification, field)) for field, label in PARTICIPANT_COLUMNS]
    next_decisions = []
    if is_analyst(request.user):
        next_decisions = [DecisionKind(k).label for k in lifecycle.allowed_decisions(modification)]
    decisions = list(modification.decisions.all())
    standing = [d for d in decisions if not d.is_corrected]
    latest = max(standing, key=lambda d: (d.date, d.pk)) if standing else None
    return render(
        request,
        "modifications/modification_detail.html",
        {
            "modification": modification,
            "scope": scope,
            "system_impacts": system_impacts,
            "participants": participants,
            "decisions": decisions,
            "correctable_pk": latest.pk if latest else None,
            "former_references": list(modification.former_references.all()),
            "sec_documents": list(modification.sec_documents.all()),
            "events": [activity_row(e) for e in selectors.recent_events(modification)],
            "next_decisions": next_decisions,
        },
    )


@analyst_required
def modification_create(request):
    form = ModificationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            modification = services.modification_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{modification.reference} added to the register.")
            return redirect(modification)
    return render(request, "modifications/modification_form.html", _form_context(request, form))


def _form_context(request, form, **context):
    revision = selectors.register_revision(request.user)
    return {"form": form, "form_html": form_html(form, revision=revision), **context}


@analyst_required
def modification_edit(request, reference):
    modification, redirect_to = _modification_or_redirect(
        reference, "modifications:modification_edit"
    )
    if redirect_to:
        return redirect_to
    current = Modification.objects.get(pk=modification.pk)  # the form edits `modification`
    form = ModificationEditForm(request.POST or None, instance=modification)
    if request.method == "POST" and form.is_valid():
        if not [name for name in form.changed_data if name != "reason"]:
            messages.info(request, f"Nothing changed: {current.reference} is as it was.")
            return redirect(current)
        try:
            services.modification_update(
                actor=request.user, modification=current, **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{current.reference} saved.")
            return redirect(current)
    return render(
        request,
        "modifications/modification_form.html",
        _form_context(request, form, modification=current),
    )


@reader_required
def modification_activity(request, reference):
    modification, redirect_to = _modification_or_redirect(
        reference, "modifications:modification_activity"
    )
    if redirect_to:
        return redirect_to
    page = Paginator(selectors.modification_events(modification), ACTIVITY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "modifications/modification_activity.html",
        {
            "modification": modification,
            "page": page,
            "events": [activity_row(e) for e in page.object_list],
        },
    )


# DCC Change Requests -------------------------------------------------------------------------


@reader_required
def change_request_list(request):
    return render(
        request,
        "modifications/change_request_list.html",
        {"change_requests": list(selectors.change_requests())},
    )


@analyst_required
def change_request_create(request):
    form = ChangeRequestCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_request = services.change_request_create(
                actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{change_request.reference} added to the register.")
            return redirect(change_request)
    return render(request, "modifications/change_request_form.html", {"form": form})


@reader_required
def change_request_detail(request, pk):
    try:
        change_request, releases, events = selectors.change_request_for_page(pk)
    except ChangeRequest.DoesNotExist as exc:
        raise Http404("No such DCC Change Request.") from exc
    return render(
        request,
        "modifications/change_request_detail.html",
        {
            "change_request": change_request,
            "releases": releases,
            "events": [activity_row(e) for e in events],
        },
    )


@analyst_required
def change_request_edit(request, pk):
    change_request = get_object_or_404(ChangeRequest, pk=pk)
    current = ChangeRequest.objects.get(pk=pk)
    form = ChangeRequestEditForm(request.POST or None, instance=change_request)
    if request.method == "POST" and form.is_valid():
        if not [name for name in form.changed_data if name != "reason"]:
            messages.info(request, f"Nothing changed: {current.reference} is as it was.")
            return redirect(current)
        try:
            updated = services.change_request_update(
                actor=request.user, change_request=current, **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{updated.reference} saved.")
            return redirect(updated)
    return render(
        request,
        "modifications/change_request_form.html",
        {"form": form, "change_request": current},
    )


# The SEC document catalogue -----------------------------------------------------------------


@reader_required
def sec_document_list(request):
    return render(
        request,
        "modifications/sec_document_list.html",
        {
            "groups": selectors.sec_document_catalogue(),
            "events": [activity_row(e) for e in selectors.sec_document_events()],
        },
    )


def _posted(request):
    """The POST data on a POST (even an empty one, so that the form says what is missing);
    None on a GET."""
    return request.POST if request.method == "POST" else None


def _catalogue_url(document=None):
    url = reverse("modifications:sec_document_list")
    return f"{url}#doc-{document.pk}" if document is not None else url


@analyst_required
def sec_document_create(request):
    form = SECDocumentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            document = services.sec_document_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{document} added to the SEC document catalogue.")
            return redirect(_catalogue_url(document))
    return render(
        request,
        "modifications/sec_document_form.html",
        {"form": form, "heading": "Add an SEC document", "submit": "Add to the catalogue"},
    )


@analyst_required
def sec_document_edit(request, pk):
    document = get_object_or_404(SECDocument, pk=pk)
    form = SECDocumentForm(_posted(request), instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.sec_document_update(
                actor=request.user, document=document, **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            document.refresh_from_db()
            if changes:
                messages.success(request, f"{document} saved.")
            else:
                messages.info(request, f"Nothing changed: {document} is as it was.")
            return redirect(_catalogue_url(document))
    return render(
        request,
        "modifications/sec_document_form.html",
        {
            "form": form,
            "document": document,
            "heading": f"Edit {document.label}",
            "submit": "Save changes",
        },
    )


@analyst_required
def sec_document_retire(request, pk):
    document = get_object_or_404(
        SECDocument.objects.annotate(cited_by=Count("modifications")), pk=pk
    )
    if document.is_retired:
        messages.info(request, f"{document} is already retired.")
        return redirect(_catalogue_url(document))
    form = SECDocumentRetireForm(_posted(request), default_date=last_date.last_used(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.sec_document_retire(
                actor=request.user,
                document=document,
                retired_on=form.cleaned_data["retired_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            last_date.remember(request, form.cleaned_data["retired_on"])
            messages.success(
                request,
                f"{document} retired: it stays on the modifications that cite it and is no "
                "longer offered for others.",
            )
            return redirect(_catalogue_url(document))
    return render(
        request,
        "modifications/sec_document_form.html",
        {
            "form": form,
            "document": document,
            "heading": f"Retire {document.label}",
            "submit": "Retire it",
            "retiring": True,
        },
    )


@analyst_required
def sec_document_reinstate(request, pk):
    document = get_object_or_404(SECDocument, pk=pk)
    if not document.is_retired:
        messages.info(request, f"{document} is in force: there is nothing to reinstate.")
        return redirect(_catalogue_url(document))
    form = ReasonForm(_posted(request), help_text="e.g. \u2018Retired by mistake\u2019.")
    if request.method == "POST" and form.is_valid():
        try:
            services.sec_document_reinstate(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{document} is in force again.")
            return redirect(_catalogue_url(document))
    return render(
        request,
        "modifications/sec_document_form.html",
        {
            "form": form,
            "document": document,
            "heading": f"Reinstate {document.label}",
            "submit": "Reinstate it",
        },
    )
