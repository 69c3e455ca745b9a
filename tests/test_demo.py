"""The demo data (manage.py load_demo): the real releases of the two seeds, loaded through the
services, with the real history replayed so that every June 2021 RID version holds what the release
held on its date, the OPSG paper of 26 May 2020 is unchanged, and both releases reach go-live with
their final scope implemented.

The demo is loaded once for this module, inside a transaction that is rolled back at the end (issued
RID versions cannot be deleted, by design), and each test runs in a savepoint within it.
"""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from fixtures import demo as demo_data
from modifications import lifecycle
from modifications.models import (
    ChangeRequest,
    Decision,
    Event,
    FormerReference,
    Modification,
)
from releases.models import (
    GlossaryEntry,
    PanelBaseline,
    Release,
    RidVersion,
    ScopeItem,
    UpdatePaper,
)
from releases.paper.document import build_paper, paper_queryset, spec_from_paper
from releases.policy.views import dashboard_data
from releases.rid import services as rid_services
from tests.stand_in_pdf import stand_in_pdfs

PAPER_DATE = datetime.date(2020, 5, 26)
NOVEMBER_2020_GO_LIVE = datetime.date(2020, 11, 29)
JUNE_2021_GO_LIVE = datetime.date(2021, 6, 24)

# domain.md section 8: the final scope of the November 2020 SEC Release, all implemented.
NOVEMBER_2020_FINAL_SCOPE = [
    "SECMP0062",
    "MP080",
    "MP081",
    "MP093",
    "MP098",
    "MP101",
    "MP102A",
    "MP103",
    "MP110",
    "MP112",
    "MP115",
    "MP118",
    "MP120",
    "MP124",
    "MP127",
    "MP131",
    "MP133",
    "MP142",
]

# Appendix 1 of the June 2021 RID v8.0 (seed 003), verbatim.
SEED_VERSION_TABLE = [
    ("0.1", datetime.date(2020, 7, 10), "First draft presented to the Panel to be baselined"),
    (
        "1.0",
        datetime.date(2020, 7, 24),
        "Version baselined by the Panel to cover the proposed scope of the release on the DCC "
        "Systems.",
    ),
    (
        "1.1",
        datetime.date(2020, 12, 4),
        "Updated following MP106, MP116, MP138, DP144, DP145 and MP147 being added to the scope "
        "and the rejection of SECMP0067, presented to the Panel for the scope to be baselined.",
    ),
    (
        "2.0",
        datetime.date(2020, 12, 14),
        "Version baselined by the Panel to cover the full proposed scope of the release.",
    ),
    ("3.0", datetime.date(2021, 1, 29), "Updated following MP146 being added to scope."),
    ("4.0", datetime.date(2021, 2, 24), "Updated following the approval of MP146."),
    (
        "5.0",
        datetime.date(2021, 3, 12),
        "Updated following MP116 and DP145 falling out of scope and DP153 being added to the "
        "scope.",
    ),
    ("6.0", datetime.date(2021, 4, 30), "Updated following MP138 falling out of scope."),
    ("7.0", datetime.date(2021, 5, 11), "Updated following the approval of MP153."),
    ("8.0", datetime.date(2021, 6, 1), "Updated following the approval of MP144."),
]


