"""Every change to a release goes through these functions; each records an Event (who, when,
what, why) in the same transaction. Views, admin, commands and the demo loader all call them."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from modifications import services as register
from modifications.models import Modification

from . import policy
from .models import (
    AcceptanceCriterion,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    Participant,
    PartyImpact,
    Release,
    ReleaseDateChange,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
)

RELEASE_FIELDS = [
    "name",
    "slug",
    "go_live_date",
    "classification",
    "system_baseline_date",
    "full_baseline_date",
    "sec_version",
    "pit_required",
    "sit_required",
    "uit_required",
    "test_strategy_text",
    "user_testing_text",
    "dcc_cost",
    "dcc_costs_text",
    "secas_costs_note",
]


def _value(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if hasattr(v, "pk"):
        return str(v)
    return str(v)


def _snapshot(instance, fields):
    return {f: _value(getattr(instance, f)) for f in fields}


def _diff(before, after):
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


def _save(instance):
    """full_clean then save; a constraint the database still refuses becomes a ValidationError."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(f"This change was refused by the database: {exc}") from exc


# Releases -------------------------------------------------------------------------------

DEFAULT_TIMELINE = {
    "system_baseline": (
        "Panel baselines RID for system-impacting modifications",
        "The Panel will review the RID for DCC System-impacting modifications (including "
        "modifications targeted but not approved) and baseline the document.",
    ),
    "full_baseline": (
        "Panel baselines RID for non-system-impacting modifications",
        "The Panel will review the RID for non-DCC System-impacting modifications (including "
        "modifications targeted but not approved) and re-baseline the document to include these.",
    ),
    "go_live": ("Release go-live", "The changes are implemented."),
}


