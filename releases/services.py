"""Every change to a release goes through these functions; each records an Event (who, when,
what, why) in the same transaction. Views, admin, commands and the demo loader all call them."""

from django.core.exceptions import ValidationError
from django.db import transaction

from modifications import lifecycle
from modifications import services as register
from modifications.models import IMPACT_FIELDS, DecisionKind, Event, Modification
from secrelease.text import long_date

from . import selectors
from .models import (
    AcceptanceCriterion,
    BaselineScope,
    Classification,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PanelBaseline,
    Participant,
    PartyImpact,
    Release,
    ReleaseDateChange,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
)
from .policy import rules

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
# The release field holding each baseline date, and its timeline row's kind.
BASELINE_FIELDS = {
    BaselineScope.SYSTEM: ("system_baseline_date", "system_baseline"),
    BaselineScope.FULL: ("full_baseline_date", "full_baseline"),
}


def _timeline_follow_baselines(release):
    """Make the release's baseline timeline rows follow its baseline dates (planned, or recorded
    by a PanelBaseline): a row is added for a date that has none, moved when its date differs,
    and removed when the date is cleared. Calendar feeds read these rows (same UID, new date)."""
    for field, kind in BASELINE_FIELDS.values():
        date = getattr(release, field)
        rows = TimelineEvent.objects.filter(release=release, kind=kind)
        if date is None:
            rows.delete()
        elif rows.exists():
            # Row by row (not queryset.update) so that the field history records the move.
            for row in rows.exclude(date=date):
                row.date = date
                row.save(update_fields=["date"])
        else:
            event, notes = DEFAULT_TIMELINE[kind]
            TimelineEvent.objects.create(
                release=release, date=date, event=event, notes=notes, kind=kind
            )


def _release_new(*, name, slug, go_live_date, fields):
    unknown = set(fields) - set(RELEASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown release fields: {sorted(unknown)}")
    release = Release(name=name, slug=slug, go_live_date=go_live_date, **fields)
    register.save_checked(release)
    PartyImpact.objects.bulk_create(
        [PartyImpact(release=release, participant=p) for p in Participant.values]
    )
    return release


def _release_dates(release):
    """{timeline kind: date} of the rows that follow the release's own dates."""
    return {
        "system_baseline": release.system_baseline_date,
        "full_baseline": release.full_baseline_date,
        "go_live": release.go_live_date,
    }


@transaction.atomic
def release_create(*, actor, name, slug, go_live_date, reason="", **fields):
    """Create a release with its five SEC Party impact rows and its standard timeline."""
    release = _release_new(name=name, slug=slug, go_live_date=go_live_date, fields=fields)
    _timeline_follow_baselines(release)
    event, notes = DEFAULT_TIMELINE["go_live"]
    TimelineEvent.objects.create(
        release=release, date=release.go_live_date, event=event, notes=notes, kind="go_live"
    )
    register.event_record(
        actor=actor,
        subject=release,
        action="release.created",
        summary=f"{release.name} created (go-live {long_date(release.go_live_date)})",
        reason=reason,
        changes=register.initial_values(release, RELEASE_FIELDS),
    )
    return release


# What a release copied from an earlier one takes over (the scope and the Panel's decisions
# never are: each release's scope is decided on its own).
COPIED_RELEASE_FIELDS = [
    "classification",
    "pit_required",
    "sit_required",
    "uit_required",
    "test_strategy_text",
    "user_testing_text",
    "secas_costs_note",
]


@transaction.atomic
def release_create_from(*, actor, source, name, slug, go_live_date, reason="", **fields):
    """Create a release starting from an earlier one (`source`, a Release): its timeline with
    every date shifted by the difference between the two go-live dates (the rows that follow the
    release's own baseline and go-live dates take the new release's dates when it has them), its
    test strategy, SECAS cost lines, acceptance criteria (numbered as they were) and DCC impact
    areas. Everything is editable afterwards. Fields given in `fields` win over the copied ones.

    Records one Event, "release.created_from", naming the source and what was copied.
    Raises ValidationError as release_create does (name or slug taken, baselines after go-live).
    """
    copied = {f: getattr(source, f) for f in COPIED_RELEASE_FIELDS if f not in fields}
    release = _release_new(
        name=name, slug=slug, go_live_date=go_live_date, fields={**copied, **fields}
    )
    shift = release.go_live_date - source.go_live_date
    own_dates = _release_dates(release)
    timeline = []
    for row in source.timeline.all():
        date = row.date + shift
        end_date = row.end_date + shift if row.end_date else None
        if own_dates.get(row.kind) and not row.end_date:
            date = own_dates[row.kind]
        timeline.append(
            TimelineEvent(
                release=release,
                date=date,
                end_date=end_date,
                event=row.event,
                notes=row.notes,
                kind=row.kind,
            )
        )
    TimelineEvent.objects.bulk_create(timeline)
    costs = SecasCostLine.objects.bulk_create(
        SecasCostLine(
            release=release,
            position=c.position,
            activity=c.activity,
            effort_days=c.effort_days,
            cost=c.cost,
            is_maximum=c.is_maximum,
        )
        for c in source.secas_costs.all()
    )
    criteria = AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(release=release, category=c.category, position=c.position, text=c.text)
        for c in source.acceptance_criteria.all()
    )
    dcc = DccImpact.objects.bulk_create(
        DccImpact(release=release, position=d.position, area=d.area, summary=d.summary)
        for d in source.dcc_impacts.all()
    )
    counts = {
        "timeline": len(timeline),
        "secas_costs": len(costs),
        "acceptance_criteria": len(criteria),
        "dcc_impacts": len(dcc),
    }
    days = shift.days
    register.event_record(
        actor=actor,
        subject=release,
        action="release.created_from",
        summary=(
            f"{release.name} created (go-live {long_date(release.go_live_date)}) from "
            f"{source.name}: {len(timeline)} timeline rows (dates moved {days:+d} days), test "
            f"strategy, {len(costs)} SECAS cost lines, {len(criteria)} acceptance criteria and "
            f"{len(dcc)} DCC impact areas copied"
        ),
        reason=reason,
        changes=register.initial_values(release, RELEASE_FIELDS),
        data={"source": source.slug, "shift_days": days, "copied": counts},
    )
    return release


