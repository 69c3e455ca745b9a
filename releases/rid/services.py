"""Issuing RID versions (R17 numbering) and drafting their "Changes" text. A version is frozen
when issued: its JSON content, PDF bytes and their SHA-256 never change."""

import hashlib
import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from modifications import services as register
from modifications.models import Decision, Event, Modification
from modifications.references import ReferenceError, parse_modification_reference
from secrelease.text import long_date, person_name

from .. import services as release_services
from ..models import (
    BaselineScope,
    PanelBaseline,
    Release,
    RidReview,
    RidReviewState,
    RidVersion,
    RidVersionKind,
    ScopeItem,
    ScopeState,
)
from . import render
from .diff import _mod_identity, diff
from .document import Rid, build_rid, join_words

RID_BASELINE_CHANGES = {
    "system": "Version baselined by the Panel to cover the proposed scope of the release on the "
    "DCC Systems.",
    "full": "Version baselined by the Panel to cover the full proposed scope of the release.",
}
RID_FIRST_DRAFT_CHANGES = "First draft presented to the Panel to be baselined"
# A release whose first version is issued without a draft before it (nothing to update).
RID_FIRST_ISSUE_CHANGES = "First issue of the Release Implementation Document."
RID_DRAFT_SUFFIX = "presented to the Panel for the scope to be baselined."
RID_DRAFT_AFTER_BASELINE_SUFFIX = "presented to the Panel."
RID_APPROVAL_DECISIONS = ("cb_approve", "authority_approve", "fast_track")
RID_ENDING_DECISIONS = {
    "cb_reject": "rejection",
    "authority_reject": "rejection",
    "withdraw": "withdrawal",
}


def _rid_latest_version(release, *, with_content=False):
    fields = ["major", "minor", "date", "issued_at", "kind"]
    if with_content:
        fields.append("content")
    return (
        RidVersion.objects.filter(release=release)
        .order_by("-major", "-minor")
        .only(*fields)
        .first()
    )


def rid_next_number(release, kind):
    """The number the next version of this kind takes (R17): a draft presented to the Panel is
    N.1 after N.0 (0.1 first, then 1.1...) and N.(m+1) after a draft N.m; an issued version or a
    baseline is the next whole number (1.0 first)."""
    if kind not in RidVersionKind.values:
        raise ValidationError({"kind": "Choose draft, issued or baseline."})
    last = _rid_latest_version(release)
    major, minor = (last.major, last.minor) if last else (0, 0)
    if kind == RidVersionKind.DRAFT:
        return f"{major}.{minor + 1}"
    return f"{major + 1}.0"


def _reference_key(reference):
    try:
        parsed = parse_modification_reference(reference)
    except ReferenceError:
        return (10**9, "", reference)
    return (parsed.number, parsed.suffix, reference)


def _rid_events_since(release, since, until=None):
    """(clause kind, reference) pairs, in the order they happened (recorded after `since` and up
    to `until`), from the activity trail of the release and the decisions on the modifications
    now in its scope."""
    scope_events = Event.objects.about(release).filter(action__startswith="scope.")
    in_scope_ids = ScopeItem.objects.filter(release=release, state=ScopeState.IN_SCOPE).values_list(
        "modification_id", flat=True
    )
    decision_events = Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(Modification),
        subject_id__in=in_scope_ids,
        action__in=[f"decision.{k}" for k in RID_APPROVAL_DECISIONS],
    )
    if since is not None:
        scope_events = scope_events.filter(at__gt=since)
        decision_events = decision_events.filter(at__gt=since)
    if until is not None:
        scope_events = scope_events.filter(at__lte=until)
        decision_events = decision_events.filter(at__lte=until)
    # A decision corrected as recorded in error says nothing in the Changes text, nor does the
    # scope removal it caused (releases.services.decision_correct).
    corrected = set(
        Decision.objects.filter(corrected_at__isnull=False).values_list("pk", flat=True)
    )
    happened = []
    for event in [*scope_events, *decision_events]:
        reference = event.data.get("reference", "")
        if not reference or event.data.get("decision_id") in corrected:
            continue
        if event.action == "scope.added":
            clause = "added"
        elif event.action == "scope.fell_out":
            clause = "fell_out"
        elif event.action == "scope.moved":
            clause = "moved"
        elif event.action == "scope.removed":
            clause = RID_ENDING_DECISIONS.get(event.data.get("decision"), "removed")
        elif event.action.startswith("decision."):
            clause = "approval"
        else:
            continue
        happened.append((event.at, event.pk, clause, reference))
    happened.sort()
    return [(clause, reference) for _at, _pk, clause, reference in happened]


