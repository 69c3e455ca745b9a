"""OPSG "SEC Releases update" paper pages: list, create, edit, the page and its tagged PDF.
Analysts write; Panel members read; a forged POST gets 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required, reader_required

from .. import jobs
from ..models import RenderJobKind, UpdatePaper
from . import forms, services
from .document import build_paper, paper_queryset, spec_from_paper
from .render import paper_print_html


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


@reader_required
def paper_detail(request, pk):
    stored, value = _paper_value(pk)
    return render(
        request,
        "releases/paper/detail.html",
        {"stored": stored, "paper": value, "pdf": False},
    )


@reader_required
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
