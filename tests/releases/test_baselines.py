"""Panel baselines are one record (PanelBaseline): the release's baseline dates, its timeline
rows, the calendar feed and the policy checks follow it (issue "Records the Panel can trust")."""

import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modifications.models import Event
from releases import services
from releases.models import PanelBaseline, TimelineEvent
from releases.policy import asof, rules
from releases.policy.feeds import feed_release
from releases.rid import services as rid_services
from tests.factories import make_release

pytestmark = pytest.mark.django_db

D = datetime.date
MEETING = D(2020, 12, 11)
DOCUMENT_DATE = D(2020, 12, 14)


@pytest.fixture
def june(analyst):
    return make_release(analyst, system_baseline_date=D(2020, 7, 17), full_baseline_date=None)


def _rows(release, kind):
    return list(
        TimelineEvent.objects.filter(release=release, kind=kind).values_list("date", flat=True)
    )


def _issue_baseline(analyst, release, *, scope="full", meeting=MEETING, date=DOCUMENT_DATE):
    return rid_services.rid_issue_version(
        unreviewed_reason="The Panel met yesterday.",
        actor=analyst,
        release=release,
        kind="baseline",
        date=date,
        changes="Version baselined by the Panel to cover the full proposed scope of the release.",
        baseline_scope=scope,
        panel_meeting_date=meeting,
        panel_decision="The Panel baselined the RID to cover the full proposed scope.",
    )


def test_issuing_a_baseline_version_records_the_panel_baseline_and_the_release_follows(
    analyst, june, analyst_client
):
    version = _issue_baseline(analyst, june)
    baseline = PanelBaseline.objects.get(release=june)
    assert (baseline.scope, baseline.meeting_date, baseline.rid_version) == (
        "full",
        D(2020, 12, 11),
        version,
    )
    assert baseline.recorded_by == analyst
    june.refresh_from_db()
    assert june.full_baseline_date == D(2020, 12, 11)
    assert _rows(june, "full_baseline") == [D(2020, 12, 11)]
    # The version's own timeline already shows the meeting that baselined it.
    events = [(t["date"], t["event"]) for t in version.content["timeline"]]
    assert ("2020-12-11", "Panel baselines RID for non-system-impacting modifications") in events
    assert Event.objects.filter(action="release.baselined", subject_id=june.pk).count() == 1
    html = analyst_client.get(reverse("releases:release_detail", args=[june.slug])).content.decode()
    assert "11 December 2020" in html and "Baselined by the Panel" in html
    assert "RID version 1.0" in html
    assert "17 July 2020" in html and "(planned; not yet baselined)" in html


def test_policy_counts_a_scope_baselined_only_once_the_panel_record_exists(analyst, june):
    (before,) = asof.releases_on(D(2021, 1, 5), pks=[june.pk])
    overdue = [f for f in rules.check_scope_deadlines(before, D(2021, 1, 5)) if f.rule == "R2"]
    assert overdue and "has not baselined it yet" in overdue[0].message
    _issue_baseline(analyst, june)
    (after,) = asof.releases_on(D(2021, 1, 5), pks=[june.pk])
    assert after.full_baseline_recorded == D(2020, 12, 11)
    r2 = [f for f in rules.check_scope_deadlines(after, D(2021, 1, 5)) if f.rule == "R2"]
    assert r2 == []  # 11 Dec 2020 is before the six-month deadline of 24 Dec 2020


def test_a_planned_date_that_has_passed_is_still_only_planned(analyst, june):
    (fact,) = asof.releases_on(D(2020, 8, 1), pks=[june.pk])
    assert fact.system_baseline_recorded is None
    assert fact.system_baseline_date == D(2020, 7, 17)


def test_moving_a_planned_baseline_date_moves_its_timeline_row_and_feed_entry(analyst, june):
    row = TimelineEvent.objects.get(release=june, kind="system_baseline")
    services.release_update(actor=analyst, release=june, system_baseline_date=D(2020, 6, 19))
    assert _rows(june, "system_baseline") == [D(2020, 6, 19)]
    calendar = icalendar.Calendar.from_ical(feed_release(june, absolute=lambda p: p))
    entry = [e for e in calendar.walk("VEVENT") if str(e["uid"]) == f"timeline-{row.pk}@secrelease"]
    assert entry[0]["dtstart"].dt == D(2020, 6, 19)


