"""Policy pages: the dashboard (findings as of a date, next decisions, cut-offs, what is overdue),
lapsing a modification to its fall-back release, the OPSG "SEC Releases update" papers (page and
tagged PDF) and the iCalendar feeds. Analysts act; Panel members read; a forged POST gets 403."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, can_read, reader_required

from . import asof, calendar, paper_forms, policy, services
from .models import Release, ScopeItem, UpdatePaper
from .paper import build_paper, paper_queryset, spec_from_paper


def _long(date):
    return f"{date.day} {date:%B %Y}"


# Dashboard -------------------------------------------------------------------------------------


def dashboard_data(as_of):
    """Everything the dashboard shows, as of a date, in a fixed number of queries (8)."""
    releases = asof.releases_on(as_of)
    findings = policy.check_releases(releases, as_of)
    upcoming = [r for r in releases if r.go_live_date >= as_of]
    modifications = asof.modifications_on(as_of, open_only=True)

    votes = sorted(
        (m for m in modifications if m.change_board_date and m.change_board_date >= as_of),
        key=lambda m: (m.change_board_date, m.register_order),
    )
    votes = [
        m
        for m in votes
        if m.status in ("development", "refinement", "report_phase", "change_board")
    ]
    cut_offs_by_mod = {}
    cut_offs = []
    for release in upcoming:
        for item in release.scope:
            if item.cut_off_date and item.modification.is_pending:
                cut_offs_by_mod.setdefault(item.modification.pk, []).append(item)
                if item.cut_off_date >= as_of:
                    cut_offs.append(item)
    cut_offs.sort(key=lambda i: (i.cut_off_date, i.modification.register_order))
    authority = [
        {"modification": m, "cut_offs": cut_offs_by_mod.get(m.pk, [])}
        for m in modifications
        if m.status == "with_authority"
    ]
    authority.sort(
        key=lambda a: (
            a["modification"].authority_decision_date or datetime.date.max,
            a["modification"].register_order,
        )
    )
    overdue = [f for fs in findings.values() for f in fs if f.overdue]
    for m in modifications:
        overdue += policy.check_decision_dates(m, as_of)
    overdue.sort(key=lambda f: f.sort_key)
    return {
        "as_of": as_of,
        "upcoming": [
            {"release": r, "findings": findings[r.slug], "counts": _counts(findings[r.slug])}
            for r in upcoming
        ],
        "votes": votes,
        "authority": authority,
        "cut_offs": cut_offs,
        "overdue": overdue,
    }


def _counts(findings):
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f.severity] += 1
    return counts


def _as_of(request):
    """The as-of date from ?as_of=YYYY-MM-DD (today when absent or invalid) and its form."""
    form = paper_forms.AsOfForm(request.GET or None)
    today = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"], form
    if not form.is_bound:
        form = paper_forms.AsOfForm(initial={"as_of": today})
    return today, form


@reader_required
def dashboard(request):
    as_of, form = _as_of(request)
    context = dashboard_data(as_of)
    token = calendar.calendar_token(request.user)
    context.update(
        {
            "form": form,
            "today": timezone.localdate(),
            "is_today": as_of == timezone.localdate(),
            "calendar_url": request.build_absolute_uri(
                reverse("releases:calendar_all") + f"?token={token}"
            ),
            "calendar_token": token,
            "lapse_form_next": request.get_full_path(),
        }
    )
    return render(request, "releases/policy/dashboard.html", context)


@require_POST
@analyst_required
def scope_lapse(request, slug, pk):
    item = get_object_or_404(
        ScopeItem.objects.select_related("release", "modification"), pk=pk, release__slug=slug
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("releases:dashboard")
    form = paper_forms.LapseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(next_url)
    try:
        new = services.scope_lapse(
            actor=request.user,
            item=item,
            lapsed_on=form.cleaned_data["lapsed_on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        where = f"lapsed to the {new.release.name}" if new else "fell out of scope"
        messages.success(
            request,
            f"{item.modification.reference} {where} on {_long(form.cleaned_data['lapsed_on'])}. "
            f"The next version of the {item.release.name} RID will say it fell out of scope.",
        )
    return redirect(next_url)


# OPSG papers -----------------------------------------------------------------------------------


@reader_required
def paper_list(request):
    papers = list(
        UpdatePaper.objects.prefetch_related("sections__release").order_by("-as_of", "-id")
    )
    return render(request, "releases/paper/list.html", {"papers": papers})


def _sections_from(form, section_forms=None):
    """The section dicts for paper_create/paper_update: chosen releases (go-live order) and years,
    with the texts typed in the section forms when the section already existed."""
    typed = {}
    for section_form in section_forms or []:
        s = section_form.instance
        typed[("release", s.release_id) if s.release_id else ("year", s.year)] = section_form
    sections = []
    for release in sorted(form.cleaned_data["releases"], key=lambda r: (r.go_live_date, r.name)):
        spec = {"release": release}
        if ("release", release.pk) in typed:
            spec.update(typed[("release", release.pk)].section_spec())
        sections.append(spec)
    for year in form.cleaned_data["years"]:
        spec = {"year": year}
        if ("year", year) in typed:
            spec.update(typed[("year", year)].section_spec())
        sections.append(spec)
    return sections


@analyst_required
def paper_create(request):
    form = paper_forms.PaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.paper_fields()
        try:
            paper = services.paper_create(
                actor=request.user,
                reference=fields.pop("reference"),
                as_of=fields.pop("as_of"),
                author=fields.pop("author"),
                sections=_sections_from(form),
                **fields,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Paper {paper.reference} created. Add the free-text sections below, then "
                "check the paper and its PDF.",
            )
            return redirect("releases:paper_edit", pk=paper.pk)
    return render(
        request,
        "releases/paper/form.html",
        {"form": form, "section_forms": [], "heading": "New OPSG update paper"},
    )


@analyst_required
def paper_edit(request, pk):
    paper = get_object_or_404(
        UpdatePaper.objects.prefetch_related("sections__release", "sections__targeted"), pk=pk
    )
    data = request.POST if request.method == "POST" else None
    form = paper_forms.PaperForm(data, instance=paper)
    sections = sorted(paper.sections.all(), key=lambda s: (s.position, s.pk))
    section_forms = [
        paper_forms.PaperSectionForm(data, instance=s, prefix=f"section-{s.pk}") for s in sections
    ]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in section_forms):
        fields = form.paper_fields()
        try:
            services.paper_update(
                actor=request.user,
                paper=paper,
                sections=_sections_from(form, section_forms),
                reason=request.POST.get("reason", ""),
                **fields,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Paper {fields['reference']} saved.")
            return redirect("releases:paper_detail", pk=paper.pk)
    return render(
        request,
        "releases/paper/form.html",
        {
            "form": form,
            "section_forms": section_forms,
            "paper": paper,
            "heading": f"Edit {paper.reference}",
        },
    )


def _paper_value(pk):
    paper = get_object_or_404(paper_queryset(), pk=pk)
    return paper, build_paper(spec_from_paper(paper))


@reader_required
def paper_detail(request, pk):
    stored, value = _paper_value(pk)
    return render(
        request,
        "releases/paper/detail.html",
        {"stored": stored, "paper": value, "pdf": False},
    )


def paper_print_html(value):
    from django.template.loader import render_to_string

    from .pdf import css_string

    return render_to_string(
        "releases/paper/print.html",
        {
            "paper": value,
            "pdf": True,
            "author": "SECAS",
            "running_title": css_string(value.header),
            "running_classification": css_string(
                f"This document has a Classification of {value.classification_label}"
            ),
        },
    )


def paper_pdf_bytes(value):
    from .pdf import render_pdf

    return render_pdf(paper_print_html(value))


@reader_required
def paper_pdf(request, pk):
    _stored, value = _paper_value(pk)
    response = HttpResponse(paper_pdf_bytes(value), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{value.reference}.pdf"'
    return response


# Calendar feeds ----------------------------------------------------------------------------------


def _calendar_user(request):
    """The subscriber: from ?token=... (calendar clients), else the logged-in reader."""
    token = request.GET.get("token")
    if token is not None:
        user = calendar.user_for_token(token)
        if user is None:
            raise PermissionDenied("This calendar link is not valid (or no longer valid).")
        return user
    if can_read(request.user):
        return request.user
    raise PermissionDenied("Subscribe with the calendar link shown on your dashboard.")


def _calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def calendar_all(request):
    _calendar_user(request)
    body = calendar.feed_all(absolute=request.build_absolute_uri)
    return _calendar_response(body, "sec-releases.ics")


def calendar_release(request, slug):
    _calendar_user(request)
    release = get_object_or_404(Release, slug=slug)
    body = calendar.feed_release(release, absolute=request.build_absolute_uri)
    return _calendar_response(body, f"{release.slug}.ics")
