"""Every release page as anonymous, outsider, Panel member and analyst; stored state after each
analyst POST; bad input kept and explained next to the field; fixed query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from modifications.models import Event
from releases import services
from releases.models import (
    AcceptanceCriterion,
    DccImpact,
    GlossaryEntry,
    OtherCodeImpact,
    PartyImpact,
    Release,
    ReleaseDateChange,
    ScopeItem,
    ScopeState,
    SecasCostLine,
    TimelineEvent,
)
from tests.factories import ChangeRequestFactory, make_modification, make_release, sec_document

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(analyst):
    """A release with one modification in scope, one CR alongside, one row of every part, a
    second release to move to, and a glossary entry."""
    release = make_release(
        analyst, system_baseline_date=D(2020, 7, 17), full_baseline_date=D(2020, 12, 11)
    )
    other = make_release(
        analyst, name="November 2021 SEC Release", slug="november-2021", go_live_date=D(2021, 11, 4)
    )
    modification = make_modification(
        analyst,
        reference="MP106",
        title="CHISM update for Unknown WAN Variant",
        status="approved",
        impacts_suppliers=True,
        sec_documents=[sec_document("appendix", "I")],
    )
    item = services.scope_add(
        actor=analyst,
        release=release,
        modification=modification,
        added_on=D(2020, 12, 1),
        reason="Baselined",
    )
    cr = ChangeRequestFactory(reference="CR1145", title="Auxiliary Proportional Load Control")
    services.release_change_request_add(actor=analyst, release=release, change_request=cr)
    parts = {
        "party-impacts": PartyImpact.objects.get(release=release, participant="all"),
        "dcc-impacts": services.release_part_save(
            actor=analyst,
            release=release,
            model=DccImpact,
            area="Operational changes",
            summary="Weekly SMKI extract",
        ),
        "other-code-impacts": services.release_part_save(
            actor=analyst, release=release, model=OtherCodeImpact, code="BSC", summary="x"
        ),
        "timeline": TimelineEvent.objects.get(release=release, kind="go_live"),
        "secas-costs": services.release_part_save(
            actor=analyst,
            release=release,
            model=SecasCostLine,
            activity="project management of the release",
            effort_days=Decimal("5"),
            cost=Decimal("3000"),
        ),
        "acceptance-criteria": services.release_part_save(
            actor=analyst,
            release=release,
            model=AcceptanceCriterion,
            position=1,
            text="SECAS will be ready.",
        ),
    }
    entry = services.glossary_entry_save(
        actor=analyst, acronym="SECAS", full_term="Smart Energy Code Administrator and Secretariat"
    )
    return {
        "release": release,
        "other": other,
        "modification": modification,
        "item": item,
        "cr": cr,
        "parts": parts,
        "entry": entry,
    }


def read_urls(w):
    slug = w["release"].slug
    return [
        reverse("releases:release_list"),
        reverse("releases:release_detail", args=[slug]),
        reverse("releases:release_activity", args=[slug]),
        reverse("releases:glossary"),
    ]


def edit_urls(w):
    slug = w["release"].slug
    urls = [
        reverse("releases:release_create"),
        reverse("releases:release_edit", args=[slug]),
        reverse("releases:scope_add", args=[slug]),
        reverse("releases:scope_item_edit", args=[slug, w["item"].pk]),
        reverse("releases:scope_remove", args=[slug, w["item"].pk]),
        reverse("releases:scope_move", args=[slug, w["item"].pk]),
        reverse("releases:release_change_request_add", args=[slug]),
        reverse("releases:release_change_request_remove", args=[slug, w["cr"].pk]),
        reverse("releases:glossary_create"),
        reverse("releases:glossary_edit", args=[w["entry"].pk]),
        reverse("releases:glossary_delete", args=[w["entry"].pk]),
    ]
    for part, obj in w["parts"].items():
        urls.append(reverse("releases:part_edit", args=[slug, part, obj.pk]))
        if part != "party-impacts":
            urls.append(reverse("releases:part_create", args=[slug, part]))
            urls.append(reverse("releases:part_delete", args=[slug, part, obj.pk]))
    return urls


# Who may see what -----


def test_anonymous_visitors_are_sent_to_log_in_everywhere(client, world):
    for url in read_urls(world) + edit_urls(world):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login")), url


def test_a_user_without_a_role_gets_403_everywhere(outsider_client, world):
    for url in read_urls(world) + edit_urls(world):
        assert outsider_client.get(url).status_code == 403, url
        assert outsider_client.post(url).status_code == 403, url


def test_panel_members_read_the_release_pages(panel_client, world):
    for url in read_urls(world):
        assert panel_client.get(url).status_code == 200, url


def test_panel_members_cannot_open_or_post_any_edit_form(panel_client, world):
    events = Event.objects.count()
    for url in edit_urls(world):
        assert panel_client.get(url).status_code == 403, url
        assert panel_client.post(url, {"reason": "forged"}).status_code == 403, url
    assert Event.objects.count() == events
    world["item"].refresh_from_db()
    assert world["item"].state == ScopeState.IN_SCOPE


def test_analysts_open_every_page_and_form(analyst_client, world):
    for url in read_urls(world) + edit_urls(world):
        assert analyst_client.get(url).status_code == 200, url


EDIT_LINK = re.compile(r'href="[^"]*/(edit|new|add|remove|move|delete)/"')


def test_panel_members_see_the_release_page_without_any_edit_control(analyst, panel_client, world):
    gone = make_modification(analyst, reference="MP116", title="Fell out one")
    item = services.scope_add(
        actor=analyst,
        release=world["release"],
        modification=gone,
        added_on=D(2021, 1, 1),
        reason="x",
        exception_reason="Added by the Panel as an exception",
    )
    services.scope_move(
        actor=analyst, item=item, to_release=world["other"], moved_on=D(2021, 3, 1), reason="x"
    )
    html = panel_client.get(world["release"].get_absolute_url()).content.decode()
    assert "MP106" in html and "MP116" in html
    assert not EDIT_LINK.search(html)
    assert 'method="post"' not in html.replace(f'method="post" action="{reverse("logout")}"', "")
    for label in [
        "Edit release",
        "Add a",
        ">Edit<",
        ">Move<",
        ">Remove<",
        ">Delete<",
        "btn-outline-danger",
    ]:
        assert label not in html


def test_analysts_see_an_edit_control_for_every_part(analyst_client, world):
    html = analyst_client.get(world["release"].get_absolute_url()).content.decode()
    slug = world["release"].slug
    assert reverse("releases:release_edit", args=[slug]) in html
    assert reverse("releases:rid_draft", args=[slug]) in html
    assert reverse("releases:scope_add", args=[slug]) in html
    assert reverse("releases:scope_move", args=[slug, world["item"].pk]) in html
    assert reverse("releases:release_change_request_add", args=[slug]) in html
    for part, obj in world["parts"].items():
        assert reverse("releases:part_edit", args=[slug, part, obj.pk]) in html
        if part != "party-impacts":
            assert reverse("releases:part_create", args=[slug, part]) in html


def test_the_glossary_shows_edit_controls_to_analysts_only(analyst_client, client, world):
    edit = reverse("releases:glossary_edit", args=[world["entry"].pk])
    assert edit in analyst_client.get(reverse("releases:glossary")).content.decode()
    client.logout()
    from tests.factories import panel_user

    client.force_login(panel_user())
    html = client.get(reverse("releases:glossary")).content.decode()
    assert "Smart Energy Code Administrator and Secretariat" in html
    assert edit not in html


def test_an_unknown_release_or_part_is_404(analyst_client, world):
    assert analyst_client.get("/releases/nope/").status_code == 404
    url = reverse("releases:part_create", args=[world["release"].slug, "cakes"])
    assert analyst_client.get(url).status_code == 404


def test_the_five_party_impact_rows_cannot_be_added_or_deleted(analyst_client, world):
    slug = world["release"].slug
    row = world["parts"]["party-impacts"]
    assert (
        analyst_client.get(
            reverse("releases:part_create", args=[slug, "party-impacts"])
        ).status_code
        == 404
    )
    response = analyst_client.post(
        reverse("releases:part_delete", args=[slug, "party-impacts", row.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert PartyImpact.objects.filter(release=world["release"]).count() == 5


# The release page -----


def test_the_release_page_shows_the_june_2021_release(analyst, panel_client, world):
    release = world["release"]
    pending = make_modification(
        analyst, reference="DP153", title="Follow up changes", status="development"
    )
    services.scope_add(
        actor=analyst,
        release=release,
        modification=pending,
        added_on=D(2021, 3, 12),
        reason="Panel added it",
        cut_off_date=D(2021, 5, 1),
        fall_back_release=world["other"],
        exception_reason="Panel decision of 12 March 2021",
    )
    gone = make_modification(analyst, reference="MP116", title="Fell out one")
    item = services.scope_add(
        actor=analyst, release=release, modification=gone, added_on=D(2020, 12, 1), reason="x"
    )
    services.scope_move(
        actor=analyst,
        item=item,
        to_release=world["other"],
        moved_on=D(2021, 3, 12),
        reason="Missed its cut-off",
        fell_out=True,
    )
    html = panel_client.get(release.get_absolute_url()).content.decode()
    approved, targeted = html.index("Approved for inclusion"), html.index("Targeted, not yet")
    out = html.index("Fell out or removed")
    assert approved < html.index("MP106") < targeted < html.index("DP153") < out
    assert html.index("MP116", out) > out
    assert "Yes: exception" in html and "Panel decision of 12 March 2021" in html
    assert "1 May 2021" in html  # cut-off
    assert "Missed its cut-off" in html and "12 Mar 2021" in html
    assert "Fell out of scope" in html
    assert "CR1145" in html and "Auxiliary Proportional Load Control" in html
    assert "Thursday 24 June 2021" in html
    assert ">White<" in html
    assert (
        f'href="{reverse("releases:rid_draft", args=[release.slug])}"' not in html
    )  # analysts only
    assert reverse("releases:rid_version_list", args=[release.slug]) in html
    assert reverse("releases:release_activity", args=[release.slug]) in html


def test_the_matrices_tick_with_text_for_screen_readers(panel_client, world):
    html = panel_client.get(world["release"].get_absolute_url()).content.decode()
    assert (
        '<span class="tick" aria-hidden="true">✓</span><span class="visually-hidden">Yes</span>'
        in html
    )
    assert "Appendix I ‘CH Installation and Maintenance Support Materials’" in html
    matrix = html[html.index("SEC document impact matrix") :]
    assert "Appendix I" in matrix


def test_empty_parts_show_the_standard_wording(analyst, panel_client):
    release = make_release(analyst)
    html = panel_client.get(release.get_absolute_url()).content.decode()
    assert html.count("No further impacts") == 5
    assert "No other Codes are impacted as a result of this release." in html
    assert "No DCC Change Requests are currently planned" in html
    assert "DCC Change Requests do not form part of a SEC Release" in html
    assert "will not require any Pre-Integration Testing (PIT)" in html
    assert "The DCC has not estimated its implementation costs for this release yet." in html


def test_the_no_system_impact_wording_is_not_shown_when_the_scope_impacts_dcc_systems(
    analyst, panel_client
):
    release = make_release(analyst)
    services.scope_add(
        actor=analyst,
        release=release,
        modification=make_modification(analyst, reference="SECMP0007", impacts_dcc_systems=True),
        added_on=D(2020, 6, 1),
        reason="x",
    )
    html = panel_client.get(release.get_absolute_url()).content.decode()
    assert "will not require any Pre-Integration Testing" not in html
    assert (
        "This release will impact the DCC Systems. The testing it needs has not been agreed" in html
    )


def _words(html):
    """The text of some HTML, tags dropped and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("fields", "system_impact"),
    [
        ({}, False),
        ({"dcc_cost": Decimal("0")}, False),
        ({"dcc_cost": Decimal("1250.50")}, False),
        ({"dcc_costs_text": "The DCC absorbs its costs.", "dcc_cost": Decimal("900")}, False),
        ({"uit_required": True}, False),
        ({"user_testing_text": "Users test their adapters."}, False),
        ({}, True),
        ({"pit_required": True, "sit_required": True}, True),
        ({"test_strategy_text": "Testing as agreed with the Testing Advisory Group."}, True),
    ],
)
def test_the_release_page_says_what_the_rid_prints_on_testing_and_dcc_costs(
    analyst, analyst_client, fields, system_impact
):
    """The release page's sections 4 and 5 never contradict the RID (a newcomer found "The DCC
    will not incur any implementation costs" on the page while the RID said the DCC had not
    estimated them)."""
    release = make_release(analyst)
    if system_impact:
        services.scope_add(
            actor=analyst,
            release=release,
            modification=make_modification(
                analyst, reference="SECMP0007", impacts_dcc_systems=True
            ),
            added_on=D(2020, 6, 1),
            reason="x",
        )
    Release.objects.filter(pk=release.pk).update(**fields)

    rid = analyst_client.get(reverse("releases:rid_draft", args=[release.slug])).content.decode()
    page = _words(analyst_client.get(release.get_absolute_url()).content.decode())

    testing = re.search(r'id="rid-test-strategy">4. Test strategy</h2>(.*?)</section>', rid, re.S)
    costs = re.search(r"<h3>DCC costs</h3>(.*?)<h3>SECAS costs</h3>", rid, re.S)
    for part in (testing.group(1), costs.group(1)):
        for sentence in re.findall(r"<p>(.*?)</p>", part, re.S):
            assert _words(sentence) in page


