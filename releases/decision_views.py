"""Recording decisions on a modification: one decision, a path of several dated decisions in
one form, and the correction of a decision recorded in error. They live in releases because a
rejection or a withdrawal also takes the modification out of every release scope (and its
correction puts it back): releases.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from modifications import lifecycle, selectors
from modifications.forms import (
    DecisionRecordForm,
    DecisionStepFormSet,
    ReasonForm,
)
from modifications.models import Decision, Status
from secrelease import last_date
from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required
from secrelease.text import long_date

from . import services
from .models import ScopeState

HISTORY_ROWS = 3


def _outcome_message(decision, left_scope_of):
    """What happened, in one or two sentences for the analyst."""
    m = decision.modification
    text = (
        f"{decision.get_kind_display()} recorded for {m.reference} on "
        f"{long_date(decision.date)}. Its status is now {Status(m.status).label}."
    )
    if decision.reference_before != decision.reference_after:
        text += f" {decision.reference_before} is now {decision.reference_after}."
    if left_scope_of:
        text += f" It has been removed from the scope of {' and '.join(left_scope_of)}."
    return text


def _in_scope_of(modification):
    """Names of the releases whose scope the modification is in now, by go-live date."""
    names = (
        modification.scope_items.filter(state=ScopeState.IN_SCOPE)
        .order_by("release__go_live_date")
        .values_list("release__name", flat=True)
    )
    return list(dict.fromkeys(names))


def _modification(reference, url_name, **kwargs):
    """(modification, None), or (None, a redirect to the canonical reference's URL)."""
    modification, canonical = selectors.resolve_reference(reference)
    if modification is None:
        raise Http404(f"No modification {reference} in the register.")
    if not canonical:
        return None, redirect(url_name, reference=modification.reference, **kwargs)
    return modification, None


def _posted(request):
    """The POST data on a POST (even an empty one, so that the form says what is missing);
    None on a GET."""
    return request.POST if request.method == "POST" else None


@analyst_required
def decision_record(request, reference):
    modification, redirect_to = _modification(reference, "releases:decision_record")
    if redirect_to:
        return redirect_to
    form = DecisionRecordForm(
        _posted(request),
        modification=modification,
        default_date=last_date.last_used(request),
    )
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        in_scope_of = _in_scope_of(modification)
        try:
            decision = services.decision_record(
                actor=request.user,
                modification=modification,
                kind=kind,
                date=form.cleaned_data["date"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            last_date.remember(request, decision.date)
            removes = lifecycle.TRANSITIONS[kind].removes_from_scope
            messages.success(request, _outcome_message(decision, in_scope_of if removes else []))
            return redirect(decision.modification)
    return render(
        request,
        "releases/decision_form.html",
        {
            "modification": modification,
            "in_scope_of": _in_scope_of(modification),
            "form": form,
            "no_decision_possible": not form.fields["kind"].choices,
        },
    )


def _history_rows(data):
    """The rows typed so far (as the formset's initial values) plus one blank row: the "Add a
    row" button, which keeps what was typed without checking it yet."""
    total = data.get("form-TOTAL_FORMS", "0")
    count = min(int(total) if total.isdigit() else 0, DecisionStepFormSet.max_num - 1)
    rows = [
        {name: data.get(f"form-{i}-{name}", "") for name in ("kind", "date", "notes")}
        for i in range(count)
    ]
    return [*rows, {}]


@analyst_required
def decision_history(request, reference):
    """A modification's path to a decision (e.g. Panel, Change Board vote, approval) entered as
    several dated decisions in one submission, all recorded or none."""
    modification, redirect_to = _modification(reference, "releases:decision_history")
    if redirect_to:
        return redirect_to
    default_date = last_date.last_used(request)
    form_kwargs = {"modification": modification, "default_date": default_date}
    if request.method == "POST" and "add_row" in request.POST:
        formset = DecisionStepFormSet(initial=_history_rows(request.POST), form_kwargs=form_kwargs)
    elif request.method == "POST":
        formset = DecisionStepFormSet(request.POST, form_kwargs=form_kwargs)
        if formset.is_valid():
            in_scope_of = _in_scope_of(modification)
            try:
                decisions = services.decisions_record(
                    actor=request.user, modification=modification, steps=formset.steps()
                )
            except services.DecisionStepRefused as exc:
                apply_service_errors(formset.step_forms()[exc.index], exc)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                last_date.remember(request, decisions[-1].date)
                left = any(lifecycle.TRANSITIONS[d.kind].removes_from_scope for d in decisions)
                text = " ".join(
                    _outcome_message(d, in_scope_of if left and d is decisions[-1] else [])
                    for d in decisions
                )
                messages.success(request, f"{len(decisions)} decisions recorded. {text}")
                return redirect(decisions[-1].modification)
    else:
        formset = DecisionStepFormSet(initial=[{}] * HISTORY_ROWS, form_kwargs=form_kwargs)
    refused = [
        (number, form)
        for number, form in enumerate(formset.forms, start=1)
        if formset.is_bound and form.errors
    ]
    return render(
        request,
        "releases/decision_history_form.html",
        {
            "modification": modification,
            "formset": formset,
            "refused": refused,
            "in_scope_of": _in_scope_of(modification),
            "final": modification.is_terminal,
            "can_add_row": len(formset.forms) < DecisionStepFormSet.max_num,
        },
    )


@analyst_required
def decision_correct(request, reference, pk):
    """Correct a decision recorded in error, with a reason: it is marked corrected (never
    deleted), the modification goes back to where it stood, and a corrected rejection or
    withdrawal puts it back in the scopes it was taken out of."""
    modification, redirect_to = _modification(reference, "releases:decision_correct", pk=pk)
    if redirect_to:
        return redirect_to
    decision = get_object_or_404(
        Decision.objects.select_related("recorded_by", "corrected_by"),
        pk=pk,
        modification=modification,
    )
    latest = modification.decisions.standing().order_by("-date", "-id").first()
    correctable = not decision.is_corrected and latest is not None and latest.pk == decision.pk
    form = ReasonForm(
        _posted(request),
        help_text="Recorded with the correction, e.g. \u2018Recorded on the wrong modification: "
        "the Change Board voted on MP107\u2019.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision, restored, not_restored = services.decision_correct(
                actor=request.user, decision=decision, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            modification.refresh_from_db()
            text = (
                f"{decision.get_kind_display()} of {long_date(decision.date)} is marked as "
                f"recorded in error. {modification.reference} is back at "
                f"{Status(modification.status).label}."
            )
            if decision.reference_before != decision.reference_after:
                text += f" {decision.reference_after} is {decision.reference_before} again."
            if restored:
                names = " and ".join(dict.fromkeys(i.release.name for i in restored))
                text += f" It is back in the scope of {names}."
            if not_restored:
                names = " and ".join(dict.fromkeys(i.release.name for i in not_restored))
                text += (
                    f" It could not be put back in the scope of {names}, where the same part "
                    "is in scope again: check that scope on the release page."
                )
            text += " Record the right decision now, if one was taken."
            messages.success(request, text)
            return redirect(modification)
    return render(
        request,
        "releases/decision_correct_form.html",
        {
            "modification": modification,
            "decision": decision,
            "latest": latest,
            "correctable": correctable,
            "puts_back_in_scope": lifecycle.TRANSITIONS[decision.kind].removes_from_scope,
            "form": form,
        },
    )
