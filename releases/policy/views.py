"""Policy pages: the dashboard (findings as of a date, next decisions, cut-offs, what is overdue),
lapsing a modification to its fall-back release, and the iCalendar feeds. Analysts act; Panel
members read; a forged POST gets 403."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from secrelease.http import redirect_next
from secrelease.roles import analyst_required, can_read, is_analyst, reader_required
from secrelease.text import long_date

from .. import services
from ..models import Release, ScopeItem
from ..rid import services as rid_services
from . import asof, feeds, forms, rules

# Dashboard -------------------------------------------------------------------------------------


def dashboard_data(as_of):
    """Everything the dashboard shows, as of a date, in a fixed number of queries (8)."""
    releases = asof.releases_on(as_of)
    findings = rules.check_releases(releases, as_of)
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
        overdue += rules.check_decision_dates(m, as_of)
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
    form = forms.AsOfForm(request.GET or None)
    today = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"], form
    if not form.is_bound:
        form = forms.AsOfForm(initial={"as_of": today})
    return today, form


@reader_required
def dashboard(request):
    as_of, form = _as_of(request)
    context = dashboard_data(as_of)
    token = feeds.calendar_token(request.user)
    is_today = as_of == timezone.localdate()
    if is_today and is_analyst(request.user):
        # Today's work for an analyst: RID versions another analyst must approve (one query).
        context["reviews_waiting"] = rid_services.rid_pending_reviews()
    context.update(
        {
            "form": form,
            "today": timezone.localdate(),
            "is_today": is_today,
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
    form = forms.LapseForm(request.POST)
    valid = form.is_valid()
    next_url = form.cleaned_data.get("next", "")
    default = reverse("releases:dashboard")
    if not valid:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect_next(request, next_url, default)
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
            f"{item.modification.reference} {where} on "
            f"{long_date(form.cleaned_data['lapsed_on'])}. "
            f"The next version of the {item.release.name} RID will say it fell out of scope.",
        )
    return redirect_next(request, next_url, default)


# Calendar feeds ----------------------------------------------------------------------------------


def _calendar_user(request):
    """The subscriber: from ?token=... (calendar clients), else the logged-in reader."""
    if "token" in request.GET:
        form = forms.CalendarTokenForm(request.GET)
        user = feeds.user_for_token(form.cleaned_data["token"]) if form.is_valid() else None
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
    body = feeds.feed_all(absolute=request.build_absolute_uri)
    return _calendar_response(body, "sec-releases.ics")


def calendar_release(request, slug):
    _calendar_user(request)
    release = get_object_or_404(Release, slug=slug)
    body = feeds.feed_release(release, absolute=request.build_absolute_uri)
    return _calendar_response(body, f"{release.slug}.ics")