def rid_changes_text(pairs, *, more=False):
    """'MP116 and DP145 falling out of scope and DP153 being added to the scope' from
    [("fell_out", "MP116"), ("fell_out", "DP145"), ("added", "DP153")]; '' when empty. `more`:
    other phrases follow (the seed writes "being added to scope" only when it is alone)."""
    groups = {}
    for clause, reference in pairs:
        refs = groups.setdefault(clause, [])
        if reference not in refs:
            refs.append(reference)
    order = ["fell_out", "moved", "removed", "added", "rejection", "withdrawal", "approval"]
    phrases = []
    for clause in order:
        if clause not in groups:
            continue
        refs = join_words(sorted(groups[clause], key=_reference_key))
        if clause == "fell_out":
            phrases.append(f"{refs} falling out of scope")
        elif clause == "moved":
            phrases.append(f"{refs} moving to another release")
        elif clause == "removed":
            phrases.append(f"{refs} being removed from the scope")
        elif clause == "added":
            # The seed writes "being added to scope" alone, "to the scope" in a longer sentence.
            phrases.append(
                f"{refs} being added to "
                + ("scope" if len(groups) == 1 and not more else "the scope")
            )
        else:
            phrases.append(f"the {clause} of {refs}")
    return join_words(phrases)


def _net_scope_pairs(pairs, before, now):
    """Keep what changed the scope between two versions: an addition only for a modification in
    scope now and not before, a removal (falling out, moving, removal, rejection, withdrawal)
    only for one in scope before and not now; approvals stay. So the first version never lists a
    modification as both removed and added. `before`, `now`: sets of modification identities
    (number, split letter)."""
    kept = []
    for clause, reference in pairs:
        identity = _mod_identity(reference)
        if clause == "added" and (identity in before or identity not in now):
            continue
        if clause not in ("added", "approval") and (identity not in before or identity in now):
            continue
        kept.append((clause, reference))
    return kept


def _identities(rid):
    return {_mod_identity(m.reference) for m in rid.modifications} if rid else set()


def _refs(changes, rid):
    """The references of the modifications named by these changes, in register order."""
    found = []
    for m in rid.modifications:
        if any(c.what.startswith(m.label) for c in changes) and m.reference not in found:
            found.append(m.reference)
    return join_words(sorted(found, key=_reference_key))


