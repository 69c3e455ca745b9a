"""Heavy work off the request path: PDFs (draft RIDs, RIDs with their changes, OPSG papers) and
issuing RID versions and OPSG papers (each lays out the PDF it stores) run in the task worker
(django-tasks; settings.TASKS). No view calls WeasyPrint (releases.pdf) itself: a request queues a
RenderJob and answers at once: the page says the PDF is being prepared, polls (static/js/
render-job.js, or a "Check again" link without JavaScript) and offers it when ready.

A ready PDF is also the cache of its document: the job's key is the SHA-256 of what was
rendered (the RID value's JSON, the two versions' JSON, the paper's print HTML) and of the
renderer (templates, print.css, releases/pdf.py), so an unchanged draft is served at once.
One user has at most settings.RENDER_QUEUE_LIMIT jobs waiting at a time.

With the default "immediate" backend the task runs inside the queuing request (`make run`, the
tests): the PDF is served directly, as before.
"""

import datetime
import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from secrelease.edits import edit_token
from secrelease.roles import can_read, is_analyst
from secrelease.text import person_name

from . import pdf
from .models import Release, RenderJob, RenderJobKind, RenderJobStatus, UpdatePaper
from .paper import services as paper_services
from .pdf import PRINT_CSS

logger = logging.getLogger(__name__)

PENDING = (RenderJobStatus.QUEUED, RenderJobStatus.RUNNING)
# Jobs that issue a document (and store its PDF) rather than make a PDF to download.
ISSUE_KINDS = (RenderJobKind.RID_ISSUE, RenderJobKind.PAPER_ISSUE)
FAILED_MESSAGE = (
    "The PDF could not be made. Try again in a minute; if it fails again, tell SECAS support "
    "(the server log has the details)."
)


class QueueFull(Exception):
    """The user already has settings.RENDER_QUEUE_LIMIT jobs waiting."""


