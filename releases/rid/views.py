"""Release Implementation Document pages: the live draft, issued versions (HTML, PDF, JSON), the
version list, issuing a version and comparing two versions.

Who sees what (issue 4):
- SECAS analysts: the live draft and every version; they issue versions.
- Panel members: every issued version, the list, the comparison and the PDFs; never the draft.
- Anyone, logged in or not: issued versions of White releases, unless settings.PUBLIC_WHITE_RIDS
  is off. Amber, Green and Red releases are never public, and neither is a version that was not
  issued White: classification follows the document (a version's stored content holds the
  classification it was issued with), so a version issued Amber stays restricted after its
  release is made White.

An issued version is always shown from what was stored when it was issued (content JSON and PDF
bytes), never rebuilt from the register.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from modifications.selectors import register_revision
from secrelease import caching
from secrelease.caching import cached_page, role_of
from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, can_read, is_analyst
from secrelease.text import person_name

from .. import jobs
from ..models import (
    Classification,
    Release,
    RenderJobKind,
    RenderJobStatus,
    RidReview,
    RidVersion,
    RidVersionKind,
)
from . import services
from .checks import rid_findings
from .diff import diff as rid_diff_of
from .document import (
    Rid,
    build_rid,
    release_with_versions,
    rid_versions,
    version_key,
)
from .forms import (
    RidCompareForm,
    RidIssueForm,
    RidRedraftForm,
    RidReviewReturnForm,
    RidVerifyForm,
)
from .render import issued_version_html, render_rid_html, render_rid_screen_html

# -- access ---------------------------------------------------------------------------------------


def _release(slug):
    return get_object_or_404(Release, slug=slug)


def may_read_versions(user, release):
    """Issued versions: analysts and Panel members; anyone for a White release when public RIDs
    are on. `release`: a Release, or anything with its `is_public`."""
    if can_read(user):
        return True
    return bool(settings.PUBLIC_WHITE_RIDS) and release.is_public


@dataclass(frozen=True)
class ReleaseAccess:
    """What may_read_versions (and a 404 message) need of a release, kept with its cached
    version page."""

    name: str
    classification: str

    @property
    def is_public(self):
        return self.classification == Classification.WHITE


def _refuse_versions(request):
    """Anonymous visitors go to the login page; logged-in users without a role get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("Only SECAS analysts and Panel members can read this RID.")


def public_version_filter():
    """Versions the public may read (their release being White): those issued White."""
    return Q(content__classification=Classification.WHITE)


def readable_versions(user, release, versions):
    """Of `versions` (of `release`), those `user` may read: all for analysts and Panel members;
    for anyone else those issued White (one query)."""
    if can_read(user):
        return versions
    public = set(
        RidVersion.objects.filter(public_version_filter(), release=release).values_list(
            "pk", flat=True
        )
    )
    return [v for v in versions if v.pk in public]