def rid_other_changes(old, new, *, scope_changed):
    """Phrases for what changed between two Rid values besides the scope and approvals (which
    come from the activity trail): go-live, classification, DCC Change Requests, impacts (only
    when the scope did not change: impacts follow the modifications the seed names), timeline,
    test strategy, costs, acceptance criteria and wording. Derived content (matrices built from
    the scope, the glossary, a Draft Proposal's new reference) is not named."""
    if old is None:
        return []
    d = diff(old, new)

    def section(key):
        # Which sentence the data chose (the *_wording fields) follows from the data compared
        # beside it (the scope, the test phases, the DCC cost): not a change of its own.
        return [c for c in d.section(key) if not c.field.endswith("_wording")]

    phrases = []
    if old.go_live_date != new.go_live_date:
        phrases.append(f"the go-live date moving to {long_date(new.go_live_date)}")
    if old.classification != new.classification:
        phrases.append(f"the classification changing to {new.classification_label}")
    crs = d.in_field("change_requests")
    added = [c.what.split(": ", 1)[1] for c in crs if c.kind == "added"]
    removed = [c.what.split(": ", 1)[1] for c in crs if c.kind == "removed"]
    if added:
        refs = join_words(sorted(a.split(" ", 1)[0] for a in added))
        phrases.append(f"DCC Change Request{'s' if len(added) > 1 else ''} {refs} being added")
    if removed:
        refs = join_words(sorted(a.split(" ", 1)[0] for a in removed))
        phrases.append(f"DCC Change Request{'s' if len(removed) > 1 else ''} {refs} being removed")
    if crs and not (added or removed):
        phrases.append("changes to the DCC Change Requests")
    if not scope_changed and section("impacts"):
        phrases.append("changes to the impacts")
    timeline = [
        c
        for c in section("timeline")
        if not (old.go_live_date != new.go_live_date and "Release go-live" in c.what)
    ]
    if timeline:
        phrases.append("changes to the timeline")
    if section("testing"):
        phrases.append("changes to the test strategy")
    if section("costs"):
        phrases.append("changes to the costs")
    if section("criteria"):
        phrases.append("changes to the acceptance criteria")
    wording = [
        c
        for c in d.in_field("modifications")
        if c.kind == "changed"
        and (c.what.endswith(": title") or c.what.endswith(": scope summary"))
    ]
    if wording:
        phrases.append(f"changes to the wording of {_refs(wording, new)}")
    return phrases


def rid_draft_changes(release, kind="issued", baseline_scope=""):
    """The 'Changes' text for the next version, drafted from what happened since the last one
    (the analyst edits it before issuing), in the seed's words:

    - issued: "Updated following MP146 being added to scope." Scope changes and approvals come
      from the activity trail, netted against the last version's scope; every other change
      (go-live, Change Requests, impacts, timeline, test strategy, costs, criteria, wording)
      from comparing the last version with the live draft.
    - draft: "First draft presented to the Panel to be baselined" (0.1), then "Updated following
      ..., presented to the Panel for the scope to be baselined." until the Panel has baselined
      the full scope, "..., presented to the Panel." after.
    - baseline: the Panel's baseline sentence for the system or full scope.
    - issued with no version before it: "First issue of the Release Implementation Document."
    """
    if kind == "baseline":
        return RID_BASELINE_CHANGES.get(baseline_scope, "")
    full_baselined = PanelBaseline.objects.filter(
        release=release, scope=BaselineScope.FULL
    ).exists()
    suffix = RID_DRAFT_AFTER_BASELINE_SUFFIX if full_baselined else RID_DRAFT_SUFFIX
    last = _rid_latest_version(release, with_content=True)
    if kind == "draft" and last is None:
        return "First draft presented to the Panel." if full_baselined else RID_FIRST_DRAFT_CHANGES
    if last is None:
        return RID_FIRST_ISSUE_CHANGES
    old = Rid.from_json(last.content) if last else None
    live = build_rid(release)
    pairs = _net_scope_pairs(
        _rid_events_since(release, last.issued_at if last else None),
        _identities(old),
        _identities(live),
    )
    others = rid_other_changes(old, live, scope_changed=bool(pairs))
    scope_text = rid_changes_text(pairs, more=bool(others))
    what = join_words([p for p in [scope_text, *others] if p])
    if kind == "draft":
        if what:
            return f"Updated following {what}, {suffix}"
        return f"Updated and {suffix}"
    return f"Updated following {what}." if what else ""


# -- the RID value's fingerprint -------------------------------------------------------------

# What a review approves: the value without when it was built, the date it would carry (today)
# and the Contents page numbers (they come from the PDF layout).
RID_HASH_EXCLUDED = ("built_at", "version_date", "contents_pages")


def rid_value_hash(rid):
    """SHA-256 (hex) of a Rid value's content, as a review approves it: its canonical JSON
    (sorted keys, UTF-8) without RID_HASH_EXCLUDED. Equal hashes mean the same document."""
    data = {k: v for k, v in rid.to_json().items() if k not in RID_HASH_EXCLUDED}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- issuing -------------------------------------------------------------------------------------