@transaction.atomic
def release_update(
    *,
    actor,
    release,
    reason="",
    date_decision=None,
    edit_token=None,
    confirm_reclassification=False,
    **fields,
):
    """Edit a release. Moving the go-live date needs a recorded decision (R10):
    date_decision = {"decided_by": "authority"|"panel", "decision_date": date}. A stale
    edit_token (the release changed since the form was opened) is refused.
    Reclassifying a release that has issued RID versions needs confirm_reclassification=True:
    each version keeps the classification it was issued with (its stored content), and is public
    only while it was issued White and the release is White (releases.rid.views). The
    reclassification is recorded as its own Event ("release.reclassified")."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    register.check_unchanged(release, edit_token)
    unknown = set(fields) - set(RELEASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown release fields: {sorted(unknown)}")
    before = register.field_values(release, RELEASE_FIELDS)
    recorded = {b.scope: b for b in PanelBaseline.objects.filter(release=release)}
    for scope, (field, _kind) in BASELINE_FIELDS.items():
        if field in fields and fields[field] != getattr(release, field) and scope in recorded:
            raise ValidationError({field: _recorded_baseline_sentence(recorded[scope])})
    old_classification = release.classification
    new_classification = fields.get("classification", old_classification)
    issued = release.rid_versions.count() if new_classification != old_classification else 0
    if issued and not confirm_reclassification:
        raise ValidationError(
            {
                "confirm_reclassification": (
                    f"{release.name} has {issued} issued RID version{'s' if issued > 1 else ''}. "
                    "Tick the box to confirm the new classification: each version keeps the "
                    "classification it was issued with, and is public only if it was issued "
                    "White and the release is White."
                )
            }
        )
    old_go_live = release.go_live_date
    new_go_live = fields.get("go_live_date", old_go_live)
    if new_go_live != old_go_live:
        if not date_decision or not date_decision.get("decision_date"):
            raise ValidationError(
                {
                    "go_live_date": "Moving the go-live date needs a recorded decision: say "
                    "who decided (the Authority, or the Panel within its discretion) and when."
                }
            )
        if not reason.strip():
            raise ValidationError({"reason": "Say why the go-live date is moving."})

    def record_date_change(release):
        _timeline_follow_baselines(release)
        if release.go_live_date == old_go_live:
            return
        ReleaseDateChange.objects.create(
            release=release,
            old_date=old_go_live,
            new_date=release.go_live_date,
            decided_by=date_decision["decided_by"],
            decision_date=date_decision["decision_date"],
            reason=reason,
            recorded_by=actor,
        )
        # Row by row (not queryset.update) so that the field history records the move.
        for event in TimelineEvent.objects.filter(release=release, kind="go_live"):
            event.date = release.go_live_date
            event.save(update_fields=["date"])

    register.model_update(
        actor=actor,
        instance=release,
        fields=fields,
        tracked=RELEASE_FIELDS,
        before=before,
        after_save=record_date_change,
        action="release.updated",
        summary=lambda changes: f"{release.name} updated: {register.changed_names(changes)}",
        reason=reason,
    )
    if release.classification != old_classification:
        old_label = Classification(old_classification).label
        new_label = release.get_classification_display()
        register.event_record(
            actor=actor,
            subject=release,
            action="release.reclassified",
            summary=f"{release.name} reclassified from {old_label} to {new_label}"
            + (
                f"; issued RID versions ({issued}) keep the one they were issued with"
                if issued
                else ""
            ),
            reason=reason,
            changes={"classification": [old_classification, release.classification]},
            data={"issued_rid_versions": issued, "confirmed": bool(confirm_reclassification)},
        )
    return release


# Panel baselines ----------------------------------------------------------------------------


def _recorded_baseline_sentence(baseline):
    version = f" (RID version {baseline.rid_version.number})" if baseline.rid_version_id else ""
    return (
        f"The Panel baselined the {baseline.get_scope_display().lower()} on "
        f"{long_date(baseline.meeting_date)}{version}: that date is recorded and cannot be "
        "changed here."
    )


def panel_baseline_errors(*, release, scope, meeting_date, decision):
    """{field: sentence} for a Panel baseline that cannot be recorded (no scope, no meeting
    date, a meeting on or after go-live, no decision, or a scope already baselined); {} when it
    can."""
    errors = {}
    if scope not in BaselineScope.values:
        errors["baseline_scope"] = (
            "Say whether the Panel baselined the DCC System scope or the full scope."
        )
    if meeting_date is None:
        errors["panel_meeting_date"] = "Enter the date of the Panel meeting that baselined it."
    elif meeting_date >= release.go_live_date:
        errors["panel_meeting_date"] = (
            f"The Panel baseline must come before the go-live date "
            f"({long_date(release.go_live_date)})."
        )
    if not (decision or "").strip():
        errors["panel_decision"] = "Record the Panel decision that baselined this version."
    existing = PanelBaseline.objects.filter(release=release, scope=scope).first()
    if existing is not None:
        errors["baseline_scope"] = (
            f"The Panel already baselined the {existing.get_scope_display().lower()} of "
            f"{release.name} on {long_date(existing.meeting_date)}."
        )
    return errors


@transaction.atomic
def panel_baseline_record(
    *, actor, release, scope, meeting_date, decision, rid_version=None, rid_version_number=""
):
    """Record that the Panel baselined a scope of the release's RID at a meeting (domain.md
    section 13, rules 6 and 7). From then on the release's baseline date for that scope is the
    meeting date (no longer a plan), its timeline row and calendar entry move to it, and the
    policy checks (R1, R2) count the scope as baselined from that date.

    scope: "system" (DCC System scope) or "full"; meeting_date: the Panel meeting (a date before
    go-live); decision: the Panel's decision, as minuted; rid_version: the RidVersion it baselined,
    or None for a baseline whose RID is not kept here; rid_issue_version records the baseline
    just before it builds the version (rid_version_number, e.g. "2.0") and then ties the version
    to it, in the same transaction. Each scope is baselined once. Raises ValidationError with a
    sentence per field.
    """
    release = Release.objects.select_for_update().get(pk=release.pk)
    decision = (decision or "").strip()
    errors = panel_baseline_errors(
        release=release, scope=scope, meeting_date=meeting_date, decision=decision
    )
    if errors:
        raise ValidationError(errors)
    baseline = PanelBaseline(
        release=release,
        scope=scope,
        meeting_date=meeting_date,
        decision=decision,
        rid_version=rid_version,
        recorded_by=actor,
    )
    register.save_checked(baseline)
    field, _kind = BASELINE_FIELDS[scope]
    planned = getattr(release, field)
    if planned != meeting_date:
        setattr(release, field, meeting_date)
        release.save(update_fields=[field])
    _timeline_follow_baselines(release)
    scope_label = baseline.get_scope_display()
    number = rid_version.number if rid_version else rid_version_number
    register.event_record(
        actor=actor,
        subject=release,
        action="release.baselined",
        summary=f"{scope_label} of {release.name} baselined by the Panel on "
        f"{long_date(meeting_date)}" + (f" (RID version {number})" if number else ""),
        reason=decision,
        effective_date=meeting_date,
        changes={field: [planned.isoformat() if planned else None, meeting_date.isoformat()]},
        data={
            "scope": scope,
            "panel_baseline": baseline.pk,
            "rid_version": number or None,
            "planned": planned.isoformat() if planned else None,
        },
    )
    return baseline


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
    allowed: the Panel can choose to add further modifications, and `exception_reason` must then
    say which decision admitted it (ValidationError next to exception_reason otherwise).
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the modification joins the scope."})
    exception_reason = (exception_reason or "").strip()
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
    late = rules.is_late_addition(
        release.go_live_date, added_on, impacts_dcc_systems=modification.impacts_dcc_systems
    )
    if late and not exception_reason:
        deadline = rules.scope_deadline(
            release.go_live_date, impacts_dcc_systems=modification.impacts_dcc_systems
        )
        raise ValidationError(
            {
                "exception_reason": f"{modification.reference} joins after the scope deadline "
                f"of {long_date(deadline)}, so it is an exception (R4): record the Panel "
                "decision that admits it, e.g. 'Added by the Panel on 15 January 2021 as an "
                "exception: necessary to implement alongside MP106'."
            }
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
    register.save_checked(item)
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


@transaction.atomic
def scope_add_many(
    *,
    actor,
    release,
    modifications=(),
    new_modifications=(),
    added_on,
    reason,
    exception_reason="",
):
    """Put several modifications in a release's scope at once, with one reason and one date.

    modifications: Modification rows already in the register. new_modifications: dicts of
    {"reference", "title", "rid_summary"} (plus any other register field) for references not in
    the register yet: each is added to the register first (modification_create, its own Event),
    then to the scope. Every addition records its own "scope.added" Event (scope_add), so each
    can be traced and undone. `exception_reason` is the Panel decision that admits the ones
    joining after their scope deadline (R4); it is recorded on those only, and is needed when
    any is late. All or nothing: a ValidationError names the reference at fault
    ({"references": [...]} or {"exception_reason": ...}) and nothing is saved. Returns the new
    scope items in register order.
    """
    exception_reason = (exception_reason or "").strip()
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the modifications join the scope."})
    wanted = list(modifications)
    errors = []
    for data in new_modifications:
        data = dict(data)
        reference = data.pop("reference")
        try:
            wanted.append(
                register.modification_create(
                    actor=actor,
                    reference=reference,
                    reason=f"Added to the register to join {release.name}: {reason}",
                    **data,
                )
            )
        except ValidationError as exc:
            for message in exc.messages:
                errors.append(f"{reference}: {message}")
    if not wanted and not errors:
        raise ValidationError({"references": "Choose or type at least one modification."})
    items = []
    late_ones = []
    seen = set()
    for modification in wanted:
        if modification.pk in seen:
            continue
        seen.add(modification.pk)
        late = rules.is_late_addition(
            release.go_live_date, added_on, impacts_dcc_systems=modification.impacts_dcc_systems
        )
        if late and not exception_reason:
            late_ones.append(modification.reference)
            continue
        try:
            items.append(
                scope_add(
                    actor=actor,
                    release=release,
                    modification=modification,
                    added_on=added_on,
                    reason=reason,
                    exception_reason=exception_reason if late else "",
                )
            )
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError({"references": errors})
    if late_ones:
        raise ValidationError(
            {
                "exception_reason": f"After the scope deadline: {', '.join(late_ones)}. Late "
                "additions are exceptions (R4): record the Panel decision that admits them."
            }
        )
    return sorted(items, key=lambda i: (i.modification.number, i.modification.suffix))


@transaction.atomic
def scope_item_delete(*, actor, item, reason):
    """Undo a scope addition made in error: delete the scope item outright. Allowed only while
    no issued RID version lists it (after that it can only fall out or be removed, so that the
    RID's history stays true). The Event of the addition stays; a "scope.deleted" Event records
    who undid it, when and why. Raises ValidationError otherwise."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the addition is undone."})
    item = (
        ScopeItem.objects.select_for_update(of=("self",))
        .select_related("release", "modification")
        .get(pk=item.pk)
    )
    if item.state != ScopeState.IN_SCOPE:
        raise ValidationError(
            f"{item.modification.reference} has already left the scope of {item.release.name}."
        )
    versions = sorted(
        set(
            selectors.issued_scope(item.release_id).get(
                (item.modification.reference, item.part_label or ""), []
            )
        )
    )
    if versions:
        raise ValidationError(
            f"{item.modification.reference} is listed in issued RID version "
            f"{', '.join(versions)} of {item.release.name}: it cannot be deleted, only removed "
            "or marked as fallen out."
        )
    summary = _scope_summary(item, "deleted (added in error) from the scope of")
    data = {
        "reference": item.modification.reference,
        "scope_item": item.pk,
        "part_label": item.part_label,
        "added_on": item.added_on.isoformat(),
    }
    register.event_record(
        actor=actor,
        subject=item.release,
        modification=item.modification,
        action="scope.deleted",
        summary=summary,
        reason=reason,
        data=data,
    )
    item.delete()


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
                "removed_on": f"It joined the scope on {long_date(item.added_on)}; it cannot leave "
                "before that."
            }
        )
    item.state = state
    item.removed_on = on
    item.removal_reason = reason
    register.save_checked(item)
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
    moved_reason = f"Moved from {old.release.name}: {reason}"
    exception_reason = old.exception_reason
    late = rules.is_late_addition(
        to_release.go_live_date,
        moved_on,
        impacts_dcc_systems=old.modification.impacts_dcc_systems,
    )
    if late and not exception_reason:
        # Moving (or lapsing to a fall-back release, R7) is what admits it after the deadline.
        exception_reason = moved_reason
    new = scope_add(
        actor=actor,
        release=to_release,
        modification=old.modification,
        added_on=moved_on,
        reason=moved_reason,
        part_label=old.part_label,
        exception_reason=exception_reason,
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
    "rid_summary",
    "own_impacts",
    *IMPACT_FIELDS,
]