def test_a_release_given_baseline_dates_after_creation_gets_its_rows(analyst):
    release = make_release(
        analyst, slug="feb-2022", name="February 2022 SEC Release", go_live_date=D(2022, 2, 24)
    )
    assert _rows(release, "full_baseline") == []
    services.release_update(actor=analyst, release=release, full_baseline_date=D(2021, 8, 13))
    assert _rows(release, "full_baseline") == [D(2021, 8, 13)]
    services.release_update(actor=analyst, release=release, full_baseline_date=None)
    assert _rows(release, "full_baseline") == []


def test_a_recorded_baseline_date_cannot_be_edited_on_the_release(analyst, june, analyst_client):
    _issue_baseline(analyst, june)
    with pytest.raises(ValidationError) as exc:
        services.release_update(actor=analyst, release=june, full_baseline_date=D(2020, 12, 1))
    assert "baselined the full scope on 11 December 2020 (RID version 1.0)" in str(exc.value)


def test_a_baseline_row_of_the_timeline_follows_the_release(analyst, june):
    row = TimelineEvent.objects.get(release=june, kind="system_baseline")
    with pytest.raises(ValidationError, match="change that date on the release"):
        services.release_part_save(
            actor=analyst, release=june, model=TimelineEvent, instance=row, date=D(2020, 7, 1)
        )
    with pytest.raises(ValidationError, match="clear the planned date on the release"):
        services.release_part_delete(actor=analyst, release=june, instance=row)


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"meeting": None}, "panel_meeting_date", "Enter the date of the Panel meeting"),
        ({"meeting": D(2021, 7, 1)}, "panel_meeting_date", "must come before the go-live date"),
        ({"scope": "nonsense"}, "baseline_scope", "Say whether the Panel baselined"),
    ],
)
def test_a_baseline_without_what_it_needs_is_refused_with_a_sentence(
    analyst, june, kwargs, field, message
):
    with pytest.raises(ValidationError) as exc:
        _issue_baseline(analyst, june, **kwargs)
    assert message in " ".join(exc.value.message_dict[field])
    assert not PanelBaseline.objects.exists()
    assert not june.rid_versions.exists()


def test_a_scope_is_baselined_once(analyst, june):
    _issue_baseline(analyst, june)
    with pytest.raises(ValidationError) as exc:
        _issue_baseline(analyst, june, date=D(2021, 1, 5))
    assert "already baselined the full scope" in " ".join(exc.value.message_dict["baseline_scope"])


def test_a_baseline_without_a_meeting_date_from_the_form_says_so_next_to_the_field(
    analyst_client, june
):
    response = analyst_client.post(
        reverse("releases:rid_issue", args=[june.slug]),
        {
            "kind": "baseline",
            "date": "2020-12-14",
            "changes": "Baselined.",
            "baseline_scope": "full",
            "panel_decision": "Baselined.",
            "unreviewed_reason": "Urgent",
        },
    )
    assert response.status_code == 200
    assert "Enter the date of the Panel meeting" in " ".join(
        response.context["form"].errors["panel_meeting_date"]
    )


def test_a_baseline_submitted_for_review_without_a_meeting_date_says_so_and_submits_nothing(
    analyst, analyst_client, june
):
    response = analyst_client.post(
        reverse("releases:rid_review_submit", args=[june.slug]),
        {
            "kind": "baseline",
            "date": "2020-12-14",
            "changes": "Baselined.",
            "baseline_scope": "full",
            "panel_decision": "Baselined.",
        },
    )
    assert response.status_code == 200
    assert "Enter the date of the Panel meeting" in " ".join(
        response.context["form"].errors["panel_meeting_date"]
    )
    with pytest.raises(ValidationError) as exc:
        rid_services.rid_review_submit(
            actor=analyst,
            release=june,
            kind="baseline",
            date=DOCUMENT_DATE,
            changes="Baselined.",
            baseline_scope="full",
            panel_decision="Baselined.",
            panel_meeting_date=None,
        )
    assert "Enter the date of the Panel meeting" in " ".join(
        exc.value.message_dict["panel_meeting_date"]
    )
    assert not june.rid_reviews.exists()
    assert not PanelBaseline.objects.filter(release=june).exists()