def test_costs_show_lines_and_totals(analyst, panel_client):
    release = make_release(analyst)
    for activity, days, cost in [
        ("update the SEC", "2", "1200"),
        ("project management", "5", "3000"),
    ]:
        services.release_part_save(
            actor=analyst,
            release=release,
            model=SecasCostLine,
            activity=activity,
            effort_days=Decimal(days),
            cost=Decimal(cost),
        )
    html = panel_client.get(release.get_absolute_url()).content.decode()
    assert "£1,200.00" in html and "£3,000.00" in html
    total = html[html.index(">Total<") :]
    assert ">7<" in total and "£4,200.00" in total


def test_the_go_live_date_history_is_on_the_page(analyst, panel_client, world):
    services.release_update(
        actor=analyst,
        release=world["release"],
        go_live_date=D(2021, 6, 27),
        reason="DCC asked for a weekend",
        date_decision={"decided_by": "panel", "decision_date": D(2021, 2, 12)},
    )
    html = panel_client.get(world["release"].get_absolute_url()).content.decode()
    history = html[html.index("Go-live date history") :]
    assert "DCC asked for a weekend" in history
    assert "Thu 24 Jun 2021" in history and "Sun 27 Jun 2021" in history
    assert "12 Feb 2021" in history


def _fill_scope(analyst, release, count):
    docs = [sec_document("section", "H"), sec_document("appendix", "I")]
    for n in range(count):
        modification = make_modification(
            analyst,
            reference=f"MP{300 + n}",
            status="approved" if n % 2 else "refinement",
            impacts_dcc=True,
            sec_documents=docs[: 1 + n % 2],
        )
        item = services.scope_add(
            actor=analyst,
            release=release,
            modification=modification,
            added_on=D(2020, 12, 1),
            reason="x",
        )
        if n % 5 == 4:
            services.scope_remove(actor=analyst, item=item, removed_on=D(2021, 1, 1), reason="x")
    for n in range(3):
        services.release_part_save(
            actor=analyst, release=release, model=DccImpact, area=f"Area {n}", summary="x"
        )