def _issue_errors(
    release, *, kind, date, changes, baseline_scope, panel_decision, panel_meeting_date
):
    errors = {}
    if kind not in RidVersionKind.values:
        errors["kind"] = (
            "Choose whether this is a draft for the Panel, an issued version or a baseline."
        )
    if not changes:
        errors["changes"] = "Say what changed in this version; it goes in the document history."
    if date is None:
        errors["date"] = "Enter the date of the document."
    if kind == RidVersionKind.BASELINE:
        errors.update(
            release_services.panel_baseline_errors(
                release=release,
                scope=baseline_scope,
                meeting_date=panel_meeting_date,
                decision=panel_decision,
            )
        )
    elif baseline_scope or panel_meeting_date:
        errors["baseline_scope"] = "Only a baseline records a baseline scope and a Panel meeting."
    if errors:
        raise ValidationError(errors)
    last = _rid_latest_version(release)
    if last and date < last.date:
        raise ValidationError(
            {
                "date": f"Version {last.major}.{last.minor} is dated {long_date(last.date)}; a "
                "new version cannot be dated before it."
            }
        )


def _rid_freeze(
    *,
    actor,
    release,
    kind,
    date,
    changes,
    baseline_scope,
    panel_decision,
    panel_meeting_date,
    prepared_by,
    reviewed_by=None,
    unreviewed_reason="",
    rid=None,
    findings=(),
):
    """Build (or take `rid`, the live value), render and store the next version; record the
    Panel baseline of a baseline version and the rid.issued Event. `findings`: what the pre-issue
    checks found wrong with the draft (releases.rid.checks) and the analyst confirmed issuing
    anyway, recorded in the Event (data["findings_confirmed"] and its reason)."""
    number = rid_next_number(release, kind)
    major, minor = (int(n) for n in number.split("."))
    baseline = None
    if kind == RidVersionKind.BASELINE:
        # Recorded first, so the version's own timeline shows the Panel meeting that baselined it.
        baseline = release_services.panel_baseline_record(
            actor=actor,
            release=release,
            scope=baseline_scope,
            meeting_date=panel_meeting_date,
            decision=panel_decision,
            rid_version_number=number,
        )
        release.refresh_from_db()
    rid = build_rid(release, version=number, version_date=date, changes=changes)
    pdf_bytes, rid = render.render_rid(rid)
    sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    version = RidVersion(
        release=release,
        major=major,
        minor=minor,
        kind=kind,
        baseline_scope=baseline_scope if kind == RidVersionKind.BASELINE else "",
        date=date,
        changes=changes,
        panel_decision=(panel_decision or "").strip(),
        panel_meeting_date=panel_meeting_date,
        content=rid.to_json(),
        pdf=pdf_bytes,
        pdf_sha256=sha256,
        issued_by=actor,
        prepared_by=prepared_by,
        reviewed_by=reviewed_by,
        unreviewed_reason=unreviewed_reason,
    )
    register.save_checked(version)
    register.event_record(
        actor=actor,
        subject=release,
        action="rid.issued",
        summary=f"RID version {number} of {release.name} issued"
        + (f" ({version.get_kind_display().lower()})" if kind != "issued" else "")
        + ("" if reviewed_by else " without review"),
        reason=(changes if reviewed_by else f"{changes} Issued without review: {unreviewed_reason}")
        + (
            f"\nIssued despite {len(findings)} finding(s) of the pre-issue checks, confirmed by "
            "the analyst."
            if findings
            else ""
        ),
        effective_date=date,
        data={
            "version": number,
            "kind": kind,
            "rid_version": version.pk,
            "pdf_sha256": sha256,
            "baseline_scope": version.baseline_scope,
            "prepared_by": prepared_by.pk,
            "reviewed_by": reviewed_by.pk if reviewed_by else None,
            "unreviewed_reason": unreviewed_reason,
            **({"findings_confirmed": list(findings)} if findings else {}),
        },
    )
    if baseline is not None:
        baseline.rid_version = version
        baseline.save(update_fields=["rid_version"])
    return version


