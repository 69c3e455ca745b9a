"""Entering a release quickly: a release from an earlier one, scope in bulk (with new
references added to the register in the same step), a new modification into the scope in one
form, undoing an addition no issued RID lists, rows edited in place (htmx) and reordered,
timeline windows, the header search and the sortable register."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from modifications import services as register
from modifications.models import Event, FormerReference, Modification
from releases import selectors, services
from releases.models import (
    AcceptanceCriterion,
    DccImpact,
    ScopeItem,
    SecasCostLine,
    TimelineEvent,
)
from releases.paper import services as paper_services
from releases.policy import feeds
from releases.rid import services as rid_services
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db
D = datetime.date
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def june(analyst):
    """June 2021 with a full timeline (one window), test strategy, costs, criteria, DCC
    impacts and one modification in scope."""
    release = make_release(
        analyst,
        system_baseline_date=D(2020, 7, 17),
        full_baseline_date=D(2020, 12, 11),
        sit_required=True,
        test_strategy_text="SIT and UIT by the DCC.",
    )
    services.release_part_save(
        actor=analyst,
        release=release,
        model=TimelineEvent,
        date=D(2021, 3, 1),
        end_date=D(2021, 4, 30),
        event="Systems Integration Testing (SIT)",
        notes="",
        kind="other",
    )
    for activity in ("to update the SEC", "for project management"):
        services.release_part_save(
            actor=analyst,
            release=release,
            model=SecasCostLine,
            activity=activity,
            effort_days=Decimal("2"),
            cost=Decimal("1200"),
            is_maximum=False,
        )
    for text in ("SECAS is ready.", "The DCC is ready."):
        services.release_part_save(
            actor=analyst, release=release, model=AcceptanceCriterion, text=text
        )
    services.release_part_save(
        actor=analyst, release=release, model=DccImpact, area="Operational changes", summary="x"
    )
    services.scope_add(
        actor=analyst,
        release=release,
        modification=make_modification(analyst, reference="MP106"),
        added_on=D(2020, 7, 1),
        reason="Baseline",
    )
    return release


# 1. A release from an earlier one ------------------------------------------------------------


def test_a_release_from_an_earlier_one_copies_its_parts_with_dates_moved_by_the_go_live_shift(
    analyst, june
):
    new = services.release_create_from(
        actor=analyst,
        source=june,
        name="June 2022 SEC Release",
        slug="june-2022",
        go_live_date=D(2022, 6, 30),
        system_baseline_date=D(2021, 7, 23),
        reason="Next DCC System release",
    )
    shift = D(2022, 6, 30) - D(2021, 6, 24)
    rows = {t.event: t for t in new.timeline.all()}
    assert rows["Release go-live"].date == D(2022, 6, 30)
    # A row that follows the release's own date takes it; the others move by the shift.
    assert rows["Panel baselines RID for system-impacting modifications"].date == D(2021, 7, 23)
    assert rows["Panel baselines RID for non-system-impacting modifications"].date == (
        D(2020, 12, 11) + shift
    )
    sit = rows["Systems Integration Testing (SIT)"]
    assert (sit.date, sit.end_date) == (D(2021, 3, 1) + shift, D(2021, 4, 30) + shift)
    assert [c.activity for c in new.secas_costs.all()] == [
        "to update the SEC",
        "for project management",
    ]
    assert [(c.position, c.text) for c in new.acceptance_criteria.all()] == [
        (1, "SECAS is ready."),
        (2, "The DCC is ready."),
    ]
    assert [d.area for d in new.dcc_impacts.all()] == ["Operational changes"]
    assert (new.sit_required, new.test_strategy_text) == (True, "SIT and UIT by the DCC.")
    assert new.party_impacts.count() == 5
    assert not new.scope_items.exists(), "the scope is never copied"
    (event,) = Event.objects.about(new)
    assert event.action == "release.created_from"
    assert event.actor == analyst and event.reason == "Next DCC System release"
    assert event.data["source"] == "june-2021" and event.data["shift_days"] == shift.days
    assert "from June 2021 SEC Release" in event.summary


def test_the_copy_is_editable_afterwards_and_leaves_the_source_alone(analyst, june):
    new = services.release_create_from(
        actor=analyst, source=june, name="Copy", slug="copy", go_live_date=D(2022, 6, 30)
    )
    line = new.secas_costs.first()
    services.release_part_save(
        actor=analyst, release=new, model=SecasCostLine, instance=line, cost=Decimal("99")
    )
    assert june.secas_costs.first().cost == Decimal("1200")


def test_analysts_create_a_release_from_an_earlier_one_on_the_new_release_form(
    analyst_client, june
):
    url = reverse("releases:release_create")
    page = analyst_client.get(url + "?from=june-2021")
    assert page.context["form"]["copy_from"].value() == june.pk
    response = analyst_client.post(
        url,
        {
            "copy_from": june.pk,
            "name": "June 2022 SEC Release",
            "slug": "june-2022",
            "go_live_date": "2022-06-30",
            "classification": "white",
            "reason": "Planned like June 2021",
        },
    )
    assert response.status_code == 302
    assert analyst_client.get(response.url).status_code == 200
    assert TimelineEvent.objects.filter(release__slug="june-2022").count() == 4


def test_a_release_from_an_earlier_one_with_a_taken_name_says_so_and_keeps_what_was_typed(
    analyst_client, june
):
    response = analyst_client.post(
        reverse("releases:release_create"),
        {
            "copy_from": june.pk,
            "name": "June 2021 SEC Release",
            "slug": "june-2022",
            "go_live_date": "2022-06-30",
            "classification": "white",
            "reason": "Typed reason",
        },
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert "Typed reason" in response.content.decode()


# 2. Scope in bulk -----------------------------------------------------------------------------


def bulk_post(**overrides):
    return {
        "references": "",
        "added_on": "2020-12-01",
        "reason": "Panel baselined the full scope",
        "new-TOTAL_FORMS": "0",
        "new-INITIAL_FORMS": "0",
        **overrides,
    }


def test_pasted_references_join_the_scope_each_with_its_event(analyst, analyst_client, june):
    mods = [make_modification(analyst, reference=r) for r in ("MP107", "MP108", "DP124")]
    url = reverse("releases:scope_bulk_add", args=[june.slug])
    response = analyst_client.post(url, bulk_post(references="mp 107, MP108\nDP124"))
    assert response.status_code == 302
    items = ScopeItem.objects.filter(release=june, modification__in=mods, state="in_scope")
    assert items.count() == 3
    events = Event.objects.about(june).filter(action="scope.added", modification__in=mods)
    assert {e.reason for e in events} == {"Panel baselined the full scope"}
    assert events.count() == 3


def test_ticked_modifications_join_the_scope_too(analyst, analyst_client, june):
    mod = make_modification(analyst, reference="MP109")
    url = reverse("releases:scope_bulk_add", args=[june.slug])
    assert "MP109" in analyst_client.get(url + "?q=mp109").content.decode()
    response = analyst_client.post(url, bulk_post(modifications=[mod.pk]))
    assert response.status_code == 302
    assert ScopeItem.objects.filter(release=june, modification=mod).exists()


def test_references_not_in_the_register_are_offered_for_creation_in_the_same_step(
    analyst, analyst_client, june
):
    make_modification(analyst, reference="MP107")
    url = reverse("releases:scope_bulk_add", args=[june.slug])
    response = analyst_client.post(url, bulk_post(references="MP107 MP301 MP302"))
    assert response.status_code == 200
    assert [f["reference"].value() for f in response.context["new_forms"]] == ["MP301", "MP302"]
    assert "MP107 MP301 MP302" in response.content.decode(), "keeps what was typed"
    assert not ScopeItem.objects.filter(release=june, modification__reference="MP107").exists()

    data = bulk_post(
        references="MP107 MP301 MP302",
        **{
            "new-TOTAL_FORMS": "2",
            "new-INITIAL_FORMS": "2",
            "new-0-reference": "MP301",
            "new-0-title": "",
            "new-0-status": "development",
            "new-1-reference": "MP302",
            "new-1-title": "Second new one",
            "new-1-status": "development",
        },
    )
    response = analyst_client.post(url, data)
    assert response.status_code == 200, "a new modification needs a title"
    assert response.context["new_forms"].forms[0].errors["title"]
    assert not Modification.objects.filter(reference="MP302").exists()

    data["new-0-title"] = "First new one"
    response = analyst_client.post(url, data)
    assert response.status_code == 302
    assert set(
        ScopeItem.objects.filter(release=june).values_list("modification__reference", flat=True)
    ) == {"MP106", "MP107", "MP301", "MP302"}
    created = Event.objects.filter(action="modification.created", summary__contains="MP301")
    assert created.get().actor == analyst


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"references": "MP106"}, "Already in the scope"),
        ({"references": "banana"}, "Not a reference: BANANA"),
        ({"references": ""}, "Paste at least one reference"),
        ({"references": "MP106", "reason": ""}, "This field is required"),
    ],
)
def test_bad_bulk_input_is_explained_next_to_the_field_and_nothing_is_saved(
    analyst_client, june, overrides, message
):
    before, events = ScopeItem.objects.count(), Event.objects.count()
    url = reverse("releases:scope_bulk_add", args=[june.slug])
    response = analyst_client.post(url, bulk_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (ScopeItem.objects.count(), Event.objects.count()) == (before, events)


def test_scope_add_many_is_all_or_nothing(analyst, june):
    closed = make_modification(analyst, reference="MP150", status="rejected")
    fine = make_modification(analyst, reference="MP151")
    with pytest.raises(ValidationError) as exc:
        services.scope_add_many(
            actor=analyst,
            release=june,
            modifications=[fine, closed],
            added_on=D(2020, 12, 1),
            reason="x",
        )
    assert "MP150" in str(exc.value)
    assert not ScopeItem.objects.filter(modification=fine).exists()


def test_a_new_modification_joins_the_register_and_the_scope_in_one_form(
    analyst, analyst_client, june
):
    url = reverse("releases:scope_new_modification", args=[june.slug])
    page = analyst_client.get(june.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page, "the form is one link away from the release page"
    data = {
        "new-modification-reference": "mp 310",
        "new-modification-title": "A brand new one",
        "new-modification-rid_summary": "What it does.",
        "new-modification-impacts_dcc_systems": "on",
        "new-modification-status": "development",
        "new-modification-added_on": "2020-12-01",
        "new-modification-reason": "Raised and targeted together",
    }
    # It impacts the DCC Systems and joins after that deadline: the Panel decision is needed.
    response = analyst_client.post(url, data)
    assert response.status_code == 200
    assert "exception_reason" in response.context["form"].errors
    assert not Modification.objects.filter(reference="MP310").exists()
    data["new-modification-exception_reason"] = "Panel exception of 20 November 2020"
    response = analyst_client.post(url, data)
    assert response.status_code == 302
    mod = Modification.objects.get(reference="MP310")
    assert (mod.title, mod.impacts_dcc_systems) == ("A brand new one", True)
    assert ScopeItem.objects.filter(release=june, modification=mod, state="in_scope").exists()
    response = analyst_client.post(url, data)
    assert response.status_code == 200
    assert "already in the register" in str(response.context["form"].errors["reference"])
    assert "A brand new one" in response.content.decode()


def test_the_single_scope_form_has_a_reference_field_and_no_select_of_the_register(
    analyst, analyst_client, june
):
    for n in range(20):
        make_modification(analyst, reference=f"MP{200 + n}")
    html = analyst_client.get(reverse("releases:scope_add", args=[june.slug])).content.decode()
    assert 'name="modification"' in html and 'list="id_modification-options"' in html
    assert "MP219" not in html
    options = analyst_client.get(reverse("releases:modification_options") + "?modification=mp21")
    text = options.content.decode()
    assert text.count("<option") == 10 and 'value="MP210"' in text


def test_modification_options_leave_out_closed_modifications(analyst, analyst_client):
    make_modification(analyst, reference="MP401", status="rejected")
    make_modification(analyst, reference="MP402")
    text = analyst_client.get(reverse("releases:modification_options") + "?q=MP40").content
    assert b"MP402" in text and b"MP401" not in text


# 3. Undo before issue --------------------------------------------------------------------------


def test_an_addition_no_issued_version_lists_can_be_deleted_and_its_events_remain(
    analyst, analyst_client, june
):
    mod = make_modification(analyst, reference="MP120")
    item = services.scope_add(
        actor=analyst, release=june, modification=mod, added_on=D(2020, 12, 1), reason="Oops"
    )
    page = analyst_client.get(june.get_absolute_url()).content.decode()
    url = reverse("releases:scope_item_delete", args=[june.slug, item.pk])
    assert url in page
    response = analyst_client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = analyst_client.post(url, {"reason": "Added to the wrong release"})
    assert response.status_code == 302
    assert not ScopeItem.objects.filter(pk=item.pk).exists()
    actions = list(
        Event.objects.about(june).filter(modification=mod).values_list("action", "reason")
    )
    assert ("scope.added", "Oops") in actions
    assert ("scope.deleted", "Added to the wrong release") in actions
    assert "Fell out or removed (0)" in analyst_client.get(june.get_absolute_url()).content.decode()


def test_an_addition_an_issued_version_lists_can_only_be_removed(analyst, analyst_client, june):
    item = ScopeItem.objects.get(release=june, modification__reference="MP106")
    rid_services.rid_issue_version(
        actor=analyst,
        release=june,
        kind="draft",
        date=D(2020, 7, 10),
        changes="First draft",
        unreviewed_reason="Test of issued versions",
    )
    url = reverse("releases:scope_item_delete", args=[june.slug, item.pk])
    assert url not in analyst_client.get(june.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match="issued RID version 0.1"):
        services.scope_item_delete(actor=analyst, item=item, reason="x")
    response = analyst_client.post(url, {"reason": "x"})
    assert response.status_code == 200
    assert "cannot be deleted, only removed" in response.content.decode()
    assert ScopeItem.objects.filter(pk=item.pk).exists()


# 4. Rows edited in place -----------------------------------------------------------------------


def test_htmx_asks_for_an_editor_and_gets_the_section_with_the_form_in_place(analyst_client, june):
    url = reverse("releases:part_create", args=[june.slug, "timeline"])
    response = analyst_client.get(url, **HX)
    html = response.content.decode()
    assert response.templates[0].name == "releases/_section_timeline.html"
    assert 'id="part-timeline"' in html and "<html" not in html
    assert 'name="timeline-end_date"' in html and "autofocus" in html


def test_a_row_saved_in_place_returns_the_section_with_a_notice_and_records_the_event(
    analyst, analyst_client, june
):
    url = reverse("releases:part_create", args=[june.slug, "timeline"])
    response = analyst_client.post(
        url,
        {
            "timeline-date": "2021-04-01",
            "timeline-end_date": "2021-05-31",
            "timeline-event": "User Integration Testing (UIT)",
            "timeline-kind": "other",
            "timeline-notes": "",
            "timeline-reason": "DCC plan",
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Timeline event added." in html
    assert "User Integration Testing (UIT)" in html and "31 May 2021" in html
    row = TimelineEvent.objects.get(release=june, event="User Integration Testing (UIT)")
    assert row.end_date == D(2021, 5, 31)
    event = Event.objects.about(june).get(action="release.timelineevent_added", reason="DCC plan")
    assert event.actor == analyst and event.changes["end_date"] == [None, "2021-05-31"]


def test_bad_input_in_place_is_explained_next_to_the_field_and_keeps_what_was_typed(
    analyst_client, june
):
    before, events = TimelineEvent.objects.count(), Event.objects.count()
    url = reverse("releases:part_create", args=[june.slug, "timeline"])
    response = analyst_client.post(
        url,
        {
            "timeline-date": "2021-04-01",
            "timeline-end_date": "2021-03-01",
            "timeline-event": "Typed event",
            "timeline-kind": "other",
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be before the date" in html and 'value="Typed event"' in html
    assert (TimelineEvent.objects.count(), Event.objects.count()) == (before, events)


def test_the_service_refuses_a_window_that_ends_before_it_starts(analyst, june):
    with pytest.raises(ValidationError) as exc:
        services.release_part_save(
            actor=analyst,
            release=june,
            model=TimelineEvent,
            date=D(2021, 4, 1),
            end_date=D(2021, 3, 1),
            event="Backwards",
            kind="other",
        )
    assert "end_date" in exc.value.message_dict


def test_rows_are_deleted_in_place_with_a_reason(analyst_client, june):
    line = june.secas_costs.first()
    url = reverse("releases:part_delete", args=[june.slug, "secas-costs", line.pk])
    form = analyst_client.get(url, **HX).content.decode()
    assert 'name="secas-costs-delete-reason"' in form
    response = analyst_client.post(url, {"secas-costs-delete-reason": "Duplicate"}, **HX)
    assert "SECAS cost line deleted." in response.content.decode()
    assert not SecasCostLine.objects.filter(pk=line.pk).exists()
    assert Event.objects.about(june).get(action="release.secascostline_deleted").reason == (
        "Duplicate"
    )


def test_criteria_are_numbered_by_the_service_and_reordered_up_and_down(
    analyst, analyst_client, june
):
    third = services.release_part_save(
        actor=analyst, release=june, model=AcceptanceCriterion, text="Third."
    )
    assert third.position == 3
    url = reverse("releases:part_move", args=[june.slug, "acceptance-criteria", third.pk])
    response = analyst_client.post(url, {"direction": "up"}, **HX)
    assert "Acceptance criterion moved up." in response.content.decode()
    assert list(june.acceptance_criteria.values_list("text", flat=True)) == [
        "SECAS is ready.",
        "Third.",
        "The DCC is ready.",
    ]
    assert Event.objects.about(june).filter(action="release.acceptancecriterion_moved").exists()
    first = june.acceptance_criteria.get(position=1)
    response = analyst_client.post(
        reverse("releases:part_move", args=[june.slug, "acceptance-criteria", first.pk]),
        {"direction": "up"},
    )
    assert response.status_code == 302, "without htmx: back to the release page"
    services.release_part_delete(actor=analyst, release=june, instance=first)
    assert list(june.acceptance_criteria.values_list("position", "text")) == [
        (1, "Third."),
        (2, "The DCC is ready."),
    ]


def test_a_timeline_row_is_not_reordered_by_hand(analyst_client, june):
    row = june.timeline.first()
    url = reverse("releases:part_move", args=[june.slug, "timeline", row.pk])
    assert analyst_client.post(url, {"direction": "up"}).status_code == 404


def test_panel_members_see_no_row_editors(panel_client, june):
    html = panel_client.get(june.get_absolute_url()).content.decode()
    assert "hx-get" not in html and "hx-post" not in html
    url = reverse("releases:part_create", args=[june.slug, "timeline"])
    assert panel_client.get(url, **HX).status_code == 403


def test_the_section_without_htmx_is_the_release_page(analyst_client, june):
    url = reverse("releases:part_section", args=[june.slug, "timeline"])
    assert "<html" in analyst_client.get(url).content.decode()
    assert "<html" not in analyst_client.get(url, **HX).content.decode()


# 5. Windows in the calendar feed ---------------------------------------------------------------


def test_a_window_is_a_multi_day_event_in_the_calendar_feed(june):
    ical = feeds.feed_release(june, absolute=lambda path: f"https://example.org{path}")
    events = {
        str(e["summary"]): (e.decoded("dtstart"), e.decoded("dtend"))
        for e in Calendar.from_ical(ical).walk("VEVENT")
    }
    # DTEND of an all-day event is exclusive: the day after the window's last day.
    assert events["June 2021 SEC Release: Systems Integration Testing (SIT)"] == (
        D(2021, 3, 1),
        D(2021, 5, 1),
    )
    assert events["June 2021 SEC Release: Release go-live"] == (D(2021, 6, 24), D(2021, 6, 25))


# 6. Finding things ----------------------------------------------------------------------------


def test_the_header_search_finds_modifications_change_requests_releases_and_papers(
    analyst, panel_client, june
):
    register.change_request_create(actor=analyst, reference="CR1145", title="June things")
    paper_services.paper_create(
        actor=analyst,
        reference="OPSG_33_0206_15",
        as_of=D(2020, 5, 26),
        author="A",
        releases=[june],
    )
    make_modification(analyst, reference="MP130", title="June reading dates")
    response = panel_client.get(reverse("releases:search") + "?q=june")
    results = response.context["results"]
    assert [m.reference for m in results.modifications] == ["MP130"]
    assert [c.reference for c in results.change_requests] == ["CR1145"]
    assert [r.slug for r in results.releases] == ["june-2021"]
    assert results.papers == []
    papers = panel_client.get(reverse("releases:search") + "?q=opsg_33").context["results"]
    assert [p.reference for p in papers.papers] == ["OPSG_33_0206_15"]
    assert 'value="june"' in response.content.decode()
    empty = panel_client.get(reverse("releases:search") + "?q=zzzz").content.decode()
    assert "Nothing matches" in empty


def test_a_search_for_a_former_reference_goes_to_the_modification(analyst, panel_client):
    mod = make_modification(analyst, reference="MP153", title="Converted")
    FormerReference.objects.create(modification=mod, reference="DP099", until=D(2020, 1, 1))
    response = panel_client.get(reverse("releases:search") + "?q=dp099")
    assert response.status_code == 302 and response.url == mod.get_absolute_url()


def test_the_register_sorts_by_a_column_and_shows_25_100_or_all_rows(analyst, panel_client):
    for n in range(30):
        make_modification(analyst, reference=f"MP{100 + n}", title=f"Title {chr(90 - n % 26)}")
    url = reverse("modifications:modification_list")
    first = panel_client.get(url + "?sort=-reference")
    assert [m.reference for m, _t in first.context["rows"]][:2] == ["MP129", "MP128"]
    assert 'aria-sort="descending"' in first.content.decode()
    assert len(first.context["rows"]) == 25
    assert len(panel_client.get(url + "?per_page=all").context["rows"]) == 30
    assert len(panel_client.get(url + "?per_page=100").context["rows"]) == 30
    titles = [m.title for m, _t in panel_client.get(url + "?sort=title").context["rows"]]
    assert titles == sorted(titles)
    assert len(panel_client.get(url + "?per_page=7&sort=nonsense").context["rows"]) == 25


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_register_with_every_row_issues_the_same_queries_at_any_size(analyst, panel_client):
    url = reverse("modifications:modification_list") + "?per_page=all&sort=-status"
    counts = []
    for size in (5, 40):
        while Modification.objects.count() < size:
            make_modification(analyst, reference=f"MP{500 + Modification.objects.count()}")
        panel_client.get(url + f"&warm={size}")  # the content-type cache
        counts.append(_queries(panel_client, url + f"&size={size}"))
    assert counts[0] == counts[1], counts


def test_issued_scope_reads_the_versions_approved_and_targeted_lists(analyst, june):
    rid_services.rid_issue_version(
        actor=analyst,
        release=june,
        kind="draft",
        date=D(2020, 7, 10),
        changes="First draft",
        unreviewed_reason="Test of issued versions",
    )
    assert selectors.issued_scope(june.pk) == {("MP106", ""): ["0.1"]}


def test_a_new_reference_taken_out_of_the_list_is_not_added_to_the_register(
    analyst, analyst_client, june
):
    make_modification(analyst, reference="MP107")
    url = reverse("releases:scope_bulk_add", args=[june.slug])
    data = bulk_post(
        references="MP107",
        **{
            "new-TOTAL_FORMS": "1",
            "new-INITIAL_FORMS": "1",
            "new-0-reference": "MP301",
            "new-0-title": "Offered, then taken out of the list",
            "new-0-status": "development",
        },
    )
    assert analyst_client.post(url, data).status_code == 302
    assert not Modification.objects.filter(reference="MP301").exists()
    assert ScopeItem.objects.filter(release=june, modification__reference="MP107").exists()


def test_late_bulk_additions_need_the_panel_decision_recorded_on_the_late_ones_only(
    analyst, analyst_client, june
):
    late = make_modification(analyst, reference="MP160", impacts_dcc_systems=True)
    on_time = make_modification(analyst, reference="MP161")
    url = reverse("releases:scope_bulk_add", args=[june.slug])
    response = analyst_client.post(url, bulk_post(references="MP160 MP161"))
    assert response.status_code == 200
    assert "After the scope deadline: MP160" in str(response.context["form"].errors)
    assert not ScopeItem.objects.filter(modification__in=[late, on_time]).exists()
    response = analyst_client.post(
        url, bulk_post(references="MP160 MP161", exception_reason="Panel exception, 20 Nov 2020")
    )
    assert response.status_code == 302
    items = {i.modification.reference: i for i in ScopeItem.objects.filter(release=june)}
    assert items["MP160"].added_after_deadline
    assert items["MP160"].exception_reason == "Panel exception, 20 Nov 2020"
    assert items["MP161"].exception_reason == ""


def test_the_bulk_page_and_the_search_issue_the_same_queries_at_any_size(
    analyst, analyst_client, june
):
    bulk = reverse("releases:scope_bulk_add", args=[june.slug])
    counts = []
    for size in (3, 60):
        while Modification.objects.count() < size + 1:
            number = 600 + Modification.objects.count()
            make_modification(analyst, reference=f"MP{number}", title=f"June thing {number}")
        search = reverse("releases:search") + f"?q=june&size={size}"
        analyst_client.get(bulk + f"?warm={size}")
        counts.append((_queries(analyst_client, bulk), _queries(analyst_client, search)))
        html = analyst_client.get(bulk).content.decode()
        assert html.count('name="modifications"') == min(size, 50)
    assert counts[0] == counts[1], counts


def test_without_javascript_a_move_link_opens_a_one_button_confirmation(analyst_client, june):
    first = june.acceptance_criteria.get(position=1)
    url = reverse("releases:part_move", args=[june.slug, "acceptance-criteria", first.pk])
    page = analyst_client.get(url + "?direction=down")
    assert page.status_code == 200
    assert 'value="down" checked' in page.content.decode().replace("\n", " ") or (
        page.context["form"]["direction"].value() == "down"
    )
    response = analyst_client.post(url, {"direction": "down"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.position == 2
