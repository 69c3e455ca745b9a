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

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, can_read, is_analyst

from ..models import BaselineScope, Release, RidVersion, RidVersionKind
from . import services
from .checks import rid_findings
from .diff import diff as rid_diff_of
from .document import Rid, build_rid, rid_version_get, rid_versions
from .forms import RidIssueForm
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


@analyst_required
@require_http_methods(["GET", "POST"])
def rid_issue(request, slug):
    """Issue the next version from the live draft: a draft for the Panel, an issued version or a
    baseline. GET ?kind=...&baseline_scope=... redrafts the Changes text for that kind."""
    release = _release(slug)
    kinds = RidVersionKind.values
    numbers = {kind: services.rid_next_number(release, kind) for kind in kinds}
    # What is wrong with the draft: listed above the form; the analyst fixes it or confirms.
    findings = rid_findings(release, build_rid(release))
    if request.method == "POST":
        form = RidIssueForm(request.POST, numbers=numbers, findings=findings)
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
                    findings=[f.message for f in findings],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Version {version.number} of the {release.name} RID is issued; its content "
                    "and PDF are now frozen.",
                )
                return redirect(version.get_absolute_url())
    else:
        kind = request.GET.get("kind", "issued")
        kind = kind if kind in kinds else "issued"
        scope = request.GET.get("baseline_scope", "")
        scope = scope if scope in BaselineScope.values else ""
        form = RidIssueForm(
            numbers=numbers,
            findings=findings,
            initial={
                "kind": kind,
                "date": timezone.localdate(),
                "changes": services.rid_draft_changes(release, kind, scope),
                "baseline_scope": scope,
            },
        )
    redraft_links = [
        ("Draft for the Panel", {"kind": "draft"}),
        ("Issued version", {"kind": "issued"}),
        ("Baseline of the DCC System scope", {"kind": "baseline", "baseline_scope": "system"}),
        ("Baseline of the full scope", {"kind": "baseline", "baseline_scope": "full"}),
    ]
    return render(
        request,
        "releases/rid/rid_issue.html",
        {
            "release": release,
            "form": form,
            "numbers": [(RidVersionKind(k).label, numbers[k]) for k in kinds],
            "redraft_links": redraft_links,
            "latest": (rid_versions(release) or [None])[-1],
            "findings": findings,
        },
    )


# -- issued versions (Panel, analysts, public for White) ----------------------------------------


@versions_reader
@require_safe
def rid_version_list(request, release):
    versions = rid_versions(release)
    return render(
        request,
        "releases/rid/rid_version_list.html",
        {
            "release": release,
            "versions": list(reversed(versions)),
            "can_issue": is_analyst(request.user),
            "can_read_register": can_read(request.user),
        },
    )


@versions_reader
@require_safe
def rid_version(request, release, number):
    """An issued version, from its stored content (never rebuilt from the register)."""
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
    version = _version_or_404(release, number, with_content=True)
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
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = (
        f'inline; filename="{_filename(release, version.number, "json")}"'
    )
    response["ETag"] = f'"{version.pdf_sha256}-json"'
    return response


@versions_reader
@require_safe
def rid_diff(request, release):
    """?from=3.0&to=8.0: what changed between two issued versions; &format=pdf gives the 'to'
    version's PDF with "Changes since version <from>" appended."""
    versions = rid_versions(release)
    numbers = [v.number for v in versions]
    if len(numbers) < 2:
        return render(
            request,
            "releases/rid/rid_diff.html",
            {"release": release, "diff": None, "numbers": numbers, "too_few": True},
        )
    to_number = request.GET.get("to") or numbers[-1]
    if to_number not in numbers:
        raise Http404("Choose two issued versions of this RID.")
    from_number = request.GET.get("from") or numbers[max(numbers.index(to_number) - 1, 0)]
    if from_number not in numbers:
        raise Http404("Choose two issued versions of this RID.")
    old = Rid.from_json(_version_or_404(release, from_number).content)
    new = Rid.from_json(_version_or_404(release, to_number).content)
    changes = rid_diff_of(old, new)
    if request.GET.get("format") == "pdf":
        # Rendered on demand (about a second of CPU): for analysts and Panel members only.
        if not can_read(request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("The PDF with changes appended is for analysts and the Panel.")
        filename = f"{release.slug}-rid-v{to_number}-changes-since-v{from_number}.pdf"
        return _pdf_response(render_rid_pdf(new, diff=changes), filename)
    return render(
        request,
        "releases/rid/rid_diff.html",
        {
            "release": release,
            "diff": changes,
            "numbers": numbers,
            "from_number": from_number,
            "to_number": to_number,
            "can_read_register": can_read(request.user),
        },
    )
