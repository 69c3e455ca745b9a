"""Writing OPSG "SEC Releases update" papers: their fields and sections, each change recorded as
an Event (who, when, what, why)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from modifications import services as register
from secrelease.text import long_date

from ..models import UpdatePaper, UpdatePaperSection

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
