"""Every change to the register goes through these functions. Each one validates, writes, and
records an Event (who, when, what, why) in the same transaction."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from secrelease.edits import check_edit_token
from secrelease.text import long_date, person_name, quoted_label
from secrelease.validators import validate_plausible_date

from . import catalogue, lifecycle
from .models import (
    IMPACT_FIELDS,
    ChangeRequest,
    Decision,
    Event,
    FormerReference,
    Modification,
    Revision,
    SECDocument,
    SECDocumentKind,
)
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
    """Append one entry to the activity trail. Called by services only. Once the transaction
    commits, the register revision goes up (revision_bump)."""
    transaction.on_commit(revision_bump, robust=True)
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


def revision_bump():
    """Raise the register revision by one (modifications.models.Revision), in a statement of its
    own after the change committed: pages cached under the old revision are not read again.

    After the commit, not inside the change's transaction: taken there, the row lock would be
    held until the commit and could deadlock two services that lock rows in another order.
    A page read between the commit and the bump is at least as new as its key says (the
    revision is read before the data), so it is never stale. A change that does not go through
    event_record (a data migration, a bulk load) calls this itself."""
    if not Revision.objects.filter(pk=1).update(number=F("number") + 1):
        Revision.objects.get_or_create(pk=1, defaults={"number": 1})


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


def row_key(instance):
    """ "releases.timelineevent:12": names the row an Event changed (Event.data["row"]), so an
    edit conflict finds the change to this row even when the Event's subject is its release."""
    return f"{instance._meta.label_lower}:{instance.pk}"


def _change_text(model, field, pair):
    try:
        label = str(model._meta.get_field(field).verbose_name)
        label = label[:1].upper() + label[1:]
    except Exception:  # a label like "June 2021 SEC Release: intro" (paper sections)
        label = field
    old, new = (("(empty)" if v in (None, "", []) else str(v)) for v in pair)
    short = [v if len(v) <= 80 else v[:79] + "\u2026" for v in (old, new)]
    return f"{label}: \u2018{short[0]}\u2019 \u2192 \u2018{short[1]}\u2019"


def last_change(instance, subject=None):
    """The latest Event that changed this row (Event.data["row"]), else the latest Event about
    `subject` (default: the row itself); None when there is none."""
    events = Event.objects.select_related("actor").order_by("-at", "-id")
    event = events.filter(data__row=row_key(instance)).first()
    if event is None:
        event = events.about(subject if subject is not None else instance).first()
    return event


def edit_conflict_sentence(instance, subject=None):
    """What the analyst reads when a row changed under their form: who changed it, when, and
    what they changed (from the latest Event on it)."""
    event = last_change(instance, subject)
    keep = (
        "Nothing was saved. What you typed is kept below: compare it with their change, then "
        "save again to keep yours."
    )
    if event is None:
        return f"Someone else changed this since you opened the form. {keep}"
    at = timezone.localtime(event.at)
    changes = event.changes or {}
    shown = [_change_text(type(instance), f, pair) for f, pair in list(changes.items())[:6]]
    if len(changes) > 6:
        shown.append(f"and {len(changes) - 6} more")
    what = "; ".join(shown) if shown else event.summary
    return (
        f"{person_name(event.actor)} changed this on {long_date(at.date())} at {at:%H:%M}, after "
        f"you opened the form: {what}. {keep}"
    )


