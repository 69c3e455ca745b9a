"""Watching releases: who may watch what, the emails `manage.py send_notifications` sends (once,
however often it runs), the daily digest, refused addresses, the Atom feed, and the front door."""

import datetime
import smtplib
import socket
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from releases import services
from releases.models import Notification, NotificationSettings, Watch
from releases.rid import services as rid_services
from releases.watch import services as watch
from tests.factories import UserFactory, make_modification, make_release, panel_user

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://releases.example.org"


@pytest.fixture
def world(analyst):
    white = make_release(analyst)
    amber = make_release(
        analyst,
        name="November 2021 SEC Release",
        slug="november-2021",
        go_live_date=D(2021, 11, 4),
        classification="amber",
    )
    mod = make_modification(analyst, reference="MP106", title="CHISM update", status="change_board")
    services.scope_add(
        actor=analyst, release=white, modification=mod, added_on=D(2020, 7, 1), reason="In"
    )
    other = make_modification(analyst, reference="MP107", status="change_board")
    services.scope_add(
        actor=analyst, release=amber, modification=other, added_on=D(2020, 7, 1), reason="In"
    )
    return {"white": white, "amber": amber, "mod": mod, "other": other}


def issue(analyst, release, date=None):
    date = date or D(2020, 7, 24)
    return rid_services.rid_issue_version(
        actor=analyst,
        release=release,
        kind="issued",
        date=date,
        changes="Scope set",
        unreviewed_reason="A test issues without review.",
    )


def send():
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def watcher(releases=(), all_releases=False, digest=False, **user):
    person = panel_user(email=user.pop("email", "pat@example.org"), **user)
    watch.watch_set(actor=person, releases=releases, all_releases=all_releases, daily_digest=digest)
    return person


# The command ------------------------------------------------------------------------------------


def test_a_watcher_is_told_once_of_an_issued_version_a_decision_and_a_near_cut_off(analyst, world):
    pat = watcher([world["white"]])
    issue(analyst, world["white"])
    services.decision_record(
        actor=analyst, modification=world["mod"], kind="cb_approve", date=D(2020, 8, 26)
    )
    cut_off = timezone.localdate() + datetime.timedelta(days=14)
    late = make_modification(analyst, reference="MP108", title="Late", status="with_authority")
    item = services.scope_add(
        actor=analyst,
        release=world["white"],
        modification=late,
        added_on=D(2020, 7, 1),
        reason="In",
    )
    services.scope_item_update(actor=analyst, item=item, cut_off_date=cut_off)

    first = send()
    assert "3 new notifications; emails sent: 3, refused: 0" in first
    subjects = {m.subject for m in mail.outbox}
    assert "[SEC Release Manager] June 2021 SEC Release: RID version 1.0 issued" in subjects
    assert (
        f"[SEC Release Manager] MP108: decision cut-off {cut_off:%-d %B %Y} (June 2021 SEC Release)"
    ) in subjects
    (decision,) = [s for s in subjects if s.startswith("[SEC Release Manager] MP106: ")]
    assert decision.endswith(", 26 August 2020")
    assert all(m.to == [pat.email] for m in mail.outbox)
    rid_mail = next(m for m in mail.outbox if "RID version" in m.subject)
    assert "https://releases.example.org/releases/june-2021/rid/v1.0/" in rid_mail.body
    assert "https://releases.example.org/watching/" in rid_mail.body

    second = send()
    assert "0 new notifications; emails sent: 0" in second
    assert len(mail.outbox) == 3, "run twice, sent once"
    assert Notification.objects.filter(user=pat, sent_at__isnull=False).count() == 3


def test_a_decision_that_takes_a_modification_out_of_scope_is_still_told(analyst, world):
    watcher([world["white"]])
    services.decision_record(
        actor=analyst, modification=world["mod"], kind="cb_reject", date=D(2020, 8, 26)
    )
    send()
    (message,) = mail.outbox
    assert message.subject.startswith("[SEC Release Manager] MP106: ")
    assert "in the scope of the June 2021 SEC Release" in message.body


def test_nothing_from_before_the_watch_began_nor_from_other_releases(analyst, world):
    issue(analyst, world["white"])
    watcher([world["white"]])
    issue(analyst, world["amber"])
    services.decision_record(
        actor=analyst, modification=world["other"], kind="cb_approve", date=D(2020, 8, 26)
    )
    send()
    assert mail.outbox == []


