"""Bounded input: dates within 2000-2100 in every form and service; a bad stored date never
breaks a page or a feed (the row is skipped and logged); `next` is checked and never a 500;
text read from a request goes through a form (length, NUL)."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modifications import services as register
from modifications.models import Modification
from releases import services
from releases.models import Release, ScopeItem, TimelineEvent, UpdatePaper
from releases.policy.feeds import calendar_token
from secrelease.validators import IMPLAUSIBLE_DATE_MESSAGE
from tests.edit_forms import make_world
from tests.factories import make_release
from tests.htmlforms import post_form

D = datetime.date
OUT_OF_RANGE = ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"]


@pytest.fixture
def world(analyst):
    return make_world(analyst)


# Dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("date", OUT_OF_RANGE)
def test_a_release_cannot_be_created_outside_2000_to_2100(analyst_client, date):
    response = analyst_client.post(
        reverse("releases:release_create"),
        {"name": "A release", "slug": "a", "go_live_date": date, "classification": "white"},
    )
    assert response.status_code == 200
    assert IMPLAUSIBLE_DATE_MESSAGE in response.content.decode()
    assert not Release.objects.filter(slug="a").exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (
            lambda w: reverse("releases:scope_remove", args=[w["release"].slug, w["item"].pk]),
            "removed_on",
        ),
        (
            lambda w: reverse("releases:scope_move", args=[w["release"].slug, w["item"].pk]),
            "moved_on",
        ),
        (
            lambda w: reverse("releases:scope_item_edit", args=[w["release"].slug, w["item"].pk]),
            "cut_off_date",
        ),
        (
            lambda w: reverse(
                "releases:part_edit", args=[w["release"].slug, "timeline", w["timeline"].pk]
            ),
            "date",
        ),
        (lambda w: reverse("releases:decision_record", args=[w["modification"].reference]), "date"),
        (lambda w: reverse("releases:rid_issue", args=[w["release"].slug]), "date"),
        (lambda w: reverse("releases:paper_edit", args=[w["paper"].pk]), "as_of"),
        (
            lambda w: reverse(
                "modifications:modification_edit", args=[w["modification"].reference]
            ),
            "panel_date",
        ),
    ],
)
def test_every_date_field_refuses_a_date_outside_the_range_next_to_the_field(
    analyst_client, world, url, field
):
    page = analyst_client.get(url(world))
    data, _kinds = post_form(page.content)
    # A decision in the future is refused as such first: try one before 2000 there.
    data[field] = ["1999-12-31" if "decide" in url(world) else "2101-01-01"]
    for name in ("reason", "changes", "notes"):
        if name in data and not data[name][0]:
            data[name] = ["A reason"]
    if "kind" in data and not data["kind"]:
        data["kind"] = [data.get("kind_first", ["convert"])[0]]
    response = analyst_client.post(url(world), data)
    assert response.status_code == 200
    assert IMPLAUSIBLE_DATE_MESSAGE in response.content.decode()


def test_services_refuse_dates_outside_the_range(analyst, world):
    with pytest.raises(ValidationError, match="between 1 January 2000"):
        make_release(analyst, name="Far", slug="far", go_live_date=D(2101, 1, 1))
    with pytest.raises(ValidationError, match="between 1 January 2000"):
        register.modification_decide(
            actor=analyst, modification=world["modification"], kind="convert", date=D(1999, 1, 1)
        )
    with pytest.raises(ValidationError, match="between 1 January 2000"):
        services.scope_remove(
            actor=analyst, item=world["item"], removed_on=D(9999, 12, 31), reason="x"
        )


def test_date_pickers_offer_only_the_range(analyst_client):
    body = analyst_client.get(reverse("releases:release_create")).content.decode()
    assert 'min="2000-01-01"' in body and 'max="2100-12-31"' in body


# Bad rows already stored ---------------------------------------------------------------------


@pytest.fixture
def bad_rows(world):
    """Dates written around the forms before the range was enforced."""
    TimelineEvent.objects.filter(pk=world["timeline"].pk).update(date=D(1, 1, 1))
    Modification.objects.filter(pk=world["modification"].pk).update(
        cut_off_date=D(9999, 12, 31), panel_date=D(1, 1, 1), change_board_date=D(9999, 12, 31)
    )
    ScopeItem.objects.filter(pk=world["item"].pk).update(cut_off_date=D(9999, 12, 31))
    other = Release.objects.get(slug="november-2021")
    Release.objects.filter(pk=other.pk).update(go_live_date=D(9999, 12, 31))
    return world


def test_pages_still_answer_with_bad_dates_stored(analyst_client, bad_rows):
    w = bad_rows
    urls = [
        reverse("releases:release_list"),
        reverse("releases:release_detail", args=[w["release"].slug]),
        reverse("releases:release_detail", args=["november-2021"]),
        reverse("releases:dashboard"),
        reverse("releases:dashboard") + "?as_of=2020-06-01",
        reverse("releases:rid_draft", args=[w["release"].slug]),
        reverse("modifications:modification_list"),
        reverse("modifications:modification_detail", args=[w["modification"].reference]),
        reverse("modifications:modification_export_csv"),
        reverse("releases:paper_detail", args=[w["paper"].pk]),
    ]
    for url in urls:
        assert analyst_client.get(url).status_code == 200, url


def test_feeds_skip_and_log_rows_with_bad_dates(analyst, client, bad_rows, caplog):
    token = calendar_token(analyst)
    with caplog.at_level(logging.WARNING, logger="releases.policy.feeds"):
        everything = client.get(reverse("releases:calendar_all") + f"?token={token}")
        one = client.get(
            reverse("releases:calendar_release", args=[bad_rows["release"].slug])
            + f"?token={token}"
        )
    assert everything.status_code == 200 and one.status_code == 200
    body = everything.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert "00010101" not in body and "99991231" not in body
    assert f"timeline-{bad_rows['timeline'].pk}@secrelease skipped" in caplog.text


# next ------------------------------------------------------------------------------------------


@pytest.fixture
def lapsable(analyst, world):
    services.scope_item_update(actor=analyst, item=world["item"], cut_off_date=D(2020, 10, 22))
    return world["item"]


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("x", "/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/no/such/page/", "/"),
        ("/\\evil.example", "/"),
        ("/releases/", "/releases/"),
    ],
)
def test_lapse_next_is_checked_and_never_a_500(analyst_client, lapsable, next_url, lands_on):
    response = analyst_client.post(
        reverse("releases:scope_lapse", args=[lapsable.release.slug, lapsable.pk]),
        {"lapsed_on": "2020-10-23", "next": next_url},
    )
    assert response.status_code == 302
    expected = reverse("releases:dashboard") if lands_on == "/" else lands_on
    assert response["Location"] == expected
    lapsable.refresh_from_db()
    assert lapsable.state == "fell_out"


def test_lapse_with_a_bad_form_still_goes_somewhere_safe(analyst_client, lapsable):
    response = analyst_client.post(
        reverse("releases:scope_lapse", args=[lapsable.release.slug, lapsable.pk]),
        {"lapsed_on": "not a date", "next": "x" * 5000},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("releases:dashboard")


# Text from requests ------------------------------------------------------------------------------


def _paper_form(client, paper):
    url = reverse("releases:paper_edit", args=[paper.pk])
    data, _kinds = post_form(client.get(url).content)
    return url, data


@pytest.mark.parametrize("reason", ["with a NUL \x00 byte", "x" * 100_000])
def test_a_papers_reason_goes_through_a_form(analyst_client, world, reason):
    paper = world["paper"]
    url, data = _paper_form(analyst_client, paper)
    data["purpose"] = ["A new purpose"]
    data["reason"] = [reason]
    response = analyst_client.post(url, data)
    assert response.status_code == 200
    assert UpdatePaper.objects.get(pk=paper.pk).purpose == ""


def test_a_nul_byte_in_a_text_field_is_refused_next_to_it(analyst_client, world):
    url = reverse("releases:glossary_edit", args=[world["glossary"].pk])
    data, _kinds = post_form(analyst_client.get(url).content)
    data["full_term"] = ["Smart\x00Energy"]
    response = analyst_client.post(url, data)
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/modifications/MP106%00/",
        "/releases/?page=%00",
        "/modifications/?q=%00",
        "/calendar.ics?token=1%00-abc",
    ],
)
def test_a_nul_byte_in_the_address_is_a_400(analyst_client, world, url):
    assert analyst_client.get(url).status_code == 400


@pytest.mark.parametrize(
    "query", ["?kind=bogus", "?kind=baseline&baseline_scope=nope", "?kind=" + "d" * 5000]
)
def test_the_issue_pages_redraft_query_goes_through_a_form(analyst_client, world, query):
    url = reverse("releases:rid_issue", args=[world["release"].slug]) + query
    assert analyst_client.get(url).status_code == 200


def test_a_calendar_token_goes_through_a_form(client, world):
    url = reverse("releases:calendar_all")
    assert client.get(url + "?token=" + "9" * 500).status_code == 403
    assert client.get(url + "?token=").status_code == 403
