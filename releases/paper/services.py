"""Writing OPSG "SEC Releases update" papers: their fields and sections, each change recorded as
an Event (who, when, what, why)."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from modifications import services as register
from secrelease.edits import check_edit_token
from secrelease.text import long_date, person_name

from ..models import (
    CLASSIFICATION_RANK,
    Classification,
    IssuedPaper,
    Release,
    UpdatePaper,
    UpdatePaperSection,
    most_restricted,
)
from .document import build_paper, paper_queryset, spec_from_paper
from .render import paper_pdf_bytes

PAPER_FIELDS = [
    "reference",
    "title",
    "classification",
    "as_of",
    "purpose",
    "recommendations",
    "author",
    "team",
    "attached_rid",
]
PAPER_SECTION_FIELDS = [
    "heading",
    "intro",
    "commentary",
    "date_change_text",
    "next_steps",
    "show_system_impacts",
]


def _paper_sections_spec(releases, years, sections):
    """One list of section dicts from the shortcuts (releases, years) and explicit sections:
    {"release": Release | None, "year": int | None, "targeted": [Modification], **texts}."""
    specs = [dict(s) for s in (sections or [])]
    specs += [{"release": r} for r in releases or ()]
    specs += [{"year": int(y)} for y in years or ()]
    seen = set()
    for spec in specs:
        release, year = spec.get("release"), spec.get("year")
        if (release is None) == (year is None):
            raise ValidationError("Each section of a paper covers one release or one year.")
        key = ("release", release.pk) if release is not None else ("year", year)
        if key in seen:
            what = release.name if release is not None else f"{year} SEC Releases"
            raise ValidationError({"releases": f"{what} is in the paper twice."})
        seen.add(key)
        unknown = set(spec) - {"release", "year", "targeted", *PAPER_SECTION_FIELDS}
        if unknown:
            raise TypeError(f"Unknown paper section fields: {sorted(unknown)}")
    return specs


def _paper_section_snapshot(section):
    return {
        **register.field_values(section, PAPER_SECTION_FIELDS),
        "position": section.position,
        "targeted": sorted(m.reference for m in section.targeted.all()),
    }


def _paper_sections_save(paper, specs):
    """Make the paper's sections exactly `specs`, in that order; returns {label: change}."""
    existing = {
        (("release", s.release_id) if s.release_id else ("year", s.year)): s
        for s in paper.sections.all()
    }
    changes = {}
    kept = set()
    for position, spec in enumerate(specs, start=1):
        release, year = spec.get("release"), spec.get("year")
        key = ("release", release.pk) if release is not None else ("year", year)
        label = release.name if release is not None else f"{year} SEC Releases"
        kept.add(key)
        section = existing.get(key)
        before = _paper_section_snapshot(section) if section else None
        if section is None:
            section = UpdatePaperSection(paper=paper, release=release, year=year)
        section.position = position
        for name in PAPER_SECTION_FIELDS:
            if name in spec:
                setattr(section, name, spec[name] if spec[name] is not None else "")
        register.save_checked(section)
        if "targeted" in spec:
            section.targeted.set(spec["targeted"] or [])
        after = _paper_section_snapshot(section)
        if before is None:
            changes[f"section {label}"] = [None, "added"]
        else:
            for name, pair in register.field_changes(before, after).items():
                changes[f"{label}: {name}"] = pair
    for key, section in existing.items():
        if key not in kept:
            label = str(section.release) if section.release_id else f"{section.year} SEC Releases"
            section.delete()
            changes[f"section {label}"] = ["present", None]
    return changes


def paper_edit_rows(paper):
    """The sections whose texts the paper's edit form holds, in a fixed order: with the paper,
    the rows its edit token covers."""
    return sorted(paper.sections.all(), key=lambda s: s.pk)


def _paper_check_reference(reference, exclude_pk=None):
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": "Enter the paper's reference, e.g. OPSG_33_0206_15."})
    if UpdatePaper.objects.filter(reference=reference).exclude(pk=exclude_pk).exists():
        raise ValidationError({"reference": f"There is already a paper {reference}."})
    return reference