@transaction.atomic
def scope_item_update(*, actor, item, reason="", sec_documents=None, edit_token=None, **fields):
    """Edit a scope item: its part label, cut-off, fall-back, exception reason, OPSG status
    sentence, and for a part of a modification its own RID summary and impacts (own_impacts on:
    the impact fields and `sec_documents`, an iterable of SECDocument, replace the
    modification's in the RID); a stale edit_token is refused."""
    item = (
        ScopeItem.objects.select_for_update()
        .select_related("release", "modification")
        .get(pk=item.pk)
    )
    unknown = set(fields) - set(SCOPE_ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown scope item fields: {sorted(unknown)}")
    if "exception_reason" in fields:
        fields["exception_reason"] = (fields["exception_reason"] or "").strip()
        if item.added_after_deadline and not fields["exception_reason"]:
            raise ValidationError(
                {
                    "exception_reason": f"{item.modification.reference} joined after the scope "
                    "deadline: keep the Panel decision that admitted it as an exception (R4)."
                }
            )
    register.model_update(
        actor=actor,
        instance=item,
        fields=fields,
        tracked=[*SCOPE_ITEM_FIELDS, "sec_documents"],
        after_save=(lambda i: i.sec_documents.set(sec_documents))
        if sec_documents is not None
        else None,
        expected_token=edit_token,
        action="scope.updated",
        summary=lambda changes: (
            f"{item.modification.reference} in {item.release.name} "
            f"updated: {register.changed_names(changes)}"
        ),
        reason=reason,
        subject=item.release,
        modification=item.modification,
        data={"reference": item.modification.reference, "scope_item": item.pk},
    )
    return item


def _check_implemented_after_go_live(modification, kind, date):
    """ "Implemented at release go-live" cannot be dated before the go-live of the release it is
    implemented in: the earliest release whose scope it is in. A modification in no release
    scope (an Authority-led variation outside a release, domain.md 4.4) is not checked."""
    if kind != DecisionKind.IMPLEMENT or date is None:
        return
    item = (
        ScopeItem.objects.filter(modification=modification, state=ScopeState.IN_SCOPE)
        .select_related("release")
        .order_by("release__go_live_date", "release__name")
        .first()
    )
    if item is not None and date < item.release.go_live_date:
        release = item.release
        raise ValidationError(
            {
                "date": f"{modification.reference} is implemented with the {release.name}, "
                f"which goes live on {long_date(release.go_live_date)}: record it as "
                "implemented on that date or later."
            }
        )


@transaction.atomic
def decision_record(*, actor, modification, kind, date, notes=""):
    """Record a decision on a modification (modifications.services.modification_decide checks
    it against the lifecycle); "Implemented" cannot be dated before the go-live of its release.
    A rejection or withdrawal takes it out of every release scope it is in, with the decision as
    the recorded reason. Returns the Decision. Raises ValidationError (next to kind or date)."""
    _check_implemented_after_go_live(modification, kind, date)
    decision, transition = register.modification_decide(
        actor=actor, modification=modification, kind=kind, date=date, notes=notes
    )
    if transition.removes_from_scope:
        reason = (
            f"{decision.get_body_display()}: {decision.get_kind_display()} on "
            f"{long_date(date)}" + (f". {notes}" if notes else "")
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
                extra={
                    "decision": kind,
                    "decision_id": decision.pk,
                    "to_status": decision.to_status,
                },
            )
    return decision


class DecisionStepRefused(ValidationError):
    """One step of a path of decisions (decisions_record) was refused: `index` is its position
    (0 for the first step); the error is the step's own (next to kind or date)."""

    def __init__(self, index, error):
        super().__init__(error)
        self.index = index


@transaction.atomic
def decisions_record(*, actor, modification, steps):
    """Record a modification's path to a decision in one go, e.g. the Panel's conversion, the
    Change Board's vote and its approval: `steps` is a list of {"kind", "date", "notes"} in the
    order the decisions were taken. Each step goes through decision_record, so the lifecycle
    checks it from the status the step before it left (and dates must not go backwards).

    All or nothing: the first refused step raises DecisionStepRefused (its index and error)
    and nothing is recorded. Returns the list of Decisions.
    """
    if not steps:
        raise ValidationError("Enter at least one decision.")
    decisions = []
    for index, step in enumerate(steps):
        try:
            decisions.append(
                decision_record(
                    actor=actor,
                    modification=modification,
                    kind=step["kind"],
                    date=step["date"],
                    notes=step.get("notes", ""),
                )
            )
        except ValidationError as exc:
            raise DecisionStepRefused(index, exc) from exc
    return decisions


def _scope_items_removed_by(decision):
    """Pks of the scope items a (rejection or withdrawal) decision took out, from the activity
    trail: its "scope.removed" Events name the decision (older ones only its kind, recorded in
    the same transaction, so no earlier than the decision)."""
    removals = Event.objects.filter(
        modification_id=decision.modification_id, action="scope.removed"
    )
    named = removals.filter(data__decision_id=decision.pk)
    older = removals.filter(
        data__decision=decision.kind,
        data__decision_id__isnull=True,
        at__gte=decision.recorded_at,
    )
    return {e.data["scope_item"] for e in [*named, *older] if e.data.get("scope_item")}


@transaction.atomic
def decision_correct(*, actor, decision, reason):
    """Correct a decision recorded in error (modifications.services.modification_decision_correct:
    the Decision is marked corrected, never deleted; the modification's status and reference go
    back to where it stood before it). A corrected rejection or withdrawal also puts the
    modification back in the release scopes that decision took it out of ("scope.restored"
    Events with the same reason).

    Returns (decision, restored, not_restored): the scope items put back, and those that could
    not be (the same part is in that scope again), which the analyst must look at.
    Raises ValidationError (reason missing, not the latest standing decision, already corrected).
    """
    decision = register.modification_decision_correct(actor=actor, decision=decision, reason=reason)
    restored, not_restored = [], []
    if not lifecycle.TRANSITIONS[decision.kind].removes_from_scope:
        return decision, restored, not_restored
    what = f"{decision.get_kind_display()} of {long_date(decision.date)}"
    items = (
        ScopeItem.objects.select_for_update(of=("self",))
        .select_related("release", "modification")
        .filter(pk__in=_scope_items_removed_by(decision), state=ScopeState.REMOVED)
        .order_by("release__go_live_date", "part_label")
    )
    for item in items:
        if ScopeItem.objects.filter(
            release=item.release,
            modification=item.modification,
            part_label=item.part_label,
            state=ScopeState.IN_SCOPE,
        ).exists():
            not_restored.append(item)
            continue
        register.model_update(
            actor=actor,
            instance=item,
            fields={"state": ScopeState.IN_SCOPE, "removed_on": None, "removal_reason": ""},
            tracked=["state", "removed_on", "removal_reason"],
            action="scope.restored",
            summary=_scope_summary(item, "back in the scope of")
            + f": the {what} was recorded in error",
            reason=decision.correction_reason,
            subject=item.release,
            modification=item.modification,
            data={
                "reference": item.modification.reference,
                "scope_item": item.pk,
                "decision_id": decision.pk,
            },
        )
        restored.append(item)
    return decision, restored, not_restored


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
    TimelineEvent: ("timeline event", ["date", "end_date", "event", "notes", "kind"]),
    SecasCostLine: (
        "SECAS cost line",
        ["position", "activity", "effort_days", "cost", "is_maximum"],
    ),
    AcceptanceCriterion: ("acceptance criterion", ["category", "position", "text"]),
}