@functools.cache
def renderer_fingerprint():
    """SHA-256 of everything that shapes a PDF besides its data: the document templates,
    print.css and releases/pdf.py. A deploy that changes them makes cached PDFs miss."""
    base = Path(settings.BASE_DIR)
    files = sorted(
        [
            *(base / "templates" / "releases" / "rid").rglob("*.html"),
            *(base / "templates" / "releases" / "paper").rglob("*.html"),
            PRINT_CSS,
            Path(__file__).with_name("pdf.py"),
        ]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_key(kind, text):
    """The key of a cached PDF: SHA-256 of the kind, the renderer and `text` (the value)."""
    payload = f"{kind}\0{renderer_fingerprint()}\0{text}"
    return hashlib.sha256(payload.encode()).hexdigest()


def _is_stale(job):
    limit = datetime.timedelta(seconds=settings.RENDER_JOB_STALE_SECONDS)
    return job.is_pending and job.requested_at < timezone.now() - limit


def _waiting_count(user):
    since = timezone.now() - datetime.timedelta(seconds=settings.RENDER_JOB_STALE_SECONDS)
    return RenderJob.objects.filter(
        requested_by=user, status__in=PENDING, requested_at__gte=since
    ).count()


def _reserve(user, **fields):
    """Create a queued job for `user` unless they already have RENDER_QUEUE_LIMIT waiting
    (raises QueueFull). The user's row is locked so two requests cannot both pass the count."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if _waiting_count(user) >= settings.RENDER_QUEUE_LIMIT:
            raise QueueFull
        key = fields.get("key", "")
        if key:
            # A failed or lost job of the same document is tried again.
            RenderJob.objects.filter(key=key).exclude(status=RenderJobStatus.READY).delete()
        return RenderJob.objects.create(requested_by=user, **fields)


def _enqueue(job):
    from .tasks import run_render_job

    run_render_job.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


def see_other(url):
    """303 See Other: the page of a job, after a request that queued it."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def issue_response(request, job):
    """After queuing an issue: the issued version or paper itself when the task ran at once
    (immediate backend), else the job page, which says "being issued" until the worker is
    done."""
    if job.status == RenderJobStatus.READY:
        messages.success(request, job.params.get("message", "Issued."))
        return redirect(job.result_url)
    return see_other(job.get_absolute_url())


def queue_limit_response(request):
    limit = settings.RENDER_QUEUE_LIMIT
    return render(
        request,
        "releases/render_job_limit.html",
        {"limit": limit},
        status=429,
    )


def pdf_response(job, *, disposition="inline"):
    response = HttpResponse(bytes(job.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{job.filename}"'
    response["Content-Length"] = str(len(job.pdf))
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{job.pdf_sha256}"'
    return response


def serve_pdf(request, *, kind, value, build_html, filename, subject=""):
    """The response for a PDF made in the worker: the cached PDF when this exact `value` (text:
    the document's JSON or HTML) was rendered before; else queue it and answer with the job page
    (303), or the PDF itself when the task ran at once (immediate backend). `build_html()`
    gives the print HTML; it is called only on a cache miss. A user with too many PDFs waiting
    gets a 429 page saying so."""
    key = cache_key(kind, value)
    job = RenderJob.objects.filter(key=key).defer("source").first()
    if job is not None and job.status == RenderJobStatus.READY:
        return pdf_response(job)
    if job is None or job.status == RenderJobStatus.FAILED or _is_stale(job):
        try:
            job = _reserve(
                request.user,
                kind=kind,
                key=key,
                subject=subject,
                filename=filename,
                source=build_html(),
            )
        except QueueFull:
            return queue_limit_response(request)
        except IntegrityError:  # someone queued the same document a moment ago
            job = RenderJob.objects.get(key=key)
        else:
            job = _enqueue(job)
        if job.status == RenderJobStatus.READY:
            return pdf_response(job)
    return see_other(job.get_absolute_url())


def _queue_issue(request, *, kind, subject, params, busy):
    """Queue an issue job (`kind` in ISSUE_KINDS) of `subject` unless one is already waiting
    (raises ValidationError(`busy`)); QueueFull over the user's limit. Returns the job."""
    waiting = RenderJob.objects.filter(kind=kind, subject=subject, status__in=PENDING).only(
        "status", "requested_at"
    )
    if any(not _is_stale(job) for job in waiting):
        raise ValidationError(busy)
    job = _reserve(request.user, kind=kind, subject=subject, params=params, filename="")
    return _enqueue(job)


def queue_rid_issue(request, *, release, params):
    """Queue issuing the next RID version of `release` in the worker. `params` (JSON-able):
    {"operation": "issue", **rid_issue_version's arguments} (without review) or
    {"operation": "approve", "review": pk} (rid_review_approve). Returns the job, or raises
    ValidationError when a version of this release is already being issued, QueueFull over the
    user's limit."""
    return _queue_issue(
        request,
        kind=RenderJobKind.RID_ISSUE,
        subject=f"release:{release.pk}",
        params=params,
        busy="A version of this RID is already being issued: wait until it is ready, then issue "
        "the next one.",
    )


def queue_paper_issue(request, *, paper, note):
    """Queue issuing OPSG paper `paper` (an UpdatePaper) as it reads now, with `note`, in the
    worker (releases.paper.services.paper_issue). The job carries the edit token of the paper
    and its sections now: the worker refuses the issue if either changed in between. Returns
    the job, or raises ValidationError when this paper is already being issued, QueueFull over
    the user's limit."""
    return _queue_issue(
        request,
        kind=RenderJobKind.PAPER_ISSUE,
        subject=f"paper:{paper.pk}",
        params={
            "paper": paper.pk,
            "note": note,
            "edit_token": edit_token(paper, *paper_services.paper_edit_rows(paper)),
        },
        busy=f"{paper.reference} is already being issued: wait until that issue is ready.",
    )


# The worker's side ----------------------------------------------------------------------------


def run_job(job_id):
    """Do one queued job (called by the task in releases.tasks): render its PDF, or issue its
    RID version. A job already taken by another worker is left alone. Errors are recorded on
    the job (a ValidationError's sentence for the analyst; anything else logged)."""
    taken = RenderJob.objects.filter(pk=job_id, status=RenderJobStatus.QUEUED).update(
        status=RenderJobStatus.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return None
    job = RenderJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        if job.kind == RenderJobKind.RID_ISSUE:
            version, message = _issue(job)
            job.result_url = version.get_absolute_url()
            job.params = {**job.params, "version": version.number, "message": message}
        elif job.kind == RenderJobKind.PAPER_ISSUE:
            issued = _issue_paper(job)
            job.result_url = issued.get_absolute_url()
            job.params = {
                **job.params,
                "issue": issued.number,
                "message": f"{issued.reference} issue {issued.number} is issued: its content "
                "and PDF are now frozen.",
            }
        else:
            job.pdf = pdf.render_pdf(job.source)
            job.pdf_sha256 = hashlib.sha256(job.pdf).hexdigest()
            job.source = ""
        job.status = RenderJobStatus.READY
    except ValidationError as exc:
        job.status = RenderJobStatus.FAILED
        job.error = " ".join(exc.messages)
    except Exception:
        logger.exception("Render job %s (%s) failed", job.pk, job.kind)
        job.status = RenderJobStatus.FAILED
        job.error = FAILED_MESSAGE
    job.finished_at = timezone.now()
    job.save()
    if job.status == RenderJobStatus.READY and job.subject and job.kind == RenderJobKind.RID_DRAFT:
        # Older drafts of the same RID will not be asked for again: keep the newest only.
        RenderJob.objects.filter(
            kind=job.kind, subject=job.subject, status=RenderJobStatus.READY
        ).exclude(pk=job.pk).delete()
    return job.status


def _issue(job):
    """(the RidVersion issued, the sentence that tells the analyst)."""
    from .models import RidReview
    from .rid import services as rid_services

    params = dict(job.params)
    operation = params.pop("operation", "issue")
    release = Release.objects.get(pk=params.pop("release"))
    if operation == "approve":
        review = RidReview.objects.select_related("submitted_by").get(pk=params["review"])
        version = rid_services.rid_review_approve(actor=job.requested_by, review=review)
        who = person_name(review.submitted_by)
        return version, (
            f"Version {version.number} of the {release.name} RID is approved and issued as "
            f"{who} prepared it; its content and PDF are now frozen."
        )
    for name in ("date", "panel_meeting_date"):
        if params.get(name):
            params[name] = datetime.date.fromisoformat(params[name])
    version = rid_services.rid_issue_version(actor=job.requested_by, release=release, **params)
    return version, (
        f"Version {version.number} of the {release.name} RID is issued without review; its "
        "content and PDF are now frozen."
    )


def _issue_paper(job):
    """The IssuedPaper stored (releases.paper.services.paper_issue, which lays out its PDF)."""
    return paper_services.paper_issue(
        actor=job.requested_by,
        paper=UpdatePaper.objects.get(pk=job.params["paper"]),
        note=job.params.get("note", ""),
        edit_token=job.params.get("edit_token"),
    )


# Pages ------------------------------------------------------------------------------------------


def _may_see(user, job):
    if job.kind in (RenderJobKind.RID_DRAFT, *ISSUE_KINDS):
        return is_analyst(user)
    return can_read(user)


def _job_for(request, pk):
    job = get_object_or_404(RenderJob.objects.defer("source", "pdf"), pk=pk)
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    if not _may_see(request.user, job):
        raise PermissionDenied("This document is not yours to read.")
    return job, None


@never_cache
@require_safe
def render_job(request, pk):
    """The page of a job: being prepared (it polls), ready (download it; an issued RID version
    or paper goes to its page), or failed (why, and what to do)."""
    job, response = _job_for(request, pk)
    if response:
        return response
    if job.kind in ISSUE_KINDS and job.status == RenderJobStatus.READY:
        messages.success(request, job.params.get("message", "Issued."))
        return redirect(job.result_url)
    return render(request, "releases/render_job.html", {"job": job, "pending": job.is_pending})


@never_cache
@require_safe
def render_job_status(request, pk):
    """{"status": "queued" | "running" | "ready" | "failed"}: what the page polls."""
    job, response = _job_for(request, pk)
    if response:
        return response
    return JsonResponse({"status": job.status})


@require_safe
def render_job_pdf(request, pk):
    job, response = _job_for(request, pk)
    if response:
        return response
    if job.status != RenderJobStatus.READY or job.kind in ISSUE_KINDS:
        return redirect(job.get_absolute_url())
    job = RenderJob.objects.defer("source").get(pk=job.pk)
    return pdf_response(job)
