"""Issuing RID versions (R17 numbering) and drafting their "Changes" text. A version is frozen
when issued: its JSON content, PDF bytes and their SHA-256 never change."""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from modifications import services as register
from modifications.models import Decision, Event, Modification
from modifications.references import ReferenceError, parse_modification_reference
from secrelease.text import long_date

from ..models import BaselineScope, Release, RidVersion, RidVersionKind, ScopeItem, ScopeState
from . import render
from .document import build_rid, join_words

RID_BASELINE_CHANGES = {
    "system": "Version baselined by the Panel to cover the proposed scope of the release on the "
    "DCC Systems.",
    "full": "Version baselined by the Panel to cover the full proposed scope of the release.",
}
RID_FIRST_DRAFT_CHANGES = "First draft presented to the Panel to be baselined"
RID_DRAFT_SUFFIX = "presented to the Panel for the scope to be baselined."
RID_APPROVAL_DECISIONS = ("cb_approve", "authority_approve", "fast_track")
RID_ENDING_DECISIONS = {
    "cb_reject": "rejection",
    "authority_reject": "rejection",
    "withdraw": "withdrawal",
}


def _rid_latest_version(release):
    return (
        RidVersion.objects.filter(release=release)
        .order_by("-major", "-minor")
        .only("major", "minor", "date", "issued_at", "kind")
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


def rid_changes_text(pairs):
    """'MP116 and DP145 falling out of scope and DP153 being added to the scope' from
    [("fell_out", "MP116"), ("fell_out", "DP145"), ("added", "DP153")]; '' when empty."""
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
                f"{refs} being added to " + ("scope" if len(groups) == 1 else "the scope")
            )
        else:
            phrases.append(f"the {clause} of {refs}")
    return join_words(phrases)


def rid_draft_changes(release, kind="issued", baseline_scope=""):
    """The 'Changes' text for the next version, drafted from what happened since the last one
    (the analyst can edit it before issuing):

    - issued: "Updated following MP146 being added to scope."
    - draft: "First draft presented to the Panel to be baselined" (0.1), then "Updated following
      ..., presented to the Panel for the scope to be baselined."
    - baseline: the Panel's baseline sentence for the system or full scope.
    """
    if kind == "baseline":
        return RID_BASELINE_CHANGES.get(baseline_scope, "")
    last = _rid_latest_version(release)
    if kind == "draft" and last is None:
        return RID_FIRST_DRAFT_CHANGES
    what = rid_changes_text(_rid_events_since(release, last.issued_at if last else None))
    if kind == "draft":
        if what:
            return f"Updated following {what}, {RID_DRAFT_SUFFIX}"
        return f"Updated and {RID_DRAFT_SUFFIX}"
    return f"Updated following {what}." if what else ""


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
):
    """Issue the next version of a release's RID from the live data (R17) and freeze it.

    kind: "draft" (presented to the Panel, N.1), "issued" (next whole number) or "baseline" (next
    whole number, recording baseline_scope "system"/"full", the Panel decision and the Panel
    meeting date). The Rid is built as of now with this version's row added to its document
    history; its JSON content, PDF bytes and their SHA-256 are stored and never change.
    """

    release = Release.objects.select_for_update().get(pk=release.pk)
    errors = {}
    if kind not in RidVersionKind.values:
        errors["kind"] = (
            "Choose whether this is a draft for the Panel, an issued version or a baseline."
        )
    changes = (changes or "").strip()
    if not changes:
        errors["changes"] = "Say what changed in this version; it goes in the document history."
    if date is None:
        errors["date"] = "Enter the date of the document."
    if kind == RidVersionKind.BASELINE:
        if baseline_scope not in BaselineScope.values:
            errors["baseline_scope"] = (
                "Say whether the Panel baselined the DCC System scope or the full scope."
            )
        if panel_meeting_date is None:
            errors["panel_meeting_date"] = "Enter the date of the Panel meeting that baselined it."
        if not (panel_decision or "").strip():
            errors["panel_decision"] = "Record the Panel decision that baselined this version."
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
    number = rid_next_number(release, kind)
    major, minor = (int(n) for n in number.split("."))
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
    )
    register.save_checked(version)
    register.event_record(
        actor=actor,
        subject=release,
        action="rid.issued",
        summary=f"RID version {number} of {release.name} issued"
        + (f" ({version.get_kind_display().lower()})" if kind != "issued" else ""),
        reason=changes,
        effective_date=date,
        data={
            "version": number,
            "kind": kind,
            "rid_version": version.pk,
            "pdf_sha256": sha256,
            "baseline_scope": version.baseline_scope,
        },
    )
    return version