def test_a_far_cut_off_is_not_told_yet(analyst, world):
    watcher([world["white"]])
    item = world["white"].scope_items.get()
    far = timezone.localdate() + datetime.timedelta(days=15)
    services.scope_item_update(actor=analyst, item=item, cut_off_date=far)
    send()
    assert mail.outbox == []


def test_a_user_without_a_role_watching_everything_hears_only_of_public_documents(analyst, world):
    outsider = UserFactory(email="someone@example.org")
    watch.watch_set(actor=outsider, releases=[], all_releases=True, daily_digest=False)
    issue(analyst, world["amber"])
    send()
    assert mail.outbox == []
    issue(analyst, world["white"])
    services.decision_record(
        actor=analyst, modification=world["mod"], kind="cb_approve", date=D(2020, 8, 26)
    )
    send()
    assert len(mail.outbox) == 2
    decision = next(m for m in mail.outbox if "MP106" in m.subject)
    assert "/releases/june-2021/rid/versions/" in decision.body, "no register link for the public"


def test_a_version_issued_amber_is_not_told_to_the_public_after_the_release_turns_white(
    analyst, world
):
    outsider = UserFactory(email="someone@example.org")
    amber = world["amber"]
    services.release_update(actor=analyst, release=amber, classification="white")
    amber.refresh_from_db()
    watch.watch_set(actor=outsider, releases=[amber], all_releases=False, daily_digest=False)
    services.release_update(
        actor=analyst, release=amber, classification="amber", confirm_reclassification=False
    )
    issue(analyst, amber)
    services.release_update(
        actor=analyst, release=amber, classification="white", confirm_reclassification=True
    )
    send()
    assert mail.outbox == []


def test_the_daily_digest_sends_one_email_a_day(analyst, world):
    pat = watcher([world["white"]], digest=True)
    issue(analyst, world["white"])
    issue(analyst, world["white"], date=D(2020, 8, 1))
    send()
    (digest,) = mail.outbox
    assert digest.subject.startswith("[SEC Release Manager] Daily digest, ")
    assert digest.subject.endswith(": 2 updates")
    assert "RID version 1.0 issued" in digest.body and "RID version 2.0 issued" in digest.body
    issue(analyst, world["white"], date=D(2020, 8, 2))
    assert "held for tomorrow's digest: 1" in send()
    assert len(mail.outbox) == 1
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    watch.notifications_send(now=tomorrow)
    assert len(mail.outbox) == 2
    assert NotificationSettings.objects.get(user=pat).last_digest_on == timezone.localdate(tomorrow)


class RefusingBackend:
    """A mail backend whose server refuses one address (an SMTP 550) and takes the others."""

    sent = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if "bounce@" in message.to[0]:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
            RefusingBackend.sent.append(message)
        return len(messages)


def test_a_refused_address_is_logged_and_recorded_and_does_not_stop_the_others(
    analyst, world, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.releases.watch.test_watch.RefusingBackend"
    RefusingBackend.sent = []
    bouncing = watcher([world["white"]], email="bounce@example.org", username="bouncing")
    fine = watcher([world["white"]], email="fine@example.org", username="fine")
    issue(analyst, world["white"])
    out = send()
    assert "emails sent: 1, refused: 1, to try again: 0" in out
    assert [m.to for m in RefusingBackend.sent] == [[fine.email]]
    refused = Notification.objects.get(user=bouncing)
    assert refused.refused_at is not None and refused.sent_at is None
    assert "SMTPRecipientsRefused" in refused.error
    assert "Notification email to bounce@example.org refused" in caplog.text
    send()
    assert len(RefusingBackend.sent) == 1, "a refused email is not retried on every run"


class GreylistingBackend:
    """A mail backend whose server answers 450 (mailbox busy: try later) for one address."""

    sent = []
    busy = True

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if GreylistingBackend.busy and "busy@" in message.to[0]:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (450, b"Mailbox busy")})
            GreylistingBackend.sent.append(message)
        return len(messages)


