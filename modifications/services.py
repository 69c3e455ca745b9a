"""Every change to the register goes through these functions. Each one validates, writes, and
records an Event (who, when, what, why) in the same transaction."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from secrelease.text import long_date, quoted_label

from . import lifecycle
from .models import ChangeRequest, Decision, Event, FormerReference, Modification
from .references import (
    ReferenceError,
    normalise_change_request_reference,
    parse_modification_reference,
)


def event_record(
    *,
    actor,
    subject,
    action,
    summary,
    reason="",
    changes=None,
    data=None,
    effective_date=None,
    modification=None,
):
    """Append one entry to the activity trail. Called by services only."""
    return Event.objects.create(
        actor=actor,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        action=action,
        summary=summary[:500],
        reason=reason or "",
        changes=changes or {},
        data=data or {},
        effective_date=effective_date,
        modification=modification,
    )


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "all"):  # a related manager
        return sorted(str(v) for v in value.all())
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def field_values(instance, fields):
    """{field name: JSON-able value} of a model instance (dates as ISO strings, Decimals and
    related objects as strings, related managers as sorted lists of strings): what an Event
    stores as "changes"."""
    return {f: _jsonable(getattr(instance, f)) for f in fields}


def field_changes(before, after):
    """{field: [old, new]} for each field of `after` whose value differs from `before`
    (both dicts from field_values)."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def initial_values(instance, fields):
    """{field: [None, value]} for each field of a new row that holds something (not None, "",
    False, 0 or empty): the "changes" of a creation Event."""
    return {k: [None, v] for k, v in field_values(instance, fields).items() if v}


def save_checked(instance, *, validate_unique=True):
    """full_clean() then save(); a constraint the database still refuses (a race between two
    requests) becomes a ValidationError instead of a 500. Raises ValidationError."""
    instance.full_clean(validate_unique=validate_unique)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(f"This change was refused by the database: {exc}") from exc


def model_update(
    *,
    actor,
    instance,
    fields,
    tracked,
    action,
    summary,
    reason="",
    before=None,
    validate_unique=True,
    after_save=None,
    **event,
):
    """Set `fields` ({name: value}) on `instance`, validate and save it, and record one Event
    with the field diff over `tracked` (a list of field names) when anything changed: the one
    way both apps update a row and leave its trace (HackSoft styleguide's model_update).

    - before: the field_values taken earlier (a new row: dict.fromkeys(tracked)); default now.
    - summary: a string, or a function of the changes dict returning one.
    - after_save: a function called with the saved instance before the diff is taken (to set
      many-to-many rows, for example).
    - event: the other event_record arguments (subject defaults to the instance, data,
      modification, effective_date).
    Returns the changes dict ({} when nothing changed, and then no Event is recorded).
    Raises ValidationError (field errors from full_clean, or a refused constraint).
    """
    if before is None:
        before = field_values(instance, tracked)
    for name, value in fields.items():
        setattr(instance, name, value)
    if hasattr(instance, "updated_at") and instance.pk is not None:
        instance.updated_at = timezone.now()
    save_checked(instance, validate_unique=validate_unique)
    if after_save is not None:
        after_save(instance)
    changes = field_changes(before, field_values(instance, tracked))
    if changes:
        event.setdefault("subject", instance)
        event_record(
            actor=actor,
            action=action,
            summary=summary(changes) if callable(summary) else summary,
            reason=reason,
            changes=changes,
            **event,
        )
    return changes


def changed_names(changes):
    """ "a, b, c": the sorted field names of a changes dict, for an Event summary."""
    return ", ".join(sorted(changes))


MODIFICATION_FIELDS = [
    "title",
    "rid_summary",
    "path",
    "status",
    "impacts_dcc_systems",
    "duis_impact",
    "duis_footnote",
    "gbcs_impact",
    "gbcs_footnote",
    "ch_firmware_impact",
    "ch_firmware_footnote",
    "impacts_suppliers",
    "impacts_electricity_networks",
    "impacts_gas_networks",
    "impacts_other_sec_parties",
    "impacts_dcc",
    "date_raised",
    "panel_date",
    "change_board_date",
    "authority_decision_date",
    "cut_off_date",
    "recommend_direct_to_report",
    "web_url",
    "proposer",
    "lead_analyst",
]
EDITABLE_FIELDS = [f for f in MODIFICATION_FIELDS if f != "status"]


def _check_reference_free(reference, *, exclude_pk=None):
    taken = Modification.objects.filter(reference=reference).exclude(pk=exclude_pk).exists()
    former = FormerReference.objects.filter(reference=reference).exclude(modification_id=exclude_pk)
    if taken or former.exists():
        raise ValidationError({"reference": f"{reference} is already in the register."})