def _counts():
    return {
        "events": Event.objects.count(),
        "rid_versions": RidVersion.objects.count(),
        "modifications": Modification.objects.count(),
        "decisions": Decision.objects.count(),
        "scope_items": ScopeItem.objects.count(),
        "releases": Release.objects.count(),
        "change_requests": ChangeRequest.objects.count(),
        "glossary": GlossaryEntry.objects.count(),
        "users": get_user_model().objects.count(),
        "papers": UpdatePaper.objects.count(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo twice; report the counts after each load and the Changes text the RID
    service drafted (from what happened since the last version) before each version was issued.
    Rolled back afterwards. The PDFs are stand-ins (no test here reads them)."""
    drafted = []
    issue = rid_services.rid_issue_version

    def issue_and_note_the_draft(**kwargs):
        text = rid_services.rid_draft_changes(
            kwargs["release"], kwargs["kind"], kwargs.get("baseline_scope", "")
        )
        version = issue(**kwargs)
        drafted.append((kwargs["release"].slug, version.number, text))
        return version

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(rid_services, "rid_issue_version", issue_and_note_the_draft)
        stand_in_pdfs(patch)
        with transaction.atomic():
            call_command("load_demo", stdout=_Null())
            first = _counts()
            call_command("load_demo", stdout=_Null())
            second = _counts()
            yield {"first": first, "second": second, "drafted": drafted}
            transaction.set_rollback(True)


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


@pytest.fixture
def june(demo, db):
    return Release.objects.get(slug="june-2021")


def _version(release, number):
    major, minor = (int(n) for n in number.split("."))
    return RidVersion.objects.get(release=release, major=major, minor=minor)


def _refs(mods):
    return [m["reference"] for m in mods]


def _scope_on(release, date):
    """(reference on that date, part label) of every modification in scope on that date."""
    items = ScopeItem.objects.filter(release=release, added_on__lte=date).select_related(
        "modification"
    )
    result = []
    for item in items:
        if item.removed_on is not None and item.removed_on <= date:
            continue
        decisions = list(item.modification.decisions.order_by("date", "id"))
        reference = lifecycle.reference_on(decisions, date, item.modification.reference)
        result.append((reference, item.part_label))
    return sorted(result)


def _modification(reference):
    """The modification by its reference now or a former one (DP124 is MP124 since 19 Jun 2020)."""
    found = Modification.objects.filter(reference=reference).first()
    return found or Modification.objects.get(former_references__reference=reference)


def _status_on(reference, date):
    modification = _modification(reference)
    decisions = list(modification.decisions.order_by("date", "id"))
    return lifecycle.status_on(decisions, date, modification.status)


# Loading ----------------------------------------------------------------------------------------


def test_loading_the_demo_twice_changes_nothing_and_records_no_new_event(demo, db):
    assert demo["first"]["events"] > 100
    # June 2021: 0.1 to 8.0; November 2020: 1.0 to 4.0; November 2021: 1.0.
    assert demo["first"]["rid_versions"] == 15
    assert demo["second"] == demo["first"]


def test_loading_again_says_there_is_nothing_to_do(demo, db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo history already loaded: nothing to do." in out.getvalue()
    assert "older load_demo" not in out.getvalue()


def test_loading_over_an_older_demo_that_stopped_before_the_go_lives_says_so(demo, db):
    Decision.objects.filter(kind="implement", date=JUNE_2021_GO_LIVE).delete()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "loaded by an older load_demo that stopped before the November 2020 go-live" in (
        out.getvalue()
    )


def test_the_demo_includes_the_opsg_paper_of_26_may_2020(demo, db):
    paper = UpdatePaper.objects.get(reference="OPSG_33_0206_15")
    assert paper.as_of == PAPER_DATE
    assert demo["first"]["papers"] == 1


def test_the_demo_paper_is_issued_once_as_sent_to_the_opsg_and_reads_as_built(demo, db):
    from releases.models import IssuedPaper
    from releases.paper.document import Paper

    (issued,) = IssuedPaper.objects.filter(reference="OPSG_33_0206_15")
    assert (issued.number, issued.as_of, issued.classification) == (1, PAPER_DATE, "white")
    stored = paper_queryset().get(reference="OPSG_33_0206_15")
    assert Paper.from_json(issued.content) == build_paper(spec_from_paper(stored))


def test_every_demo_change_is_recorded_as_made_by_the_demo_analyst(demo, db):
    actors = set(Event.objects.values_list("actor__username", flat=True))
    assert actors == {"analyst"}
    assert set(Decision.objects.values_list("recorded_by__username", flat=True)) == {"analyst"}


def test_demo_users_log_in_with_the_password_demo_and_have_their_roles(demo, db):
    User = get_user_model()
    roles = {
        user.username: (
            user.check_password("demo"),
            user.is_superuser,
            [g.name for g in user.groups.all()],
        )
        for user in User.objects.prefetch_related("groups")
    }
    # A second analyst reviews what the first prepares (a RID version needs both).
    assert roles == {
        "analyst": (True, False, ["SECAS analyst"]),
        "reviewer": (True, False, ["SECAS analyst"]),
        "panel": (True, False, ["Panel member"]),
    }


# June 2021: the version history ---------------------------------------------------------------


def test_june_2021_version_table_is_the_seeds(june):
    versions = RidVersion.objects.filter(release=june).order_by("major", "minor")
    assert [(v.number, v.date, v.changes) for v in versions] == SEED_VERSION_TABLE


def test_every_june_2021_change_happened_between_the_right_two_versions(demo):
    """The history is replayed in the right order: before each version, the Changes text the
    RID service drafts from what happened since the previous one is the seed's, word for word."""
    june = [(number, text) for slug, number, text in demo["drafted"] if slug == "june-2021"]
    assert june == [(number, changes) for number, _, changes in SEED_VERSION_TABLE]


def test_every_demo_version_says_what_the_rid_service_drafts_from_the_history_before_it(demo, db):
    """No version of any release carries a Changes text the history does not bear out."""
    issued = {
        (v.release.slug, v.number): v.changes for v in RidVersion.objects.select_related("release")
    }
    assert len(demo["drafted"]) == len(issued) == 15
    for slug, number, text in demo["drafted"]:
        assert issued[(slug, number)] == text, (slug, number)


def test_june_2021_baselines_record_the_panel_meetings_of_the_timeline(june):
    kinds = {
        v.number: (v.kind, v.baseline_scope, v.panel_meeting_date)
        for v in RidVersion.objects.filter(release=june)
    }
    assert kinds["0.1"] == ("draft", "", None)
    assert kinds["1.0"] == ("baseline", "system", datetime.date(2020, 7, 17))
    assert kinds["1.1"] == ("draft", "", None)
    assert kinds["2.0"] == ("baseline", "full", datetime.date(2020, 12, 11))
    assert {kinds[n][0] for n in ["3.0", "4.0", "5.0", "6.0", "7.0", "8.0"]} == {"issued"}


@pytest.mark.parametrize(
    "number, approved, targeted",
    [
        ("0.1", [], ["SECMP0067"]),
        ("1.0", [], ["SECMP0067"]),
        ("1.1", [], ["MP106", "MP116", "MP138", "DP144", "DP145", "MP147"]),
        ("2.0", ["MP106", "MP147"], ["MP116", "MP138", "DP144", "DP145"]),
        ("3.0", ["MP106", "MP147"], ["MP116", "MP138", "MP144", "DP145", "MP146"]),
        ("4.0", ["MP106", "MP146", "MP147"], ["MP116", "MP138", "MP144", "DP145"]),
        ("5.0", ["MP106", "MP146", "MP147"], ["MP138", "MP144", "DP153"]),
        ("6.0", ["MP106", "MP146", "MP147"], ["MP144", "DP153"]),
        ("7.0", ["MP106", "MP146", "MP147", "MP153"], ["MP144"]),
        ("8.0", ["MP106", "MP144", "MP146", "MP147", "MP153"], []),
    ],
)
def test_each_june_2021_version_holds_what_the_release_held_on_its_date(
    june, number, approved, targeted
):
    content = _version(june, number).content
    assert _refs(content["approved"]) == approved
    assert _refs(content["targeted"]) == targeted


def test_version_1_0_has_no_mp146_and_version_5_0_no_longer_has_mp116(june):
    v1 = _version(june, "1.0").content
    v5 = _version(june, "5.0").content
    assert "MP146" not in _refs(v1["approved"] + v1["targeted"])
    assert "MP116" not in _refs(v5["approved"] + v5["targeted"])


def test_version_8_0_content_is_the_seeds(june):
    content = _version(june, "8.0").content
    summaries = {m["reference"]: (m["title"], m["summary"]) for m in content["approved"]}
    assert summaries["MP106"] == (
        "CHISM update for Unknown WAN Variant",
        "will insert guidance in SEC Appendix I 'CH Installation and Maintenance Support "
        "Materials' showing that a response to Service Request (SR) 12.1 'Request WAN Matrix' of "
        '" " (Space) should be interpreted as "Unknown".',
    )
    assert summaries["MP153"] == (
        "Follow up changes for Communications Hub Finance Charges",
        "will amend Section J 1.2(b) so that the DCC only has to provide a separate invoice for "
        "Communications Hub Finance Charges if that is what is required under the direct "
        "agreement with the Approved Finance Party.",
    )
    assert all(summary.startswith("will ") for _, summary in summaries.values())
    assert [(d["label"], d["title"]) for d in content["documents"]] == [
        ("Section H", "DCC Services"),
        ("Section I", "Data Privacy"),
        ("Section J", "Charges"),
        ("Appendix I", "CH Installation and Maintenance Support Materials"),
        ("Appendix O", "SMKI Repository Interface Design Specification"),
    ]
    party = {row["label"]: row["lines"] for row in content["party_impacts"]}
    assert len(party["All SEC Parties"]) == 2
    assert party["Supplier Parties"] == [
        "Supplier Parties will be able to access up to date information to continue to extend "
        "their service and fulfil their contractual obligations."
    ]
    assert party["Electricity Network Parties"] == party["Gas Network Parties"] == []
    assert party["Other SEC Parties"] == []
    assert content["dcc_impacts"] == [
        {
            "label": "Operational changes",
            "lines": [
                "The DCC will need to produce the full SMKI extract on a weekly rather than "
                "daily-basis."
            ],
        }
    ]
    assert content["other_code_impacts"] == []
    assert content["change_requests"] == []
    assert [(row["date"], row["event"]) for row in content["timeline"]] == [
        ("2020-07-17", "Panel baselines RID for system-impacting modifications"),
        ("2020-12-11", "Panel baselines RID for non-system-impacting modifications"),
        ("2021-06-24", "Release go-live"),
    ]
    assert not (content["pit_required"] or content["sit_required"] or content["uit_required"])
    assert [(c["activity"], c["cost"], c["is_maximum"]) for c in content["secas_costs"]] == [
        ("to update and implement the changes to the SEC", "1200.00", False),
        ("for project management of the release", "3000.00", True),
    ]
    assert content["acceptance_criteria"] == [
        "SECAS will be ready to implement the approved changes to the SEC on the agreed "
        "implementation date.",
        "SECAS has brought to readiness all the new and changed components that it is "
        "responsible for that are needed to support the new services.",
    ]
    # The seed's eight acronyms and the five it uses without listing them (CH, CHISM, SM, SMKI,
    # WAN): a RID's glossary lists every acronym it uses. Two of the seed's terms corrected.
    glossary = {g["acronym"]: g["full_term"] for g in content["glossary"]}
    assert sorted(glossary) == sorted(
        ["DCC", "PIT", "RID", "SEC", "SECAS", "SR", "SIT", "UIT"]
        + ["CH", "CHISM", "SM", "SMKI", "WAN"]
    )
    assert glossary["DCC"] == "Data Communications Company"
    assert glossary["SIT"] == "Systems Integration Testing"
    assert content["glossary_unknown"] == []
    # The DCC cost of 0 and the SECAS closing sentence are the release's data, as the seed says.
    assert content["dcc_cost"] == "0.00"
    assert content["dcc_costs_wording"] == "none"
    assert content["secas_costs_note"].startswith("This cost has already been accounted for")


def test_june_2021_participant_matrix_is_the_seeds(june):
    content = _version(june, "8.0").content
    assert content["participant_columns"] == [
        "Suppliers",
        "Electricity Networks",
        "Gas Networks",
        "Other SEC Parties",
        "DCC",
    ]
    rows = {row["label"]: row["cells"] for row in content["participant_matrix"]}
    assert rows == {
        "MP106": [True, True, True, True, False],
        "MP144": [True, True, True, True, True],
        "MP146": [True, False, False, False, True],
        "MP147": [False, False, False, False, True],
        "MP153": [False, False, False, False, True],
    }


def test_june_2021_fell_out_and_rejected_modifications_are_recorded_as_such(june):
    out = {
        item.modification.reference: (item.state, item.removed_on)
        for item in ScopeItem.objects.filter(release=june)
        .exclude(state="in_scope")
        .select_related("modification")
    }
    assert out == {
        "SECMP0067": ("removed", datetime.date(2020, 11, 27)),
        "MP116": ("fell_out", datetime.date(2021, 3, 12)),
        "DP145": ("fell_out", datetime.date(2021, 3, 12)),
        "MP138": ("fell_out", datetime.date(2021, 4, 16)),
    }
    assert Modification.objects.get(reference="SECMP0067").status == "rejected"
    fall_backs = {
        item.modification.reference: item.release.slug
        for item in ScopeItem.objects.filter(
            modification__reference__in=["MP116", "MP138"], state="in_scope"
        ).select_related("modification", "release")
    }
    assert fall_backs == {"MP116": "february-2022", "MP138": "november-2021"}


def test_draft_proposals_keep_their_number_when_converted(demo, db):
    former = dict(FormerReference.objects.values_list("reference", "modification__reference"))
    assert former == {
        "DP106": "MP106",
        "DP118": "MP118",
        "DP124": "MP124",
        "DP127": "MP127",
        "DP144": "MP144",
        "DP153": "MP153",
    }
    mp153 = Modification.objects.get(reference="MP153")
    assert mp153.path == "fast_track"
    assert list(mp153.decisions.values_list("kind", flat=True)) == ["fast_track", "implement"]


# November 2020 as the OPSG paper of 26 May 2020 describes it -----------------------------------


def test_november_2020_scope_as_of_the_paper_is_the_papers_table(demo, db):
    release = Release.objects.get(slug="november-2020")
    assert release.go_live_date == datetime.date(2020, 11, 29)
    assert _scope_on(release, PAPER_DATE) == sorted(
        [
            ("SECMP0062", "part 2"),
            *[
                (ref, "")
                for ref in [
                    "MP080",
                    "MP081",
                    "MP084",
                    "MP088",
                    "MP093",
                    "MP098",
                    "MP101",
                    "MP102A",
                    "MP103",
                    "MP110",
                    "MP112",
                    "MP115",
                    "MP118",
                    "MP120",
                    "DP124",
                    "DP127",
                ]
            ],
        ]
    )
    dcc_impacting = set(
        Modification.objects.filter(
            scope_items__release=release, impacts_dcc_systems=True
        ).values_list("reference", flat=True)
    )
    assert dcc_impacting == {"SECMP0062", "MP093", "SECMP0067"}


@pytest.mark.parametrize(
    "reference, status",
    [
        ("SECMP0062", "approved"),
        ("MP080", "change_board"),
        ("MP081", "approved"),
        ("MP084", "with_authority"),
        ("MP088", "with_authority"),
        ("MP093", "approved"),
        ("MP098", "change_board"),
        ("MP101", "change_board"),
        ("MP102A", "report_phase"),
        ("MP103", "report_phase"),
        ("MP110", "change_board"),
        ("MP112", "approved"),
        ("MP115", "change_board"),
        ("MP118", "report_phase"),
        ("MP120", "approved"),
        ("DP124", "development"),
        ("DP127", "development"),
    ],
)
def test_november_2020_status_on_the_papers_date(demo, db, reference, status):
    assert _status_on(reference, PAPER_DATE) == status


def test_november_2020_dates_the_papers_sentences_need(demo, db):
    mods = {m.reference: m for m in Modification.objects.all()}
    mods |= {f.reference: f.modification for f in FormerReference.objects.all()}
    assert mods["MP080"].change_board_date == datetime.date(2020, 5, 27)
    assert mods["MP115"].change_board_date == datetime.date(2020, 5, 27)
    for ref in ["MP098", "MP101", "MP110"]:
        assert mods[ref].change_board_date == datetime.date(2020, 6, 24)
    for ref in ["MP102A", "MP103", "MP118", "DP124", "DP127"]:
        assert mods[ref].panel_date == datetime.date(2020, 6, 19)
        assert mods[ref].change_board_date == datetime.date(2020, 7, 22)
    assert mods["DP124"].recommend_direct_to_report and mods["DP127"].recommend_direct_to_report
    for ref, kind in [("MP084", "cb_recommend_reject"), ("MP088", "cb_recommend_approve")]:
        assert mods[ref].path == "path2"
        assert mods[ref].cut_off_date == datetime.date(2020, 10, 22)
        decision = mods[ref].decisions.filter(date__lte=PAPER_DATE).last()
        assert (decision.kind, decision.date) == (kind, datetime.date(2020, 2, 26))
    in_paper = [ref for ref, _ in _scope_on(Release.objects.get(slug="november-2020"), PAPER_DATE)]
    assert {mods[ref].path for ref in in_paper if ref not in {"MP084", "MP088"}} == {"path3"}


def test_later_real_decisions_do_not_change_what_was_true_on_the_papers_date(demo, db):
    mp084 = Modification.objects.get(reference="MP084")
    assert mp084.status == "rejected"
    assert mp084.decisions.last().date == datetime.date(2020, 5, 27)
    item = ScopeItem.objects.get(modification=mp084, release__slug="november-2020")
    assert (item.state, item.removed_on) == ("removed", datetime.date(2020, 5, 27))
    mp102a = Modification.objects.get(reference="MP102A")
    assert mp102a.status == "implemented"
    assert list(mp102a.decisions.values_list("kind", "date")) == [
        ("report_approved", datetime.date(2020, 6, 19)),
        ("cb_approve", datetime.date(2020, 9, 23)),
        ("implement", NOVEMBER_2020_GO_LIVE),
    ]
    assert _status_on("MP084", PAPER_DATE) == "with_authority"
    assert _status_on("MP102A", PAPER_DATE) == "report_phase"
    assert _status_on("MP102A", datetime.date(2020, 9, 22)) == "change_board"
    assert _status_on("MP102A", datetime.date(2020, 9, 23)) == "approved"


def test_the_demo_paper_of_26_may_2020_still_shows_the_papers_scope_and_statuses(demo, db):
    """Everything recorded after the paper (approvals, late additions, go-live) is dated after
    26 May 2020, so the paper as of that date is the seed's."""
    stored = paper_queryset().get(reference="OPSG_33_0206_15")
    paper = build_paper(spec_from_paper(stored))
    rows = {row.reference: row.status for row in paper.sections[0].scope_rows}
    assert sorted(rows) == sorted(ref for ref, _ in _scope_on(_november_2020(), PAPER_DATE))
    assert {"DP124", "DP127"} <= set(rows) and not {"MP131", "MP133", "MP142"} & set(rows)
    assert rows["MP080"] == (
        "The Change Board vote will be held on 27 May 2020 under Self-Governance."
    )
    assert rows["MP098"] == (
        "The Change Board vote will be held on 24 June 2020 under Self-Governance."
    )
    assert rows["MP081"] == "Approved for inclusion."
    assert paper.sections[0].baselined


def _november_2020():
    return Release.objects.get(slug="november-2020")


def test_november_2020_baselines_are_the_releases_own_dates_before_the_paper(demo, db):
    release = _november_2020()
    assert release.system_baseline_date == datetime.date(2019, 11, 15)
    assert release.full_baseline_date == datetime.date(2020, 5, 15)
    assert release.full_baseline_date < PAPER_DATE
    kinds = dict(release.timeline.values_list("kind", "date"))
    assert kinds["system_baseline"] == release.system_baseline_date
    assert kinds["full_baseline"] == release.full_baseline_date
    assert not Event.objects.filter(action="release.updated").exists()


# Panel baselines: each one a record tied to the RID version it baselined -----------------------


BASELINE_ROWS = {
    "system": "Panel baselines RID for system-impacting modifications",
    "full": "Panel baselines RID for non-system-impacting modifications",
}


def test_every_panel_baseline_of_the_demo_is_tied_to_the_version_it_baselined(demo, db):
    baselines = {
        (b.release.slug, b.scope): b
        for b in PanelBaseline.objects.select_related("release", "rid_version")
    }
    assert {key: (b.meeting_date, b.rid_version.number) for key, b in baselines.items()} == {
        ("november-2020", "system"): (datetime.date(2019, 11, 15), "1.0"),
        ("november-2020", "full"): (datetime.date(2020, 5, 15), "4.0"),
        ("june-2021", "system"): (datetime.date(2020, 7, 17), "1.0"),
        ("june-2021", "full"): (datetime.date(2020, 12, 11), "2.0"),
        ("november-2021", "full"): (datetime.date(2021, 5, 14), "1.0"),
    }
    for (slug, scope), baseline in baselines.items():
        version = baseline.rid_version
        assert version.release_id == baseline.release_id
        assert (version.kind, version.baseline_scope) == ("baseline", scope)
        assert version.panel_meeting_date == baseline.meeting_date
        assert version.panel_decision == baseline.decision
        # The version is dated after the meeting that baselined it, and its own timeline
        # already shows that meeting.
        assert version.date >= baseline.meeting_date
        timeline = {(row["date"], row["event"]) for row in version.content["timeline"]}
        assert (baseline.meeting_date.isoformat(), BASELINE_ROWS[scope]) in timeline, (slug, scope)
        # The release's baseline date for that scope is the recorded meeting.
        field = f"{scope}_baseline_date"
        assert getattr(baseline.release, field) == baseline.meeting_date
    # Every baseline version of the demo recorded its baseline: none is left without one.
    assert not RidVersion.objects.filter(kind="baseline", panel_baseline__isnull=True).exists()


def test_november_2020_rid_versions_are_those_its_baselines_and_the_paper_imply(demo, db):
    versions = RidVersion.objects.filter(release__slug="november-2020").order_by("major", "minor")
    assert [(v.number, v.kind, v.date, v.changes) for v in versions] == [
        (
            "1.0",
            "baseline",
            datetime.date(2019, 11, 22),
            "Version baselined by the Panel to cover the proposed scope of the release on the "
            "DCC Systems.",
        ),
        ("2.0", "issued", datetime.date(2020, 2, 26), "Updated following the approval of MP093."),
        (
            "3.0",
            "issued",
            datetime.date(2020, 5, 15),
            "Updated following SECMP0067 falling out of scope.",
        ),
        (
            "4.0",
            "baseline",
            datetime.date(2020, 5, 22),
            "Version baselined by the Panel to cover the full proposed scope of the release.",
        ),
    ]
    system, _, _, full = versions
    # 1.0 baselined the scope on the DCC Systems: the three DCC System impacting modifications.
    assert sorted(_refs(system.content["approved"] + system.content["targeted"])) == [
        "MP093",
        "SECMP0062",
        "SECMP0067",
    ]
    # 4.0 is the paper's Appendix A: the scope the paper of 26 May 2020 lists.
    in_paper = sorted(ref for ref, _ in _scope_on(_november_2020(), PAPER_DATE))
    assert sorted(_refs(full.content["approved"] + full.content["targeted"])) == in_paper


def test_the_demo_paper_attaches_november_2020_rid_version_4_0_as_the_seed_does(demo, db):
    stored = paper_queryset().get(reference="OPSG_33_0206_15")
    paper = build_paper(spec_from_paper(stored))
    (attachment,) = paper.attachments
    assert attachment.label == (
        "Appendix A: November 2020 SEC Release Implementation Document v4.0"
    )
    assert attachment.url == "/releases/november-2020/rid/v4.0/"
    assert paper.sections[0].appendix == "A"


def test_november_2021_full_scope_baseline_is_its_rid_version_1_0(demo, db):
    (version,) = RidVersion.objects.filter(release__slug="november-2021")
    assert (version.number, version.kind, version.baseline_scope, version.date) == (
        "1.0",
        "baseline",
        "full",
        datetime.date(2021, 5, 21),
    )
    # The nine modifications in its scope on 14 May 2021: the eight of the paper and MP138,
    # fallen back from June 2021 on 16 April 2021.
    assert sorted(_refs(version.content["targeted"] + version.content["approved"])) == sorted(
        [
            "SECMP0007",
            "SECMP0015",
            "SECMP0024",
            "SECMP0046",
            "SECMP0056",
            "MP078",
            "MP090",
            "MP099",
            "MP138",
        ]
    )


def test_november_2020_final_scope_is_the_eighteen_implemented_on_go_live(demo, db):
    in_scope = {
        item.modification.reference: item
        for item in ScopeItem.objects.filter(
            release__slug="november-2020", state="in_scope"
        ).select_related("modification")
    }
    assert sorted(in_scope) == sorted([*NOVEMBER_2020_FINAL_SCOPE, "MP088"])
    assert in_scope["SECMP0062"].part_label == "part 2"
    for reference in NOVEMBER_2020_FINAL_SCOPE:
        modification = in_scope[reference].modification
        assert modification.status == "implemented", reference
        last = modification.decisions.order_by("date", "id").last()
        assert (last.kind, last.date) == ("implement", NOVEMBER_2020_GO_LIVE), reference
        assert _status_on(reference, NOVEMBER_2020_GO_LIVE - datetime.timedelta(days=1)) == (
            "approved"
        ), reference


def test_mp088_is_left_with_the_authority_past_its_cut_off_and_mp084_left_the_scope(demo, db):
    mp088 = Modification.objects.get(reference="MP088")
    assert mp088.status == "with_authority"
    item = ScopeItem.objects.get(modification=mp088, release__slug="november-2020")
    assert (item.state, item.cut_off_date) == ("in_scope", datetime.date(2020, 10, 22))
    mp084 = ScopeItem.objects.get(modification__reference="MP084", release__slug="november-2020")
    assert (mp084.state, mp084.removed_on) == ("removed", datetime.date(2020, 5, 27))


@pytest.mark.parametrize(
    "reference, approved_on",
    [
        ("MP080", datetime.date(2020, 5, 27)),
        ("MP115", datetime.date(2020, 5, 27)),
        ("MP098", datetime.date(2020, 6, 24)),
        ("MP101", datetime.date(2020, 6, 24)),
        ("MP110", datetime.date(2020, 6, 24)),
        ("MP103", datetime.date(2020, 7, 22)),
        ("MP118", datetime.date(2020, 7, 22)),
        ("MP124", datetime.date(2020, 7, 22)),
        ("MP127", datetime.date(2020, 7, 22)),
        ("MP131", datetime.date(2020, 8, 26)),
        ("MP133", datetime.date(2020, 8, 26)),
        ("MP102A", datetime.date(2020, 9, 23)),
        ("MP142", datetime.date(2020, 10, 14)),
    ],
)
def test_november_2020_approvals_after_the_paper_fall_on_change_board_wednesdays(
    demo, db, reference, approved_on
):
    approval = Decision.objects.get(modification__reference=reference, kind="cb_approve")
    assert approval.date == approved_on
    assert approval.date > PAPER_DATE and approval.date.weekday() == 2


def test_draft_proposals_124_and_127_went_directly_to_the_report_phase_on_19_june_2020(demo, db):
    for number in ["124", "127"]:
        modification = Modification.objects.get(reference=f"MP{number}")
        kinds = list(modification.decisions.values_list("kind", "date", "reference_before"))
        assert kinds == [
            ("direct_to_report", datetime.date(2020, 6, 19), f"DP{number}"),
            ("report_approved", datetime.date(2020, 6, 19), f"MP{number}"),
            ("cb_approve", datetime.date(2020, 7, 22), f"MP{number}"),
            ("implement", NOVEMBER_2020_GO_LIVE, f"MP{number}"),
        ]


def test_modifications_added_after_the_paper_are_exceptions_with_no_invented_title(demo, db):
    items = {
        item.modification.reference: item
        for item in ScopeItem.objects.filter(
            release__slug="november-2020", added_on__gt=PAPER_DATE
        ).select_related("modification")
    }
    assert {ref: item.added_on for ref, item in items.items()} == {
        "MP131": datetime.date(2020, 7, 17),
        "MP133": datetime.date(2020, 7, 17),
        "MP142": datetime.date(2020, 9, 18),
    }
    for item in items.values():
        assert item.added_after_deadline and item.exception_reason
        assert item.modification.title == demo_data.NOT_IN_SOURCES


def test_june_2021_modifications_are_implemented_on_go_live_after_version_8_0(june):
    version_8 = _version(june, "8.0")
    assert version_8.date < JUNE_2021_GO_LIVE
    in_scope = ScopeItem.objects.filter(release=june, state="in_scope")
    assert sorted(in_scope.values_list("modification__reference", flat=True)) == [
        "MP106",
        "MP144",
        "MP146",
        "MP147",
        "MP153",
    ]
    for item in in_scope.select_related("modification"):
        assert item.modification.status == "implemented"
        last = item.modification.decisions.order_by("date", "id").last()
        assert (last.kind, last.date) == ("implement", JUNE_2021_GO_LIVE)
    assert _refs(version_8.content["approved"]) == [
        "MP106",
        "MP144",
        "MP146",
        "MP147",
        "MP153",
    ]


def test_every_demo_decision_follows_the_lifecycle_in_date_order(demo, db):
    for modification in Modification.objects.prefetch_related("decisions"):
        decisions = sorted(modification.decisions.all(), key=lambda d: (d.date, d.id))
        for before, after in zip(decisions, decisions[1:], strict=False):
            assert before.date <= after.date, modification.reference
            assert after.from_status == before.to_status, modification.reference
        if decisions:
            assert decisions[-1].to_status == modification.status, modification.reference
        for decision in decisions:
            transition = lifecycle.TRANSITIONS[decision.kind]
            assert decision.from_status in transition.from_statuses, modification.reference
            assert decision.to_status == transition.to_status, modification.reference


def test_the_dashboard_after_the_demo_releases_shows_nothing_overdue(demo, db):
    """The demo no longer stops in mid-2020: once the last demo release has gone live nothing
    is overdue. MP088 stays with the Authority for the user to lapse (as of a date before
    go-live, when the policy check offers it)."""
    after = max(spec["go_live_date"] for spec in demo_data.RELEASES) + datetime.timedelta(days=1)
    data = dashboard_data(after)
    assert data["overdue"] == [] and data["votes"] == []
    assert [row["modification"].reference for row in data["authority"]] == ["MP088"]
    before_go_live = dashboard_data(datetime.date(2020, 11, 1))
    lapse = [f for f in before_go_live["overdue"] if f.action == "lapse"]
    assert [(f.rule, f.reference) for f in lapse] == [("R7", "MP088")]


def test_november_2020_change_requests_alongside_are_the_six_of_the_paper(demo, db):
    release = Release.objects.get(slug="november-2020")
    rows = sorted(release.change_requests.values_list("reference", "title", "category"))
    assert rows == [
        ("CR1145", "Auxiliary Proportional Load Control", "DCC BEIS Mandated Change Request"),
        ("CR1233", "IRP554 Future Date Command Handling", "DCC BEIS Mandated Change Request"),
        (
            "CR1254",
            "CSP Testing to Support Proportional Load Control",
            "DCC BEIS Mandated Change Request",
        ),
        ("CR1277", "Install Code validation reinstatement", "DCC BEIS Mandated Change Request"),
        (
            "CR1290",
            "Re-Scaling of Gas Flow Rate in SRV 6.7 to match SMETS2",
            "DCC BEIS Mandated Change Request",
        ),
        (
            "CRTBC",
            "Organisation Certificates \u2013 XML signing",
            "DCC BEIS Mandated Change Request",
        ),
    ]


def test_november_2020_timeline_has_the_opsg_acceptance_view_and_the_progress_review(demo, db):
    release = Release.objects.get(slug="november-2020")
    rows = list(release.timeline.values_list("date", "kind"))
    assert (datetime.date(2020, 11, 3), "opsg_acceptance") in rows
    assert (datetime.date(2020, 8, 3), "progress_review") in rows
    assert (datetime.date(2020, 11, 29), "go_live") in rows


# The DCC System impacting modifications targeted for 2021 -------------------------------------


def test_the_nine_2021_modifications_have_their_dcc_system_impacts(demo, db):
    table = {
        m.reference: (m.duis_impact, m.gbcs_impact, m.ch_firmware_impact)
        for m in Modification.objects.filter(
            reference__in=[
                "SECMP0007",
                "SECMP0015",
                "SECMP0024",
                "SECMP0046",
                "SECMP0056",
                "SECMP0067",
                "MP078",
                "MP090",
                "MP099",
            ],
            impacts_dcc_systems=True,
        )
    }
    assert table == {
        "SECMP0007": ("yes", "yes", "yes"),
        "SECMP0015": ("no", "yes", "yes"),
        "SECMP0024": ("yes", "no", "no"),
        "SECMP0046": ("yes", "yes", "no"),
        "SECMP0056": ("no", "yes", "yes"),
        "SECMP0067": ("yes", "no", "no"),
        "MP078": ("no", "yes", "no"),
        "MP090": ("tbc", "yes", "no"),
        "MP099": ("no", "yes", "no"),
    }


def test_mp090_carries_the_papers_footnotes(demo, db):
    mp090 = Modification.objects.get(reference="MP090")
    assert mp090.duis_footnote == (
        "Several solution options are currently being assessed for MP090, only one of which "
        "will impact the DUIS"
    )
    assert mp090.gbcs_footnote == "MP090 will require documentation changes to the GBCS"
    assert mp090.ch_firmware_footnote == ""
    footnoted = Modification.objects.exclude(duis_footnote="", gbcs_footnote="")
    assert list(footnoted.values_list("reference", flat=True)) == ["MP090"]


def test_2021_modifications_are_targeted_as_of_the_paper(demo, db):
    nov21 = Release.objects.get(slug="november-2021")
    assert nov21.go_live_date == datetime.date(2021, 11, 4)
    assert [ref for ref, _ in _scope_on(nov21, PAPER_DATE)] == sorted(
        ["SECMP0007", "SECMP0015", "SECMP0024", "SECMP0046", "SECMP0056", "MP078", "MP090", "MP099"]
    )
    june = Release.objects.get(slug="june-2021")
    assert _scope_on(june, PAPER_DATE) == [("SECMP0067", "")]
    assert _status_on("SECMP0067", PAPER_DATE) == "refinement"
    send_back = Decision.objects.get(
        modification__reference="SECMP0067", kind="authority_send_back"
    )
    assert send_back.date < PAPER_DATE
