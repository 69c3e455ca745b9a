"""Release Implementation Document pages: the live draft, issued versions (HTML, PDF, JSON), the
version list, issuing a version and comparing two versions.

Who sees what (issue 4):
- SECAS analysts: the live draft and every version; they issue versions.
- Panel members: every issued version, the list, the comparison and the PDFs; never the draft.
- Anyone, logged in or not: issued versions of White releases, unless settings.PUBLIC_WHITE_RIDS
  is off. Amber, Green and Red releases are never public.

An issued version is always shown from what was stored when it was issued (content JSON and PDF
bytes), never rebuilt from the register.
"""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, can_read, is_analyst

from ..models import BaselineScope, Release, RidReview, RidVersion, RidVersionKind
from . import services
from .checks import rid_findings
from .diff import diff as rid_diff_of
from .document import Rid, build_rid, rid_version_get, rid_versions, version_key
from .forms import RidIssueForm, RidReviewReturnForm, RidVerifyForm
from .render import render_rid_pdf

# -- access ---------------------------------------------------------------------------------------


def _release(slug):
    return get_object_or_404(Release, slug=slug)


def may_read_versions(user, release):
    """Issued versions: analysts and Panel members; anyone for a White release when public RIDs
    are on."""
    if can_read(user):
        return True
    return bool(settings.PUBLIC_WHITE_RIDS) and release.is_public


