"""The iCalendar feeds: what they hold, stable UIDs, and who may subscribe (a per-user token)."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from releases import services
from releases.models import TimelineEvent
from releases.policy.feeds import calendar_token, user_for_token
from tests.factories import make_modification, make_release

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(analyst):
    nov = make_release(
        analyst,
        name="November 2020 SEC Release",
        slug="november-2030",
        go_live_date=D(2030, 11, 7),
        full_baseline_date=D(2030, 5, 10),
    )
    other = make_release(
        analyst, name="June 2031 SEC Release", slug="june-2031", go_live_date=D(2031, 6, 26)
    )
    vote = make_modification(
        analyst,
        reference="MP080",
        title="Managing DUIS uplifts",
        status="change_board",
        change_board_date=D(2030, 5, 22),
    )
    authority = make_modification(
        analyst,
        reference="MP084",
        title="Other User Panel Seating Amendment",
        path="path2",
        status="with_authority",
        authority_decision_date=D(2030, 7, 1),
    )
    mp084 = services.scope_add(
        actor=analyst,
        release=nov,
        modification=authority,
        added_on=D(2030, 1, 1),
        reason="Scope",
        cut_off_date=D(2030, 10, 22),
        fall_back_release=other,
    )
    services.scope_add(
        actor=analyst, release=nov, modification=vote, added_on=D(2030, 1, 1), reason="Scope"
    )
    return {"nov": nov, "other": other, "item": mp084, "vote": vote, "authority": authority}


def feed(client, url, token=None):
    response = client.get(url, {"token": token} if token is not None else {})
    return response


def events(response):
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_all_releases_feed_holds_timeline_votes_authority_decisions_and_cut_offs(
    panel_member, world
):
    response = feed(Client(), reverse("releases:calendar_all"), calendar_token(panel_member))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    go_live = TimelineEvent.objects.get(release=world["nov"], kind="go_live")
    assert str(found[f"timeline-{go_live.pk}@secrelease"]["SUMMARY"]) == (
        "November 2020 SEC Release: Release go-live"
    )
    assert found[f"timeline-{go_live.pk}@secrelease"].decoded("DTSTART") == D(2030, 11, 7)
    cut_off = found[f"cutoff-{world['item'].pk}@secrelease"]
    assert cut_off.decoded("DTSTART") == D(2030, 10, 22)
    assert "lapses to June 2031 SEC Release" in str(cut_off["DESCRIPTION"])
    vote = found[f"changeboard-{world['vote'].pk}@secrelease"]
    assert vote.decoded("DTSTART") == D(2030, 5, 22)
    assert str(vote["SUMMARY"]) == "Change Board vote: MP080"
    authority = found[f"authority-{world['authority'].pk}@secrelease"]
    assert authority.decoded("DTSTART") == D(2030, 7, 1)
    assert str(vote["URL"]).startswith("http://testserver/modifications/MP080/")


def test_uids_are_stable_so_a_moved_date_updates_the_same_event(panel_member, world, analyst):
    token = calendar_token(panel_member)
    url = reverse("releases:calendar_all")
    first = events(feed(Client(), url, token))
    services.release_update(
        actor=analyst,
        release=world["nov"],
        go_live_date=D(2030, 11, 28),
        reason="DCC request",
        date_decision={"decided_by": "authority", "decision_date": D(2030, 6, 1)},
    )
    second = events(feed(Client(), url, token))
    assert set(first) == set(second)
    go_live = TimelineEvent.objects.get(release=world["nov"], kind="go_live")
    assert second[f"timeline-{go_live.pk}@secrelease"].decoded("DTSTART") == D(2030, 11, 28)


def test_the_release_feed_holds_only_that_release(panel_member, world):
    url = reverse("releases:calendar_release", args=["november-2030"])
    found = events(feed(Client(), url, calendar_token(panel_member)))
    assert f"cutoff-{world['item'].pk}@secrelease" in found
    assert f"changeboard-{world['vote'].pk}@secrelease" in found
    other_go_live = TimelineEvent.objects.get(release=world["other"], kind="go_live")
    assert f"timeline-{other_go_live.pk}@secrelease" not in found
    cal = icalendar.Calendar.from_ical(feed(Client(), url, calendar_token(panel_member)).content)
    assert str(cal["X-WR-CALNAME"]) == "November 2020 SEC Release"


def test_an_approved_modification_has_no_cut_off_event(panel_member, world, analyst):
    services.decision_record(
        actor=analyst, modification=world["authority"], kind="authority_approve", date=D(2026, 1, 1)
    )
    found = events(feed(Client(), reverse("releases:calendar_all"), calendar_token(panel_member)))
    assert f"cutoff-{world['item'].pk}@secrelease" not in found


def test_a_wrong_token_is_refused(world, panel_member):
    url = reverse("releases:calendar_all")
    assert feed(Client(), url, "nonsense").status_code == 403
    assert feed(Client(), url, calendar_token(panel_member)[:-1] + "0").status_code == 403
    release_url = reverse("releases:calendar_release", args=["november-2030"])
    assert feed(Client(), release_url, "1-abc").status_code == 403


def test_no_token_and_no_login_is_refused_but_a_logged_in_reader_may_read(world, panel_client):
    assert feed(Client(), reverse("releases:calendar_all")).status_code == 403
    assert feed(panel_client, reverse("releases:calendar_all")).status_code == 200


def test_a_token_of_a_user_without_a_role_is_refused(world, outsider):
    response = feed(Client(), reverse("releases:calendar_all"), calendar_token(outsider))
    assert response.status_code == 403
    assert user_for_token(calendar_token(outsider)) is None


def test_changing_the_password_revokes_the_token(panel_member):
    token = calendar_token(panel_member)
    assert user_for_token(token) == panel_member
    panel_member.set_password("a new long passphrase")
    panel_member.save()
    assert user_for_token(token) is None
    assert user_for_token(calendar_token(panel_member)) == panel_member


def test_an_unknown_release_feed_is_not_found(panel_member):
    url = reverse("releases:calendar_release", args=["nowhere"])
    assert feed(Client(), url, calendar_token(panel_member)).status_code == 404


def test_the_feed_takes_a_fixed_number_of_queries(
    panel_member, world, analyst, django_assert_num_queries
):
    url = reverse("releases:calendar_all")
    token = calendar_token(panel_member)

    def count():
        with django_assert_num_queries(10) as ctx:
            feed(Client(), url, token)
        return len(ctx.captured_queries)

    first = count()
    for n in range(4):
        m = make_modification(
            analyst, reference=f"MP{300 + n}", change_board_date=D(2030, 6, n + 1)
        )
        services.scope_add(
            actor=analyst,
            release=world["other"],
            modification=m,
            added_on=D(2030, 1, 2),
            reason="x",
        )
    assert count() == first