def check_unchanged(instance, edit_token, *, subject=None, related=()):
    """Refuse the save (EditConflict, a ValidationError) when the row (and `related` rows)
    changed since the form that sent `edit_token` was opened. Call it on the row locked with
    select_for_update, before setting any field. No token: nothing to check."""
    check_edit_token(
        edit_token,
        instance,
        *related,
        describe=lambda: edit_conflict_sentence(instance, subject),
    )


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
    expected_token=None,
    **event,
):
    """Set `fields` ({name: value}) on `instance`, validate and save it, and record one Event
    with the field diff over `tracked` (a list of field names) when anything changed: the one
    way both apps update a row and leave its trace (HackSoft styleguide's model_update).

    - before: the field_values taken earlier (a new row: dict.fromkeys(tracked)); default now.
    - summary: a string, or a function of the changes dict returning one.
    - after_save: a function called with the saved instance before the diff is taken (to set
      many-to-many rows, for example).
    - expected_token: the edit token of the form that sent the change (secrelease.edits); the
      save is refused with an EditConflict naming who changed the row, and when, if the row
      (locked by the caller with select_for_update) no longer matches it. None: no check.
    - event: the other event_record arguments (subject defaults to the instance, data,
      modification, effective_date). The Event's data also names the row ("row").
    Returns the changes dict ({} when nothing changed, and then no Event is recorded).
    Raises ValidationError (field errors from full_clean, a refused constraint, an
    EditConflict).
    """
    if instance.pk is not None:
        check_unchanged(instance, expected_token, subject=event.get("subject"))
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
        event["data"] = {**(event.get("data") or {}), "row": row_key(instance)}
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
    *IMPACT_FIELDS,
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


def _pk(document):
    return document.pk if hasattr(document, "pk") else document


def _check_documents_in_force(documents):
    """Refuse retired SEC documents (objects or pks) newly cited by a modification."""
    retired = SECDocument.objects.filter(
        pk__in=[_pk(d) for d in documents], retired_on__isnull=False
    ).order_by("position")
    if retired:
        names = "; ".join(f"{d} (retired on {long_date(d.retired_on)})" for d in retired)
        raise ValidationError(
            {
                "sec_documents": f"No longer part of the SEC, so it cannot be added to a "
                f"modification: {names}."
            }
        )


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
    _check_documents_in_force(sec_documents)
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
def modification_update(
    *, actor, modification, reason="", sec_documents=None, edit_token=None, **fields
):
    """Edit a modification's register fields (not its status: decisions move the status).
    edit_token: the token of the edit form (see model_update); a stale one is refused."""
    modification = Modification.objects.select_for_update().get(pk=modification.pk)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"These fields cannot be edited here: {sorted(unknown)}")
    if sec_documents is not None:
        cited = set(modification.sec_documents.values_list("pk", flat=True))
        _check_documents_in_force([d for d in sec_documents if _pk(d) not in cited])
    model_update(
        actor=actor,
        instance=modification,
        fields=fields,
        tracked=[*EDITABLE_FIELDS, "sec_documents"],
        validate_unique=False,
        expected_token=edit_token,
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
    if date > timezone.localdate():
        raise ValidationError(
            {"date": "A decision is recorded once it is taken: the date is in the future."}
        )
    try:
        validate_plausible_date(date)
    except ValidationError as exc:
        raise ValidationError({"date": exc.messages}) from exc
    last = modification.decisions.standing().order_by("-date", "-id").first()
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


@transaction.atomic
def modification_decision_correct(*, actor, decision, reason):
    """Mark a decision as recorded in error (it is never deleted) and put the modification back
    where it stood before it: its status (and its reference, when the decision converted a
    Draft Proposal) return to the decision's starting point. Records a "decision.corrected"
    Event; the Event of the original decision stays in the activity trail.

    Only the latest standing decision can be corrected (later ones were taken from the status
    it set): correct the latest first. `reason` is required.
    Returns the corrected Decision. Raises ValidationError with a sentence for the analyst.
    Scope consequences (a corrected rejection putting it back in scope) are the caller's: see
    releases.services.decision_correct.
    """
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": "Say why the decision is being corrected, e.g. 'Recorded on the "
                "wrong modification: the vote was on MP107'."
            }
        )
    modification = Modification.objects.select_for_update().get(pk=decision.modification_id)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    what = f"{decision.get_kind_display()} of {long_date(decision.date)}"
    if decision.is_corrected:
        raise ValidationError(
            f"{what} was already corrected on "
            f"{long_date(timezone.localdate(decision.corrected_at))}: "
            "it no longer counts."
        )
    latest = modification.decisions.standing().order_by("-date", "-id").first()
    if latest.pk != decision.pk:
        raise ValidationError(
            f"{modification.reference} has a later decision ({latest.get_kind_display()} of "
            f"{long_date(latest.date)}), taken from the status this one set: correct the "
            "latest decision first, then this one."
        )
    if (modification.status, modification.reference) != (
        decision.to_status,
        decision.reference_after,
    ):
        raise ValidationError(
            f"{modification.reference} is no longer where {what} left it; it cannot be "
            "corrected automatically."
        )
    changes = {"status": [decision.to_status, decision.from_status]}
    if decision.reference_before != decision.reference_after:
        FormerReference.objects.filter(
            modification=modification, reference=decision.reference_before
        ).delete()
        _check_reference_free(decision.reference_before, exclude_pk=modification.pk)
        modification.reference = decision.reference_before
        changes["reference"] = [decision.reference_after, decision.reference_before]
    modification.status = decision.from_status
    modification.updated_at = timezone.now()
    modification.save()
    decision.corrected_at = timezone.now()
    decision.corrected_by = actor
    decision.correction_reason = reason.strip()
    decision.save(update_fields=["corrected_at", "corrected_by", "correction_reason"])
    event_record(
        actor=actor,
        subject=modification,
        action="decision.corrected",
        summary=f"Decision corrected: {decision.get_body_display()}: {what} "
        f"({decision.reference_after}) was recorded in error and no longer counts",
        reason=decision.correction_reason,
        changes=changes,
        data={
            "reference": modification.reference,
            "decision_id": decision.pk,
            "kind": decision.kind,
        },
    )
    return decision


