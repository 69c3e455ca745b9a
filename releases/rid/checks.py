"""What is wrong with a RID draft before it is issued: the checks the issue page lists, which the
analyst fixes or confirms ("issue anyway"; the confirmation is recorded in the issue Event).

Pure reads: `rid_findings(release, rid)` takes the draft Rid (build_rid) and reads the release's
scope items (one query, plus one for the glossary link targets). Each Finding says what is wrong in
an analyst's words and, where there is one, the page that fixes it.

What is checked:
- contradictions: a sentence the RID would print that the data contradicts or cannot support (DCC
  impacted but no DCC impact summarised; test phases without a DCC System impact or the reverse;
  UIT needed but no User testing impacts described; no DCC cost entered; a participant ticked in
  the matrix with no SEC Party impact summarised for it);
- acronyms the document uses that the glossary does not define;
- placeholder titles and empty RID summaries;
- targeted (not yet approved) modifications past their decision cut-off (R6, R7);
- additions after the scope deadline without the reason that admitted them (R4);
- characters the PDF fonts cannot print (text typed before the check at input existed).
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from modifications.models import APPROVED_STATUSES
from secrelease import printable
from secrelease.text import long_date

from .. import impacts, selectors
from ..models import Participant
from .document import document_text

#: Titles that stand for a title nobody has written yet.
PLACEHOLDER_TITLE = re.compile(
    r"^\s*$|^(tbc|tbd|to be confirmed|to follow|title to follow|placeholder|untitled|n/?a|\?+)\.?$"
    r"|not given in the source",
    re.IGNORECASE,
)

#: Participant matrix column -> the SEC Party impacts row that summarises it.
_PARTICIPANT_ROWS = (
    ("Suppliers", Participant.SUPPLIERS),
    ("Electricity Networks", Participant.ELECTRICITY),
    ("Gas Networks", Participant.GAS),
    ("Other SEC Parties", Participant.OTHER),
)


@dataclass(frozen=True)
class Finding:
    """Something wrong with the draft: kind ("contradiction", "glossary", "placeholder",
    "cut_off", "exception", "unprintable"), the sentence shown, and the page that fixes it."""

    kind: str
    message: str
    link: str = ""
    link_text: str = ""


def _join(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _contradictions(release, rid, items):
    edit = reverse("releases:release_edit", args=[release.slug])
    page = release.get_absolute_url()
    found = []
    if rid.dcc_impacts_wording == "not_summarised":
        found.append(
            Finding(
                "contradiction",
                "The DCC is impacted (a modification ticks DCC or impacts the DCC Systems, a "
                "test phase is needed or a DCC cost is entered) but no DCC impact is "
                "summarised: the RID would say \u201cThe DCC impacts of this release have not "
                "been summarised yet.\u201d",
                page + "#dcc-impacts",
                "Add a DCC impact",
            )
        )
    if rid.test_strategy_wording == "required_no_system_impact":
        found.append(
            Finding(
                "contradiction",
                f"{rid.testing_phases} {'is' if rid.testing_phases.count('(') == 1 else 'are'} "
                "ticked, but no modification in scope impacts the DCC Systems.",
                edit,
                "Edit the test strategy",
            )
        )
    elif rid.test_strategy_wording == "not_agreed":
        found.append(
            Finding(
                "contradiction",
                "Modifications in scope impact the DCC Systems, but no test phase (PIT, SIT, "
                "UIT) is ticked and no test strategy is written.",
                edit,
                "Edit the test strategy",
            )
        )
    if rid.user_testing_wording == "not_described":
        found.append(
            Finding(
                "contradiction",
                "User Integration Testing (UIT) is needed, but the User testing impacts are not "
                "described.",
                edit,
                "Describe the User testing impacts",
            )
        )
    if rid.dcc_costs_wording == "not_estimated":
        found.append(
            Finding(
                "contradiction",
                "No DCC implementation cost is entered: the RID would say the DCC has not "
                "estimated its costs. Enter 0 if the DCC will incur none.",
                edit,
                "Enter the DCC cost",
            )
        )
    elif rid.dcc_costs_wording == "none" and rid.impacts_dcc_systems:
        found.append(
            Finding(
                "contradiction",
                "The DCC implementation cost is \u00a30 while modifications in scope impact the "
                "DCC Systems.",
                edit,
                "Check the DCC cost",
            )
        )
    summarised = {row.label for row in rid.party_impacts if row.lines}
    all_parties = Participant.ALL.label in summarised
    for n, (column, participant) in enumerate(_PARTICIPANT_ROWS):
        ticked = [row.label for row in rid.participant_matrix if row.cells[n]]
        if ticked and not all_parties and participant.label not in summarised:
            found.append(
                Finding(
                    "contradiction",
                    f"{_join(ticked)} {'impacts' if len(ticked) == 1 else 'impact'} {column} in "
                    "the participant impact matrix, but no SEC Party impact is summarised for "
                    f"{participant.label} or All SEC Parties.",
                    page + "#party-impacts",
                    "Summarise the SEC Party impacts",
                )
            )
    return found


def rid_findings(release, rid, *, today=None):
    """Everything wrong with the draft `rid` of `release` (a list of Finding, most serious
    first). An empty list means nothing to confirm before issuing."""
    today = today or timezone.localdate()
    items = selectors.in_scope(selectors.scope_items(release))
    found = _contradictions(release, rid, items)
    if rid.glossary_unknown:
        found.append(
            Finding(
                "glossary",
                f"Acronyms the RID uses that the glossary does not define: "
                f"{', '.join(rid.glossary_unknown)}. Its glossary says it lists every acronym "
                "used.",
                reverse("releases:glossary_create") + "?acronym=" + rid.glossary_unknown[0],
                f"Add {rid.glossary_unknown[0]} to the glossary",
            )
        )
    for item in items:
        m = item.modification
        label = m.reference + (f" ({item.part_label})" if item.part_label else "")
        edit_item = reverse("releases:scope_item_edit", args=[release.slug, item.pk])
        edit_modification = reverse("modifications:modification_edit", args=[m.reference])
        if PLACEHOLDER_TITLE.search(m.title or ""):
            found.append(
                Finding(
                    "placeholder",
                    f"{m.reference} has a placeholder title: \u201c{m.title}\u201d.",
                    edit_modification,
                    f"Edit {m.reference}",
                )
            )
        if not (item.rid_summary or m.rid_summary).strip():
            found.append(
                Finding(
                    "placeholder",
                    f"{label} has no RID summary: the scope list would show its title alone.",
                    edit_item if item.part_label else edit_modification,
                    f"Write the summary of {label}",
                )
            )
        cut_off = item.cut_off_date or m.cut_off_date
        if (
            m.status not in APPROVED_STATUSES
            and cut_off
            and cut_off >= item.added_on
            and cut_off < today
        ):
            found.append(
                Finding(
                    "cut_off",
                    f"{label} is targeted but was not approved by its decision cut-off of "
                    f"{long_date(cut_off)}: it should lapse to its fall-back release (R7).",
                    release.get_absolute_url() + "#scope",
                    "Review the scope",
                )
            )
        if item.added_after_deadline and not item.exception_reason.strip():
            found.append(
                Finding(
                    "exception",
                    f"{label} joined the scope after the deadline (an exception, R4) but no "
                    "reason is recorded for it.",
                    edit_item,
                    f"Record why {label} was admitted",
                )
            )
        if impacts.item_impacts(item).impacts_dcc_systems and not any(
            s.value != "no" for s in impacts.item_impacts(item).systems
        ):
            found.append(
                Finding(
                    "contradiction",
                    f"{label} impacts the DCC Systems but says it impacts none of the DUIS, the "
                    "GBCS and the CH firmware (use TBC when not yet known).",
                    edit_item if item.own_impacts else edit_modification,
                    f"Edit the DCC System impacts of {label}",
                )
            )
    chars = printable.unprintable(document_text(rid))
    if chars:
        found.append(
            Finding(
                "unprintable",
                "The draft holds characters the PDF fonts cannot print (they would show as "
                f"empty boxes): {', '.join(printable.describe(c) for c in chars[:5])}.",
            )
        )
    return found