@pytest.mark.parametrize("count", [5, 50])
def test_the_release_page_issues_a_fixed_number_of_queries(
    analyst, analyst_client, world, count, django_assert_num_queries
):
    release = world["release"]
    _fill_scope(analyst, release, count)
    # The moved item adds one query (where it moved to) whatever the size: keep one in both.
    # (One for the scope items' own SEC documents, for parts with their own impacts.)
    services.scope_move(
        actor=analyst,
        item=world["item"],
        to_release=world["other"],
        moved_on=D(2021, 1, 1),
        reason="x",
    )
    url = release.get_absolute_url()
    analyst_client.get(url)  # warm the content-type cache
    with django_assert_num_queries(16):  # main's 15 + which items no issued RID lists
        response = analyst_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("MP3") >= count


@pytest.mark.parametrize("count", [2, 20])
def test_the_release_list_issues_a_fixed_number_of_queries(
    analyst, analyst_client, count, django_assert_num_queries
):
    for n in range(count):
        release = make_release(
            analyst, name=f"Release {n}", slug=f"release-{n}", go_live_date=D(2020 + n, 6, 24)
        )
        _fill_scope(analyst, release, 0)
    with django_assert_num_queries(3):
        response = analyst_client.get(reverse("releases:release_list"))
    assert response.content.decode().count("Release ") >= count