@transaction.atomic
def release_create(*, actor, name, slug, go_live_date, reason="", **fields):
    """Create a release with its five SEC Party impact rows and its standard timeline."""
    unknown = set(fields) - set(RELEASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown release fields: {sorted(unknown)}")
    release = Release(name=name, slug=slug, go_live_date=go_live_date, **fields)
    _save(release)
    PartyImpact.objects.bulk_create(
        [PartyImpact(release=release, participant=p) for p in Participant.values]
    )
    for kind, date in (
        ("system_baseline", release.system_baseline_date),
        ("full_baseline", release.full_baseline_date),
        ("go_live", release.go_live_date),
    ):
        if date:
            event, notes = DEFAULT_TIMELINE[kind]
            TimelineEvent.objects.create(
                release=release, date=date, event=event, notes=notes, kind=kind
            )
    register.event_record(
        actor=actor,
        subject=release,
        action="release.created",
        summary=f"{release.name} created (go-live {release.go_live_date:%-d %B %Y})",
        reason=reason,
        changes={k: [None, v] for k, v in _snapshot(release, RELEASE_FIELDS).items() if v},
    )
    return release


@transaction.atomic
def release_update(*, actor, release, reason="", date_decision=None, **fields):
    """Edit a release. Moving the go-live date needs a recorded decision (R10):
    date_decision = {"decided_by": "authority"|"panel", "decision_date": date}."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    unknown = set(fields) - set(RELEASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown release fields: {sorted(unknown)}")
    before = _snapshot(release, RELEASE_FIELDS)
    old_go_live = release.go_live_date
    for name, value in fields.items():
        setattr(release, name, value)
    release.updated_at = timezone.now()
    if release.go_live_date != old_go_live:
        if not date_decision or not date_decision.get("decision_date"):
            raise ValidationError(
                {
                    "go_live_date": "Moving the go-live date needs a recorded decision: say "
                    "who decided (the Authority, or the Panel within its discretion) and when."
                }
            )
        if not reason.strip():
            raise ValidationError({"reason": "Say why the go-live date is moving."})
    _save(release)
    if release.go_live_date != old_go_live:
        ReleaseDateChange.objects.create(
            release=release,
            old_date=old_go_live,
            new_date=release.go_live_date,
            decided_by=date_decision["decided_by"],
            decision_date=date_decision["decision_date"],
            reason=reason,
            recorded_by=actor,
        )
        TimelineEvent.objects.filter(release=release, kind="go_live").update(
            date=release.go_live_date
        )
    changes = _diff(before, _snapshot(release, RELEASE_FIELDS))
    if changes:
        register.event_record(
            actor=actor,
            subject=release,
            action="release.updated",
            summary=f"{release.name} updated: {', '.join(sorted(changes))}",
            reason=reason,
            changes=changes,
        )
    return release


# Scope ----------------------------------------------------------------------------------


def _scope_summary(item, verb):
    part = f" ({item.part_label})" if item.part_label else ""
    return f"{item.modification.reference}{part} {verb} {item.release.name}"


@transaction.atomic
def scope_add(
    *,
    actor,
    release,
    modification,
    added_on,
    reason,
    part_label="",
    cut_off_date=None,
    fall_back_release=None,
    exception_reason="",
):
    """Put a modification (or a part of one) in a release's scope.

    An addition after the scope deadline (R1/R2) is flagged as an exception (R4) and is still
    allowed: the Panel can choose to add further modifications.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the modification joins the scope."})
    modification = Modification.objects.select_for_update().get(pk=modification.pk)
    if modification.is_terminal:
        raise ValidationError(
            {
                "modification": f"{modification.reference} is "
                f"{modification.get_status_display().lower()} and cannot join a release scope."
            }
        )
    if ScopeItem.objects.filter(
        release=release,
        modification=modification,
        part_label=part_label,
        state=ScopeState.IN_SCOPE,
    ).exists():
        raise ValidationError(
            {"modification": f"{modification.reference} is already in the scope of {release}."}
        )
    late = policy.is_late_addition(
        release.go_live_date, added_on, impacts_dcc_systems=modification.impacts_dcc_systems
    )
    item = ScopeItem(
        release=release,
        modification=modification,
        part_label=part_label,
        added_on=added_on,
        added_after_deadline=late,
        exception_reason=exception_reason,
        cut_off_date=cut_off_date or modification.cut_off_date,
        fall_back_release=fall_back_release,
    )
    _save(item)
    summary = _scope_summary(item, "added to the scope of")
    if late:
        summary += " after the scope deadline (exception)"
    register.event_record(
        actor=actor,
        subject=release,
        modification=modification,
        action="scope.added",
        summary=summary,
        reason=reason,
        effective_date=added_on,
        data={
            "reference": modification.reference,
            "scope_item": item.pk,
            "part_label": part_label,
            "late": late,
        },
    )
    return item


def _take_out(*, actor, item, on, reason, state, action, verb, extra=None):
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why it leaves the scope."})
    item = (
        ScopeItem.objects.select_for_update()
        .select_related("release", "modification")
        .get(pk=item.pk)
    )
    if item.state != ScopeState.IN_SCOPE:
        raise ValidationError(f"{item.modification.reference} is no longer in this scope.")
    if on < item.added_on:
        raise ValidationError(
            {
                "removed_on": f"It joined the scope on {item.added_on:%-d %B %Y}; it cannot leave "
                "before that."
            }
        )
    item.state = state
    item.removed_on = on
    item.removal_reason = reason
    _save(item)
    register.event_record(
        actor=actor,
        subject=item.release,
        modification=item.modification,
        action=action,
        summary=_scope_summary(item, verb),
        reason=reason,
        effective_date=on,
        data={"reference": item.modification.reference, "scope_item": item.pk, **(extra or {})},
    )
    return item


@transaction.atomic
def scope_remove(*, actor, item, removed_on, reason):
    """Take a modification out of a release's scope (a Panel or SECAS decision)."""
    return _take_out(
        actor=actor,
        item=item,
        on=removed_on,
        reason=reason,
        state=ScopeState.REMOVED,
        action="scope.removed",
        verb="removed from the scope of",
    )


@transaction.atomic
def scope_move(*, actor, item, to_release, moved_on, reason, fell_out=False):
    """Move a modification to another release. With fell_out=True it has missed its decision
    cut-off and lapses to its fall-back release (R7): the RID says it fell out of scope."""
    if to_release.pk == item.release_id:
        raise ValidationError({"to_release": "Choose a different release."})
    state = ScopeState.FELL_OUT if fell_out else ScopeState.MOVED
    verb = "fell out of the scope of" if fell_out else "moved out of the scope of"
    old = _take_out(
        actor=actor,
        item=item,
        on=moved_on,
        reason=reason,
        state=state,
        action="scope.fell_out" if fell_out else "scope.moved",
        verb=verb,
        extra={"to_release": to_release.slug},
    )
    new = scope_add(
        actor=actor,
        release=to_release,
        modification=old.modification,
        added_on=moved_on,
        reason=f"Moved from {old.release.name}: {reason}",
        part_label=old.part_label,
        exception_reason=old.exception_reason,
    )
    return old, new


@transaction.atomic
def scope_fall_out(*, actor, item, fell_out_on, reason):
    """A modification falls out of scope without a fall-back release (R7)."""
    return _take_out(
        actor=actor,
        item=item,
        on=fell_out_on,
        reason=reason,
        state=ScopeState.FELL_OUT,
        action="scope.fell_out",
        verb="fell out of the scope of",
    )


SCOPE_ITEM_FIELDS = [
    "part_label",
    "cut_off_date",
    "fall_back_release",
    "exception_reason",
    "status_override",
]


@transaction.atomic
def scope_item_update(*, actor, item, reason="", **fields):
    item = (
        ScopeItem.objects.select_for_update()
        .select_related("release", "modification")
        .get(pk=item.pk)
    )
    unknown = set(fields) - set(SCOPE_ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown scope item fields: {sorted(unknown)}")
    before = _snapshot(item, SCOPE_ITEM_FIELDS)
    for name, value in fields.items():
        setattr(item, name, value)
    _save(item)
    changes = _diff(before, _snapshot(item, SCOPE_ITEM_FIELDS))
    if changes:
        register.event_record(
            actor=actor,
            subject=item.release,
            modification=item.modification,
            action="scope.updated",
            summary=f"{item.modification.reference} in {item.release.name} updated: "
            f"{', '.join(sorted(changes))}",
            reason=reason,
            changes=changes,
            data={"reference": item.modification.reference, "scope_item": item.pk},
        )
    return item


@transaction.atomic
def decision_record(*, actor, modification, kind, date, notes=""):
    """Record a decision on a modification; a rejection or withdrawal takes it out of every
    release scope it is in, with the decision as the recorded reason."""
    decision, transition = register.modification_decide(
        actor=actor, modification=modification, kind=kind, date=date, notes=notes
    )
    if transition.removes_from_scope:
        reason = (
            f"{decision.get_body_display()}: {decision.get_kind_display()} on "
            f"{date:%-d %B %Y}" + (f". {notes}" if notes else "")
        )
        items = ScopeItem.objects.filter(
            modification=decision.modification, state=ScopeState.IN_SCOPE
        )
        for item in items:
            _take_out(
                actor=actor,
                item=item,
                on=max(date, item.added_on),
                reason=reason,
                state=ScopeState.REMOVED,
                action="scope.removed",
                verb="removed from the scope of",
                extra={"decision": kind, "to_status": decision.to_status},
            )
    return decision


# Change Requests alongside ---------------------------------------------------------------


@transaction.atomic
def release_change_request_add(*, actor, release, change_request, reason=""):
    if release.change_requests.filter(pk=change_request.pk).exists():
        raise ValidationError(
            {"change_request": f"{change_request.reference} is already alongside this release."}
        )
    release.change_requests.add(change_request)
    register.event_record(
        actor=actor,
        subject=release,
        action="release.change_request_added",
        summary=f"{change_request.reference} to be implemented alongside {release.name}",
        reason=reason,
        data={"reference": change_request.reference},
    )


@transaction.atomic
def release_change_request_remove(*, actor, release, change_request, reason=""):
    release.change_requests.remove(change_request)
    register.event_record(
        actor=actor,
        subject=release,
        action="release.change_request_removed",
        summary=f"{change_request.reference} no longer alongside {release.name}",
        reason=reason,
        data={"reference": change_request.reference},
    )


# Parts of a release: impacts, timeline, costs, criteria ----------------------------------

RELEASE_PARTS = {
    PartyImpact: ("SEC Party impact", ["summary"]),
    DccImpact: ("DCC impact", ["position", "area", "summary"]),
    OtherCodeImpact: ("other code impact", ["code", "summary"]),
    TimelineEvent: ("timeline event", ["date", "event", "notes", "kind"]),
    SecasCostLine: (
        "SECAS cost line",
        ["position", "activity", "effort_days", "cost", "is_maximum"],
    ),
    AcceptanceCriterion: ("acceptance criterion", ["category", "position", "text"]),
}


@transaction.atomic
def release_part_save(*, actor, release, model, instance=None, reason="", **fields):
    """Create (instance=None) or edit one row of a release's impacts, timeline, costs or
    acceptance criteria, recording what changed."""
    label, tracked = RELEASE_PARTS[model]
    unknown = set(fields) - set(tracked)
    if unknown:
        raise TypeError(f"Unknown {label} fields: {sorted(unknown)}")
    if instance is None:
        instance = model(release=release)
        before = dict.fromkeys(tracked)
        verb = "added"
    else:
        if instance.release_id != release.pk:
            raise ValidationError(f"That {label} belongs to another release.")
        instance = model.objects.select_for_update().get(pk=instance.pk)
        before = _snapshot(instance, tracked)
        verb = "updated"
    for name, value in fields.items():
        setattr(instance, name, value)
    _save(instance)
    changes = _diff(before, _snapshot(instance, tracked))
    if changes:
        register.event_record(
            actor=actor,
            subject=release,
            action=f"release.{model._meta.model_name}_{verb}",
            summary=f"{label[0].upper()}{label[1:]} {verb}: {instance}",
            reason=reason,
            changes=changes,
        )
    return instance


@transaction.atomic
def release_part_delete(*, actor, release, instance, reason=""):
    model = type(instance)
    label, tracked = RELEASE_PARTS[model]
    if model is PartyImpact:
        raise ValidationError("The five SEC Party impact rows are fixed; clear the text instead.")
    if instance.release_id != release.pk:
        raise ValidationError(f"That {label} belongs to another release.")
    before = _snapshot(instance, tracked)
    summary = f"{label[0].upper()}{label[1:]} deleted: {instance}"
    instance.delete()
    register.event_record(
        actor=actor,
        subject=release,
        action=f"release.{model._meta.model_name}_deleted",
        summary=summary,
        reason=reason,
        changes={k: [v, None] for k, v in before.items()},
    )


# Glossary ---------------------------------------------------------------------------------


@transaction.atomic
def glossary_entry_save(*, actor, acronym, full_term, entry=None, reason=""):
    acronym = (acronym or "").strip()
    clash = GlossaryEntry.objects.filter(acronym=acronym)
    if entry is not None:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        raise ValidationError({"acronym": f"{acronym} is already in the glossary."})
    if entry is None:
        entry = GlossaryEntry(acronym=acronym, full_term=full_term)
        before = {"acronym": None, "full_term": None}
    else:
        entry = GlossaryEntry.objects.select_for_update().get(pk=entry.pk)
        before = _snapshot(entry, ["acronym", "full_term"])
        entry.acronym, entry.full_term = acronym, full_term
    _save(entry)
    changes = _diff(before, _snapshot(entry, ["acronym", "full_term"]))
    if changes:
        register.event_record(
            actor=actor,
            subject=entry,
            action="glossary.saved",
            summary=f"Glossary: {entry.acronym} = {entry.full_term}",
            reason=reason,
            changes=changes,
        )
    return entry


@transaction.atomic
def glossary_entry_delete(*, actor, entry, reason=""):
    summary = f"Glossary entry {entry.acronym} deleted"
    register.event_record(
        actor=actor,
        subject=entry,
        action="glossary.deleted",
        summary=summary,
        reason=reason,
        changes={"acronym": [entry.acronym, None], "full_term": [entry.full_term, None]},
    )
    entry.delete()


# RID versions ------------------------------------------------------------------------------
# (rid_issue_version and friends go here)

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
    from .models import RidVersion

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
    from .models import RidVersion

    if kind not in RidVersion.Kind.values:
        raise ValidationError({"kind": "Choose draft, issued or baseline."})
    last = _rid_latest_version(release)
    major, minor = (last.major, last.minor) if last else (0, 0)
    if kind == RidVersion.Kind.DRAFT:
        return f"{major}.{minor + 1}"
    return f"{major + 1}.0"


def _reference_key(reference):
    from modifications.references import ReferenceError, parse_modification_reference

    try:
        parsed = parse_modification_reference(reference)
    except ReferenceError:
        return (10**9, "", reference)
    return (parsed.number, parsed.suffix, reference)


def _rid_events_since(release, since, until=None):
    """(clause kind, reference) pairs, in the order they happened (recorded after `since` and up
    to `until`), from the activity trail of the release and the decisions on the modifications
    now in its scope."""
    from django.contrib.contenttypes.models import ContentType

    from modifications.models import Event

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
    happened = []
    for event in [*scope_events, *decision_events]:
        reference = event.data.get("reference", "")
        if not reference:
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
    from .rid import join_words

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
    import hashlib

    from . import pdf
    from .models import RidVersion
    from .rid import build_rid

    release = Release.objects.select_for_update().get(pk=release.pk)
    errors = {}
    if kind not in RidVersion.Kind.values:
        errors["kind"] = (
            "Choose whether this is a draft for the Panel, an issued version or a baseline."
        )
    changes = (changes or "").strip()
    if not changes:
        errors["changes"] = "Say what changed in this version; it goes in the document history."
    if date is None:
        errors["date"] = "Enter the date of the document."
    if kind == RidVersion.Kind.BASELINE:
        if baseline_scope not in RidVersion.Scope.values:
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
                "date": f"Version {last.major}.{last.minor} is dated {last.date:%-d %B %Y}; a "
                "new version cannot be dated before it."
            }
        )
    number = rid_next_number(release, kind)
    major, minor = (int(n) for n in number.split("."))
    rid = build_rid(release, version=number, version_date=date, changes=changes)
    pdf_bytes, rid = pdf.render_rid(rid)
    sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    version = RidVersion(
        release=release,
        major=major,
        minor=minor,
        kind=kind,
        baseline_scope=baseline_scope if kind == RidVersion.Kind.BASELINE else "",
        date=date,
        changes=changes,
        panel_decision=(panel_decision or "").strip(),
        panel_meeting_date=panel_meeting_date,
        content=rid.to_json(),
        pdf=pdf_bytes,
        pdf_sha256=sha256,
        issued_by=actor,
    )
    _save(version)
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


