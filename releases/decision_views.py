"""Recording a decision on a modification. It lives in releases because a rejection or a
withdrawal also takes the modification out of every release scope (releases.services)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from modifications import lifecycle, selectors
from modifications.forms import DecisionRecordForm
from modifications.models import Status
from secrelease.forms import apply_service_errors
from secrelease.roles import analyst_required
from secrelease.text import long_date

from . import services
from .models import ScopeState


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


@analyst_required
def decision_record(request, reference):
    modification, canonical = selectors.resolve_reference(reference)
    if modification is None:
        raise Http404(f"No modification {reference} in the register.")
    if not canonical:
        return redirect("releases:decision_record", reference=modification.reference)
    form = DecisionRecordForm(request.POST or None, modification=modification)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            with transaction.atomic():
                in_scope_of = _in_scope_of(modification)
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