def test_a_temporary_refusal_is_tried_again_on_the_next_run_and_the_others_still_go(
    analyst, world, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.releases.watch.test_watch.GreylistingBackend"
    GreylistingBackend.sent, GreylistingBackend.busy = [], True
    busy = watcher([world["white"]], email="busy@example.org", username="busy")
    fine = watcher([world["white"]], email="fine@example.org", username="fine")
    issue(analyst, world["white"])
    assert "emails sent: 1, refused: 0, to try again: 1" in send()
    waiting = Notification.objects.get(user=busy)
    assert waiting.sent_at is None and waiting.refused_at is None
    assert "450" in waiting.error
    assert "Notification email to busy@example.org refused for now" in caplog.text
    GreylistingBackend.busy = False
    assert "emails sent: 1, refused: 0, to try again: 0" in send()
    assert [m.to for m in GreylistingBackend.sent] == [[fine.email], [busy.email]]
    waiting.refresh_from_db()
    assert waiting.sent_at is not None and waiting.error == ""


def _closed_port():
    """A local TCP port nothing listens on (the mail server is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_server_that_is_down_stops_the_run_and_loses_no_email(
    analyst, world, settings, caplog
):
    """Django's SMTP backend against a port where no server listens: the command does not
    fail, says so, marks nothing refused, and the next run (server back) sends everything,
    the daily digest included."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    digest = watcher([world["white"]], digest=True, email="digest@example.org", username="d")
    single = watcher([world["white"]], email="single@example.org", username="s")
    issue(analyst, world["white"])
    out, err = StringIO(), StringIO()
    call_command("send_notifications", stdout=out, stderr=err)
    assert "2 new notifications; emails sent: 0, refused: 0, to try again: 1" in out.getvalue()
    assert "The mail server cannot take email now (ConnectionRefusedError" in err.getvalue()
    assert "the mail server cannot take email now" in caplog.text
    assert not Notification.objects.filter(refused_at__isnull=False).exists()
    assert not Notification.objects.filter(sent_at__isnull=False).exists()
    assert NotificationSettings.objects.get(user=digest).last_digest_on is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert "emails sent: 2, refused: 0, to try again: 0" in send()
    assert sorted(m.to[0] for m in mail.outbox) == [digest.email, single.email]
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.parametrize(
    "error, outcome",
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}), "refused"),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (452, b"Mailbox full")}), "later"),
        (smtplib.SMTPDataError(554, b"Message rejected"), "refused"),
        (smtplib.SMTPDataError(451, b"Try again later"), "later"),
        (smtplib.SMTPSenderRefused(553, b"Sender refused", "noreply@localhost"), "server"),
        (smtplib.SMTPAuthenticationError(535, b"Bad login"), "server"),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "server"),
        (ConnectionRefusedError(111, "Connection refused"), "server"),
        (TimeoutError("timed out"), "server"),
        (ValueError("Header values may not contain linefeed"), "refused"),
    ],
)
def test_each_mail_error_is_refused_for_good_tried_later_or_stops_the_run(error, outcome):
    assert watch.mail_failure(error) == outcome


def test_users_without_an_email_address_get_nothing_and_are_told_so(client, analyst, world):
    person = panel_user(email="")
    watch.watch_set(actor=person, releases=[world["white"]], all_releases=False, daily_digest=False)
    issue(analyst, world["white"])
    send()
    assert mail.outbox == []
    client.force_login(person)
    page = client.get(reverse("releases:watch_settings")).content.decode()
    assert "Your account has no email address" in page


# The watch page ---------------------------------------------------------------------------


def test_a_panel_member_chooses_releases_and_the_digest_on_the_watch_page(
    panel_client, panel_member, world
):
    url = reverse("releases:watch_settings")
    page = panel_client.get(url).content.decode()
    assert "November 2021 SEC Release" in page
    response = panel_client.post(
        url, {"releases": [world["white"].pk, world["amber"].pk], "daily_digest": "on"}
    )
    assert response.status_code == 302
    assert set(Watch.objects.filter(user=panel_member).values_list("release__slug", flat=True)) == {
        "june-2021",
        "november-2021",
    }
    assert NotificationSettings.objects.get(user=panel_member).daily_digest
    panel_client.post(url, {"all_releases": "on"})
    assert list(Watch.objects.filter(user=panel_member).values_list("release", flat=True)) == [None]
    assert not NotificationSettings.objects.get(user=panel_member).daily_digest