@transaction.atomic
def rid_issue_version(
    *,
    actor,
    release,
    kind,
    date,
    changes,
    baseline_scope="",
    panel_decision="",
    panel_meeting_date=None,
    unreviewed_reason="",
    findings=(),
    findings_confirmed=False,
):
    """Issue the next version of a release's RID from the live data (R17) and freeze it, without
    another analyst's review: `unreviewed_reason` (why it cannot wait for a review) is required
    and shown on the version. The reviewed way is rid_review_submit then rid_review_approve.

    kind: "draft" (presented to the Panel, N.1), "issued" (next whole number) or "baseline" (next
    whole number, recording baseline_scope "system"/"full", the Panel decision and the Panel
    meeting date, and the PanelBaseline that the release's baseline dates follow). The Rid is
    built as of now with this version's row added to its document history; its JSON content, PDF
    bytes and their SHA-256 are stored and never change. `findings`: what the pre-issue checks
    found wrong with the draft (releases.rid.checks); with any, `findings_confirmed` must be true
    (the analyst issues anyway) and they are recorded (see _rid_freeze). Raises ValidationError
    per field.
    """
    release = Release.objects.select_for_update().get(pk=release.pk)
    changes = (changes or "").strip()
    unreviewed_reason = (unreviewed_reason or "").strip()
    _issue_errors_with_findings(
        release,
        findings=findings,
        findings_confirmed=findings_confirmed,
        kind=kind,
        date=date,
        changes=changes,
        baseline_scope=baseline_scope,
        panel_decision=panel_decision,
        panel_meeting_date=panel_meeting_date,
    )
    _unreviewed_reason_errors(unreviewed_reason)
    return _rid_freeze(
        actor=actor,
        release=release,
        kind=kind,
        date=date,
        changes=changes,
        baseline_scope=baseline_scope,
        panel_decision=panel_decision,
        panel_meeting_date=panel_meeting_date,
        prepared_by=actor,
        unreviewed_reason=unreviewed_reason,
        findings=findings,
    )


def _unreviewed_reason_errors(unreviewed_reason):
    if not unreviewed_reason:
        raise ValidationError(
            {
                "unreviewed_reason": "Say why this version is issued without another analyst's "
                "review, or submit it for review instead."
            }
        )


def rid_issue_check(
    *,
    release,
    kind,
    date,
    changes,
    baseline_scope="",
    panel_decision="",
    panel_meeting_date=None,
    unreviewed_reason="",
    findings=(),
    findings_confirmed=False,
):
    """Raise the ValidationError rid_issue_version would raise for these values, without
    rendering anything: the issue page checks before it queues the worker (releases.jobs)."""
    _issue_errors_with_findings(
        release,
        findings=findings,
        findings_confirmed=findings_confirmed,
        kind=kind,
        date=date,
        changes=(changes or "").strip(),
        baseline_scope=baseline_scope,
        panel_decision=panel_decision,
        panel_meeting_date=panel_meeting_date,
    )
    _unreviewed_reason_errors((unreviewed_reason or "").strip())


# -- review --------------------------------------------------------------------------------------


def _pending_reviews():
    return RidReview.objects.filter(state=RidReviewState.PENDING).select_related("submitted_by")


def rid_pending_review(release):
    """The review waiting for an analyst on this release, or None. One query."""
    return _pending_reviews().filter(release=release).first()


def rid_pending_reviews():
    """Every review waiting for an analyst, on any release, oldest first (list of RidReview with
    release and submitted_by loaded: the analysts' dashboard). One query."""
    return list(_pending_reviews().select_related("release").order_by("submitted_at", "pk"))