# Policy actions ----------------------------------------------------------------------------
# (scope_lapse and friends go here)


def _long_date(date):
    return f"{date.day} {date:%B %Y}"


@transaction.atomic
def scope_lapse(*, actor, item, lapsed_on, reason=""):
    """R7: a modification not approved by its decision cut-off lapses to its fall-back release
    (scope_move with fell_out=True) or, with no fall-back release recorded, falls out of scope.
    Either way the next RID version says it fell out of scope. Returns the new scope item in the
    fall-back release, or None."""
    from modifications import lifecycle

    if lapsed_on is None:
        raise ValidationError({"lapsed_on": "Enter the date it lapses."})
    item = (
        ScopeItem.objects.select_for_update(of=("self",))
        .select_related("release", "modification", "fall_back_release")
        .get(pk=item.pk)
    )
    modification = item.modification
    if item.state != ScopeState.IN_SCOPE:
        raise ValidationError(
            f"{modification.reference} is no longer in the scope of {item.release.name}."
        )
    cut_off = item.cut_off_date or modification.cut_off_date
    if cut_off is None or cut_off < item.added_on:
        raise ValidationError(
            f"{modification.reference} has no decision cut-off for {item.release.name}, so it "
            "cannot lapse: set a cut-off first."
        )
    if lapsed_on <= cut_off:
        raise ValidationError(
            {
                "lapsed_on": f"The decision cut-off for {modification.reference} is "
                f"{_long_date(cut_off)}: it can lapse only after that day."
            }
        )
    decisions = list(modification.decisions.order_by("date", "id"))
    status = lifecycle.status_on(decisions, lapsed_on, modification.status)
    if status in ("approved", "implemented"):
        raise ValidationError(
            f"{modification.reference} was approved by {_long_date(lapsed_on)}: it stays in the "
            f"scope of {item.release.name}."
        )
    fall_back = item.fall_back_release
    why = f"Not approved by its decision cut-off of {_long_date(cut_off)}"
    why += f": lapses to {fall_back.name}." if fall_back else ": falls out of scope."
    if (reason or "").strip():
        why += f" {reason.strip()}"
    if fall_back is None:
        scope_fall_out(actor=actor, item=item, fell_out_on=lapsed_on, reason=why)
        return None
    _old, new = scope_move(
        actor=actor, item=item, to_release=fall_back, moved_on=lapsed_on, reason=why, fell_out=True
    )
    if new.cut_off_date is not None and new.cut_off_date < lapsed_on:
        # The missed cut-off belonged to the release it fell out of.
        new = scope_item_update(
            actor=actor,
            item=new,
            cut_off_date=None,
            reason=f"The cut-off of {_long_date(cut_off)} applied to {item.release.name}.",
        )
    return new


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
        **_snapshot(section, PAPER_SECTION_FIELDS),
        "position": section.position,
        "targeted": sorted(m.reference for m in section.targeted.all()),
    }