# The SEC document catalogue ----------------------------------------------------------------

SEC_DOCUMENT_FIELDS = ["kind", "code", "title", "note"]


def _require_reason(reason, sentence):
    if not (reason or "").strip():
        raise ValidationError({"reason": sentence})


def _catalogue_entry(kind, code, *, exclude_pk=None):
    """(kind, normalised code) after checking the shape and that no other document has it."""
    if kind not in SECDocumentKind.values:
        raise ValidationError({"kind": "Choose Section, Schedule or Appendix."})
    try:
        code = catalogue.normalise_code(kind, code)
    except catalogue.CodeError as exc:
        raise ValidationError({"code": str(exc)}) from exc
    clash = SECDocument.objects.filter(kind=kind, code=code).exclude(pk=exclude_pk).first()
    if clash is not None:
        message = f"{clash} is already in the catalogue"
        if clash.is_retired:
            message += f" (retired on {long_date(clash.retired_on)}: reinstate it instead)"
        raise ValidationError({"code": message + "."})
    return kind, code


def _clean_title(title):
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": "Enter the document's title, e.g. 'DCC Services'."})
    return title


@transaction.atomic
def sec_document_create(*, actor, kind, code, title, note="", reason):
    """Add a Section, Schedule or Appendix to the SEC document catalogue.

    kind: a SECDocumentKind value; code: 'AB', 'appendix ab' or '08' (normalised by
    modifications.catalogue.normalise_code); its listing position follows from the code.
    `reason` is required (why it is added, e.g. the SEC modification that created it).
    Returns the SECDocument. Raises ValidationError next to kind, code, title or reason
    (a duplicate code names the document that has it).
    """
    _require_reason(reason, "Say why the document is added, e.g. the modification that created it.")
    kind, code = _catalogue_entry(kind, code)
    document = SECDocument(
        kind=kind,
        code=code,
        title=_clean_title(title),
        note=(note or "").strip(),
        position=catalogue.position(kind, code),
    )
    save_checked(document, validate_unique=False)
    event_record(
        actor=actor,
        subject=document,
        action="sec_document.created",
        summary=f"{document} added to the SEC document catalogue",
        reason=reason.strip(),
        changes=initial_values(document, SEC_DOCUMENT_FIELDS),
        data={"label": document.label},
    )
    return document