def _timeline_row_check(release, instance, fields):
    """A baseline row of the timeline follows the release's baseline date: its date is changed
    on the release (or by the Panel's record), never on the row."""
    kind = fields.get("kind", instance.kind)
    date = fields.get("date", instance.date)
    for scope, (field, row_kind) in BASELINE_FIELDS.items():
        if kind != row_kind:
            continue
        expected = getattr(release, field)
        if expected is None:
            raise ValidationError(
                {
                    "date": f"Give {release.name} a planned date for the "
                    f"{BaselineScope(scope).label.lower()} baseline instead: this row follows it."
                }
            )
        if date != expected:
            raise ValidationError(
                {
                    "date": f"This row follows the release's "
                    f"{BaselineScope(scope).label.lower()} baseline date "
                    f"({long_date(expected)}): change that date on the release."
                }
            )


@transaction.atomic
def release_part_save(
    *, actor, release, model, instance=None, reason="", edit_token=None, **fields
):
    """Create (instance=None) or edit one row of a release's impacts, timeline, costs or
    acceptance criteria, recording what changed. Editing with a stale edit_token is refused."""
    label, tracked = RELEASE_PARTS[model]
    unknown = set(fields) - set(tracked)
    if unknown:
        raise TypeError(f"Unknown {label} fields: {sorted(unknown)}")
    if instance is None:
        instance = model(release=release)
        before = dict.fromkeys(tracked)
        verb = "added"
        if model in POSITIONED_PARTS:
            # New rows go last; criteria are numbered by their position (RID section 6).
            fields["position"] = _next_position(release, model, fields.get("category"))
    else:
        if instance.release_id != release.pk:
            raise ValidationError(f"That {label} belongs to another release.")
        instance = model.objects.select_for_update().get(pk=instance.pk)
        before = None
        verb = "updated"
    if model is TimelineEvent:
        _timeline_row_check(release, instance, fields)
    register.model_update(
        actor=actor,
        instance=instance,
        fields=fields,
        tracked=tracked,
        before=before,
        expected_token=edit_token,
        action=f"release.{model._meta.model_name}_{verb}",
        summary=lambda _changes: f"{label[0].upper()}{label[1:]} {verb}: {instance}",
        reason=reason,
        subject=release,
    )
    return instance


