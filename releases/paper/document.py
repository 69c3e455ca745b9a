"""The OPSG "SEC Releases update" paper as a value (STYLE.md section 2, domain.md section 7).

    UpdatePaper row --spec_from_paper--> PaperSpec --build_paper (data as of spec.as_of)--> Paper
    Paper --> templates/releases/paper/_paper.html --> screen page, and with print.css --> PDF

The paper holds everything it shows, already decided from the data as of its date: the scope of
each release then (with each modification's "Current status" sentence generated from its status
and dates then), the DCC Change Requests alongside, which policy paragraphs apply, the DCC System
impact table with its TBC values and footnotes, and the section numbering. The fixed wording of
the policy paragraphs lives in the templates; this module only says which ones apply and fills
their dates.
"""

import datetime
import json
from dataclasses import dataclass

from django.urls import reverse

from secrelease.text import long_date, quoted_label

from ..frozen import decode, encode
from ..models import Classification, UpdatePaper
from ..policy import asof, rules

# Status sentences ------------------------------------------------------------------------------


def _vote_sentence(mod, date, *, would):
    """The Change Board vote sentence, in the seed's phrasing for Self-Governance."""
    when = long_date(date)
    if mod.is_self_governance:
        verb = "would then be held" if would else "will be held"
        return f"The Change Board vote {verb} on {when} under Self-Governance."
    verb = "would then vote" if would else "will vote"
    return f"The Change Board {verb} on {when} on its recommendation to the Authority."


def status_sentence(mod, *, as_of, cut_off_date=None):
    """The OPSG paper's "Current status" sentence for a modification (a releases.asof
    ModificationFact) as of a date, e.g. "Approved for inclusion." or "The Change Board vote will
    be held on 27 May 2020 under Self-Governance."." Raises ValueError for a status it has no
    sentence for (a Status value added without one)."""
    status = mod.status
    if status in ("approved", "implemented"):
        return "Approved for inclusion." if status == "approved" else "Implemented."
    if status == "rejected":
        return "Rejected."
    if status == "withdrawn":
        return "Withdrawn by the Proposer."
    if status == "with_authority":
        recommendation = mod.change_board_recommendation
        parts = []
        if recommendation is not None:
            outcome = "approved" if recommendation.kind == "cb_recommend_approve" else "rejected"
            parts.append(
                f"The Change Board recommended {mod.reference} be {outcome} on "
                f"{long_date(recommendation.date)}."
            )
        parts.append("This modification is now with the Authority for decision.")
        if cut_off_date:
            parts.append(
                f"It will be included in this release if approved by {long_date(cut_off_date)}."
            )
        elif mod.authority_decision_date:
            parts.append(
                "The Authority\u2019s decision is expected by "
                f"{long_date(mod.authority_decision_date)}."
            )
        return " ".join(parts)
    if status == "change_board":
        if mod.change_board_date is None:
            return "The Modification Report has been approved; the Change Board vote is to be set."
        if mod.change_board_date < as_of:
            return (
                f"The Change Board vote was due on {long_date(mod.change_board_date)}; its outcome "
                "is not yet recorded."
            )
        return _vote_sentence(mod, mod.change_board_date, would=False)
    parts = []
    panel = mod.panel_date
    expected = "is expected to be" if panel is None or panel >= as_of else "was expected to be"
    if status == "development":
        if panel and mod.recommend_direct_to_report:
            parts.append(
                f"This Draft Proposal {expected} presented to the Panel on {long_date(panel)} "
                "with the recommendation it proceeds directly to the Report Phase."
            )
        elif panel:
            parts.append(
                f"This Draft Proposal {expected} presented to the Panel on {long_date(panel)}."
            )
        else:
            parts.append("This Draft Proposal is in the Development Stage.")
    elif status == "report_phase" or (status == "refinement" and panel):
        # A modification finishing Refinement with a Panel date set is worded as in the seed
        # (MP118, its Refinement Consultation just closed): the report is expected at the Panel.
        if panel:
            parts.append(
                f"The Modification Report {expected} presented to the Panel on {long_date(panel)}."
            )
        else:
            parts.append("The Modification Report is being prepared.")
    elif status == "refinement":  # no Panel date yet
        parts.append("This modification is in the Refinement Process.")
    else:
        raise ValueError(f"status_sentence: no sentence for the status {status!r}")
    if mod.change_board_date and (panel or status == "report_phase"):
        parts.append(_vote_sentence(mod, mod.change_board_date, would=True))
    return " ".join(parts)