def _paper_sections_save(paper, specs):
    """Make the paper's sections exactly `specs`, in that order; returns {label: change}."""
    from .models import UpdatePaperSection

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
        _save(section)
        if "targeted" in spec:
            section.targeted.set(spec["targeted"] or [])
        after = _paper_section_snapshot(section)
        if before is None:
            changes[f"section {label}"] = [None, "added"]
        else:
            for name, pair in _diff(before, after).items():
                changes[f"{label}: {name}"] = pair
    for key, section in existing.items():
        if key not in kept:
            label = str(section.release) if section.release_id else f"{section.year} SEC Releases"
            section.delete()
            changes[f"section {label}"] = ["present", None]
    return changes


def _paper_check_reference(reference, exclude_pk=None):
    from .models import UpdatePaper

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
    from .models import UpdatePaper

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
    _save(paper)
    section_changes = _paper_sections_save(paper, specs)
    register.event_record(
        actor=actor,
        subject=paper,
        action="paper.created",
        summary=f"OPSG paper {paper.reference} created (as of {_long_date(as_of)})",
        reason=reason,
        changes={
            **{k: [None, v] for k, v in _snapshot(paper, PAPER_FIELDS).items() if v},
            **section_changes,
        },
        effective_date=as_of,
    )
    return paper