def test_the_release_list_counts_scope_and_splits_upcoming_from_past(analyst, panel_client):
    past = make_release(analyst, name="June 2021 SEC Release", go_live_date=D(2021, 6, 24))
    future = make_release(
        analyst, name="June 2099 SEC Release", slug="june-2099", go_live_date=D(2099, 6, 25)
    )
    for n, status in enumerate(["approved", "approved", "refinement"]):
        services.scope_add(
            actor=analyst,
            release=future,
            modification=make_modification(analyst, reference=f"MP{400 + n}", status=status),
            added_on=D(2098, 1, 1),
            reason="x",
        )
    html = panel_client.get(reverse("releases:release_list")).content.decode()
    upcoming, past_at = html.index("Upcoming"), html.index('<h2 class="h4 mt-4">Past')
    assert upcoming < html.index(future.name) < past_at < html.index(past.name)
    row = html[html.index(future.name) : html.index("</tr>", html.index(future.name))]
    assert re.findall(r'text-end">(\d+)<', row) == ["3", "2", "1", "0"]


@pytest.mark.parametrize("count", [3, 60])
def test_the_activity_page_issues_a_fixed_number_of_queries(
    analyst, analyst_client, world, count, django_assert_num_queries
):
    for n in range(count):
        services.release_update(
            actor=analyst, release=world["release"], sec_version=f"v{n}.0", reason=f"Because {n}"
        )
    url = reverse("releases:release_activity", args=[world["release"].slug])
    analyst_client.get(url)
    with django_assert_num_queries(5):
        response = analyst_client.get(url)
    assert response.status_code == 200


def test_the_activity_page_shows_who_when_what_and_why_paginated(analyst, panel_client, world):
    for n in range(55):
        services.release_update(
            actor=analyst, release=world["release"], sec_version=f"v{n}.0", reason=f"Because {n}"
        )
    url = reverse("releases:release_activity", args=[world["release"].slug])
    html = panel_client.get(url).content.decode()
    assert "Ada Analyst" in html
    assert "Because 54" in html
    assert 'SEC version at go-live:</span> <del class="diff">v53.0</del>' in html
    assert '<ins class="diff">v54.0</ins>' in html
    assert "page 1 of 2" in html
    second = panel_client.get(url + "?page=2").content.decode()
    assert "created" in second  # the oldest event: the release's creation


@pytest.mark.parametrize("count", [3, 30])
def test_the_glossary_issues_a_fixed_number_of_queries(
    analyst, panel_client, count, django_assert_num_queries
):
    for n in range(count):
        GlossaryEntry.objects.create(acronym=f"A{n}", full_term=f"Term {n}")
    with django_assert_num_queries(3):
        panel_client.get(reverse("releases:glossary"))


# Create and edit a release -----


def release_post(**overrides):
    data = {
        "name": "November 2022 SEC Release",
        "slug": "november-2022",
        "go_live_date": "2022-11-03",
        "classification": "white",
        "system_baseline_date": "2021-11-12",
        "full_baseline_date": "2022-05-13",
        "sec_version": "",
        "reason": "Panel agreed the 2022 release plan",
    }
    data.update(overrides)
    return data


def test_analysts_create_a_release(analyst, analyst_client):
    response = analyst_client.post(reverse("releases:release_create"), release_post())
    release = Release.objects.get(slug="november-2022")
    assert response.status_code == 302
    assert response.url == release.get_absolute_url()
    assert release.go_live_date == D(2022, 11, 3)
    assert release.party_impacts.count() == 5
    event = Event.objects.about(release).get()
    assert (event.actor, event.reason) == (analyst, "Panel agreed the 2022 release plan")