# The paper as a value --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRow:
    reference: str
    title: str
    part_label: str
    url: str
    impacts_dcc_systems: bool
    status: str
    status_is_override: bool = False
    generated_status: str = ""
    web_url: str = ""

    @property
    def label(self):
        part = f" {self.part_label}" if self.part_label else ""
        return quoted_label(self.reference, self.title, part)

    @property
    def pdf_url(self):
        """Where the PDF links: the public web page when recorded, else the product's page
        (made absolute with settings.SITE_URL by releases.pdf)."""
        return self.web_url or self.url


@dataclass(frozen=True)
class ImpactCell:
    value: str  # "yes", "no" or "tbc"
    footnote: int | None = None

    @property
    def text(self):
        return {"yes": "\u2713", "tbc": "TBC"}.get(self.value, "")

    @property
    def spoken(self):
        """What a screen reader says for the cell (the tick alone is not enough)."""
        return {"yes": "Yes", "tbc": "To be confirmed"}.get(self.value, "No")


@dataclass(frozen=True)
class ImpactRow:
    reference: str
    title: str
    url: str
    duis: ImpactCell
    gbcs: ImpactCell
    ch_firmware: ImpactCell
    web_url: str = ""

    @property
    def pdf_url(self):
        """The public web page when recorded, else the product's page."""
        return self.web_url or self.url

    @property
    def cells(self):
        """DUIS, GBCS, CH firmware: the table's column order."""
        return (self.duis, self.gbcs, self.ch_firmware)

    @property
    def label(self):
        return quoted_label(self.reference, self.title)


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


@dataclass(frozen=True)
class ChangeRequestRow:
    reference: str
    title: str
    url: str

    @property
    def label(self):
        return quoted_label(self.reference, self.title)


@dataclass(frozen=True)
class AcceptanceView:
    """R11: the OPSG view on the operational acceptance criteria and the first preliminary
    progress review (three months before it, when so scheduled)."""

    opsg_date: datetime.date
    review_date: datetime.date | None
    review_three_months_prior: bool


@dataclass(frozen=True)
class SystemBaseline:
    """R1: which release the Panel is expected to baseline on the DCC Systems, and when."""

    release_name: str
    deadline: datetime.date

    @property
    def meeting_month(self):
        return f"{self.deadline:%B %Y}"


@dataclass(frozen=True)
class ExpectedBaseline:
    """A Panel baseline the release's dates plan and the Panel has not recorded by the paper's
    date: which scope ("system": the scope on the DCC Systems, "full") and the planned date."""

    scope: str
    date: datetime.date
    passed: bool = False  # the planned date is before the paper's date, with no baseline recorded

    @property
    def scope_text(self):
        return "its scope on the DCC Systems" if self.scope == "system" else "its full scope"


