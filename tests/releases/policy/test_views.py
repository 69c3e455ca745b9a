"""Who may see and do what on the dashboard, the lapse action and the OPSG paper pages; what they
show; fixed query counts."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from modifications.models import Event
from releases import services
from releases.models import ScopeItem, ScopeState, UpdatePaper
from releases.paper import services as paper_services
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2020, 5, 26)
CUT_OFF = D(2020, 10, 22)


def with_authority(analyst, reference, recommendation, cut_off=CUT_OFF):
    m = make_modification(analyst, reference=reference, path="path2", cut_off_date=cut_off)
    for kind, date in [
        ("convert", D(2019, 9, 1)),
        ("report_ready", D(2019, 12, 1)),
        ("report_approved", D(2020, 1, 17)),
        (recommendation, D(2020, 2, 26)),
    ]:
        services.decision_record(actor=analyst, modification=m, kind=kind, date=date)
    return m


@pytest.fixture
def world(analyst):
    nov = make_release(
        analyst,
        name="November 2020 SEC Release",
        slug="november-2020",
        go_live_date=D(2020, 11, 29),
        full_baseline_date=D(2020, 5, 15),
    )
    feb = make_release(
        analyst, name="February 2021 SEC Release", slug="february-2021", go_live_date=D(2021, 2, 25)
    )
    mp084 = with_authority(analyst, "MP084", "cb_recommend_reject")
    mp088 = with_authority(analyst, "MP088", "cb_recommend_approve")
    vote = make_modification(
        analyst, reference="MP080", status="change_board", change_board_date=D(2020, 5, 27)
    )
    items = {
        m.reference: services.scope_add(
            actor=analyst,
            release=nov,
            modification=m,
            added_on=D(2020, 5, 15),
            reason="Scope",
            fall_back_release=feb,
        )
        for m in (mp084, mp088, vote)
    }
    return {"nov": nov, "feb": feb, "items": items, "mp084": mp084}


def dashboard(client, as_of=None):
    url = reverse("releases:dashboard")
    return client.get(url, {"as_of": as_of.isoformat()} if as_of else {})


# Dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_is_the_home_page(analyst_client):
    response = analyst_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("releases:dashboard")


def test_anonymous_visitors_are_sent_to_log_in_and_outsiders_refused(outsider_client):
    assert reverse("login") in dashboard(Client())["Location"]
    assert dashboard(outsider_client).status_code == 403


def test_the_dashboard_as_of_26_may_2020_shows_mp084_and_mp088_waiting_on_the_authority(
    analyst_client, world
):
    response = dashboard(analyst_client, AS_OF)
    body = response.content.decode()
    assert response.status_code == 200
    assert "as of <strong>Tuesday 26 May 2020</strong>" in body
    waiting = body.split('id="authority-heading"', 1)[1].split("</section>", 1)[0]
    assert "MP084" in waiting and "MP088" in waiting
    assert "recommended rejection on 26 Feb 2020" in waiting
    assert waiting.count("22 Oct 2020</span> for the November 2020 SEC Release") == 2
    votes = body.split('id="votes-heading"', 1)[1].split("</section>", 1)[0]
    assert "27 May 2020" in votes and "MP080" in votes
    assert "Nothing is overdue." in body


def test_the_dashboard_after_the_cut_off_offers_the_lapse_to_analysts_only(
    analyst_client, world, client, panel_member
):
    after = CUT_OFF + datetime.timedelta(days=1)
    body = dashboard(analyst_client, after).content.decode()
    lapse_url = reverse("releases:scope_lapse", args=["november-2020", world["items"]["MP084"].pk])
    assert f'action="{lapse_url}"' in body
    assert "Lapse MP084 to the February 2021 SEC Release" in body
    assert "MP084 was not approved by its decision cut-off of 22 October 2020" in body
    client.force_login(panel_member)
    panel_body = dashboard(client, after).content.decode()
    assert "MP084 was not approved by its decision cut-off" in panel_body
    assert "Lapse MP084" not in panel_body
    # What SECAS is to do, told to the Panel member as written (names keep their capitals).
    assert "For SECAS: Record the Panel baseline of February 2021 SEC Release" in panel_body
    assert "csrfmiddlewaretoken" not in panel_body.split("</header>", 1)[1]


def test_a_bad_as_of_date_is_said_next_to_the_field_and_today_is_shown(analyst_client, world):
    response = analyst_client.get(reverse("releases:dashboard"), {"as_of": "2020-13-45"})
    assert response.status_code == 200
    assert 'id="as-of-error"' in response.content.decode()


def test_the_dashboard_shows_the_personal_calendar_link(analyst_client, analyst, world):
    from releases.policy.feeds import calendar_token

    body = dashboard(analyst_client).content.decode()
    assert f"/calendar.ics?token={calendar_token(analyst)}" in body


def test_the_dashboard_takes_a_fixed_number_of_queries(
    analyst, analyst_client, world, django_assert_num_queries
):
    def count():
        with django_assert_num_queries(18) as ctx:  # 8 of them read the field history
            dashboard(analyst_client, AS_OF)
        return len(ctx.captured_queries)

    first = count()
    for n in range(4):
        m = with_authority(analyst, f"MP{300 + n}", "cb_recommend_approve")
        release = make_release(
            analyst, name=f"Release {n}", slug=f"release-{n}", go_live_date=D(2021, 3, 1 + n)
        )
        services.scope_add(
            actor=analyst, release=release, modification=m, added_on=D(2020, 5, 1), reason="x"
        )
    assert count() == first


# Lapse -------------------------------------------------------------------------------------------


def lapse(client, world, on, ref="MP084", **extra):
    url = reverse("releases:scope_lapse", args=["november-2020", world["items"][ref].pk])
    return client.post(url, {"lapsed_on": on.isoformat(), **extra})


def test_lapse_is_post_only(analyst_client, world):
    url = reverse("releases:scope_lapse", args=["november-2020", world["items"]["MP084"].pk])
    assert analyst_client.get(url).status_code == 405


def test_an_analyst_lapses_a_modification_in_one_post(analyst_client, world):
    next_url = reverse("releases:dashboard") + "?as_of=2020-10-23"
    response = lapse(analyst_client, world, D(2020, 10, 23), next=next_url)
    assert response.status_code == 302
    assert response["Location"] == next_url
    item = ScopeItem.objects.get(pk=world["items"]["MP084"].pk)
    assert item.state == ScopeState.FELL_OUT
    assert ScopeItem.objects.filter(
        release=world["feb"], modification=world["mp084"], state=ScopeState.IN_SCOPE
    ).exists()
    assert Event.objects.about(world["nov"]).filter(action="scope.fell_out").exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "MP084 lapsed to the February 2021 SEC Release on 23 October 2020. The next version of "
        "the November 2020 SEC Release RID will say it fell out of scope."
    ]


def test_lapsing_before_the_cut_off_is_refused_with_a_message(analyst_client, world):
    response = lapse(analyst_client, world, CUT_OFF, next="https://evil.example/")
    assert response["Location"] == reverse("releases:dashboard"), "no open redirect"
    assert ScopeItem.objects.get(pk=world["items"]["MP084"].pk).state == ScopeState.IN_SCOPE
    (message,) = [str(m) for m in response.wsgi_request._messages]
    assert "it can lapse only after that day" in message


def test_an_empty_lapse_post_changes_nothing(analyst_client, world):
    url = reverse("releases:scope_lapse", args=["november-2020", world["items"]["MP084"].pk])
    response = analyst_client.post(url, {})
    assert response.status_code == 302
    assert ScopeItem.objects.get(pk=world["items"]["MP084"].pk).state == ScopeState.IN_SCOPE


def test_panel_members_and_outsiders_cannot_lapse(panel_client, world, outsider, client):
    assert lapse(panel_client, world, D(2020, 10, 23)).status_code == 403
    client.force_login(outsider)
    assert lapse(client, world, D(2020, 10, 23)).status_code == 403
    assert ScopeItem.objects.get(pk=world["items"]["MP084"].pk).state == ScopeState.IN_SCOPE


def test_anonymous_lapse_goes_to_log_in(client, world):
    assert reverse("login") in lapse(client, world, D(2020, 10, 23))["Location"]


def test_a_scope_item_of_another_release_is_not_found(analyst_client, world):
    url = reverse("releases:scope_lapse", args=["february-2021", world["items"]["MP084"].pk])
    assert analyst_client.post(url, {"lapsed_on": "2020-10-23"}).status_code == 404


# Papers ------------------------------------------------------------------------------------------


@pytest.fixture
def paper(analyst, world):
    return paper_services.paper_create(
        actor=analyst,
        reference="OPSG_33_0206_15",
        as_of=AS_OF,
        author="David Kemp",
        sections=[{"release": world["nov"], "next_steps": "We will report in June."}],
    )


def test_the_paper_list_shows_papers_and_only_analysts_get_the_new_button(
    analyst_client, panel_member, paper
):
    analyst_body = analyst_client.get(reverse("releases:paper_list")).content.decode()
    assert "OPSG_33_0206_15" in analyst_body
    assert reverse("releases:paper_create") in analyst_body
    panel_client = Client()
    panel_client.force_login(panel_member)
    panel_body = panel_client.get(reverse("releases:paper_list")).content.decode()
    assert "OPSG_33_0206_15" in panel_body
    assert reverse("releases:paper_create") not in panel_body


def test_the_paper_page_shows_the_paper_as_of_its_date(panel_client, paper):
    body = panel_client.get(reverse("releases:paper_detail", args=[paper.pk])).content.decode()
    assert "2. November 2020 SEC Release" in body
    assert "The Change Board recommended MP084 be rejected on 26 February 2020." in body
    assert "We will report in June." in body
    assert reverse("releases:paper_edit", args=[paper.pk]) not in body
    assert reverse("releases:paper_pdf", args=[paper.pk]) in body


def test_an_override_is_marked_on_the_page_but_not_in_the_pdf(
    analyst, analyst_client, world, paper
):
    services.scope_item_update(
        actor=analyst, item=world["items"]["MP080"], status_override="Vote moved to June."
    )
    body = analyst_client.get(reverse("releases:paper_detail", args=[paper.pk])).content.decode()
    assert "Vote moved to June." in body
    assert "Analyst&rsquo;s wording" in body
    from releases.paper.document import build_paper, paper_queryset, spec_from_paper
    from releases.paper.render import paper_print_html

    html = paper_print_html(build_paper(spec_from_paper(paper_queryset().get(pk=paper.pk))))
    assert "Vote moved to June." in html and "Analyst&rsquo;s wording" not in html


def test_the_paper_page_takes_a_fixed_number_of_queries(
    analyst, analyst_client, world, paper, django_assert_num_queries
):
    url = reverse("releases:paper_detail", args=[paper.pk])

    def count():
        with django_assert_num_queries(20) as ctx:  # 7 read the field history, 1 the issues
            analyst_client.get(url)
        return len(ctx.captured_queries)

    first = count()
    for n in range(4):
        m = with_authority(analyst, f"MP{300 + n}", "cb_recommend_approve")
        services.scope_add(
            actor=analyst, release=world["nov"], modification=m, added_on=D(2020, 5, 1), reason="x"
        )
    paper_services.paper_update(
        actor=analyst,
        paper=paper,
        sections=[{"release": world["nov"]}, {"release": world["feb"]}, {"year": 2021}],
    )
    assert count() == first


def test_the_pdf_is_served_to_readers(panel_client, client, paper):
    url = reverse("releases:paper_pdf", args=[paper.pk])
    response = panel_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="OPSG_33_0206_15.pdf"' in response["Content-Disposition"]
    client.logout()
    assert reverse("login") in client.get(url)["Location"]


def paper_post(world, **overrides):
    data = {
        "reference": "OPSG_34_0707_09",
        "title": "SEC Releases update",
        "classification": "white",
        "as_of": "2020-07-07",
        "author": "David Kemp",
        "team": "SECAS Team",
        "purpose": "",
        "recommendations": "",
        "releases": [world["nov"].pk],
        "years": "2021",
        "attached_rid": "",
    }
    data.update(overrides)
    return data


def test_an_analyst_creates_a_paper_then_edits_its_sections(analyst_client, world):
    response = analyst_client.post(reverse("releases:paper_create"), paper_post(world))
    paper = UpdatePaper.objects.get(reference="OPSG_34_0707_09")
    assert response["Location"] == reverse("releases:paper_edit", args=[paper.pk])
    sections = {(s.release_id, s.year): s for s in paper.sections.all()}
    assert set(sections) == {(world["nov"].pk, None), (None, 2021)}
    nov = sections[(world["nov"].pk, None)]
    year = sections[(None, 2021)]
    edit = analyst_client.get(response["Location"])
    assert edit.status_code == 200
    data = paper_post(world, title="SEC Releases update (v2)")
    data.update(
        {
            f"section-{nov.pk}-heading": "",
            f"section-{nov.pk}-intro": "",
            f"section-{nov.pk}-commentary": "",
            f"section-{nov.pk}-date_change_text": "The DCC asks for 29 November 2020.",
            f"section-{nov.pk}-next_steps": "",
            f"section-{year.pk}-heading": "",
            f"section-{year.pk}-intro": "",
            f"section-{year.pk}-commentary": "One GBCS uplift in 2021.",
            f"section-{year.pk}-next_steps": "",
            f"section-{year.pk}-targeted": [world["mp084"].pk],
            "reason": "Second draft",
        }
    )
    saved = analyst_client.post(response["Location"], data)
    assert saved["Location"] == reverse("releases:paper_detail", args=[paper.pk])
    paper.refresh_from_db()
    assert paper.title == "SEC Releases update (v2)"
    nov.refresh_from_db()
    year.refresh_from_db()
    assert nov.date_change_text == "The DCC asks for 29 November 2020."
    assert year.commentary == "One GBCS uplift in 2021."
    assert list(year.targeted.all()) == [world["mp084"]]
    assert Event.objects.about(paper).filter(action="paper.updated", reason="Second draft").exists()


def test_a_bad_paper_form_says_what_to_fix_and_keeps_what_was_typed(analyst_client, world, paper):
    response = analyst_client.post(
        reverse("releases:paper_create"),
        paper_post(world, reference="OPSG_33_0206_15", years="twenty21", purpose="Kept text"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "years" in form.errors
    assert "Kept text" in response.content.decode()
    assert UpdatePaper.objects.count() == 1
    dup = analyst_client.post(
        reverse("releases:paper_create"), paper_post(world, reference="OPSG_33_0206_15")
    )
    assert dup.status_code == 200
    assert "reference" in dup.context["form"].errors
    assert UpdatePaper.objects.count() == 1


def test_panel_members_cannot_create_or_edit_papers(panel_client, world, paper):
    assert panel_client.get(reverse("releases:paper_create")).status_code == 403
    assert panel_client.post(reverse("releases:paper_create"), paper_post(world)).status_code == 403
    edit = reverse("releases:paper_edit", args=[paper.pk])
    assert panel_client.get(edit).status_code == 403
    assert panel_client.post(edit, paper_post(world, title="Forged")).status_code == 403
    paper.refresh_from_db()
    assert paper.title == "SEC Releases update"


def test_outsiders_and_anonymous_visitors_see_no_paper(outsider_client, client, paper):
    for name, args in [
        ("releases:paper_list", []),
        ("releases:paper_detail", [paper.pk]),
        ("releases:paper_pdf", [paper.pk]),
        ("releases:paper_create", []),
        ("releases:paper_edit", [paper.pk]),
    ]:
        assert outsider_client.get(reverse(name, args=args)).status_code == 403
    client.logout()
    assert (
        reverse("login")
        in client.get(reverse("releases:paper_detail", args=[paper.pk]))["Location"]
    )