def test_the_create_form_suggests_standard_release_dates(analyst_client):
    html = analyst_client.get(reverse("releases:release_create")).content.decode()
    assert "Standard release dates" in html
    assert re.search(r"Thursday \d{1,2} (February|June|November) 20\d\d", html)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"full_baseline_date": "2022-11-03"},
            "full_baseline_date",
            "must come before the go-live",
        ),
        ({"system_baseline_date": "2023-01-01"}, "system_baseline_date", "must come before"),
        ({"go_live_date": "3 Nov"}, "go_live_date", "Enter a valid date"),
        ({"name": "N" * 101}, "name", "at most 100 characters"),
        ({"classification": "pink"}, "classification", "Select a valid choice"),
        ({"slug": "not a slug!"}, "slug", "valid"),
    ],
)
def test_bad_release_input_is_explained_next_to_the_field_and_kept(
    analyst_client, overrides, field, message
):
    response = analyst_client.post(reverse("releases:release_create"), release_post(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert 'value="Panel agreed the 2022 release plan"' in html or (
        "Panel agreed the 2022 release plan" in html
    )
    assert not Release.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("field", ["slug", "name"])
def test_a_duplicate_slug_or_name_is_explained_next_to_the_field(analyst, analyst_client, field):
    make_release(analyst, name="November 2022 SEC Release", slug="november-2022")
    other = {"slug": "other-slug", "name": "Other name"}
    other.pop(field)
    response = analyst_client.post(reverse("releases:release_create"), release_post(**other))
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors[field])
    assert Release.objects.count() == 1


def edit_post(release, **overrides):
    data = {
        "name": release.name,
        "slug": release.slug,
        "go_live_date": release.go_live_date.isoformat(),
        "classification": release.classification,
        "system_baseline_date": release.system_baseline_date.isoformat()
        if release.system_baseline_date
        else "",
        "full_baseline_date": release.full_baseline_date.isoformat()
        if release.full_baseline_date
        else "",
        "sec_version": release.sec_version,
        "test_strategy_text": "",
        "user_testing_text": "",
        "dcc_cost": "",
        "dcc_costs_text": "",
        "secas_costs_note": release.secas_costs_note,
        "decided_by": "",
        "decision_date": "",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_analysts_edit_the_test_strategy_and_costs(analyst, analyst_client, world):
    release = world["release"]
    url = reverse("releases:release_edit", args=[release.slug])
    response = analyst_client.post(
        url,
        edit_post(
            release,
            pit_required="on",
            sit_required="on",
            test_strategy_text="PIT and SIT by the DCC.",
            dcc_cost="125000.00",
            reason="DCC Impact Assessment returned",
        ),
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.pit_required, release.sit_required, release.uit_required) == (
        True,
        True,
        False,
    )
    assert release.dcc_cost == Decimal("125000.00")
    event = Event.objects.about(release).filter(action="release.updated").get()
    assert event.reason == "DCC Impact Assessment returned"
    assert "dcc_cost" in event.changes


def test_moving_the_go_live_date_without_a_decision_says_what_is_missing(analyst_client, world):
    release = world["release"]
    url = reverse("releases:release_edit", args=[release.slug])
    response = analyst_client.post(url, edit_post(release, go_live_date="2021-06-27"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "say who decided" in errors["decided_by"][0]
    assert "decision_date" in errors and "reason" in errors
    assert 'value="2021-06-27"' in response.content.decode()
    release.refresh_from_db()
    assert release.go_live_date == D(2021, 6, 24)
    assert not ReleaseDateChange.objects.exists()


def test_moving_the_go_live_date_with_a_decision_is_recorded(analyst_client, world):
    release = world["release"]
    url = reverse("releases:release_edit", args=[release.slug])
    response = analyst_client.post(
        url,
        edit_post(
            release,
            go_live_date="2021-06-27",
            decided_by="authority",
            decision_date="2021-02-01",
            reason="Authority approved the DCC's request",
        ),
    )
    assert response.status_code == 302
    change = ReleaseDateChange.objects.get(release=release)
    assert (change.new_date, change.decided_by, change.decision_date) == (
        D(2021, 6, 27),
        "authority",
        D(2021, 2, 1),
    )
    assert change.reason == "Authority approved the DCC's request"


def test_a_negative_dcc_cost_is_explained_next_to_the_field(analyst_client, world):
    release = world["release"]
    url = reverse("releases:release_edit", args=[release.slug])
    response = analyst_client.post(url, edit_post(release, dcc_cost="-5"))
    assert response.status_code == 200
    assert "cannot be negative" in response.context["form"].errors["dcc_cost"][0]
    release.refresh_from_db()
    assert release.dcc_cost is None


def test_changing_the_slug_redirects_to_the_new_address(analyst_client, world):
    release = world["release"]
    url = reverse("releases:release_edit", args=[release.slug])
    response = analyst_client.post(url, edit_post(release, slug="june-2021-sec"))
    assert response.url == "/releases/june-2021-sec/"


# Scope forms -----


def scope_add_post(modification, **overrides):
    data = {
        "modification": modification.reference,
        "added_on": "2020-12-01",
        "part_label": "",
        "cut_off_date": "",
        "fall_back_release": "",
        "exception_reason": "",
        "reason": "Panel baselined the full scope",
    }
    data.update(overrides)
    return data


def test_analysts_add_a_modification_within_the_deadline(analyst, analyst_client, world):
    modification = make_modification(analyst, reference="MP147", status="approved")
    url = reverse("releases:scope_add", args=[world["release"].slug])
    response = analyst_client.post(
        url,
        scope_add_post(
            modification, cut_off_date="2021-03-01", fall_back_release=world["other"].pk
        ),
    )
    assert response.status_code == 302
    item = ScopeItem.objects.get(modification=modification)
    assert (item.release, item.added_after_deadline, item.cut_off_date) == (
        world["release"],
        False,
        D(2021, 3, 1),
    )
    assert item.fall_back_release == world["other"]
    page = analyst_client.get(response.url).content.decode()
    assert (
        "within the scope deadline for documentation-only modifications (24 December 2020)" in page
    )
    event = Event.objects.about(world["release"]).get(
        action="scope.added", modification=modification
    )
    assert event.reason == "Panel baselined the full scope"


def test_a_late_addition_is_flagged_and_the_analyst_is_told(analyst, analyst_client, world):
    modification = make_modification(analyst, reference="MP146")
    url = reverse("releases:scope_add", args=[world["release"].slug])
    response = analyst_client.post(
        url,
        scope_add_post(
            modification, added_on="2021-01-29", exception_reason="Panel, 15 January 2021"
        ),
        follow=True,
    )
    item = ScopeItem.objects.get(modification=modification)
    assert item.added_after_deadline is True
    assert item.exception_reason == "Panel, 15 January 2021"
    html = response.content.decode()
    assert (
        "after the scope deadline for documentation-only modifications (24 December 2020)" in html
    )
    assert "flagged as an exception" in html


def test_a_late_addition_without_an_exception_reason_is_refused_next_to_the_field(
    analyst, analyst_client, world
):
    modification = make_modification(analyst, reference="MP146")
    url = reverse("releases:scope_add", args=[world["release"].slug])
    response = analyst_client.post(
        url, scope_add_post(modification, added_on="2021-01-29", reason="Typed by the analyst")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "joins after the scope deadline of 24 December 2020" in errors["exception_reason"][0]
    assert "Typed by the analyst" in response.content.decode()  # what was typed is kept
    assert not ScopeItem.objects.filter(modification=modification).exists()


def test_a_system_impacting_addition_uses_the_12_month_deadline(analyst, analyst_client, world):
    modification = make_modification(analyst, reference="SECMP0067", impacts_dcc_systems=True)
    url = reverse("releases:scope_add", args=[world["release"].slug])
    response = analyst_client.post(
        url,
        scope_add_post(modification, added_on="2020-06-25", exception_reason="Panel, 19 June"),
        follow=True,
    )
    assert ScopeItem.objects.get(modification=modification).added_after_deadline is True
    assert "DCC System-impacting modifications (24 June 2020)" in response.content.decode()


def test_scope_add_refuses_a_duplicate_next_to_the_modification(analyst_client, world):
    url = reverse("releases:scope_add", args=[world["release"].slug])
    response = analyst_client.post(url, scope_add_post(world["modification"]))
    assert response.status_code == 200
    assert "already in the scope" in response.context["form"].errors["modification"][0]
    assert ScopeItem.objects.count() == 1


def test_scope_add_does_not_offer_a_rejected_modification(analyst, analyst_client, world):
    rejected = make_modification(analyst, reference="SECMP0067", status="rejected")
    url = reverse("releases:scope_add", args=[world["release"].slug])
    assert "SECMP0067" not in analyst_client.get(url).content.decode()
    response = analyst_client.post(url, scope_add_post(rejected))
    assert "cannot join a release scope" in response.context["form"].errors["modification"][0]
    assert not ScopeItem.objects.filter(modification=rejected).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"added_on": "2020-13-45"}, "added_on"),
        ({"part_label": "p" * 101}, "part_label"),
        ({"exception_reason": "e" * 2001}, "exception_reason"),
    ],
)
def test_bad_scope_input_is_explained_and_nothing_is_saved(
    analyst, analyst_client, world, overrides, field
):
    modification = make_modification(analyst, reference="MP147")
    url = reverse("releases:scope_add", args=[world["release"].slug])
    response = analyst_client.post(url, scope_add_post(modification, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ScopeItem.objects.filter(modification=modification).exists()


def test_analysts_edit_a_scope_item(analyst_client, world):
    item = world["item"]
    url = reverse("releases:scope_item_edit", args=[world["release"].slug, item.pk])
    response = analyst_client.post(
        url,
        {
            "part_label": "part 2",
            "cut_off_date": "2021-04-01",
            "fall_back_release": world["other"].pk,
            "exception_reason": "",
            "status_override": "",
            "reason": "Split",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.part_label, item.cut_off_date, item.fall_back_release) == (
        "part 2",
        D(2021, 4, 1),
        world["other"],
    )
    assert Event.objects.about(world["release"]).get(action="scope.updated").reason == "Split"


def test_analysts_remove_a_modification_from_the_scope(analyst_client, world):
    item = world["item"]
    url = reverse("releases:scope_remove", args=[world["release"].slug, item.pk])
    response = analyst_client.post(url, {"removed_on": "2021-03-12", "reason": "Panel deferred it"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.removed_on, item.removal_reason) == (
        ScopeState.REMOVED,
        D(2021, 3, 12),
        "Panel deferred it",
    )
    assert Event.objects.about(world["release"]).filter(action="scope.removed").exists()


def test_removing_before_the_date_added_is_explained_next_to_the_date(analyst_client, world):
    item = world["item"]
    url = reverse("releases:scope_remove", args=[world["release"].slug, item.pk])
    response = analyst_client.post(url, {"removed_on": "2020-01-01", "reason": "x"})
    assert response.status_code == 200
    assert "cannot leave before that" in response.context["form"].errors["removed_on"][0]
    item.refresh_from_db()
    assert item.state == ScopeState.IN_SCOPE


def test_removing_needs_a_reason(analyst_client, world):
    url = reverse("releases:scope_remove", args=[world["release"].slug, world["item"].pk])
    response = analyst_client.post(url, {"removed_on": "2021-03-12", "reason": ""})
    assert "reason" in response.context["form"].errors


def test_analysts_move_a_modification_to_another_release(analyst_client, world):
    item = world["item"]
    url = reverse("releases:scope_move", args=[world["release"].slug, item.pk])
    response = analyst_client.post(
        url,
        {
            "to_release": world["other"].pk,
            "moved_on": "2021-04-30",
            "fell_out": "on",
            "reason": "Not approved by its cut-off",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ScopeState.FELL_OUT
    moved = ScopeItem.objects.get(release=world["other"], modification=world["modification"])
    assert moved.state == ScopeState.IN_SCOPE
    page = analyst_client.get(world["release"].get_absolute_url()).content.decode()
    out = page[page.index("Fell out or removed") :]
    assert "November 2021 SEC Release" in out


def test_an_item_out_of_scope_cannot_be_moved_again(analyst, analyst_client, world):
    item = world["item"]
    services.scope_remove(actor=analyst, item=item, removed_on=D(2021, 1, 1), reason="x")
    url = reverse("releases:scope_move", args=[world["release"].slug, item.pk])
    response = analyst_client.post(
        url, {"to_release": world["other"].pk, "moved_on": "2021-04-30", "reason": "x"}
    )
    assert response.status_code == 302
    assert not ScopeItem.objects.filter(release=world["other"]).exists()


def test_a_scope_item_of_another_release_is_404(analyst_client, world):
    url = reverse("releases:scope_remove", args=[world["other"].slug, world["item"].pk])
    assert analyst_client.get(url).status_code == 404


# Change Requests alongside -----


def test_analysts_add_and_remove_a_change_request_alongside(analyst_client, world):
    release = world["release"]
    cr = ChangeRequestFactory(reference="CR1233", title="IRP554 Future Date Command Handling")
    url = reverse("releases:release_change_request_add", args=[release.slug])
    html = analyst_client.get(url).content.decode()
    assert "CR1233" in html and "CR1145" not in html  # already alongside: not offered
    response = analyst_client.post(url, {"change_request": cr.pk, "reason": "DCC plan"})
    assert response.status_code == 302
    assert set(release.change_requests.values_list("reference", flat=True)) == {"CR1145", "CR1233"}
    remove = reverse("releases:release_change_request_remove", args=[release.slug, cr.pk])
    assert analyst_client.post(remove, {"reason": "Descoped"}).status_code == 302
    assert list(release.change_requests.values_list("reference", flat=True)) == ["CR1145"]
    event = Event.objects.about(release).filter(action="release.change_request_removed").get()
    assert event.reason == "Descoped"


# Parts -----


PART_POSTS = {
    "dcc-impacts": (DccImpact, {"area": "Testing", "summary": "SIT\nUIT", "position": "2"}),
    "other-code-impacts": (OtherCodeImpact, {"code": "REC", "summary": "Consequential change"}),
    "timeline": (
        TimelineEvent,
        {"date": "2021-03-01", "event": "Decision cut-off", "kind": "other", "notes": ""},
    ),
    "secas-costs": (
        SecasCostLine,
        {"activity": "to update the SEC", "effort_days": "2", "cost": "1200", "position": "2"},
    ),
    "acceptance-criteria": (AcceptanceCriterion, {"position": "2", "text": "SECAS is ready."}),
}


@pytest.mark.parametrize("part", list(PART_POSTS))
def test_analysts_add_edit_and_delete_every_part(analyst_client, world, part):
    model, data = PART_POSTS[part]
    release = world["release"]
    before = model.objects.filter(release=release).count()
    create = reverse("releases:part_create", args=[release.slug, part])
    response = analyst_client.post(create, {**data, "reason": "New information"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    created = model.objects.filter(release=release).order_by("-id").first()
    assert model.objects.filter(release=release).count() == before + 1
    added = Event.objects.about(release).filter(action=f"release.{model._meta.model_name}_added")
    assert added.filter(reason="New information").exists()

    edit = reverse("releases:part_edit", args=[release.slug, part, created.pk])
    field = next(k for k in data if k not in ("position", "kind", "date", "effort_days", "cost"))
    response = analyst_client.post(edit, {**data, field: "Edited text", "reason": "Correction"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert getattr(created, field) == "Edited text"

    delete = reverse("releases:part_delete", args=[release.slug, part, created.pk])
    assert analyst_client.post(delete, {"reason": "Duplicate"}).status_code == 302
    assert not model.objects.filter(pk=created.pk).exists()
    deleted = Event.objects.about(release).get(action=f"release.{model._meta.model_name}_deleted")
    assert deleted.reason == "Duplicate"


def test_analysts_edit_a_party_impact_row(analyst_client, world):
    row = world["parts"]["party-impacts"]
    url = reverse("releases:part_edit", args=[world["release"].slug, "party-impacts", row.pk])
    response = analyst_client.post(
        url, {"summary": "Suppliers will receive guidance.\nOther Users pay.", "reason": "RID v8.0"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.lines == ["Suppliers will receive guidance.", "Other Users pay."]
    html = analyst_client.get(world["release"].get_absolute_url()).content.decode()
    assert "<li>Other Users pay.</li>" in html
    assert html.count("No further impacts") == 4


@pytest.mark.parametrize(
    ("part", "overrides", "field"),
    [
        ("secas-costs", {"cost": "-1200"}, "cost"),
        ("secas-costs", {"effort_days": "-2"}, "effort_days"),
        ("secas-costs", {"activity": "a" * 301}, "activity"),
        ("timeline", {"date": "31/02/2021"}, "date"),
        ("timeline", {"event": "e" * 201}, "event"),
        ("dcc-impacts", {"summary": "s" * 5001}, "summary"),
        ("other-code-impacts", {"code": "c" * 61}, "code"),
        ("timeline", {"end_date": "2021-02-28"}, "end_date"),  # before its date
        ("acceptance-criteria", {"text": ""}, "text"),
    ],
)
def test_bad_part_input_is_explained_next_to_the_field_and_nothing_is_saved(
    analyst_client, world, part, overrides, field
):
    model, data = PART_POSTS[part]
    release = world["release"]
    before = model.objects.filter(release=release).count()
    events = Event.objects.count()
    url = reverse("releases:part_create", args=[release.slug, part])
    response = analyst_client.post(url, {**data, **overrides, "reason": "Typed reason"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Typed reason" in response.content.decode()
    assert model.objects.filter(release=release).count() == before
    assert Event.objects.count() == events


def test_a_negative_cost_says_costs_cannot_be_negative(analyst_client, world):
    model, data = PART_POSTS["secas-costs"]
    url = reverse("releases:part_create", args=[world["release"].slug, "secas-costs"])
    response = analyst_client.post(url, {**data, "cost": "-1200"})
    html = response.content.decode()
    assert "costs and effort cannot be negative" in html
    assert 'value="-1200"' in html


def test_a_part_of_another_release_is_404(analyst_client, world):
    impact = world["parts"]["dcc-impacts"]
    url = reverse("releases:part_edit", args=[world["other"].slug, "dcc-impacts", impact.pk])
    assert analyst_client.get(url).status_code == 404


# Glossary -----


def test_analysts_add_edit_and_delete_a_glossary_entry(analyst_client, world):
    response = analyst_client.post(
        reverse("releases:glossary_create"),
        {"acronym": "PIT", "full_term": "Pre-Integration Testing", "reason": "RID v8.0"},
    )
    assert response.status_code == 302
    entry = GlossaryEntry.objects.get(acronym="PIT")
    assert Event.objects.about(entry).get().reason == "RID v8.0"
    response = analyst_client.post(
        reverse("releases:glossary_edit", args=[entry.pk]),
        {"acronym": "PIT", "full_term": "Pre-Integration  Testing (DCC)", "reason": ""},
    )
    entry.refresh_from_db()
    assert entry.full_term == "Pre-Integration Testing (DCC)"
    response = analyst_client.post(
        reverse("releases:glossary_delete", args=[entry.pk]), {"reason": "Unused"}
    )
    assert response.status_code == 302
    assert not GlossaryEntry.objects.filter(acronym="PIT").exists()
    assert Event.objects.filter(action="glossary.deleted", reason="Unused").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"acronym": "SECAS", "full_term": "Again"}, "acronym", "already in the glossary"),
        ({"acronym": "A" * 21, "full_term": "x"}, "acronym", "at most 20"),
        ({"acronym": "X", "full_term": ""}, "full_term", "required"),
    ],
)
def test_bad_glossary_input_is_explained_next_to_the_field(
    analyst_client, world, data, field, message
):
    response = analyst_client.post(reverse("releases:glossary_create"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert GlossaryEntry.objects.count() == 1


# Admin -----


@pytest.fixture
def admin_client(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def admin_release_post(**overrides):
    data = {
        "name": "June 2021 SEC Release",
        "slug": "june-2021",
        "go_live_date": "2021-06-24",
        "classification": "white",
        "system_baseline_date": "",
        "full_baseline_date": "",
        "sec_version": "",
        "decided_by": "",
        "decision_date": "",
        "test_strategy_text": "",
        "user_testing_text": "",
        "dcc_cost": "",
        "dcc_costs_text": "",
        "secas_costs_note": "",
        "reason": "Created in the admin",
    }
    data.update(overrides)
    return data


def test_the_admin_creates_a_release_through_the_service(admin_client):
    response = admin_client.post(reverse("admin:releases_release_add"), admin_release_post())
    assert response.status_code == 302
    release = Release.objects.get(slug="june-2021")
    assert release.party_impacts.count() == 5  # made by services.release_create
    assert Event.objects.about(release).get().reason == "Created in the admin"


def test_the_admin_refuses_to_move_the_go_live_date_without_a_decision(admin_client, analyst):
    release = make_release(analyst)
    url = reverse("admin:releases_release_change", args=[release.pk])
    response = admin_client.post(url, admin_release_post(go_live_date="2021-06-27", reason=""))
    assert response.status_code == 200
    assert "decided_by" in response.context["adminform"].form.errors
    release.refresh_from_db()
    assert release.go_live_date == D(2021, 6, 24)
    response = admin_client.post(
        url,
        admin_release_post(
            go_live_date="2021-06-27",
            decided_by="panel",
            decision_date="2021-02-12",
            reason="Panel discretion",
        ),
    )
    assert response.status_code == 302
    assert ReleaseDateChange.objects.get(release=release).reason == "Panel discretion"


def test_the_admin_saves_and_deletes_parts_through_the_services(admin_client, analyst):
    release = make_release(analyst)
    response = admin_client.post(
        reverse("admin:releases_dccimpact_add"),
        {
            "release": release.pk,
            "position": "1",
            "area": "Operational changes",
            "summary": "x",
            "reason": "admin",
        },
    )
    assert response.status_code == 302
    impact = DccImpact.objects.get(release=release)
    assert Event.objects.about(release).filter(action="release.dccimpact_added").exists()
    response = admin_client.post(
        reverse("admin:releases_dccimpact_delete", args=[impact.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Event.objects.about(release).filter(action="release.dccimpact_deleted").exists()


def test_the_admin_shows_rid_versions_read_only(admin_client):
    from django.contrib import admin as django_admin

    from releases.models import RidVersion

    model_admin = django_admin.site._registry[RidVersion]
    request = type("R", (), {"user": None})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert admin_client.get(reverse("admin:releases_ridversion_changelist")).status_code == 200


ADMIN_MODELS = [
    "release",
    "releasedatechange",
    "scopeitem",
    "partyimpact",
    "dccimpact",
    "othercodeimpact",
    "timelineevent",
    "secascostline",
    "acceptancecriterion",
    "glossaryentry",
    "ridversion",
]


def test_every_release_admin_page_opens(admin_client, world):
    for name in ADMIN_MODELS:
        assert admin_client.get(reverse(f"admin:releases_{name}_changelist")).status_code == 200
    release = world["release"]
    for name, obj in [
        ("release", release),
        ("scopeitem", world["item"]),
        ("glossaryentry", world["entry"]),
        *((type(o)._meta.model_name, o) for o in world["parts"].values()),
    ]:
        url = reverse(f"admin:releases_{name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200, url
    for name in ["release", "scopeitem", "dccimpact", "glossaryentry"]:
        assert admin_client.get(reverse(f"admin:releases_{name}_add")).status_code == 200


def test_the_admin_adds_to_a_scope_through_the_service(admin_client, analyst, world):
    modification = make_modification(analyst, reference="MP147")
    response = admin_client.post(
        reverse("admin:releases_scopeitem_add"),
        {
            "release": world["release"].pk,
            "modification": modification.pk,
            "added_on": "2021-01-29",
            "part_label": "",
            "cut_off_date": "",
            "fall_back_release": "",
            "exception_reason": "Added by the Panel as an exception",
            "reason": "Admin fix",
        },
    )
    assert response.status_code == 302
    item = ScopeItem.objects.get(modification=modification)
    assert item.added_after_deadline is True  # the service decided, not the admin form
    assert Event.objects.about(world["release"]).filter(reason="Admin fix").exists()