def test_a_user_without_a_role_may_watch_white_releases_only(outsider_client, outsider, world):
    url = reverse("releases:watch_settings")
    page = outsider_client.get(url).content.decode()
    assert "June 2021 SEC Release" in page
    assert "November 2021 SEC Release" not in page
    response = outsider_client.post(url, {"releases": [world["amber"].pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Watch.objects.filter(user=outsider).exists()


def test_bad_input_on_the_watch_page_gets_a_message_not_a_500(panel_client, world):
    response = panel_client.post(reverse("releases:watch_settings"), {"releases": ["nonsense"]})
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()


def test_anonymous_visitors_are_asked_to_log_in_to_watch(client):
    response = client.get(reverse("releases:watch_settings"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# The Atom feed ----------------------------------------------------------------------------


def test_the_feed_of_a_white_release_is_public_and_lists_versions_and_decisions(
    client, analyst, world
):
    issue(analyst, world["white"])
    services.decision_record(
        actor=analyst, modification=world["mod"], kind="cb_approve", date=D(2020, 8, 26)
    )
    response = client.get(reverse("releases:release_feed", args=["june-2021"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<title>RID version 1.0 issued</title>" in body
    assert "MP106: " in body
    assert "/modifications/" not in body, "the public gets no register links"


def test_the_feed_of_an_amber_release_is_for_readers_only(client, outsider, analyst, world):
    issue(analyst, world["amber"])
    url = reverse("releases:release_feed", args=["november-2021"])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(panel_user())
    assert "RID version 1.0 issued" in client.get(url).content.decode()
    assert client.get(reverse("releases:release_feed", args=["nope"])).status_code == 404


def test_a_version_issued_amber_is_not_in_the_public_feed(client, analyst, world):
    amber = world["amber"]
    issue(analyst, amber)
    services.release_update(
        actor=analyst, release=amber, classification="white", confirm_reclassification=True
    )
    body = client.get(reverse("releases:release_feed", args=["november-2021"])).content.decode()
    assert "RID version 1.0" not in body


# The front door ---------------------------------------------------------------------------


def test_anonymous_visitors_find_white_releases_and_their_public_versions_at_the_front_door(
    client, analyst, world
):
    issue(analyst, world["white"])
    issue(analyst, world["amber"])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "June 2021 SEC Release" in html
    assert reverse("releases:rid_version", args=["june-2021", "1.0"]) in html
    assert "November 2021 SEC Release" not in html
    assert reverse("login") in html


def test_readers_go_to_their_dashboard_from_the_front_door(panel_client, analyst, world):
    response = panel_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("releases:dashboard")


def test_the_front_door_is_the_login_page_when_public_rids_are_off(client, settings, world):
    settings.PUBLIC_WHITE_RIDS = False
    response = client.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_front_door_takes_a_fixed_number_of_queries(
    client, analyst, world, django_assert_num_queries
):
    issue(analyst, world["white"])
    with django_assert_num_queries(2):
        client.get("/")
    for n in range(3):
        release = make_release(
            analyst, name=f"Release {n}", slug=f"release-{n}", go_live_date=D(2022, 2, 1 + n)
        )
        issue(analyst, release)
    with django_assert_num_queries(2):
        client.get("/")


def test_the_feed_and_the_watch_page_take_a_fixed_number_of_queries(
    client, panel_member, analyst, world, django_assert_num_queries
):
    feed = reverse("releases:release_feed", args=["june-2021"])
    client.force_login(panel_member)

    def count():
        with django_assert_num_queries(7):  # session, user with roles, release x2, 3 reads
            client.get(feed)
        # session, user with roles, watches, digest, releases, refused
        with django_assert_num_queries(6):
            client.get(reverse("releases:watch_settings"))

    count()
    for n in range(3):
        issue(analyst, world["white"], date=D(2020, 8, 1 + n))
        mod = make_modification(analyst, reference=f"MP{400 + n}", status="change_board")
        services.scope_add(
            actor=analyst,
            release=world["white"],
            modification=mod,
            added_on=D(2020, 7, 1),
            reason="In",
        )
        services.decision_record(
            actor=analyst, modification=mod, kind="cb_approve", date=D(2020, 8, 26)
        )
    watch.watch_set(
        actor=panel_member, releases=[world["white"]], all_releases=True, daily_digest=True
    )
    count()