def versions_reader(view):
    """Views of issued versions: the view gets the release and its issued versions (oldest
    first, without content or PDF; one query: document.release_with_versions) instead of the
    slug. Anonymous visitors who may not read it go to the login page; logged-in users without
    a role get 403."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        release, versions = release_with_versions(slug)
        if release is None:
            raise Http404("No release with that address.")
        if not may_read_versions(request.user, release):
            return _refuse_versions(request)
        readable = readable_versions(request.user, release, versions)
        number = kwargs.get("number")
        if len(readable) != len(versions) and number not in {v.number for v in readable}:
            if number in {v.number for v in versions}:
                return _refuse_versions(request)  # a version not issued White
        return view(request, release, readable, *args, **kwargs)

    return wrapper


def _version_or_404(release, versions, number):
    """The version numbered `number` ('8.0') among `versions`, or 404."""
    for version in versions:
        if version.number == number:
            return version
    raise Http404(f"{release.name} has no RID version {number}.")


def _content(version):
    """The stored content (JSON) of a version from the list: one query."""
    return RidVersion.objects.filter(pk=version.pk).values_list("content", flat=True).get()


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
    """The RID built from the register now; rendered again only after a change to the register
    (secrelease.caching.cached_page). Analysts only: the Panel sees issued versions."""
    key = ("rid-draft", slug, register_revision(request.user))
    return cached_page(request, "releases/rid/rid_page.html", key, lambda: _draft_context(slug))


def _draft_context(slug):
    release, versions = release_with_versions(slug)
    if release is None:
        raise Http404("No release with that address.")
    return {
        "release": release,
        "document_html": render_rid_screen_html(build_rid(release)),
        "version": None,
        "pdf_url": reverse("releases:rid_draft_pdf", args=[release.slug]),
        "versions": versions,
    }


@analyst_required
@require_safe
def rid_draft_pdf(request, slug):
    """The live draft's PDF, made by the task worker (releases.jobs); served from the cache
    while the RID value is unchanged."""
    release = _release(slug)
    rid = build_rid(release)
    return jobs.serve_pdf(
        request,
        kind=RenderJobKind.RID_DRAFT,
        # When it was built is not printed: leave it out of the cache key.
        value=dataclasses.replace(rid, built_at="").to_json_text(),
        build_html=lambda: render_rid_html(rid),
        filename=_filename(release, "", "pdf"),
        subject=f"release:{release.pk}",
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
            values = {
                "kind": data["kind"],
                "date": data["date"],
                "changes": data["changes"],
                "baseline_scope": data["baseline_scope"] or "",
                "panel_decision": data["panel_decision"] or "",
                "panel_meeting_date": data["panel_meeting_date"],
                "unreviewed_reason": data["unreviewed_reason"] or "",
                # What the pre-issue checks found, and the analyst's confirmation (recorded).
                "findings": [f.message for f in form.findings],
                "findings_confirmed": bool(data.get("issue_anyway")),
            }
            try:
                services.rid_issue_check(release=release, **values)
                # Laying out the PDF takes seconds: the worker issues the version (jobs.py).
                job = jobs.queue_rid_issue(
                    request,
                    release=release,
                    params={
                        **values,
                        "operation": "issue",
                        "release": release.pk,
                        "date": values["date"].isoformat(),
                        "panel_meeting_date": values["panel_meeting_date"].isoformat()
                        if values["panel_meeting_date"]
                        else None,
                    },
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except jobs.QueueFull:
                return jobs.queue_limit_response(request)
            else:
                if job.status == RenderJobStatus.FAILED:  # the task ran at once, and refused
                    form.add_error(None, job.error)
                else:
                    return jobs.issue_response(request, job)
        return _issue_page(request, release, form)
    kind, scope = RidRedraftForm(request.GET).values()
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
        old = Rid.from_json(_content(latest))
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
        services.rid_review_approve_check(actor=request.user, review=review)
        # Laying out the PDF takes seconds: the worker issues the version (jobs.py).
        job = jobs.queue_rid_issue(
            request,
            release=release,
            params={"operation": "approve", "release": release.pk, "review": review.pk},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("releases:rid_review", release.slug, review.pk)
    except jobs.QueueFull:
        return jobs.queue_limit_response(request)
    if job.status == RenderJobStatus.FAILED:  # the task ran at once, and refused
        messages.error(request, job.error)
        return redirect("releases:rid_review", release.slug, review.pk)
    return jobs.issue_response(request, job)


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
                f"Version {review.number} is sent back to {person_name(review.submitted_by)}.",
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


def version_json_bytes(release, version, content=None):
    """The bytes of a version's JSON download, made only from what was stored when it was
    issued, so they (and their SHA-256) never change. `content`: the stored content when the
    caller has it already (else one query)."""
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
        "content": _content(version) if content is None else content,
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def json_sha256(release, version, content=None):
    """The SHA-256 of version_json_bytes, computed once per version and kept for good
    (secrelease.caching.immutable: the version never changes)."""
    return caching.immutable(
        ("rid-json-sha256", version.pk, version.pdf_sha256),
        lambda: hashlib.sha256(version_json_bytes(release, version, content)).hexdigest(),
    )


@versions_reader
@require_safe
def rid_version_list(request, release, versions):
    """Every issued version, newest first, with who prepared, reviewed and issued it, the Panel
    decision of a baseline and the SHA-256 of its PDF and of its JSON."""
    versions = list(reversed(versions))
    # The contents of every version in one query, so the page keeps its number of queries.
    contents = dict(RidVersion.objects.filter(release=release).values_list("pk", "content"))
    for v in versions:
        v.json_sha256 = json_sha256(release, v, contents[v.pk])
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


@require_safe
def rid_version(request, slug, number):
    """An issued version, from its stored content (never rebuilt from the register), with its
    proof: who prepared, reviewed and issued it, the Panel decision, the SHA-256 of its PDF and
    of its JSON. The page is rendered once per register revision and role
    (secrelease.caching.revised) around the document's HTML, which is made once for good
    (render.issued_version_html). Who may read it: versions_reader."""
    key = ("rid-version", slug, number, register_revision(request.user), role_of(request.user))
    page = caching.revised(key, lambda: _version_page(request, slug, number))
    if not may_read_versions(request.user, page["release"]):
        return _refuse_versions(request)
    if page["blocks"] is not None and not page["issued_white"] and not can_read(request.user):
        return _refuse_versions(request)  # a version not issued White
    if page["blocks"] is None:
        raise Http404(f"{page['release'].name} has no RID version {number}.")
    return render(request, "_cached_page.html", {"blocks": page["blocks"]})


def _version_page(request, slug, number):
    release, versions = release_with_versions(slug)
    if release is None:
        raise Http404("No release with that address.")
    access = ReleaseAccess(release.name, release.classification)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        return {"release": access, "blocks": None}
    issued_white = RidVersion.objects.filter(public_version_filter(), pk=version.pk).exists()
    versions = readable_versions(request.user, release, versions)
    previous = [v for v in versions if (v.major, v.minor) < (version.major, version.minor)]
    context = {
        "release": release,
        "document_html": issued_version_html(version),
        "version": version,
        "json_sha256": json_sha256(release, version),
        "pdf_url": reverse("releases:rid_version_pdf", args=[release.slug, version.number]),
        "json_url": reverse("releases:rid_version_json", args=[release.slug, version.number]),
        "previous": previous[-1] if previous else None,
        "versions": versions,
        "can_read_register": can_read(request.user),
    }
    return {
        "release": access,
        "issued_white": issued_white,
        "blocks": caching.render_blocks(request, "releases/rid/rid_page.html", context),
    }


@versions_reader
@require_safe
def rid_version_pdf(request, release, versions, number):
    """The stored PDF bytes, with their SHA-256 as ETag (If-None-Match -> 304)."""
    version = _version_or_404(release, versions, number)
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
def rid_version_json(request, release, versions, number):
    """The stored version as JSON: version_json_bytes, whose SHA-256 the version page shows."""
    version = _version_or_404(release, versions, number)
    response = HttpResponse(version_json_bytes(release, version), content_type="application/json")
    response["Content-Disposition"] = (
        f'inline; filename="{_filename(release, version.number, "json")}"'
    )
    response["ETag"] = f'"{version.pdf_sha256}-json"'
    return response


@csrf_exempt  # writes nothing: the upload is hashed and dropped
@versions_reader
@require_http_methods(["GET", "POST"])
def rid_verify(request, release, versions):
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
def rid_diff(request, release, versions):
    """?from=3.0&to=8.0: what changed between two issued versions; analysts may also compare
    with to=draft (the live draft). A newer-to-older request is put in order and said so.
    &format=pdf gives the comparison copy: the 'to' version's PDF with "Changes since version
    <from>" appended, marked on its cover and every page as not an issued version."""
    numbers = [v.number for v in versions]
    analyst = is_analyst(request.user)
    asked_from, asked_to, output = RidCompareForm(request.GET).values()
    if DRAFT in (asked_to, asked_from) and not analyst:
        raise PermissionDenied("Only SECAS analysts can see the live draft.")
    choices = numbers + ([DRAFT] if analyst and numbers else [])
    if len(choices) < 2:
        return render(
            request,
            "releases/rid/rid_diff.html",
            {"release": release, "diff": None, "numbers": numbers, "too_few": True},
        )
    to_number = asked_to or numbers[-1]
    if to_number not in choices:
        raise Http404("Choose two issued versions of this RID.")
    default_from = (
        numbers[-1] if to_number == DRAFT else numbers[max(numbers.index(to_number) - 1, 0)]
    )
    from_number = asked_from or default_from
    if from_number == DRAFT:
        from_number, to_number = to_number, from_number
    if from_number not in numbers:
        raise Http404("Choose two issued versions of this RID.")
    reordered = None
    if to_number != DRAFT and version_key(from_number) > version_key(to_number):
        reordered = (from_number, to_number)
        from_number, to_number = to_number, from_number
    old = Rid.from_json(_content(_version_or_404(release, versions, from_number)))
    new = (
        build_rid(release)
        if to_number == DRAFT
        else Rid.from_json(_content(_version_or_404(release, versions, to_number)))
    )
    changes = rid_diff_of(old, new)
    if output == "pdf":
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
        return jobs.serve_pdf(
            request,
            kind=RenderJobKind.RID_DIFF,
            value=f"{old.to_json_text()}\n{new.to_json_text()}",
            build_html=lambda: render_rid_html(new, diff=changes),
            filename=filename,
            subject=f"release:{release.pk}",
        )
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