@transaction.atomic
def sec_document_update(*, actor, document, reason, edit_token=None, **fields):
    """Edit a catalogue entry's kind, code, title or note (e.g. correct a title). Every
    modification that cites it shows the change; issued RID versions keep what they printed.
    `reason` is required. Returns the changes dict ({} when nothing changed: no Event).
    Raises ValidationError next to the field (a duplicate code names the document that has it),
    or an EditConflict when `edit_token` (the edit form's) is stale.
    """
    unknown = set(fields) - set(SEC_DOCUMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown SEC document fields: {sorted(unknown)}")
    _require_reason(reason, "Say why the entry changes, e.g. 'Title as in SEC v61.0'.")
    document = SECDocument.objects.select_for_update().get(pk=document.pk)
    before = field_values(document, SEC_DOCUMENT_FIELDS)
    label_before = document.label
    kind, code = _catalogue_entry(
        fields.get("kind", document.kind), fields.get("code", document.code), exclude_pk=document.pk
    )
    values = {"kind": kind, "code": code, "position": catalogue.position(kind, code)}
    if "title" in fields:
        values["title"] = _clean_title(fields["title"])
    if "note" in fields:
        values["note"] = (fields["note"] or "").strip()
    return model_update(
        actor=actor,
        instance=document,
        fields=values,
        tracked=SEC_DOCUMENT_FIELDS,
        before=before,
        validate_unique=False,
        expected_token=edit_token,
        action="sec_document.updated",
        summary=lambda changes: f"{label_before} updated: {changed_names(changes)}",
        reason=reason.strip(),
        data={"label": document.label},
    )


@transaction.atomic
def sec_document_retire(*, actor, document, retired_on, reason):
    """Record that a document left the SEC on `retired_on` (a date, not in the future). It stays
    on the modifications and issued RID versions that cite it, and is no longer offered for
    others. `reason` is required (e.g. the modification that removed it).
    Raises ValidationError when it is already retired or the date is missing or in the future.
    """
    _require_reason(reason, "Say why it is retired, e.g. the modification that removed it.")
    document = SECDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_retired:
        raise ValidationError(
            f"{document} was already retired on {long_date(document.retired_on)}."
        )
    if retired_on is None:
        raise ValidationError({"retired_on": "Enter the date it stopped being part of the SEC."})
    if retired_on > timezone.localdate():
        raise ValidationError(
            {"retired_on": "Retire it once it has left the SEC: the date is in the future."}
        )
    model_update(
        actor=actor,
        instance=document,
        fields={"retired_on": retired_on},
        tracked=["retired_on"],
        action="sec_document.retired",
        summary=f"{document} retired: no longer offered for modifications",
        reason=reason.strip(),
        effective_date=retired_on,
        data={"label": document.label},
    )
    return document


@transaction.atomic
def sec_document_reinstate(*, actor, document, reason):
    """Put a retired document back in force (e.g. retired by mistake). `reason` is required.
    Raises ValidationError when it is not retired."""
    _require_reason(reason, "Say why it is back in force, e.g. 'Retired by mistake'.")
    document = SECDocument.objects.select_for_update().get(pk=document.pk)
    if not document.is_retired:
        raise ValidationError(f"{document} is in force: there is nothing to reinstate.")
    model_update(
        actor=actor,
        instance=document,
        fields={"retired_on": None},
        tracked=["retired_on"],
        action="sec_document.reinstated",
        summary=f"{document} reinstated: offered for modifications again",
        reason=reason.strip(),
        data={"label": document.label},
    )
    return document


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
def change_request_update(
    *, actor, change_request, reason="", reference=None, edit_token=None, **fields
):
    """Edit a DCC Change Request (reference, title, category); a stale edit_token is refused."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    check_unchanged(change_request, edit_token)
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