@transaction.atomic
def paper_update(*, actor, paper, reason="", releases=None, years=None, sections=None, **fields):
    """Edit a paper: its own fields and, when `sections` (or `releases`/`years`) is given, the
    sections it holds, in that order (sections not named are removed)."""
    from .models import UpdatePaper

    paper = UpdatePaper.objects.select_for_update().get(pk=paper.pk)
    unknown = set(fields) - set(PAPER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown paper fields: {sorted(unknown)}")
    before = _snapshot(paper, PAPER_FIELDS)
    if "reference" in fields:
        fields["reference"] = _paper_check_reference(fields["reference"], exclude_pk=paper.pk)
    if "as_of" in fields and fields["as_of"] is None:
        raise ValidationError({"as_of": "Enter the date the paper is written as of."})
    for name, value in fields.items():
        setattr(paper, name, value)
    paper.updated_at = timezone.now()
    _save(paper)
    changes = _diff(before, _snapshot(paper, PAPER_FIELDS))
    if sections is not None or releases is not None or years is not None:
        specs = _paper_sections_spec(releases, years, sections)
        changes.update(_paper_sections_save(paper, specs))
    if changes:
        register.event_record(
            actor=actor,
            subject=paper,
            action="paper.updated",
            summary=f"OPSG paper {paper.reference} updated: {', '.join(sorted(changes))}"[:500],
            reason=reason,
            changes=changes,
        )
    return paper