@transaction.atomic
def paper_create(
    *,
    actor,
    reference,
    as_of,
    author,
    releases=(),
    years=(),
    sections=None,
    reason="",
    **fields,
):
    """Create an OPSG "SEC Releases update" paper as of a date. Sections: one per release in
    `releases`, one per year in `years` ("2021 SEC Releases"), or given in full as `sections`
    (dicts with "release" or "year", "targeted" modifications and the free texts)."""
    unknown = set(fields) - set(PAPER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown paper fields: {sorted(unknown)}")
    if as_of is None:
        raise ValidationError({"as_of": "Enter the date the paper is written as of."})
    specs = _paper_sections_spec(releases, years, sections)
    paper = UpdatePaper(
        reference=_paper_check_reference(reference),
        as_of=as_of,
        author=(author or "").strip(),
        created_by=actor,
        **fields,
    )
    register.save_checked(paper)
    section_changes = _paper_sections_save(paper, specs)
    paper_check_classification(paper)
    register.event_record(
        actor=actor,
        subject=paper,
        action="paper.created",
        summary=f"OPSG paper {paper.reference} created (as of {long_date(as_of)})",
        reason=reason,
        changes={
            **register.initial_values(paper, PAPER_FIELDS),
            **section_changes,
        },
        effective_date=as_of,
    )
    return paper


@transaction.atomic
def paper_update(
    *,
    actor,
    paper,
    reason="",
    releases=None,
    years=None,
    sections=None,
    edit_token=None,
    **fields,
):
    """Edit a paper: its own fields and, when `sections` (or `releases`/`years`) is given, the
    sections it holds, in that order (sections not named are removed). edit_token: the token of
    the paper and its sections when the form was opened (secrelease.edits); a stale one is
    refused, naming who changed the paper."""
    paper = UpdatePaper.objects.select_for_update().get(pk=paper.pk)
    register.check_unchanged(paper, edit_token, related=paper_edit_rows(paper))
    unknown = set(fields) - set(PAPER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown paper fields: {sorted(unknown)}")
    before = register.field_values(paper, PAPER_FIELDS)
    if "reference" in fields:
        fields["reference"] = _paper_check_reference(fields["reference"], exclude_pk=paper.pk)
    if "as_of" in fields and fields["as_of"] is None:
        raise ValidationError({"as_of": "Enter the date the paper is written as of."})
    for name, value in fields.items():
        setattr(paper, name, value)
    paper.updated_at = timezone.now()
    register.save_checked(paper)
    changes = register.field_changes(before, register.field_values(paper, PAPER_FIELDS))
    if sections is not None or releases is not None or years is not None:
        specs = _paper_sections_spec(releases, years, sections)
        changes.update(_paper_sections_save(paper, specs))
    paper_check_classification(paper)
    if changes:
        register.event_record(
            actor=actor,
            subject=paper,
            action="paper.updated",
            summary=f"OPSG paper {paper.reference} updated: {register.changed_names(changes)}",
            reason=reason,
            changes=changes,
        )
    return paper


# Classification: a paper is at least as restricted as every release it covers ------------------


def paper_covered_releases(paper):
    """The releases a paper covers: those of its release sections and, for a section about a
    year's releases, every release going live that year. Go-live order; 2 queries."""
    sections = list(paper.sections.all())
    release_ids = {s.release_id for s in sections if s.release_id}
    years = {s.year for s in sections if s.year}
    found = Release.objects.filter(pk__in=release_ids or [0])
    if years:
        found = found | Release.objects.filter(go_live_date__year__in=years)
    return list(found.order_by("go_live_date", "name"))


def paper_check_classification(paper):
    """Refuse a paper less restricted than a release it covers (Panel Information Policy: an
    Amber release is not shared beyond the Panel's Amber audience, so neither is a paper about
    it). Raises ValidationError on the "classification" field, naming the releases."""
    releases = paper_covered_releases(paper)
    rank = CLASSIFICATION_RANK[paper.classification]
    above = [r for r in releases if CLASSIFICATION_RANK[r.classification] > rank]
    if not above:
        return
    needed = Classification(most_restricted(r.classification for r in above)).label
    named = "; ".join(f"{r.name} is {r.get_classification_display()}" for r in above)
    raise ValidationError(
        {
            "classification": (
                f"A paper is at least as restricted as every release it covers: {named}. "
                f"Classify this paper {needed} (or more restricted), or leave "
                f"{'that release' if len(above) == 1 else 'those releases'} out."
            )
        }
    )


# Issuing: a paper as sent, frozen --------------------------------------------------------------


def _changed_since_asked(paper):
    event = register.last_change(paper)
    if event is None:
        return (
            "The paper changed after you asked to issue it. Nothing was issued: check it, then "
            "issue it again."
        )
    at = timezone.localtime(event.at)
    return (
        f"The paper changed after you asked to issue it: {person_name(event.actor)} changed it on "
        f"{long_date(at.date())} at {at:%H:%M}. Nothing was issued: check the paper, then issue "
        "it again."
    )


@transaction.atomic
def paper_issue(*, actor, paper, note="", edit_token=None):
    """Issue a paper: build it from the register as recorded on its date, store the value as
    JSON with its PDF bytes and SHA-256 in a new insert-only IssuedPaper (numbered 1, 2... per
    paper), and record an Event. An issue is served from what was stored, never rebuilt.
    Laying out the PDF takes seconds: pages queue this in the task worker (releases.jobs).
    edit_token (secrelease.edits, of the paper and its sections when the analyst asked for the
    issue): refused if either changed since. Raises ValidationError when the paper is less
    restricted than a release it covers or changed since edit_token."""
    paper = UpdatePaper.objects.select_for_update().get(pk=paper.pk)
    paper = paper_queryset().get(pk=paper.pk)
    check_edit_token(
        edit_token, paper, *paper_edit_rows(paper), describe=lambda: _changed_since_asked(paper)
    )
    paper_check_classification(paper)
    value = build_paper(spec_from_paper(paper))
    pdf = paper_pdf_bytes(value)
    last = paper.issues.order_by("-number").values_list("number", flat=True).first() or 0
    issued = IssuedPaper(
        paper=paper,
        number=last + 1,
        reference=paper.reference,
        as_of=paper.as_of,
        classification=paper.classification,
        note=(note or "").strip(),
        content=value.to_json(),
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by=actor,
    )
    register.save_checked(issued)
    register.event_record(
        actor=actor,
        subject=paper,
        action="paper.issued",
        summary=f"OPSG paper {paper.reference} issued (issue {issued.number}, as of "
        f"{long_date(paper.as_of)}, {paper.get_classification_display()})",
        reason=issued.note,
        data={"issue": issued.number, "pdf_sha256": issued.pdf_sha256},
        effective_date=paper.as_of,
    )
    return issued
