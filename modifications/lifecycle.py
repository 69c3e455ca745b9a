"""The modification lifecycle (domain.md 4.3): which decision moves which status where, taken by
whom, and on which paths. Services consult this table; nothing else decides a transition."""

from dataclasses import dataclass

from .models import DecisionBody, DecisionKind, Path, Status

S = Status
K = DecisionKind

AUTHORITY_PATHS = frozenset({Path.PATH_1, Path.PATH_2, Path.URGENT})
SELF_GOVERNANCE_PATHS = frozenset({Path.PATH_3, Path.FAST_TRACK})
NON_TERMINAL = frozenset(
    {S.DEVELOPMENT, S.REFINEMENT, S.REPORT_PHASE, S.CHANGE_BOARD, S.WITH_AUTHORITY, S.APPROVED}
)


@dataclass(frozen=True)
class Transition:
    kind: str
    body: str
    from_statuses: frozenset
    to_status: str
    paths: frozenset | None = None  # None: any path
    converts_to_mp: bool = False
    removes_from_scope: bool = False


TRANSITIONS = {
    t.kind: t
    for t in [
        Transition(
            K.CONVERT,
            DecisionBody.PANEL,
            frozenset({S.DEVELOPMENT}),
            S.REFINEMENT,
            converts_to_mp=True,
        ),
        Transition(
            K.DIRECT_TO_REPORT,
            DecisionBody.PANEL,
            frozenset({S.DEVELOPMENT}),
            S.REPORT_PHASE,
            converts_to_mp=True,
        ),
        Transition(
            K.FAST_TRACK,
            DecisionBody.PANEL,
            frozenset({S.DEVELOPMENT}),
            S.APPROVED,
            paths=frozenset({Path.FAST_TRACK}),
            converts_to_mp=True,
        ),
        Transition(K.REPORT_READY, DecisionBody.PANEL, frozenset({S.REFINEMENT}), S.REPORT_PHASE),
        Transition(
            K.REPORT_APPROVED, DecisionBody.PANEL, frozenset({S.REPORT_PHASE}), S.CHANGE_BOARD
        ),
        Transition(
            K.CB_APPROVE,
            DecisionBody.CHANGE_BOARD,
            frozenset({S.CHANGE_BOARD}),
            S.APPROVED,
            paths=SELF_GOVERNANCE_PATHS,
        ),
        Transition(
            K.CB_REJECT,
            DecisionBody.CHANGE_BOARD,
            frozenset({S.CHANGE_BOARD}),
            S.REJECTED,
            paths=SELF_GOVERNANCE_PATHS,
            removes_from_scope=True,
        ),
        Transition(
            K.CB_RECOMMEND_APPROVE,
            DecisionBody.CHANGE_BOARD,
            frozenset({S.CHANGE_BOARD}),
            S.WITH_AUTHORITY,
            paths=AUTHORITY_PATHS,
        ),
        Transition(
            K.CB_RECOMMEND_REJECT,
            DecisionBody.CHANGE_BOARD,
            frozenset({S.CHANGE_BOARD}),
            S.WITH_AUTHORITY,
            paths=AUTHORITY_PATHS,
        ),
        Transition(
            K.AUTHORITY_APPROVE, DecisionBody.AUTHORITY, frozenset({S.WITH_AUTHORITY}), S.APPROVED
        ),
        Transition(
            K.AUTHORITY_REJECT,
            DecisionBody.AUTHORITY,
            frozenset({S.WITH_AUTHORITY}),
            S.REJECTED,
            removes_from_scope=True,
        ),
        Transition(
            K.AUTHORITY_SEND_BACK,
            DecisionBody.AUTHORITY,
            frozenset({S.WITH_AUTHORITY}),
            S.REFINEMENT,
        ),
        Transition(
            K.WITHDRAW,
            DecisionBody.PROPOSER,
            NON_TERMINAL - {S.APPROVED},
            S.WITHDRAWN,
            removes_from_scope=True,
        ),
        Transition(K.IMPLEMENT, DecisionBody.SECAS, frozenset({S.APPROVED}), S.IMPLEMENTED),
    ]
}


def allowed_decisions(modification):
    """The decision kinds the lifecycle allows next for this modification."""
    return [
        t.kind
        for t in TRANSITIONS.values()
        if modification.status in t.from_statuses
        and (t.paths is None or modification.path in t.paths)
    ]


def refusal_reason(modification, kind):
    """None when the decision is allowed; otherwise a sentence an analyst understands."""
    transition = TRANSITIONS.get(kind)
    if transition is None:
        return "That is not a decision the lifecycle knows."
    label = DecisionKind(kind).label
    status = Status(modification.status).label
    if modification.status not in transition.from_statuses:
        if modification.status in {S.IMPLEMENTED, S.REJECTED, S.WITHDRAWN}:
            return (
                f"{modification.reference} is {status.lower()}, which is final: "
                "no further decision can be recorded."
            )
        allowed = ", ".join(Status(s).label for s in sorted(transition.from_statuses))
        return (
            f"\u201c{label}\u201d cannot be recorded for {modification.reference} while it is at "
            f"\u201c{status}\u201d; it applies only at: {allowed}."
        )
    if transition.paths is not None and modification.path not in transition.paths:
        path = Path(modification.path).label
        if modification.path in AUTHORITY_PATHS:
            return (
                f"{modification.reference} is on {path}: the Change Board only recommends and "
                "the Authority decides."
            )
        if kind == K.FAST_TRACK:
            return f"{modification.reference} is on {path}, not the Fast-Track route."
        return (
            f"{modification.reference} is on {path}: the Change Board decides under "
            "Self-Governance, the Authority does not."
        )
    return None


def value_on(changes, date, current, *, when, before, after):
    """Replay dated changes up to `date` (a datetime.date): the value before the first change,
    then each change's new value while its date (`when(change)`) is on or before `date`.
    `changes` must be in the order they happened; without any, the `current` value stands.
    `before(change)` / `after(change)`: the value the change moved from / to. Shared by the
    status, the reference (DP -> MP) and the go-live date as they stood on a date."""
    changes = list(changes)
    if not changes:
        return current
    value = before(changes[0])
    for change in changes:
        if when(change) > date:
            break
        value = after(change)
    return value


def status_on(decisions, date, current_status):
    """The status on a date, replayed from dated decisions (ordered by date, id).

    Before the first decision the modification was at that decision's starting status.
    Callers filter by date_raised themselves (before it the modification did not exist).
    """
    return value_on(
        decisions,
        date,
        current_status,
        when=lambda d: d.date,
        before=lambda d: d.from_status,
        after=lambda d: d.to_status,
    )


def reference_on(decisions, date, current_reference):
    """The reference on a date (a Draft Proposal's DP number until its conversion to MP),
    replayed from dated decisions (ordered by date, id)."""
    return value_on(
        decisions,
        date,
        current_reference,
        when=lambda d: d.date,
        before=lambda d: d.reference_before,
        after=lambda d: d.reference_after,
    )