@transaction.atomic
def modification_create(*, actor, reference, sec_documents=(), reason="", **fields):
    """Add a modification to the register. `reference` is normalised (mp 106 -> MP106)."""
    try:
        parsed = parse_modification_reference(reference)
    except ReferenceError as exc:
        raise ValidationError({"reference": str(exc)}) from exc
    unknown = set(fields) - set(MODIFICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown modification fields: {sorted(unknown)}")
    normalised = str(parsed)
    _check_reference_free(normalised)
    modification = Modification(
        reference=normalised, number=parsed.number, suffix=parsed.suffix, **fields
    )
    modification.full_clean(validate_unique=False)
    modification.save()
    modification.sec_documents.set(sec_documents)
    event_record(
        actor=actor,
        subject=modification,
        action="modification.created",
        summary=f"{normalised} added to the register",
        reason=reason,
        changes=initial_values(modification, [*MODIFICATION_FIELDS, "sec_documents"]),
        data={"reference": normalised},
    )
    return modification


@transaction.atomic
def modification_update(*, actor, modification, reason="", sec_documents=None, **fields):
    """Edit a modification's register fields (not its status: decisions move the status)."""
    modification = Modification.objects.select_for_update().get(pk=modification.pk)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"These fields cannot be edited here: {sorted(unknown)}")
    model_update(
        actor=actor,
        instance=modification,
        fields=fields,
        tracked=[*EDITABLE_FIELDS, "sec_documents"],
        validate_unique=False,
        after_save=(lambda m: m.sec_documents.set(sec_documents))
        if sec_documents is not None
        else None,
        action="modification.updated",
        summary=lambda changes: f"{modification.reference} updated: {changed_names(changes)}",
        reason=reason,
        data={"reference": modification.reference},
    )
    return modification


@transaction.atomic
def modification_decide(*, actor, modification, kind, date, notes=""):
    """Record a dated decision and move the modification along the lifecycle (domain.md 4.3).

    Refuses, with a sentence for the analyst, any transition the lifecycle does not allow.
    Converting a Draft Proposal keeps its number: DP153 becomes MP153 and DP153 stays findable.
    Returns (decision, transition). Scope consequences (a rejection or withdrawal leaving every
    release scope) are the caller's: see releases.services.decision_record.
    """
    modification = Modification.objects.select_for_update().get(pk=modification.pk)
    refusal = lifecycle.refusal_reason(modification, kind)
    if refusal:
        raise ValidationError({"kind": refusal})
    if date is None:
        raise ValidationError({"date": "Enter the date of the decision."})
    last = modification.decisions.order_by("-date", "-id").first()
    if last and date < last.date:
        raise ValidationError(
            {
                "date": f"The last decision on {modification.reference} was on "
                f"{long_date(last.date)}; a later decision cannot be dated before it."
            }
        )
    transition = lifecycle.TRANSITIONS[kind]
    reference_before = modification.reference
    from_status = modification.status
    if transition.converts_to_mp and modification.is_draft_proposal:
        new_reference = str(
            parse_modification_reference(reference_before).as_modification_proposal()
        )
        _check_reference_free(new_reference, exclude_pk=modification.pk)
        FormerReference.objects.create(
            modification=modification, reference=reference_before, until=date
        )
        modification.reference = new_reference
    modification.status = transition.to_status
    modification.updated_at = timezone.now()
    modification.save()
    decision = Decision.objects.create(
        modification=modification,
        kind=kind,
        body=transition.body,
        date=date,
        from_status=from_status,
        to_status=transition.to_status,
        reference_before=reference_before,
        reference_after=modification.reference,
        notes=notes,
        recorded_by=actor,
    )
    changes = {"status": [from_status, modification.status]}
    if reference_before != modification.reference:
        changes["reference"] = [reference_before, modification.reference]
    event_record(
        actor=actor,
        subject=modification,
        action=f"decision.{kind}",
        summary=f"{decision.get_body_display()}: {decision.get_kind_display()} "
        f"({reference_before}, {long_date(date)})",
        reason=notes,
        changes=changes,
        data={
            "reference": modification.reference,
            "reference_before": reference_before,
            "kind": kind,
            "decision_id": decision.pk,
        },
        effective_date=date,
    )
    return decision, transition


CHANGE_REQUEST_FIELDS = ["title", "category"]


@transaction.atomic
def change_request_create(*, actor, reference, title, category="", reason=""):
    try:
        normalised = normalise_change_request_reference(reference)
    except ReferenceError as exc:
        raise ValidationError({"reference": str(exc)}) from exc
    if normalised != "CRTBC" and ChangeRequest.objects.filter(reference=normalised).exists():
        raise ValidationError({"reference": f"{normalised} is already in the register."})
    change_request = ChangeRequest(reference=normalised, title=title, category=category)
    change_request.full_clean(validate_unique=False)
    change_request.save()
    event_record(
        actor=actor,
        subject=change_request,
        action="change_request.created",
        summary=f"{quoted_label(normalised, title)} added to the register",
        reason=reason,
        data={"reference": normalised},
    )
    return change_request


@transaction.atomic
def change_request_update(*, actor, change_request, reason="", reference=None, **fields):
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    tracked = ["reference", *CHANGE_REQUEST_FIELDS]
    before = field_values(change_request, tracked)
    if reference is not None:
        try:
            normalised = normalise_change_request_reference(reference)
        except ReferenceError as exc:
            raise ValidationError({"reference": str(exc)}) from exc
        clash = ChangeRequest.objects.filter(reference=normalised).exclude(pk=change_request.pk)
        if normalised != "CRTBC" and clash.exists():
            raise ValidationError({"reference": f"{normalised} is already in the register."})
        change_request.reference = normalised
    unknown = set(fields) - set(CHANGE_REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown change request fields: {sorted(unknown)}")
    model_update(
        actor=actor,
        instance=change_request,
        fields=fields,
        tracked=tracked,
        before=before,
        validate_unique=False,
        action="change_request.updated",
        summary=lambda changes: f"{change_request.reference} updated: {changed_names(changes)}",
        reason=reason,
    )
    return change_request