def versions_reader(view):
    """Views of issued versions: the view gets the release instead of its slug. Anonymous
    visitors who may not read it go to the login page; logged-in users without a role get 403."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        release = _release(slug)
        if not may_read_versions(request.user, release):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("Only SECAS analysts and Panel members can read this RID.")
        return view(request, release, *args, **kwargs)

    return wrapper


def _version_or_404(release, number, **kwargs):
    version = rid_version_get(release, number, **kwargs)
    if version is None:
        raise Http404(f"{release.name} has no RID version {number}.")
    return version


def _filename(release, number, ext):
    return f"{release.slug}-rid-v{number}.{ext}" if number else f"{release.slug}-rid-draft.{ext}"


def _pdf_response(pdf_bytes, filename, *, etag=None, cache="private, no-cache"):
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Length"] = str(len(pdf_bytes))
    response["Cache-Control"] = cache
    if etag:
        response["ETag"] = f'"{etag}"'
    return response


def _etag_matches(request, etag):
    header = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/").strip('"') for t in header.split(",") if t.strip()}
    return etag in tags or "*" in tags


# -- the live draft (analysts) ------------------------------------------------------------------


@analyst_required
@require_safe
def rid_draft(request, slug):
    """The RID built from the register now. Analysts only: the Panel sees issued versions."""
    release = _release(slug)
    rid = build_rid(release)
    return render(
        request,
        "releases/rid/rid_page.html",
        {
            "release": release,
            "rid": rid,
            "version": None,
            "pdf_url": reverse("releases:rid_draft_pdf", args=[release.slug]),
            "versions": rid_versions(release),
        },
    )


@analyst_required
@require_safe
def rid_draft_pdf(request, slug):
    release = _release(slug)
    rid = build_rid(release)
    return _pdf_response(
        render_rid_pdf(rid), _filename(release, "", "pdf"), cache="private, no-store"
    )


# -- issuing (analysts) ------------------------------------------------------------------------


REDRAFTS = {
    "draft": ("Draft for the Panel", "draft", ""),
    "issued": ("Issued version", "issued", ""),
    "baseline-system": ("Baseline of the DCC System scope", "baseline", "system"),
    "baseline-full": ("Baseline of the full scope", "baseline", "full"),
}


def _issue_page(request, release, form, *, status=200):
    """The issue page: the form, the next numbers, the review waiting (if any)."""
    kinds = RidVersionKind.values
    numbers = {kind: services.rid_next_number(release, kind) for kind in kinds}
    return render(
        request,
        "releases/rid/rid_issue.html",
        {
            "release": release,
            "form": form,
            "numbers": [(RidVersionKind(k).label, numbers[k]) for k in kinds],
            "redrafts": [(key, label) for key, (label, _k, _s) in REDRAFTS.items()],
            "latest": (rid_versions(release) or [None])[-1],
            "pending": services.rid_pending_review(release),
            "findings": form.findings,
        },
        status=status,
    )


def _issue_form(release, data=None, **kwargs):
    """The issue form, with what the pre-issue checks find wrong with the live draft (listed
    above it; the analyst fixes them or confirms: form.findings)."""
    numbers = {kind: services.rid_next_number(release, kind) for kind in RidVersionKind.values}
    findings = rid_findings(release, build_rid(release))
    return RidIssueForm(data, numbers=numbers, findings=findings, **kwargs)


def _redrafted_form(release, post):
    """The form as typed, with the Changes text drafted again for the chosen kind: the date, the
    Panel details and the reason are kept."""
    _label, kind, scope = REDRAFTS.get(post.get("redraft"), REDRAFTS["issued"])
    typed = {name: post.get(name, "") for name in RidIssueForm.base_fields}
    typed.update(
        kind=kind,
        baseline_scope=scope,
        changes=services.rid_draft_changes(release, kind, scope),
    )
    return _issue_form(release, initial=typed)


@analyst_required
@require_http_methods(["GET", "POST"])
def rid_issue(request, slug):
    """Issue the next version from the live draft: a draft for the Panel, an issued version or a
    baseline. POSTing "redraft" drafts the Changes text again for a kind, keeping what was typed.
    Issuing here is without review (a reason is required); the same form's "Submit for review"
    posts to rid_review_submit."""
    release = _release(slug)
    if request.method == "POST" and "redraft" in request.POST:
        return _issue_page(request, release, _redrafted_form(release, request.POST))
    if request.method == "POST":
        form = _issue_form(release, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = services.rid_issue_version(
                    actor=request.user,
                    release=release,
                    kind=data["kind"],
                    date=data["date"],
                    changes=data["changes"],
                    baseline_scope=data["baseline_scope"] or "",
                    panel_decision=data["panel_decision"] or "",
                    panel_meeting_date=data["panel_meeting_date"],
                    unreviewed_reason=data["unreviewed_reason"] or "",
                    findings=[f.message for f in form.findings],
                    findings_confirmed=bool(data.get("issue_anyway")),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Version {version.number} of the {release.name} RID is issued without "
                    "review; its content and PDF are now frozen.",
                )
                return redirect(version.get_absolute_url())
        return _issue_page(request, release, form)
    kind = request.GET.get("kind", "issued")
    kind = kind if kind in RidVersionKind.values else "issued"
    scope = request.GET.get("baseline_scope", "")
    scope = scope if scope in BaselineScope.values else ""
    form = _issue_form(
        release,
        initial={
            "kind": kind,
            "date": timezone.localdate(),
            "changes": services.rid_draft_changes(release, kind, scope),
            "baseline_scope": scope,
        },
    )
    return _issue_page(request, release, form)


# -- review (analysts) -------------------------------------------------------------------------


def _analyst_name(user):
    return user.get_full_name() or user.username


@analyst_required
@require_POST
def rid_review_submit(request, slug):
    """Submit the issue form's proposal for review by another analyst."""
    release = _release(slug)
    form = _issue_form(release, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review = services.rid_review_submit(
                actor=request.user,
                release=release,
                kind=data["kind"],
                date=data["date"],
                changes=data["changes"],
                baseline_scope=data["baseline_scope"] or "",
                panel_decision=data["panel_decision"] or "",
                panel_meeting_date=data["panel_meeting_date"],
                findings=[f.message for f in form.findings],
                findings_confirmed=bool(data.get("issue_anyway")),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Version {review.number} is submitted for review: another analyst must approve "
                "it before it is issued.",
            )
            return redirect("releases:rid_review", release.slug, review.pk)
    return _issue_page(request, release, form)


def _review_or_404(release, pk):
    review = (
        RidReview.objects.filter(release=release, pk=pk)
        .select_related("submitted_by", "reviewed_by", "rid_version")
        .first()
    )
    if review is None:
        raise Http404("No such review of this RID.")
    return review


@analyst_required
@require_safe
def rid_review(request, slug, pk):
    """A submitted draft: what it proposes, what changed since the latest issued version, and
    (for another analyst) approve or send back."""
    release = _release(slug)
    review = _review_or_404(release, pk)
    return _review_page(request, release, review)


def _review_page(request, release, review, *, return_form=None, status=200):
    live = build_rid(release)
    versions = rid_versions(release)
    latest = versions[-1] if versions else None
    changes = None
    if latest is not None:
        old = Rid.from_json(_version_or_404(release, latest.number).content)
        changes = rid_diff_of(old, live)
    return render(
        request,
        "releases/rid/rid_review.html",
        {
            "release": release,
            "review": review,
            "latest": latest,
            "diff": changes,
            "unchanged": services.rid_value_hash(live) == review.rid_hash,
            "own": review.submitted_by_id == request.user.pk,
            "return_form": return_form or RidReviewReturnForm(),
        },
        status=status,
    )


@analyst_required
@require_POST
def rid_review_approve(request, slug, pk):
    release = _release(slug)
    review = _review_or_404(release, pk)
    try:
        version = services.rid_review_approve(actor=request.user, review=review)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("releases:rid_review", release.slug, review.pk)
    messages.success(
        request,
        f"Version {version.number} of the {release.name} RID is approved and issued as "
        f"{_analyst_name(review.submitted_by)} prepared it; its content and PDF are now frozen.",
    )
    return redirect(version.get_absolute_url())


@analyst_required
@require_POST
def rid_review_return(request, slug, pk):
    release = _release(slug)
    review = _review_or_404(release, pk)
    form = RidReviewReturnForm(request.POST)
    if form.is_valid():
        try:
            services.rid_review_return(
                actor=request.user, review=review, comments=form.cleaned_data["comments"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_service_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("releases:rid_review", release.slug, review.pk)
        else:
            messages.success(
                request,
                f"Version {review.number} is sent back to {_analyst_name(review.submitted_by)}.",
            )
            return redirect("releases:rid_review", release.slug, review.pk)
    return _review_page(request, release, review, return_form=form, status=200)


@analyst_required
@require_POST
def rid_review_withdraw(request, slug, pk):
    release = _release(slug)
    review = _review_or_404(release, pk)
    try:
        services.rid_review_withdraw(actor=request.user, review=review)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("releases:rid_review", release.slug, review.pk)
    messages.success(request, f"Your draft of version {review.number} is withdrawn from review.")
    return redirect("releases:rid_issue", release.slug)


# -- issued versions (Panel, analysts, public for White) ----------------------------------------


def version_json_bytes(release, version):
    """The bytes of a version's JSON download, made only from what was stored when it was
    issued, so they (and their SHA-256) never change. `version` needs its content loaded."""
    data = {
        "release": release.slug,
        "version": version.number,
        "kind": version.kind,
        "date": version.date.isoformat(),
        "changes": version.changes,
        "baseline_scope": version.baseline_scope,
        "panel_decision": version.panel_decision,
        "panel_meeting_date": (
            version.panel_meeting_date.isoformat() if version.panel_meeting_date else None
        ),
        "issued_at": version.issued_at.isoformat(),
        "pdf_sha256": version.pdf_sha256,
        "content": version.content,
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def json_sha256(release, version):
    return hashlib.sha256(version_json_bytes(release, version)).hexdigest()


@versions_reader
@require_safe
def rid_version_list(request, release):
    """Every issued version, newest first, with who prepared, reviewed and issued it, the Panel
    decision of a baseline and the SHA-256 of its PDF and of its JSON. Three queries."""
    versions = list(
        RidVersion.objects.filter(release=release)
        .select_related("issued_by", "prepared_by", "reviewed_by")
        .defer("pdf")
        .order_by("-major", "-minor")
    )
    for v in versions:
        v.release = release  # its links need the slug: no query per version
        v.json_sha256 = json_sha256(release, v)
    return render(
        request,
        "releases/rid/rid_version_list.html",
        {
            "release": release,
            "versions": versions,
            "can_issue": is_analyst(request.user),
            "can_read_register": can_read(request.user),
            "pending": services.rid_pending_review(release) if is_analyst(request.user) else None,
        },
    )


@versions_reader
@require_safe
def rid_version(request, release, number):
    """An issued version, from its stored content (never rebuilt from the register), with its
    proof: who prepared, reviewed and issued it, the Panel decision, the SHA-256 of its PDF and
    of its JSON."""
    version = _version_or_404(release, number, with_content=True)
    rid = Rid.from_json(version.content)
    versions = rid_versions(release)
    previous = [v for v in versions if (v.major, v.minor) < (version.major, version.minor)]
    return render(
        request,
        "releases/rid/rid_page.html",
        {
            "release": release,
            "rid": rid,
            "version": version,
            "json_sha256": json_sha256(release, version),
            "pdf_url": reverse("releases:rid_version_pdf", args=[release.slug, version.number]),
            "json_url": reverse("releases:rid_version_json", args=[release.slug, version.number]),
            "previous": previous[-1] if previous else None,
            "versions": versions,
            "can_read_register": can_read(request.user),
        },
    )


@versions_reader
@require_safe
def rid_version_pdf(request, release, number):
    """The stored PDF bytes, with their SHA-256 as ETag (If-None-Match -> 304)."""
    version = rid_version_get(release, number, with_content=False, with_pdf=False)
    if version is None:
        raise Http404(f"{release.name} has no RID version {number}.")
    cache = "public, no-cache" if release.is_public else "private, no-cache"
    if _etag_matches(request, version.pdf_sha256):
        response = HttpResponseNotModified()
        response["ETag"] = f'"{version.pdf_sha256}"'
        response["Cache-Control"] = cache
        return response
    pdf_bytes = bytes(RidVersion.objects.filter(pk=version.pk).values_list("pdf", flat=True).get())
    return _pdf_response(
        pdf_bytes, _filename(release, version.number, "pdf"), etag=version.pdf_sha256, cache=cache
    )


@versions_reader
@require_safe
def rid_version_json(request, release, number):
    """The stored version as JSON: version_json_bytes, whose SHA-256 the version page shows."""
    version = _version_or_404(release, number, with_content=True)
    response = HttpResponse(version_json_bytes(release, version), content_type="application/json")
    response["Content-Disposition"] = (
        f'inline; filename="{_filename(release, version.number, "json")}"'
    )
    response["ETag"] = f'"{version.pdf_sha256}-json"'
    return response


@csrf_exempt  # writes nothing: the upload is hashed and dropped
@versions_reader
@require_http_methods(["GET", "POST"])
def rid_verify(request, release):
    """Upload a PDF and be told which issued version of this RID it is (by its SHA-256), or that
    it matches none. Anyone who may read the release's versions; the file is not kept."""
    result = None
    if request.method == "POST":
        form = RidVerifyForm(request.POST, request.FILES)
        if form.is_valid():
            digest = form.cleaned_data["document"]
            match = (
                RidVersion.objects.filter(release=release, pdf_sha256=digest)
                .only("major", "minor", "date", "kind", "release_id", "pdf_sha256")
                .first()
            )
            result = {"sha256": digest, "version": match}
            form = RidVerifyForm()
    else:
        form = RidVerifyForm()
    return render(
        request,
        "releases/rid/rid_verify.html",
        {
            "release": release,
            "form": form,
            "result": result,
            "can_read_register": can_read(request.user),
        },
    )


DRAFT = "draft"


@versions_reader
@require_safe
def rid_diff(request, release):
    """?from=3.0&to=8.0: what changed between two issued versions; analysts may also compare
    with to=draft (the live draft). A newer-to-older request is put in order and said so.
    &format=pdf gives the comparison copy: the 'to' version's PDF with "Changes since version
    <from>" appended, marked on its cover and every page as not an issued version."""
    versions = rid_versions(release)
    numbers = [v.number for v in versions]
    analyst = is_analyst(request.user)
    if DRAFT in (request.GET.get("to"), request.GET.get("from")) and not analyst:
        raise PermissionDenied("Only SECAS analysts can see the live draft.")
    choices = numbers + ([DRAFT] if analyst and numbers else [])
    if len(choices) < 2:
        return render(
            request,
            "releases/rid/rid_diff.html",
            {"release": release, "diff": None, "numbers": numbers, "too_few": True},
        )
    to_number = request.GET.get("to") or numbers[-1]
    if to_number not in choices:
        raise Http404("Choose two issued versions of this RID.")
    default_from = (
        numbers[-1] if to_number == DRAFT else numbers[max(numbers.index(to_number) - 1, 0)]
    )
    from_number = request.GET.get("from") or default_from
    if from_number == DRAFT:
        from_number, to_number = to_number, from_number
    if from_number not in numbers:
        raise Http404("Choose two issued versions of this RID.")
    reordered = None
    if to_number != DRAFT and version_key(from_number) > version_key(to_number):
        reordered = (from_number, to_number)
        from_number, to_number = to_number, from_number
    old = Rid.from_json(_version_or_404(release, from_number).content)
    new = (
        build_rid(release)
        if to_number == DRAFT
        else Rid.from_json(_version_or_404(release, to_number).content)
    )
    changes = rid_diff_of(old, new)
    if request.GET.get("format") == "pdf":
        # Rendered on demand (about a second of CPU): for analysts and Panel members only.
        if not can_read(request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("The PDF with changes appended is for analysts and the Panel.")
        if to_number == DRAFT:
            raise Http404("A comparison copy is made of an issued version, not of the draft.")
        filename = (
            f"{release.slug}-rid-v{to_number}-comparison-copy-changes-since-v{from_number}.pdf"
        )
        return _pdf_response(render_rid_pdf(new, diff=changes), filename)
    return render(
        request,
        "releases/rid/rid_diff.html",
        {
            "release": release,
            "diff": changes,
            "numbers": numbers,
            "choices": choices,
            "from_number": from_number,
            "to_number": to_number,
            "reordered": reordered,
            "can_read_register": can_read(request.user),
        },
    )