@transaction.atomic
def rid_review_submit(
    *,
    actor,
    release,
    kind,
    date,
    changes,
    baseline_scope="",
    panel_decision="",
    panel_meeting_date=None,
    findings=(),
    findings_confirmed=False,
):
    """Propose the next version for review by another analyst: the kind, date, Changes text and
    baseline details are kept with the SHA-256 of the live RID value (rid_value_hash), so the
    reviewer approves exactly this. One review waits per release at a time. `findings`: what the
    pre-issue checks found; with any, `findings_confirmed` must be true; they are recorded with
    the submission and, on approval, in the issue Event. Raises ValidationError per field."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    changes = (changes or "").strip()
    _issue_errors_with_findings(
        release,
        findings=findings,
        findings_confirmed=findings_confirmed,
        kind=kind,
        date=date,
        changes=changes,
        baseline_scope=baseline_scope,
        panel_decision=panel_decision,
        panel_meeting_date=panel_meeting_date,
    )
    pending = rid_pending_review(release)
    if pending is not None:
        who = person_name(pending.submitted_by)
        raise ValidationError(
            f"{who} submitted version {pending.number} for review on "
            f"{long_date(timezone.localdate(pending.submitted_at))}: it must be approved, sent "
            "back or withdrawn before another version is submitted."
        )
    number = rid_next_number(release, kind)
    review = RidReview(
        release=release,
        kind=kind,
        number=number,
        date=date,
        changes=changes,
        baseline_scope=baseline_scope if kind == RidVersionKind.BASELINE else "",
        panel_decision=(panel_decision or "").strip(),
        panel_meeting_date=panel_meeting_date if kind == RidVersionKind.BASELINE else None,
        rid_hash=rid_value_hash(build_rid(release)),
        submitted_by=actor,
    )
    register.save_checked(review)
    register.event_record(
        actor=actor,
        subject=release,
        action="rid.review_submitted",
        summary=f"RID version {number} of {release.name} submitted for review",
        reason=changes,
        effective_date=date,
        data={
            "review": review.pk,
            "version": number,
            "kind": kind,
            "rid_hash": review.rid_hash,
            **({"findings_confirmed": list(findings)} if findings else {}),
        },
    )
    return review


def _issue_errors_with_findings(release, *, findings, findings_confirmed, **fields):
    """_issue_errors, and the confirmation the pre-issue findings need, reported together."""
    errors = {}
    try:
        _issue_errors(release, **fields)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if findings and not findings_confirmed:
        count = len(findings)
        errors.setdefault("issue_anyway", []).append(
            ValidationError(
                f"The checks found {count} thing{'s' if count != 1 else ''} wrong with this "
                "draft (listed above): fix them, or tick this box to issue it as it is."
            )
        )
    if errors:
        raise ValidationError(errors)


def _confirmed_findings(review):
    """The pre-issue findings the analyst confirmed when submitting `review`."""
    submitted = (
        Event.objects.about(review.release)
        .filter(action="rid.review_submitted", data__review=review.pk)
        .order_by("-at")
        .first()
    )
    return submitted.data.get("findings_confirmed", []) if submitted else []


def _pending_for_review(actor, review, what):
    review = (
        RidReview.objects.select_for_update()
        .select_related("release", "submitted_by")
        .get(pk=review.pk)
    )
    if review.state != RidReviewState.PENDING:
        raise ValidationError(
            f"This review of version {review.number} is already closed "
            f"({review.get_state_display().lower()})."
        )
    if actor.pk == review.submitted_by_id:
        raise ValidationError(
            f"You prepared this draft of version {review.number}: another analyst must {what}."
        )
    return review


@transaction.atomic
def rid_review_approve(*, actor, review):
    """Approve a submitted draft and issue it exactly as reviewed (its kind, date, Changes text
    and baseline details), with the submitter as preparer and `actor` as reviewer and issuer.
    Refused for the submitter's own draft, a closed review, and when the live RID value is no
    longer the one submitted (the register changed since: send it back and submit again).
    Returns the RidVersion."""
    review, release = _approval_checked(actor, review)
    version = _rid_freeze(
        actor=actor,
        release=release,
        kind=review.kind,
        date=review.date,
        changes=review.changes,
        baseline_scope=review.baseline_scope,
        panel_decision=review.panel_decision,
        panel_meeting_date=review.panel_meeting_date,
        prepared_by=review.submitted_by,
        reviewed_by=actor,
        findings=_confirmed_findings(review),
    )
    review.state = RidReviewState.APPROVED
    review.reviewed_by = actor
    review.reviewed_at = timezone.now()
    review.rid_version = version
    register.save_checked(review)
    register.event_record(
        actor=actor,
        subject=release,
        action="rid.review_approved",
        summary=f"RID version {version.number} of {release.name} approved and issued",
        reason=review.changes,
        effective_date=review.date,
        data={"review": review.pk, "rid_version": version.pk, "version": version.number},
    )
    return version


@transaction.atomic
def rid_review_approve_check(*, actor, review):
    """Raise the ValidationError rid_review_approve would raise, without rendering anything:
    the review page checks before it queues the worker (releases.jobs)."""
    _approval_checked(actor, review)


def _approval_checked(actor, review):
    """(review, release), both locked, when `actor` may approve `review` now; else
    ValidationError."""
    review = _pending_for_review(actor, review, "review it")
    release = Release.objects.select_for_update().get(pk=review.release_id)
    if rid_value_hash(build_rid(release)) != review.rid_hash:
        who = person_name(review.submitted_by)
        raise ValidationError(
            f"The register has changed since {who} submitted version {review.number} for review "
            f"on {long_date(timezone.localdate(review.submitted_at))}: the RID is no longer the "
            "one submitted. Send it back, so that it can be checked and submitted again."
        )
    if rid_next_number(release, review.kind) != review.number:
        raise ValidationError(
            f"Another version has been issued since this draft was submitted as version "
            f"{review.number}: send it back, so that it can be submitted again."
        )
    _issue_errors(
        release,
        kind=review.kind,
        date=review.date,
        changes=review.changes,
        baseline_scope=review.baseline_scope,
        panel_decision=review.panel_decision,
        panel_meeting_date=review.panel_meeting_date,
    )
    return review, release


@transaction.atomic
def rid_review_return(*, actor, review, comments):
    """Send a submitted draft back to its author with comments (required). Refused for the
    submitter's own draft (they withdraw it instead) and for a closed review."""
    review = _pending_for_review(actor, review, "send it back")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": "Say what needs to change before it can be issued."})
    review.state = RidReviewState.RETURNED
    review.reviewed_by = actor
    review.reviewed_at = timezone.now()
    review.comments = comments
    register.save_checked(review)
    register.event_record(
        actor=actor,
        subject=review.release,
        action="rid.review_returned",
        summary=f"RID version {review.number} of {review.release.name} sent back to "
        f"{person_name(review.submitted_by)}",
        reason=comments,
        data={"review": review.pk, "version": review.number},
    )
    return review


@transaction.atomic
def rid_review_withdraw(*, actor, review):
    """The submitter takes back their own draft before it is reviewed (say, the register must
    change first). Only the submitter can withdraw it."""
    review = RidReview.objects.select_for_update().select_related("release").get(pk=review.pk)
    if review.state != RidReviewState.PENDING:
        raise ValidationError(
            f"This review of version {review.number} is already closed "
            f"({review.get_state_display().lower()})."
        )
    if actor.pk != review.submitted_by_id:
        raise ValidationError("Only the analyst who submitted this draft can withdraw it.")
    review.state = RidReviewState.WITHDRAWN
    review.reviewed_at = timezone.now()
    register.save_checked(review)
    register.event_record(
        actor=actor,
        subject=review.release,
        action="rid.review_withdrawn",
        summary=f"RID version {review.number} of {review.release.name} withdrawn from review",
        data={"review": review.pk, "version": review.number},
    )
    return review