@dataclass(frozen=True)
class Section:
    number: int
    kind: str  # "release" or "year"
    heading: str
    release_name: str = ""
    release_url: str = ""
    release_slug: str = ""
    go_live_date: datetime.date | None = None
    year: int | None = None
    # N.1: the scope (a release) or the DCC System impacting modifications targeted (a year)
    first_number: str = ""
    # The Panel's recorded baselines (PanelBaseline, meeting on or before the paper's date):
    # `baselined` the full scope (the seed's sentence), `baselined_system` only the scope on the
    # DCC Systems. A planned date the Panel has not recorded is only `expected_baseline`.
    baselined: bool = False
    baselined_system: bool = False
    expected_baseline: ExpectedBaseline | None = None
    appendix: str = ""
    intro: tuple[str, ...] = ()
    scope_rows: tuple[ScopeRow, ...] = ()
    change_requests: tuple[ChangeRequestRow, ...] = ()
    change_requests_beis: bool = True
    commentary: tuple[str, ...] = ()
    documentation_scope_paragraph: bool = False
    cut_off_paragraph: bool = False
    self_governance_by: datetime.date | None = None
    # DCC System impact table (later releases, years)
    impacts_number: str = ""
    impact_rows: tuple[ImpactRow, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    # Request to change the implementation date
    date_change_number: str = ""
    date_change: tuple[str, ...] = ()
    # Next steps
    next_steps_number: str = ""
    acceptance_view: AcceptanceView | None = None
    system_baseline_paragraph: bool = False
    system_baseline: SystemBaseline | None = None
    next_steps: tuple[str, ...] = ()

    @property
    def anchor(self):
        return f"section-{self.number}"

    @property
    def self_governance_month(self):
        return f"{self.self_governance_by:%B %Y}" if self.self_governance_by else ""


@dataclass(frozen=True)
class Attachment:
    label: str
    url: str


@dataclass(frozen=True)
class Paper:
    reference: str
    title: str
    classification: str
    classification_label: str
    as_of: datetime.date
    purpose: tuple[str, ...]
    sections: tuple[Section, ...]
    recommendations_number: int
    recommendations: tuple[str, ...]
    author: str
    team: str
    attachments: tuple[Attachment, ...] = ()
    pk: int | None = None

    @property
    def header(self):
        """The running header: OPSG_33_0206_15 – SEC Releases update"""
        return f"{self.reference} \u2013 {self.title}"

    @property
    def date_text(self):
        return long_date(self.as_of)

    def to_json(self):
        """A dict of JSON types (dates as ISO strings) with its "schema": what an IssuedPaper
        stores, read back by from_json into the same value."""
        return {**encode(self), "schema": PAPER_SCHEMA}

    @classmethod
    def from_json(cls, data):
        """The Paper stored as JSON (a dict or text). Raises ValueError for a schema this code
        does not know (a newer one)."""
        if isinstance(data, (str, bytes)):
            data = json.loads(data)
        schema = data.get("schema", 1)
        if schema != PAPER_SCHEMA:
            raise ValueError(
                f"Unknown OPSG paper schema {schema!r}: this code reads {PAPER_SCHEMA}."
            )
        return decode(cls, data)


# The stored JSON of an issued paper: raise PAPER_SCHEMA (and read the older one in from_json)
# when a change to the Paper value would read an older issue differently.
PAPER_SCHEMA = 1


# Specs: what an analyst chose (stored as an UpdatePaper, or given on the command line) ---------


@dataclass(frozen=True)
class SectionSpec:
    release_id: int | None = None
    year: int | None = None
    heading: str = ""
    intro: str = ""
    commentary: str = ""
    date_change_text: str = ""
    next_steps: str = ""
    show_system_impacts: bool = False
    targeted_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RidAttachment:
    release_id: int
    release_name: str
    release_slug: str
    number: str


@dataclass(frozen=True)
class PaperSpec:
    reference: str
    as_of: datetime.date
    title: str = "SEC Releases update"
    classification: str = Classification.WHITE
    purpose: str = ""
    recommendations: str = ""
    author: str = ""
    team: str = "SECAS Team"
    sections: tuple[SectionSpec, ...] = ()
    attached_rid: RidAttachment | None = None
    pk: int | None = None


def paper_queryset():
    """Papers with their sections, releases, targeted modifications and attached RID version:
    4 queries per paper page, however many sections."""
    return UpdatePaper.objects.select_related("attached_rid__release").prefetch_related(
        "sections__release", "sections__targeted"
    )


def spec_from_paper(paper):
    """The spec of a stored paper (load it with paper_queryset())."""
    rid = paper.attached_rid
    return PaperSpec(
        pk=paper.pk,
        reference=paper.reference,
        title=paper.title,
        classification=paper.classification,
        as_of=paper.as_of,
        purpose=paper.purpose,
        recommendations=paper.recommendations,
        author=paper.author,
        team=paper.team,
        attached_rid=(
            RidAttachment(
                release_id=rid.release_id,
                release_name=rid.release.name,
                release_slug=rid.release.slug,
                number=rid.number,
            )
            if rid
            else None
        ),
        sections=tuple(
            SectionSpec(
                release_id=s.release_id,
                year=s.year,
                heading=s.heading,
                intro=s.intro,
                commentary=s.commentary,
                date_change_text=s.date_change_text,
                next_steps=s.next_steps,
                show_system_impacts=s.show_system_impacts,
                targeted_ids=tuple(m.pk for m in s.targeted.all()),
            )
            for s in sorted(paper.sections.all(), key=lambda s: (s.position, s.pk))
        ),
    )


def spec_for_releases(*, as_of, releases, reference="", author="", years=()):
    """An ad-hoc paper (export command): one section per release, in go-live order, with the
    generated wording only; the DCC System impact table for releases not yet baselined on the
    DCC Systems; optionally a section per year."""
    sections = [
        SectionSpec(
            release_id=r.pk,
            show_system_impacts=bool(r.dcc_scope) and not _baselined_on_dcc_systems(r, as_of),
        )
        for r in releases
    ]
    sections += [SectionSpec(year=y) for y in years]
    return PaperSpec(
        reference=reference or f"SEC_Releases_update_{as_of:%Y%m%d}",
        as_of=as_of,
        author=author,
        sections=tuple(sections),
    )


def paragraphs(text):
    """Free text -> paragraphs (split on blank lines; single line breaks kept within one)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ()
    return tuple(p.strip() for p in text.split("\n\n") if p.strip())


def _recorded_by(release, scope, as_of):
    """Whether the Panel's baseline of `scope` ("system" or "full") of `release` (a ReleaseFact)
    is recorded (a PanelBaseline) with its meeting on or before `as_of`. A baseline date
    without that record is a plan, however far in the past (domain.md section 13, rules 6, 7)."""
    recorded = getattr(release, f"{scope}_baseline_recorded")
    return recorded is not None and recorded <= as_of


def _baselined_on_dcc_systems(release, as_of):
    """Whether the Panel has baselined the release's scope on the DCC Systems by `as_of`: its
    baseline of that scope or of the full scope (which covers it) is recorded by then."""
    return _recorded_by(release, "system", as_of) or _recorded_by(release, "full", as_of)


def _expected_baseline(release, as_of):
    """The next Panel baseline the release's dates plan and the Panel has not recorded by
    `as_of`: the scope on the DCC Systems first (when planned), then the full scope; None when
    nothing is planned or everything planned is recorded."""
    for scope in ("system", "full"):
        planned = getattr(release, f"{scope}_baseline_date")
        if planned is None or _recorded_by(release, scope, as_of):
            continue
        if scope == "system" and _baselined_on_dcc_systems(release, as_of):
            continue  # the full scope baseline covers the scope on the DCC Systems too
        return ExpectedBaseline(scope=scope, date=planned, passed=planned < as_of)
    return None


def _scope_row(item, as_of):
    mod = item.modification
    generated = status_sentence(mod, as_of=as_of, cut_off_date=item.cut_off_date)
    override = item.status_override.strip()
    return ScopeRow(
        reference=mod.reference,
        title=mod.title,
        part_label=item.part_label,
        url=mod.url,
        impacts_dcc_systems=mod.impacts_dcc_systems,
        status=override or generated,
        status_is_override=bool(override),
        generated_status=generated,
        web_url=getattr(mod, "web_url", ""),
    )


class _Footnotes:
    """Numbers footnotes across the whole paper, in order of first appearance."""

    def __init__(self):
        self.numbers = {}

    def cell(self, value, text):
        text = (text or "").strip()
        if not text:
            return ImpactCell(value=value)
        if text not in self.numbers:
            self.numbers[text] = len(self.numbers) + 1
        return ImpactCell(value=value, footnote=self.numbers[text])

    def since(self, start):
        return tuple(Footnote(number=n, text=t) for t, n in self.numbers.items() if n > start)


def _impact_rows(mods, footnotes):
    return tuple(
        ImpactRow(
            reference=m.reference,
            title=m.title,
            url=m.url,
            duis=footnotes.cell(m.duis_impact, m.duis_footnote),
            gbcs=footnotes.cell(m.gbcs_impact, m.gbcs_footnote),
            ch_firmware=footnotes.cell(m.ch_firmware_impact, m.ch_firmware_footnote),
            web_url=getattr(m, "web_url", ""),
        )
        for m in mods
    )


def _system_baseline(releases, as_of):
    """R1: the earliest of `releases` not yet baselined on the DCC Systems whose 12-month
    deadline is still ahead."""
    for release in sorted(releases, key=lambda r: r.go_live_date):
        if _baselined_on_dcc_systems(release, as_of):
            continue
        deadline = rules.scope_deadline(release.go_live_date, impacts_dcc_systems=True)
        if deadline >= as_of:
            return SystemBaseline(release_name=release.name, deadline=deadline)
    return None


def _acceptance_view(release, as_of):
    views = sorted(e.date for e in release.timeline_of("opsg_acceptance") if e.date >= as_of)
    if not views:
        return None
    opsg = views[0]
    reviews = sorted(e.date for e in release.timeline_of("progress_review") if e.date <= opsg)
    review = reviews[0] if reviews else None
    return AcceptanceView(
        opsg_date=opsg,
        review_date=review,
        review_three_months_prior=review == rules.months_before(opsg, rules.PROGRESS_REVIEW_MONTHS),
    )


def _release_section(number, spec, release, paper_spec, footnotes):
    as_of = paper_spec.as_of
    rows = tuple(_scope_row(item, as_of) for item in release.scope)
    pending = [i.modification for i in release.scope if i.modification.is_pending]
    sg_votes = [
        m.change_board_date
        for m in pending
        if m.is_self_governance and m.change_board_date and m.change_board_date >= as_of
    ]
    deadline = rules.scope_deadline(release.go_live_date, impacts_dcc_systems=False)
    full_baselined = _recorded_by(release, "full", as_of)
    documentation_paragraph = bool(rows) and (
        full_baselined or (deadline - as_of).days <= rules.NEAR_DAYS
    )
    sub = iter(range(1, 10))
    first_number = f"{number}.{next(sub)}"
    start = len(footnotes.numbers)
    impact_rows = ()
    impacts_number = ""
    if spec.show_system_impacts:
        impacts_number = f"{number}.{next(sub)}"
        impact_rows = _impact_rows([i.modification for i in release.dcc_scope], footnotes)
    date_change = paragraphs(spec.date_change_text)
    date_change_number = f"{number}.{next(sub)}" if date_change else ""
    acceptance = _acceptance_view(release, as_of)
    system_baseline = _system_baseline([release], as_of) if spec.show_system_impacts else None
    next_steps = paragraphs(spec.next_steps)
    has_next = bool(acceptance or system_baseline or next_steps)
    attached = paper_spec.attached_rid
    return Section(
        number=number,
        kind="release",
        heading=spec.heading or release.name,
        release_name=release.name,
        release_url=release.url,
        release_slug=release.slug,
        go_live_date=release.go_live_date,
        first_number=first_number,
        baselined=full_baselined,
        baselined_system=not full_baselined and _recorded_by(release, "system", as_of),
        expected_baseline=_expected_baseline(release, as_of),
        appendix="A" if attached and attached.release_id == release.pk else "",
        intro=paragraphs(spec.intro),
        scope_rows=rows,
        change_requests=tuple(
            ChangeRequestRow(reference=cr.reference, title=cr.title, url=cr.url)
            for cr in release.change_requests
        ),
        change_requests_beis=all("BEIS" in (cr.category or "") for cr in release.change_requests),
        commentary=paragraphs(spec.commentary),
        documentation_scope_paragraph=documentation_paragraph,
        cut_off_paragraph=bool(pending),
        self_governance_by=max(sg_votes) if sg_votes else None,
        impacts_number=impacts_number,
        impact_rows=impact_rows,
        footnotes=footnotes.since(start),
        date_change_number=date_change_number,
        date_change=date_change,
        next_steps_number=f"{number}.{next(sub)}" if has_next else "",
        acceptance_view=acceptance,
        system_baseline_paragraph=system_baseline is not None,
        system_baseline=system_baseline,
        next_steps=next_steps,
    )


def _year_section(number, spec, releases, targeted, paper_spec, footnotes):
    as_of = paper_spec.as_of
    year = spec.year
    in_year = [r for r in releases if r.go_live_date.year == year]
    mods = {m.pk: m for m in (targeted.get(pk) for pk in spec.targeted_ids) if m is not None}
    for release in in_year:
        for item in release.dcc_scope:
            mods.setdefault(item.modification.pk, item.modification)
    ordered = sorted(
        (m for m in mods.values() if not m.is_terminal), key=lambda m: m.register_order
    )
    start = len(footnotes.numbers)
    impact_rows = _impact_rows(ordered, footnotes)
    next_steps = paragraphs(spec.next_steps)
    return Section(
        number=number,
        kind="year",
        heading=spec.heading or f"{year} SEC Releases",
        year=year,
        first_number=f"{number}.1",
        intro=paragraphs(spec.intro),
        impacts_number=f"{number}.1",
        impact_rows=impact_rows,
        footnotes=footnotes.since(start),
        commentary=paragraphs(spec.commentary),
        next_steps_number=f"{number}.2",
        system_baseline_paragraph=True,
        system_baseline=_system_baseline(in_year, as_of),
        next_steps=next_steps,
    )


def build_paper(spec):
    """The Paper for a spec, from the data as it stood on spec.as_of (fixed number of queries:
    the releases and their scope, and the targeted modifications)."""
    as_of = spec.as_of
    releases = asof.releases_on(as_of)
    by_pk = {r.pk: r for r in releases}
    targeted_ids = {pk for s in spec.sections for pk in s.targeted_ids}
    targeted = (
        {m.pk: m for m in asof.modifications_on(as_of, pks=targeted_ids)} if targeted_ids else {}
    )
    footnotes = _Footnotes()
    sections = []
    number = 2
    for section_spec in spec.sections:
        if section_spec.year:
            sections.append(
                _year_section(number, section_spec, releases, targeted, spec, footnotes)
            )
        else:
            release = by_pk.get(section_spec.release_id)
            if release is None:
                continue
            sections.append(_release_section(number, section_spec, release, spec, footnotes))
        number += 1
    attachments = ()
    if spec.attached_rid:
        rid = spec.attached_rid
        attachments = (
            Attachment(
                label=f"Appendix A: {rid.release_name} Implementation Document v{rid.number}",
                url=reverse("releases:rid_version", args=[rid.release_slug, rid.number]),
            ),
        )
    names = [s.release_name or s.heading for s in sections]
    purpose = paragraphs(spec.purpose) or (
        "This paper presents an update on "
        + (_join(names) if names else "the SEC Releases")
        + ". The Operations Group (OPSG) is invited to note this update and provide any views "
        "and comments for the Panel\u2019s consideration.",
    )
    recommendations = paragraphs(spec.recommendations) or (
        "The OPSG is requested to PROVIDE any views and comments on the scopes of the SEC "
        "Releases in this paper.",
    )
    return Paper(
        pk=spec.pk,
        reference=spec.reference,
        title=spec.title,
        classification=spec.classification,
        classification_label=Classification(spec.classification).label,
        as_of=as_of,
        purpose=purpose,
        sections=tuple(sections),
        recommendations_number=number,
        recommendations=recommendations,
        author=spec.author,
        team=spec.team,
        attachments=attachments,
    )


def _join(names):
    if len(names) == 1:
        return f"the {names[0]}"
    return "the " + ", the ".join(names[:-1]) + f" and the {names[-1]}"
