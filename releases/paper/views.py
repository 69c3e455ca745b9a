"""OPSG "SEC Releases update" paper pages: list, create, edit, the page and its tagged PDF, and
issuing: an issued paper (what was sent to the OPSG) is listed on the paper page and served from
what was stored (JSON and PDF bytes), never rebuilt. Analysts write and issue; Panel members
read; a forged POST gets 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, reader_required

from .. import jobs
from ..models import IssuedPaper, RenderJobKind, RenderJobStatus, UpdatePaper
from . import forms, services
from .document import Paper, build_paper, paper_queryset, spec_from_paper
from .render import paper_print_html


@reader_required
@require_safe
def paper_list(request):
    papers = list(
        UpdatePaper.objects.prefetch_related(
            "sections__release",
            Prefetch(
                "issues",
                queryset=IssuedPaper.objects.only("id", "paper_id", "number", "issued_at").order_by(
                    "number"
                ),
                to_attr="issue_list",
            ),
        ).order_by("-as_of", "-id")
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
    form = forms.PaperForm(request.POST or None)
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
    form = forms.PaperForm(data, instance=paper)
    sections = sorted(paper.sections.all(), key=lambda s: (s.position, s.pk))
    section_forms = [
        forms.PaperSectionForm(data, instance=s, prefix=f"section-{s.pk}") for s in sections
    ]
    reason_form = forms.PaperReasonForm(data)
    valid = [form.is_valid(), reason_form.is_valid(), *(f.is_valid() for f in section_forms)]
    if request.method == "POST" and all(valid):
        fields = form.paper_fields()
        try:
            services.paper_update(
                actor=request.user,
                paper=paper,
                sections=_sections_from(form, section_forms),
                reason=reason_form.cleaned_data["reason"],
                edit_token=form.cleaned_data.get("edit_token"),
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
            "reason_form": reason_form,
            "paper": paper,
            "heading": f"Edit {paper.reference}",
        },
    )


def _paper_value(pk):
    paper = get_object_or_404(paper_queryset(), pk=pk)
    return paper, build_paper(spec_from_paper(paper))


ISSUE_LIST_FIELDS = [
    "id",
    "paper_id",
    "number",
    "reference",
    "as_of",
    "classification",
    "note",
    "pdf_sha256",
    "issued_at",
    "issued_by__username",
    "issued_by__first_name",
    "issued_by__last_name",
]


def _issues(paper_pk):
    """The issues of a paper, newest first, without their content or PDF. One query."""
    return list(
        IssuedPaper.objects.filter(paper_id=paper_pk)
        .select_related("issued_by")
        .only(*ISSUE_LIST_FIELDS)
        .order_by("-number")
    )


@reader_required
@require_safe
def paper_detail(request, pk):
    stored, value = _paper_value(pk)
    return render(
        request,
        "releases/paper/detail.html",
        {
            "stored": stored,
            "paper": value,
            "pdf": False,
            "issues": _issues(stored.pk),
            "issue_form": forms.PaperIssueForm(),
        },
    )


@analyst_required
@require_POST
def paper_issue(request, pk):
    """Issue the paper as it reads now (POST only): frozen JSON and PDF, numbered per paper.
    Laying out the PDF takes seconds, so the task worker issues it (releases.jobs): the
    analyst sees "being issued" until the issue exists, then its page (at once with the
    immediate backend)."""
    paper = get_object_or_404(UpdatePaper, pk=pk)
    form = forms.PaperIssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("releases:paper_detail", pk=paper.pk)
    try:
        services.paper_check_classification(paper)  # refused at once, before queuing
        job = jobs.queue_paper_issue(request, paper=paper, note=form.cleaned_data["note"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("releases:paper_detail", pk=paper.pk)
    except jobs.QueueFull:
        return jobs.queue_limit_response(request)
    if job.status == RenderJobStatus.FAILED:  # the task ran at once, and refused
        messages.error(request, job.error)
        return redirect("releases:paper_detail", pk=paper.pk)
    return jobs.issue_response(request, job)


def _issue_or_404(pk, number, *fields):
    found = (
        IssuedPaper.objects.filter(paper_id=pk, number=number)
        .select_related("issued_by")
        .only(*ISSUE_LIST_FIELDS, *fields)
        .first()
    )
    if found is None:
        raise Http404("This paper has no such issue.")
    return found


@reader_required
@require_safe
def issued_paper(request, pk, number):
    """An issued paper, from its stored content (never rebuilt from the register)."""
    issued = _issue_or_404(pk, number, "content")
    return render(
        request,
        "releases/paper/issued.html",
        {"issued": issued, "paper": Paper.from_json(issued.content), "pdf": False},
    )


@reader_required
@require_safe
def issued_paper_pdf(request, pk, number):
    """The stored PDF bytes, with their SHA-256 as ETag (If-None-Match -> 304)."""
    issued = _issue_or_404(pk, number)
    etag = f'"{issued.pdf_sha256}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    pdf = bytes(IssuedPaper.objects.filter(pk=issued.pk).values_list("pdf", flat=True).get())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{issued.reference}-issue-{issued.number}.pdf"'
    )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@reader_required
@require_safe
def paper_pdf(request, pk):
    """The paper's PDF, made by the task worker (releases.jobs), cached by its print HTML."""
    stored, value = _paper_value(pk)
    html = paper_print_html(value)
    return jobs.serve_pdf(
        request,
        kind=RenderJobKind.PAPER,
        value=html,
        build_html=lambda: html,
        filename=f"{value.reference}.pdf",
        subject=f"paper:{stored.pk}",
    )
