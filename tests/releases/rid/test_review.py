"""Review before issuing, proof of each version (people, Panel decision, SHA-256 of PDF and
JSON), verifying a document, comparing with the live draft, and the drafted Changes text
(issue "Records the Panel can trust")."""

import datetime
import hashlib
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from modifications import services as register
from modifications.models import Event, Modification
from releases import services
from releases.models import Release, RidReview, SecasCostLine
from releases.rid import forms as rid_forms
from releases.rid import services as rid_services
from tests.factories import analyst_user
from tests.releases.rid_data import june_2021

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _june(django_db_setup, django_db_blocker):
    """June 2021 with its draft 0.1 issued (a PDF render), once for the module: each test runs
    in a savepoint inside, and the module's transaction is rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        preparer = analyst_user(username="june-preparer", first_name="Grace", last_name="Preparer")
        release = june_2021(preparer)
        rid_services.rid_issue_version(
            unreviewed_reason="Issued in a test without review.",
            actor=preparer,
            release=release,
            kind="draft",
            date=D(2020, 7, 10),
            changes="First draft presented to the Panel to be baselined",
        )
        yield release.pk
        transaction.set_rollback(True)


@pytest.fixture
def june(_june, db):
    return Release.objects.get(pk=_june)


@pytest.fixture
def reviewer(db):
    return analyst_user(username="reviewer", first_name="Rita", last_name="Reviewer")


@pytest.fixture
def reviewer_client(reviewer):
    c = Client()
    c.force_login(reviewer)
    return c


def submit(analyst, release, **kw):
    kw.setdefault("kind", "issued")
    kw.setdefault("date", D(2020, 8, 1))
    kw.setdefault("changes", "Updated following review.")
    return rid_services.rid_review_submit(actor=analyst, release=release, **kw)


def url(name, release, *args):
    return reverse(f"releases:{name}", args=[release.slug, *args])


# -- the service ---------------------------------------------------------------------------------


def test_a_second_analyst_approves_and_the_version_is_issued_exactly_as_reviewed(
    analyst, reviewer, june
):
    review = submit(analyst, june, changes="Exactly this text.")
    version = rid_services.rid_review_approve(actor=reviewer, review=review)
    assert (version.number, version.date, version.changes) == (
        "1.0",
        D(2020, 8, 1),
        "Exactly this text.",
    )
    assert (version.prepared_by, version.reviewed_by, version.issued_by) == (
        analyst,
        reviewer,
        reviewer,
    )
    assert version.unreviewed_reason == ""
    review.refresh_from_db()
    assert (review.state, review.reviewed_by, review.rid_version) == ("approved", reviewer, version)
    actions = list(
        Event.objects.filter(action__startswith="rid.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["rid.review_submitted", "rid.issued", "rid.review_approved"]


def test_the_same_analyst_cannot_review_their_own_draft(analyst, june):
    review = submit(analyst, june)
    with pytest.raises(
        ValidationError,
        match="You prepared this draft of version 1.0: another analyst must review it.",
    ):
        rid_services.rid_review_approve(actor=analyst, review=review)
    with pytest.raises(ValidationError, match="another analyst must send it back."):
        rid_services.rid_review_return(actor=analyst, review=review, comments="Looks fine")
    assert june.rid_versions.count() == 1


def test_approval_is_refused_when_the_register_changed_since_submission(analyst, reviewer, june):
    review = submit(analyst, june)
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(actor=analyst, modification=mod, title="Renamed after submission")
    with pytest.raises(
        ValidationError, match="The register has changed since Ada Analyst submitted version 1.0"
    ):
        rid_services.rid_review_approve(actor=reviewer, review=review)
    assert june.rid_versions.count() == 1


def test_sending_back_needs_comments_and_then_a_new_submission_is_possible(analyst, reviewer, june):
    review = submit(analyst, june)
    with pytest.raises(ValidationError):
        submit(analyst, june)  # one review waits at a time
    with pytest.raises(ValidationError) as exc:
        rid_services.rid_review_return(actor=reviewer, review=review, comments=" ")
    assert "comments" in exc.value.message_dict
    rid_services.rid_review_return(actor=reviewer, review=review, comments="Name MP147.")
    review.refresh_from_db()
    assert (review.state, review.comments) == ("returned", "Name MP147.")
    assert Event.objects.filter(action="rid.review_returned", reason="Name MP147.").exists()
    again = submit(analyst, june)
    rid_services.rid_review_withdraw(actor=analyst, review=again)
    assert RidReview.objects.get(pk=again.pk).state == "withdrawn"


def test_issuing_without_review_needs_a_reason_and_is_marked(analyst, june):
    with pytest.raises(ValidationError) as exc:
        rid_services.rid_issue_version(
            actor=analyst, release=june, kind="issued", date=D(2020, 8, 1), changes="x"
        )
    assert "without another analyst's review" in " ".join(
        exc.value.message_dict["unreviewed_reason"]
    )
    version = rid_services.rid_issue_version(
        actor=analyst,
        release=june,
        kind="issued",
        date=D(2020, 8, 1),
        changes="x",
        unreviewed_reason="Panel tomorrow",
    )
    assert (version.reviewed_by, version.unreviewed_reason) == (None, "Panel tomorrow")
    assert "without review" in Event.objects.get(action="rid.issued", data__version="1.0").summary


# -- the pages: who may do what ----------------------------------------------------------------


def test_an_analyst_submits_from_the_issue_form_and_another_approves(
    analyst_client, reviewer_client, june, analyst
):
    response = analyst_client.post(
        url("rid_review_submit", june),
        {"kind": "issued", "date": "2020-08-01", "changes": "Updated following review."},
        follow=True,
    )
    review = RidReview.objects.get(release=june)
    assert response.redirect_chain[-1][0] == url("rid_review", june, review.pk)
    own = response.content.decode()
    assert "You prepared this draft: another analyst must review it." in own
    assert "Approve and issue" not in own
    # The author forging the approval gets a clear message, not a 500.
    forged = analyst_client.post(url("rid_review_approve", june, review.pk), follow=True)
    assert "another analyst must review it" in forged.content.decode()
    page = reviewer_client.get(url("rid_review", june, review.pk)).content.decode()
    assert "still exactly what was submitted" in page
    approved = reviewer_client.post(url("rid_review_approve", june, review.pk), follow=True)
    version = june.rid_versions.get(major=1, minor=0)
    assert approved.redirect_chain[-1][0] == version.get_absolute_url()
    html = approved.content.decode()
    assert "Prepared by Ada Analyst; reviewed by Rita Reviewer; issued by Rita Reviewer" in html


def test_the_author_sending_back_and_another_analyst_withdrawing_get_a_message_not_a_500(
    analyst_client, reviewer_client, june, analyst
):
    review = submit(analyst, june)
    own = analyst_client.post(
        url("rid_review_return", june, review.pk), {"comments": "Looks fine to me."}, follow=True
    )
    assert own.status_code == 200
    assert "You prepared this draft of version 1.0: another analyst must send it back." in (
        own.content.decode()
    )
    other = reviewer_client.post(url("rid_review_withdraw", june, review.pk), follow=True)
    assert other.status_code == 200
    assert "Only the analyst who submitted this draft can withdraw it." in other.content.decode()
    assert RidReview.objects.get(pk=review.pk).state == "pending"


def test_panel_members_and_outsiders_cannot_review(panel_client, june, analyst):
    review = submit(analyst, june)
    for name in ("rid_review_approve", "rid_review_return", "rid_review_withdraw"):
        assert panel_client.post(url(name, june, review.pk)).status_code == 403
    assert panel_client.get(url("rid_review", june, review.pk)).status_code == 403
    assert RidReview.objects.get(pk=review.pk).state == "pending"


def test_sending_back_without_comments_keeps_the_page_and_says_what_is_missing(
    reviewer_client, june, analyst
):
    review = submit(analyst, june)
    response = reviewer_client.post(url("rid_review_return", june, review.pk), {"comments": ""})
    assert response.status_code == 200
    assert response.context["return_form"].errors["comments"]


def test_redrafting_the_changes_text_keeps_what_was_typed(analyst_client, june):
    response = analyst_client.post(
        url("rid_issue", june),
        {
            "redraft": "draft",
            "kind": "issued",
            "date": "2020-09-30",
            "changes": "mine",
            "unreviewed_reason": "Because",
        },
    )
    form = response.context["form"]
    assert str(form.initial["date"]) == "2020-09-30"
    assert form.initial["kind"] == "draft"
    assert form.initial["unreviewed_reason"] == "Because"
    assert form.initial["changes"].endswith("presented to the Panel for the scope to be baselined.")
    assert not june.rid_versions.filter(major=1).exists()


# -- proof ---------------------------------------------------------------------------------------


def test_version_page_and_list_show_people_panel_decision_and_both_hashes(
    client, june, analyst, reviewer
):
    review = submit(
        analyst,
        june,
        kind="baseline",
        date=D(2020, 7, 24),
        changes="Version baselined by the Panel.",
        baseline_scope="system",
        panel_meeting_date=D(2020, 7, 17),
        panel_decision="The Panel baselined the RID for DCC System-impacting modifications.",
    )
    version = rid_services.rid_review_approve(actor=reviewer, review=review)
    json_bytes = client.get(url("rid_version_json", june, "1.0")).content
    json_sha = hashlib.sha256(json_bytes).hexdigest()
    for page in (url("rid_version", june, "1.0"), url("rid_version_list", june)):
        html = client.get(page).content.decode()  # anonymous: the release is White
        assert version.pdf_sha256 in html
        assert json_sha in html
        assert "The Panel baselined the RID for DCC System-impacting modifications." in html
        assert "Prepared by Ada Analyst; reviewed by Rita Reviewer" in html


def test_verify_tells_which_version_a_pdf_is_or_that_it_matches_none(client, june):
    version = june.rid_versions.get(major=0, minor=1)
    pdf = bytes(version.pdf)
    page = url("rid_verify", june)
    ok = client.post(page, {"document": SimpleUploadedFile("v.pdf", pdf, "application/pdf")})
    assert (
        "This is version 0.1</strong> of the June 2021 SEC Release RID "
        "(a draft presented to the Panel," in ok.content.decode()
    )
    other = client.post(
        page, {"document": SimpleUploadedFile("x.pdf", pdf + b"\n%tampered", "application/pdf")}
    )
    assert "matches no issued version" in other.content.decode()
    text = client.post(page, {"document": SimpleUploadedFile("x.pdf", b"hello", "application/pdf")})
    assert text.status_code == 200
    assert "This file is not a PDF" in text.content.decode()
    empty = client.post(page, {})
    assert empty.status_code == 200 and empty.context["form"].errors["document"]


def test_verify_refuses_a_file_over_the_size_limit(client, june, monkeypatch):
    monkeypatch.setattr(rid_forms, "VERIFY_MAX_BYTES", 10)
    response = client.post(
        url("rid_verify", june), {"document": SimpleUploadedFile("v.pdf", b"%PDF-" + b"x" * 20)}
    )
    assert response.status_code == 200
    assert "a RID PDF is at most 20 MB" in response.content.decode()


def test_verify_is_not_open_to_outsiders_on_an_amber_release(outsider_client, client, analyst):
    from tests.factories import make_release

    amber = make_release(analyst, name="Amber SEC Release", slug="amber", classification="amber")
    assert outsider_client.get(url("rid_verify", amber)).status_code == 403
    assert outsider_client.post(url("rid_verify", amber), {}).status_code == 403
    assert Client().post(url("rid_verify", amber), {}).status_code == 302


# -- comparing -----------------------------------------------------------------------------------


def test_analysts_compare_the_live_draft_with_the_latest_version_panel_members_cannot(
    analyst_client, panel_member, june, analyst
):
    panel_client = Client()
    panel_client.force_login(panel_member)
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(actor=analyst, modification=mod, title="Renamed since")
    response = analyst_client.get(url("rid_diff", june) + "?from=0.1&to=draft")
    html = response.content.decode()
    assert response.status_code == 200, html[:3000]
    assert "Changes from version 0.1 to the live draft" in html, html[html.find("<main") :][:3000]
    assert "Renamed since" in html
    assert panel_client.get(url("rid_diff", june) + "?from=0.1&to=draft").status_code == 403


def test_a_newer_to_older_comparison_is_put_in_order_and_said_plainly(client, june, analyst):
    rid_services.rid_issue_version(
        unreviewed_reason="x",
        actor=analyst,
        release=june,
        kind="issued",
        date=D(2020, 8, 1),
        changes="Second",
    )
    html = client.get(url("rid_diff", june) + "?from=1.0&to=0.1").content.decode()
    assert "You asked for the changes from version 1.0 to version 0.1, an older version" in html
    assert "Changes from version 0.1 to version 1.0" in html


@pytest.mark.pdf
def test_the_comparison_pdf_says_it_is_a_comparison_copy_on_its_cover_every_page_and_contents(
    panel_client, june, analyst, tmp_path
):
    rid_services.rid_issue_version(
        unreviewed_reason="x",
        actor=analyst,
        release=june,
        kind="issued",
        date=D(2020, 8, 1),
        changes="Second",
    )
    response = panel_client.get(url("rid_diff", june) + "?from=0.1&to=1.0&format=pdf")
    path = tmp_path / "c.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    ).stdout
    pages = text.split("\f")[:-1]
    assert "Comparison copy: not an issued version." in pages[0]
    assert (
        "Appendix 3: Changes since version 0.1" in pages[1]
        or "Appendix 3: Changes since version 0.1" in pages[0]
    )
    for page in pages[1:]:
        assert "COMPARISON COPY, not an issued version" in page
    assert hashlib.sha256(response.content).hexdigest() != june.rid_versions.get(major=1).pdf_sha256


# -- the drafted Changes text --------------------------------------------------------------------


def test_the_changes_text_names_a_go_live_move_a_change_request_costs_and_wording(analyst, june):
    services.release_update(
        actor=analyst,
        release=june,
        go_live_date=D(2021, 6, 25),
        reason="DCC asked",
        date_decision={"decided_by": "authority", "decision_date": D(2021, 2, 1)},
    )
    cr = register.change_request_create(actor=analyst, reference="CR1145", title="APLC")
    services.release_change_request_add(actor=analyst, release=june, change_request=cr)
    line = june.secas_costs.get(position=1)
    services.release_part_save(
        actor=analyst, release=june, model=SecasCostLine, instance=line, cost=Decimal(1800)
    )
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(
        actor=analyst, modification=mod, rid_summary="will do something else entirely now."
    )
    text = rid_services.rid_draft_changes(june, "issued")
    assert text == (
        "Updated following the go-live date moving to 25 June 2021, DCC Change Request CR1145 "
        "being added, changes to the costs and changes to the wording of MP147."
    )


def test_after_the_full_baseline_a_draft_is_not_presented_for_the_scope_to_be_baselined(
    analyst, june
):
    rid_services.rid_issue_version(
        unreviewed_reason="x",
        actor=analyst,
        release=june,
        kind="baseline",
        date=D(2020, 12, 14),
        changes="Baselined.",
        baseline_scope="full",
        panel_meeting_date=D(2020, 12, 11),
        panel_decision="Baselined the full scope.",
    )
    line = june.secas_costs.get(position=1)
    services.release_part_save(
        actor=analyst, release=june, model=SecasCostLine, instance=line, cost=Decimal(1800)
    )
    text = rid_services.rid_draft_changes(june, "draft")
    assert text == "Updated following changes to the costs, presented to the Panel."


def test_a_modification_removed_and_added_again_is_listed_once_as_added(analyst):
    from tests.factories import make_modification, make_release

    release = make_release(
        analyst, slug="feb-2022", name="February 2022 SEC Release", go_live_date=D(2022, 2, 24)
    )
    rid_services.rid_issue_version(
        unreviewed_reason="Issued in a test without review.",
        actor=analyst,
        release=release,
        kind="draft",
        date=D(2021, 4, 1),
        changes="First draft presented to the Panel to be baselined",
    )
    mod = make_modification(analyst, reference="MP200")
    item = services.scope_add(
        actor=analyst, release=release, modification=mod, added_on=D(2021, 5, 1), reason="Panel"
    )
    services.scope_remove(actor=analyst, item=item, removed_on=D(2021, 5, 2), reason="Mistake")
    services.scope_add(
        actor=analyst, release=release, modification=mod, added_on=D(2021, 5, 3), reason="Panel"
    )
    assert (
        rid_services.rid_draft_changes(release, "issued")
        == "Updated following MP200 being added to scope."
    )


# -- query counts --------------------------------------------------------------------------------


def _queries(client_, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client_.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_version_list_and_a_review_page_keep_their_queries_whatever_the_history(
    analyst, reviewer, june, reviewer_client, django_assert_num_queries
):
    from tests.releases.rid_data import release_of_size

    big = release_of_size(analyst, 30, slug="big", first_number=2000)
    for n in range(5):
        rid_services.rid_issue_version(
            unreviewed_reason="x",
            actor=analyst,
            release=big,
            kind="issued",
            date=D(2029, 1, 2 + n),
            changes=f"v{n}",
        )
    small_review = submit(analyst, june)
    big_review = submit(analyst, big, date=D(2029, 2, 1))
    expected = _queries(reviewer_client, url("rid_version_list", june))
    with django_assert_num_queries(expected):
        reviewer_client.get(url("rid_version_list", big))
    expected = _queries(reviewer_client, url("rid_review", june, small_review.pk))
    with django_assert_num_queries(expected):
        reviewer_client.get(url("rid_review", big, big_review.pk))


# -- the dashboard -------------------------------------------------------------------------------


def test_the_dashboard_lists_the_versions_waiting_for_review_to_analysts(
    june, analyst, analyst_client, reviewer_client, panel_member
):
    """A newcomer's second analyst found nothing on the dashboard to say a version waited for
    them: today's dashboard lists the pending reviews, to review (another analyst's) or to wait
    for (one's own); not to a Panel member, nor on a past date."""
    dashboard = reverse("releases:dashboard")
    review = submit(analyst, june)
    link = url("rid_review", june, review.pk)

    theirs = reviewer_client.get(dashboard).content.decode()
    assert f'<a href="{link}">Review version {review.number} of the {june.name}</a>' in theirs
    mine = analyst_client.get(dashboard).content.decode()
    assert (
        f'<a href="{link}">Your version {review.number} of the {june.name}</a> is waiting for '
        "another analyst" in mine
    )
    panel_client = Client()
    panel_client.force_login(panel_member)
    heading = "RID versions waiting for review"
    assert heading in theirs
    assert heading not in panel_client.get(dashboard).content.decode()
    past = reviewer_client.get(dashboard, {"as_of": "2020-05-26"}).content.decode()
    assert heading not in past

    rid_services.rid_review_withdraw(actor=analyst, review=review)
    assert heading not in reviewer_client.get(dashboard).content.decode()
