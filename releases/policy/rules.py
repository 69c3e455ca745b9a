"""Release-management policy rules (domain.md section 5) as pure functions over data.

The scope deadlines (R1/R2/R4) and the standard release dates (R15) are used by the services and
forms; the checks below them (check_release, check_releases, check_decision_dates) read the
plain values of releases.asof (a release as it stood on a date) and return Findings: a rule id,
a severity, a plain-English message and a link to what to fix. They never query the database.
"""

import calendar
import dataclasses
import datetime

from django.urls import reverse

from secrelease.text import long_date


def months_before(date, months):
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = date.year * 12 + (date.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


SYSTEM_SCOPE_MONTHS = 12  # R1: DCC System scope baselined 12 months before go-live
DOCUMENT_SCOPE_MONTHS = 6  # R2: scope on the SEC documentation set 6 months before go-live


def scope_deadline(go_live_date, *, impacts_dcc_systems):
    """R1/R2: the last day a modification can join the scope without being an exception."""
    months = SYSTEM_SCOPE_MONTHS if impacts_dcc_systems else DOCUMENT_SCOPE_MONTHS
    return months_before(go_live_date, months)


def is_late_addition(go_live_date, added_on, *, impacts_dcc_systems):
    """R4: an addition after the scope deadline is an exception (the deadline day itself is not)."""
    return added_on > scope_deadline(go_live_date, impacts_dcc_systems=impacts_dcc_systems)


def standard_release_dates(year):
    """R15: the three standard SEC Release dates of a year, in date order: the last Thursday of
    February, the last Thursday of June and the first Thursday of November (BSC-style cadence;
    a release may still be given another date)."""
    thursday = calendar.THURSDAY

    def last_thursday(month):
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        return last - datetime.timedelta(days=(last.weekday() - thursday) % 7)

    first = datetime.date(year, 11, 1)
    first_november = first + datetime.timedelta(days=(thursday - first.weekday()) % 7)
    return [last_thursday(2), last_thursday(6), first_november]


# Findings ------------------------------------------------------------------------------------
# The checks below read releases.asof values (a release, its scope and its modifications as they
# stood on a date) and return findings. They never query the database; they only build URLs.

NEAR_DAYS = 30  # a deadline or cut-off this close (or closer) is worth saying on the dashboard
PROGRESS_REVIEW_MONTHS = 3  # R11: first preliminary progress review three months before OPSG


class Severity:
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    LABELS = {"error": "Error", "warning": "Warning", "info": "Note"}
    ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing the policy says about a release or a modification on a date."""

    rule: str
    severity: str
    message: str
    url: str
    link_text: str
    release_slug: str = ""
    reference: str = ""
    due: datetime.date | None = None
    overdue: bool = False
    action: str = ""  # "lapse": the finding offers "lapse to the fall-back release"
    action_url: str = ""
    action_label: str = ""
    scope_item: int | None = None

    @property
    def severity_label(self):
        return Severity.LABELS[self.severity]

    @property
    def sort_key(self):
        return (Severity.ORDER[self.severity], self.due or datetime.date.max, self.rule)


def _days(n):
    return "1 day" if n == 1 else f"{n} days"


def _release_url(release, name="release_detail", anchor=""):
    return reverse(f"releases:{name}", args=[release.slug]) + (f"#{anchor}" if anchor else "")


def check_scope_deadlines(release, as_of):
    """R1 (DCC System scope baselined 12 months before go-live) and R2 (scope on the SEC
    documentation set 6 months before). Warn, never block: baselines land a little late in
    practice. A baseline exactly on the deadline is on time.

    A scope counts as baselined only from the Panel's recorded baseline (PanelBaseline, its
    meeting date on or before `as_of`); a baseline date without that record is a plan."""
    findings = []
    applies_r1 = bool(release.dcc_scope or release.has_system_tests or release.system_baseline_date)
    rules = [
        (
            "R1",
            SYSTEM_SCOPE_MONTHS,
            release.system_baseline_date,
            release.system_baseline_recorded,
            "the scope on the DCC Systems",
            "12 months",
            applies_r1,
        ),
        (
            "R2",
            DOCUMENT_SCOPE_MONTHS,
            release.full_baseline_date,
            release.full_baseline_recorded,
            "the scope on the SEC documentation",
            "six months",
            True,
        ),
    ]
    edit_url = _release_url(release, "release_edit")
    for rule, months, baseline, recorded, what, period, applies in rules:
        if not applies:
            continue
        deadline = months_before(release.go_live_date, months)
        common = dict(
            rule=rule,
            url=edit_url,
            link_text=f"Record the Panel baseline of {release.name}",
            release_slug=release.slug,
            due=deadline,
        )
        if recorded and recorded <= as_of:
            baseline = recorded
            if baseline > deadline:
                findings.append(
                    Finding(
                        severity=Severity.WARNING,
                        message=f"{release.name}: the Panel baselined {what} on "
                        f"{long_date(baseline)}, {_days((baseline - deadline).days)} after the "
                        f"deadline of {long_date(deadline)} ({period} before go-live).",
                        **common,
                    )
                )
            continue
        planned = f" (planned for {long_date(baseline)})" if baseline else ""
        if as_of > deadline:
            findings.append(
                Finding(
                    severity=Severity.WARNING,
                    message=f"{release.name}: {what} should have been baselined by "
                    f"{long_date(deadline)} ({period} before go-live) but the Panel has not "
                    f"baselined it yet{planned}.",
                    overdue=True,
                    **common,
                )
            )
        elif (deadline - as_of).days <= NEAR_DAYS:
            left = (deadline - as_of).days
            when = "today" if left == 0 else f"in {_days(left)}"
            findings.append(
                Finding(
                    severity=Severity.INFO,
                    message=f"{release.name}: the Panel is expected to baseline {what} by "
                    f"{long_date(deadline)} ({period} before go-live), {when}{planned}.",
                    **common,
                )
            )
        elif baseline and baseline > deadline:
            findings.append(
                Finding(
                    severity=Severity.WARNING,
                    message=f"{release.name}: the baseline of {what} is planned for "
                    f"{long_date(baseline)}, after the deadline of {long_date(deadline)} "
                    f"({period} before go-live).",
                    **common,
                )
            )
    return findings


def check_late_additions(release, as_of):
    """R4: a modification added after the scope deadline is an exception that needs a recorded
    Panel decision (the scope item's exception reason)."""
    findings = []
    for item in release.scope:
        if item.added_after_deadline and not item.exception_reason.strip():
            deadline = scope_deadline(
                release.go_live_date, impacts_dcc_systems=item.modification.impacts_dcc_systems
            )
            findings.append(
                Finding(
                    rule="R4",
                    severity=Severity.WARNING,
                    message=f"{item.modification.reference} joined the scope of the {release.name} "
                    f"on {long_date(item.added_on)}, after the scope deadline of "
                    f"{long_date(deadline)}: record the Panel decision that admitted it as an "
                    "exception.",
                    url=reverse("releases:scope_item_edit", args=[release.slug, item.pk]),
                    link_text=f"Record the exception for {item.modification.reference}",
                    release_slug=release.slug,
                    reference=item.modification.reference,
                    scope_item=item.pk,
                )
            )
    return findings


def check_cut_offs(release, as_of):
    """R6/R7: a pending modification in scope must be approved by its decision cut-off; once the
    cut-off has passed without approval it lapses to its fall-back release (one action). The
    cut-off day itself still counts as in time."""
    findings = []
    for item in release.scope:
        mod = item.modification
        if not mod.is_pending:
            continue
        cut_off = item.cut_off_date
        edit_url = reverse("releases:scope_item_edit", args=[release.slug, item.pk])
        common = dict(release_slug=release.slug, reference=mod.reference, scope_item=item.pk)
        if cut_off is None:
            if mod.status == "with_authority":
                findings.append(
                    Finding(
                        rule="R6",
                        severity=Severity.INFO,
                        message=f"{mod.reference} is with the Authority for decision but has no "
                        f"decision cut-off for the {release.name}.",
                        url=edit_url,
                        link_text=f"Set the cut-off for {mod.reference}",
                        **common,
                    )
                )
            continue
        if as_of > cut_off:
            fall_back = (
                f"its fall-back release, {item.fall_back_release_name}"
                if item.fall_back_release_name
                else "a fall-back implementation date (no fall-back release is recorded)"
            )
            findings.append(
                Finding(
                    rule="R7",
                    severity=Severity.ERROR,
                    message=f"{mod.reference} was not approved by its decision cut-off of "
                    f"{long_date(cut_off)} for the {release.name} (still at \u201c"
                    f"{mod.status_label}\u201d on {long_date(as_of)}): it lapses to {fall_back}.",
                    url=edit_url,
                    link_text=f"Review {mod.reference} in the {release.name}",
                    due=cut_off,
                    overdue=True,
                    action="lapse",
                    action_label=(
                        f"Lapse {mod.reference} to the {item.fall_back_release_name}"
                        if item.fall_back_release_name
                        else f"Record that {mod.reference} fell out of scope"
                    ),
                    action_url=reverse("releases:scope_lapse", args=[release.slug, item.pk]),
                    **common,
                )
            )
        elif (cut_off - as_of).days <= NEAR_DAYS:
            left = (cut_off - as_of).days
            when = "today" if left == 0 else f"in {_days(left)}"
            findings.append(
                Finding(
                    rule="R6",
                    severity=Severity.INFO,
                    message=f"{mod.reference} must be approved by {long_date(cut_off)} ({when}) "
                    f"to stay in the {release.name}.",
                    url=edit_url,
                    link_text=f"Review {mod.reference} in the {release.name}",
                    due=cut_off,
                    **common,
                )
            )
    return findings


def check_date_history(release):
    """R10: the go-live date moves only with a recorded decision. The recorded changes must chain
    (each starts where the previous ended) and end at the current go-live date."""
    changes = release.date_changes
    if not changes:
        return []
    problem = ""
    for before, after in zip(changes, changes[1:], strict=False):
        if after.old_date != before.new_date:
            problem = (
                f"the change decided on {long_date(after.decision_date)} starts from "
                f"{long_date(after.old_date)}, not from {long_date(before.new_date)}"
            )
            break
    if not problem and changes[-1].new_date != release.current_go_live_date:
        problem = (
            f"the go-live date is {long_date(release.current_go_live_date)} but the last recorded "
            f"decision set it to {long_date(changes[-1].new_date)}"
        )
    if not problem:
        return []
    return [
        Finding(
            rule="R10",
            severity=Severity.ERROR,
            message=f"{release.name}: {problem}. A go-live date changes only with a recorded "
            "decision of the Authority (or the Panel within its discretion).",
            url=_release_url(release, "release_edit"),
            link_text=f"Record the date decision for {release.name}",
            release_slug=release.slug,
        )
    ]


def check_acceptance_view(release, as_of):
    """R11: a release that changes the DCC Systems needs a date for the OPSG view on whether the
    operational acceptance criteria are met, before go-live, and a first preliminary progress
    review three months before that view (on that day or earlier)."""
    if not (release.dcc_scope or release.has_system_tests):
        return []
    timeline_url = reverse("releases:part_create", args=[release.slug, "timeline"])
    common = dict(release_slug=release.slug, url=timeline_url)
    views = sorted(e.date for e in release.timeline_of("opsg_acceptance"))
    if not views:
        return [
            Finding(
                rule="R11",
                severity=Severity.WARNING,
                message=f"{release.name} changes the DCC Systems but has no date for the OPSG "
                "view on whether the operational acceptance criteria have been met.",
                link_text=f"Add the OPSG acceptance view to the timeline of {release.name}",
                **common,
            )
        ]
    findings = []
    opsg = views[-1]
    if opsg >= release.go_live_date:
        findings.append(
            Finding(
                rule="R11",
                severity=Severity.ERROR,
                message=f"{release.name}: the OPSG view on the operational acceptance criteria "
                f"({long_date(opsg)}) must come before go-live "
                f"({long_date(release.go_live_date)}).",
                link_text=f"Review the timeline of {release.name}",
                **common,
            )
        )
    review_by = months_before(opsg, PROGRESS_REVIEW_MONTHS)
    reviews = sorted(e.date for e in release.timeline_of("progress_review"))
    if not reviews:
        overdue = as_of > review_by
        findings.append(
            Finding(
                rule="R11",
                severity=Severity.WARNING if overdue else Severity.INFO,
                message=f"{release.name}: schedule the first preliminary progress review for "
                f"{long_date(review_by)}, three months before the OPSG view on "
                f"{long_date(opsg)}.",
                link_text=f"Add the progress review to the timeline of {release.name}",
                due=review_by,
                overdue=overdue,
                **common,
            )
        )
    elif reviews[0] > review_by:
        findings.append(
            Finding(
                rule="R11",
                severity=Severity.WARNING,
                message=f"{release.name}: the first preliminary progress review "
                f"({long_date(reviews[0])}) should be three months before the OPSG view on "
                f"{long_date(opsg)}, that is by {long_date(review_by)}.",
                link_text=f"Review the timeline of {release.name}",
                due=review_by,
                **common,
            )
        )
    return findings


def check_test_strategy(release):
    """R12: the test strategy follows the DCC System impacts: PIT/SIT/UIT when a modification in
    scope impacts the DCC Systems, none when nothing does."""
    dcc = [item.modification.reference for item in release.dcc_scope]
    common = dict(
        rule="R12",
        severity=Severity.WARNING,
        url=_release_url(release, "release_edit"),
        link_text=f"Edit the test strategy of {release.name}",
        release_slug=release.slug,
    )
    if dcc and not release.has_system_tests:
        return [
            Finding(
                message=f"{release.name}: {', '.join(dcc)} "
                f"{'impacts' if len(dcc) == 1 else 'impact'} the DCC Systems, but the test "
                "strategy plans no Pre-Integration, Systems Integration or User Integration "
                "Testing.",
                **common,
            )
        ]
    if release.has_system_tests and not dcc:
        phases = [
            name
            for name, needed in (
                ("PIT", release.pit_required),
                ("SIT", release.sit_required),
                ("UIT", release.uit_required),
            )
            if needed
        ]
        return [
            Finding(
                message=f"{release.name}: the test strategy plans {', '.join(phases)} but no "
                "modification in scope impacts the DCC Systems.",
                **common,
            )
        ]
    return []


def check_gbcs_uplifts(releases):
    """R13: the Panel and TABASC asked for a single GBCS uplift per year unless material changes
    need a second: warn on each release of a year where more than one release changes the GBCS."""
    by_year = {}
    for release in releases:
        gbcs = [
            i.modification.reference for i in release.scope if i.modification.gbcs_impact == "yes"
        ]
        if gbcs:
            by_year.setdefault(release.go_live_date.year, []).append((release, gbcs))
    findings = []
    for year, entries in sorted(by_year.items()):
        if len(entries) < 2:
            continue
        summary = "; ".join(f"{r.name}: {', '.join(refs)}" for r, refs in entries)
        for release, _refs in entries:
            findings.append(
                Finding(
                    rule="R13",
                    severity=Severity.WARNING,
                    message=f"{year} would have {len(entries)} GBCS uplifts ({summary}). The Panel "
                    "and TABASC asked for a single GBCS uplift a year unless material changes "
                    "require a second.",
                    url=_release_url(release, anchor="scope"),
                    link_text=f"Review the scope of {release.name}",
                    release_slug=release.slug,
                )
            )
    return findings


def check_standard_date(release):
    """R15: SEC Releases normally go live on a standard date; another date is allowed (a note)."""
    go_live = release.go_live_date
    standard = standard_release_dates(go_live.year)
    if go_live in standard:
        return []
    return [
        Finding(
            rule="R15",
            severity=Severity.INFO,
            message=f"{release.name} goes live on {go_live:%A} {long_date(go_live)}, not on a "
            f"standard release date (in {go_live.year}: "
            f"{', '.join(long_date(d) for d in standard)}).",
            url=_release_url(release, "release_edit"),
            link_text=f"Review the go-live date of {release.name}",
            release_slug=release.slug,
        )
    ]


def check_release(release, as_of):
    """Every single-release check on `release` (a releases.asof.ReleaseFact) as of `as_of`.
    Deadline-style rules are only checked for releases that have not gone live by then."""
    findings = check_date_history(release) + check_late_additions(release, as_of)
    if release.go_live_date >= as_of:
        findings += (
            check_scope_deadlines(release, as_of)
            + check_cut_offs(release, as_of)
            + check_acceptance_view(release, as_of)
            + check_test_strategy(release)
            + check_standard_date(release)
        )
    return sorted(findings, key=lambda f: f.sort_key)


def check_releases(releases, as_of):
    """{release slug: findings} for every release, with the cross-release rule R13 applied to the
    releases not yet live on `as_of`."""
    result = {release.slug: check_release(release, as_of) for release in releases}
    upcoming = [r for r in releases if r.go_live_date >= as_of]
    for finding in check_gbcs_uplifts(upcoming):
        result[finding.release_slug].append(finding)
    for slug in result:
        result[slug].sort(key=lambda f: f.sort_key)
    return result


def check_decision_dates(modification, as_of):
    """R6: decisions expected on a date: a Change Board vote or an Authority decision whose
    expected date has passed with no decision recorded by `as_of`."""
    url = reverse("releases:decision_record", args=[modification.reference])
    findings = []
    if (
        modification.status == "change_board"
        and modification.change_board_date
        and modification.change_board_date < as_of
    ):
        findings.append(
            Finding(
                rule="R6",
                severity=Severity.WARNING,
                message=f"The Change Board vote on {modification.reference} was due on "
                f"{long_date(modification.change_board_date)}; no decision is recorded.",
                url=url,
                link_text=f"Record the Change Board decision on {modification.reference}",
                reference=modification.reference,
                due=modification.change_board_date,
                overdue=True,
            )
        )
    if (
        modification.status == "with_authority"
        and modification.authority_decision_date
        and modification.authority_decision_date < as_of
    ):
        findings.append(
            Finding(
                rule="R6",
                severity=Severity.WARNING,
                message=f"The Authority's decision on {modification.reference} was expected by "
                f"{long_date(modification.authority_decision_date)}; no decision is recorded.",
                url=url,
                link_text=f"Record the Authority decision on {modification.reference}",
                reference=modification.reference,
                due=modification.authority_decision_date,
                overdue=True,
            )
        )
    return findings
