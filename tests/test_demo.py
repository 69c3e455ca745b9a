"""The demo data (manage.py load_demo): the real releases of the two seeds, loaded through the
services, with the real June 2021 history replayed so that every RID version holds what the release
held on its date.

The demo is loaded once for this module, inside a transaction that is rolled back at the end (issued
RID versions cannot be deleted, by design), and each test runs in a savepoint within it.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from modifications import lifecycle
from modifications.models import (
    ChangeRequest,
    Decision,
    Event,
    FormerReference,
    Modification,
)
from releases import services
from releases.models import GlossaryEntry, Release, RidVersion, ScopeItem, UpdatePaper

PAPER_DATE = datetime.date(2020, 5, 26)

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
    Rolled back afterwards."""
    drafted = []
    issue = services.rid_issue_version

    def issue_and_note_the_draft(**kwargs):
        drafted.append(
            services.rid_draft_changes(
                kwargs["release"], kwargs["kind"], kwargs.get("baseline_scope", "")
            )
        )
        return issue(**kwargs)

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "rid_issue_version", issue_and_note_the_draft)
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


def _status_on(reference, date):
    modification = Modification.objects.get(reference=reference)
    decisions = list(modification.decisions.order_by("date", "id"))
    return lifecycle.status_on(decisions, date, modification.status)


# Loading ----------------------------------------------------------------------------------------


def test_loading_the_demo_twice_changes_nothing_and_records_no_new_event(demo, db):
    assert demo["first"]["events"] > 100
    assert demo["first"]["rid_versions"] == 10
    assert demo["second"] == demo["first"]


def test_the_demo_includes_the_opsg_paper_of_26_may_2020(demo, db):
    paper = UpdatePaper.objects.get(reference="OPSG_33_0206_15")
    assert paper.as_of == PAPER_DATE
    assert demo["first"]["papers"] == 1


def test_every_demo_change_is_recorded_as_made_by_the_demo_analyst(demo, db):
    actors = set(Event.objects.values_list("actor__username", flat=True))
    assert actors == {"analyst"}
    assert set(Decision.objects.values_list("recorded_by__username", flat=True)) == {"analyst"}


def test_demo_users_log_in_with_the_password_demo_and_have_their_roles(demo, db):
    User = get_user_model()
    analyst = User.objects.get(username="analyst")
    panel = User.objects.get(username="panel")
    assert analyst.check_password("demo")
    assert panel.check_password("demo")
    assert list(analyst.groups.values_list("name", flat=True)) == ["SECAS analyst"]
    assert list(panel.groups.values_list("name", flat=True)) == ["Panel member"]
    assert not analyst.is_superuser and not panel.is_superuser


# June 2021: the version history ---------------------------------------------------------------


def test_june_2021_version_table_is_the_seeds(june):
    versions = RidVersion.objects.filter(release=june).order_by("major", "minor")
    assert [(v.number, v.date, v.changes) for v in versions] == SEED_VERSION_TABLE


def test_every_june_2021_change_happened_between_the_right_two_versions(demo):
    """The history is replayed in the right order: before each version, the Changes text the
    RID service drafts from what happened since the previous one is the seed's, word for word."""
    assert demo["drafted"] == [changes for _, _, changes in SEED_VERSION_TABLE]


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
    assert sorted(g["acronym"] for g in content["glossary"]) == sorted(
        ["DCC", "PIT", "RID", "SEC", "SECAS", "SR", "SIT", "UIT"]
    )


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
        "DP144": "MP144",
        "DP153": "MP153",
    }
    mp153 = Modification.objects.get(reference="MP153")
    assert mp153.path == "fast_track"
    assert mp153.decisions.get().kind == "fast_track"


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
    assert mp102a.status == "approved"
    assert mp102a.decisions.last().date == datetime.date(2020, 9, 23)
    assert _status_on("MP084", PAPER_DATE) == "with_authority"
    assert _status_on("MP102A", PAPER_DATE) == "report_phase"


def test_november_2020_baselines_are_the_releases_own_dates_before_the_paper(demo, db):
    release = Release.objects.get(slug="november-2020")
    assert release.system_baseline_date == datetime.date(2019, 11, 15)
    assert release.full_baseline_date == datetime.date(2020, 5, 15)
    assert release.full_baseline_date < PAPER_DATE
    kinds = dict(release.timeline.values_list("kind", "date"))
    assert kinds["system_baseline"] == release.system_baseline_date
    assert kinds["full_baseline"] == release.full_baseline_date
    assert not Event.objects.filter(action="release.updated").exists()


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
