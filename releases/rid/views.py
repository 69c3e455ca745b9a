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

from dataclasses import dataclass
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

from modifications.selectors import register_revision
from secrelease import caching
from secrelease.caching import cached_page, role_of
from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, can_read, is_analyst

from ..models import BaselineScope, Classification, Release, RidVersion, RidVersionKind
from . import services
from .diff import diff as rid_diff_of
from .document import Rid, build_rid, release_with_versions, rid_versions
from .forms import RidIssueForm
from .render import issued_version_html, render_rid_pdf, render_rid_screen_html

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
        return view(request, release, versions, *args, **kwargs)

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
    if request.method == "POST":
        form = RidIssueForm(request.POST, numbers=numbers)
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
        },
    )


# -- issued versions (Panel, analysts, public for White) ----------------------------------------


@versions_reader
@require_safe
def rid_version_list(request, release, versions):
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


@require_safe
def rid_version(request, slug, number):
    """An issued version, from its stored content (never rebuilt from the register). The page
    is rendered once per register revision and role (secrelease.caching.revised) around the
    document's HTML, which is made once for good (render.issued_version_html). Who may read it:
    versions_reader."""
    key = ("rid-version", slug, number, register_revision(request.user), role_of(request.user))
    page = caching.revised(key, lambda: _version_page(request, slug, number))
    if not may_read_versions(request.user, page["release"]):
        return _refuse_versions(request)
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
    previous = [v for v in versions if (v.major, v.minor) < (version.major, version.minor)]
    context = {
        "release": release,
        "document_html": issued_version_html(version),
        "version": version,
        "pdf_url": reverse("releases:rid_version_pdf", args=[release.slug, version.number]),
        "json_url": reverse("releases:rid_version_json", args=[release.slug, version.number]),
        "previous": previous[-1] if previous else None,
        "versions": versions,
        "can_read_register": can_read(request.user),
    }
    return {
        "release": access,
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
    version = _version_or_404(release, versions, number)
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
        "content": _content(version),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = (
        f'inline; filename="{_filename(release, version.number, "json")}"'
    )
    response["ETag"] = f'"{version.pdf_sha256}-json"'
    return response


@versions_reader
@require_safe
def rid_diff(request, release, versions):
    """?from=3.0&to=8.0: what changed between two issued versions; &format=pdf gives the 'to'
    version's PDF with "Changes since version <from>" appended."""
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
    old = Rid.from_json(_content(_version_or_404(release, versions, from_number)))
    new = Rid.from_json(_content(_version_or_404(release, versions, to_number)))
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