POSITIONED_PARTS = (DccImpact, SecasCostLine, AcceptanceCriterion)


def _siblings(release, model, instance=None, category=None):
    rows = model.objects.filter(release=release)
    if model is AcceptanceCriterion:
        rows = rows.filter(
            category=category or getattr(instance, "category", None) or "operational"
        )
    return rows


def _next_position(release, model, category=None):
    top = _siblings(release, model, category=category).order_by("-position").first()
    return (top.position if top else 0) + 1


def _renumber(release, model, category=None):
    """Close gaps: positions 1, 2, 3... in the current order (one row at a time, so that the
    unique position of criteria holds after every statement)."""
    for number, row in enumerate(
        _siblings(release, model, category=category).order_by("position", "id"), start=1
    ):
        if row.position != number:
            model.objects.filter(pk=row.pk).update(position=number)


@transaction.atomic
def release_part_move(*, actor, release, instance, direction, reason=""):
    """Move a DCC impact, SECAS cost line or acceptance criterion one place up or down
    (direction "up" or "down"); criteria are renumbered with it. Records one Event. Raises
    ValidationError at the top or bottom of the list."""
    model = type(instance)
    if model not in POSITIONED_PARTS:
        raise ValidationError("Only DCC impacts, SECAS cost lines and criteria can be reordered.")
    label, _tracked = RELEASE_PARTS[model]
    if instance.release_id != release.pk:
        raise ValidationError(f"That {label} belongs to another release.")
    _renumber(release, model, getattr(instance, "category", None))
    rows = list(_siblings(release, model, instance).select_for_update().order_by("position", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == instance.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(rows):
        raise ValidationError(
            f"That {label} is already {'first' if direction == 'up' else 'last'}."
        )
    a, b = rows[index], rows[other]
    a_pos, b_pos = a.position, b.position
    model.objects.filter(pk=a.pk).update(position=0)
    model.objects.filter(pk=b.pk).update(position=a_pos)
    model.objects.filter(pk=a.pk).update(position=b_pos)
    register.event_record(
        actor=actor,
        subject=release,
        action=f"release.{model._meta.model_name}_moved",
        summary=f"{label[0].upper()}{label[1:]} moved {direction} to place {b_pos}: {a}",
        reason=reason,
        changes={"position": [a_pos, b_pos]},
    )


@transaction.atomic
def release_part_delete(*, actor, release, instance, reason=""):
    model = type(instance)
    label, tracked = RELEASE_PARTS[model]
    if model is PartyImpact:
        raise ValidationError("The five SEC Party impact rows are fixed; clear the text instead.")
    if instance.release_id != release.pk:
        raise ValidationError(f"That {label} belongs to another release.")
    if model is TimelineEvent and any(
        instance.kind == kind and getattr(release, field)
        for field, kind in BASELINE_FIELDS.values()
    ):
        raise ValidationError(
            "This row follows the release's Panel baseline date: clear the planned date on the "
            "release instead."
        )
    before = register.field_values(instance, tracked)
    summary = f"{label[0].upper()}{label[1:]} deleted: {instance}"
    instance.delete()
    if model in POSITIONED_PARTS:
        _renumber(release, model, getattr(instance, "category", None))
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
def glossary_entry_save(*, actor, acronym, full_term, entry=None, reason="", edit_token=None):
    """Add (entry=None) or edit a glossary entry; editing with a stale edit_token is refused."""
    acronym = (acronym or "").strip()
    clash = GlossaryEntry.objects.filter(acronym=acronym)
    if entry is not None:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        raise ValidationError({"acronym": f"{acronym} is already in the glossary."})
    if entry is None:
        entry = GlossaryEntry()
        before = {"acronym": None, "full_term": None}
    else:
        entry = GlossaryEntry.objects.select_for_update().get(pk=entry.pk)
        before = None
    register.model_update(
        actor=actor,
        instance=entry,
        fields={"acronym": acronym, "full_term": full_term},
        tracked=["acronym", "full_term"],
        before=before,
        expected_token=edit_token,
        action="glossary.saved",
        summary=lambda _changes: f"Glossary: {entry.acronym} = {entry.full_term}",
        reason=reason,
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


# Policy actions ----------------------------------------------------------------------------
# (scope_lapse and friends go here)


@transaction.atomic
def scope_lapse(*, actor, item, lapsed_on, reason=""):
    """R7: a modification not approved by its decision cut-off lapses to its fall-back release
    (scope_move with fell_out=True) or, with no fall-back release recorded, falls out of scope.
    Either way the next RID version says it fell out of scope. Returns the new scope item in the
    fall-back release, or None."""
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
                f"{long_date(cut_off)}: it can lapse only after that day."
            }
        )
    decisions = list(modification.decisions.standing().order_by("date", "id"))
    status = lifecycle.status_on(decisions, lapsed_on, modification.status)
    if status in ("approved", "implemented"):
        raise ValidationError(
            f"{modification.reference} was approved by {long_date(lapsed_on)}: it stays in the "
            f"scope of {item.release.name}."
        )
    fall_back = item.fall_back_release
    why = f"Not approved by its decision cut-off of {long_date(cut_off)}"
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
            reason=f"The cut-off of {long_date(cut_off)} applied to {item.release.name}.",
        )
    return new
