"""RID pages: who sees what, issuing a version, stored versions served as stored (HTML from the
JSON, PDF bytes with their hash as ETag), comparison, and query counts."""

import datetime
import hashlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modifications import services as register
from modifications.models import Modification
from releases import pdf, services
from releases.models import Classification, Release, RidVersion
from releases.rid import services as rid_services
from tests.factories import analyst_user, make_release
from tests.releases.rid_data import june_2021, release_of_size

D = datetime.date


def issue(actor, release, kind, date, changes, **kw):
    return rid_services.rid_issue_version(
        unreviewed_reason="Issued in a test without review.",
        actor=actor,
        release=release,
        kind=kind,
        date=date,
        changes=changes,
        **kw,
    )


@pytest.fixture(scope="module")
def _june(django_db_setup, django_db_blocker):
    """June 2021 with versions 0.1 and 1.0 issued (two PDF renders), once for the module: each
    test runs in a savepoint inside, and the module's transaction is rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        preparer = analyst_user(username="june-preparer", first_name="Grace", last_name="Preparer")
        release = june_2021(preparer)
        issue(preparer, release, "draft", D(2020, 7, 10), "First draft presented to the Panel")
        issue(
            preparer,
            release,
            "baseline",
            D(2020, 7, 24),
            "Version baselined by the Panel.",
            baseline_scope="system",
            panel_decision="Baselined the system scope.",
            panel_meeting_date=D(2020, 7, 17),
        )
        yield release.pk
        transaction.set_rollback(True)


@pytest.fixture
def june(_june, db):
    return Release.objects.get(pk=_june)


@pytest.fixture
def amber(analyst):
    release = make_release(
        analyst,
        name="Amber SEC Release",
        slug="amber",
        go_live_date=D(2022, 2, 24),
        classification=Classification.AMBER,
    )
    issue(analyst, release, "draft", D(2021, 7, 1), "First draft")
    return release


def url(name, release, *args):
    return reverse(f"releases:{name}", args=[release.slug, *args])


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


VERSION_PAGES = [
    ("rid_version_list", ()),
    ("rid_version", ("1.0",)),
    ("rid_version_pdf", ("1.0",)),
    ("rid_version_json", ("1.0",)),
    ("rid_diff", ()),
]
ANALYST_PAGES = [("rid_draft", ()), ("rid_draft_pdf", ()), ("rid_issue", ())]


# -- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize("name,args", VERSION_PAGES)
def test_anyone_reads_issued_versions_of_a_white_release(client, june, name, args):
    assert client.get(url(name, june, *args)).status_code == 200


@pytest.mark.parametrize("name,args", VERSION_PAGES)
def test_public_white_rids_can_be_turned_off(client, june, settings, name, args):
    settings.PUBLIC_WHITE_RIDS = False
    assert is_login_redirect(client.get(url(name, june, *args)))


@pytest.mark.parametrize("name,args", [("rid_version_list", ()), ("rid_version", ("0.1",))])
def test_amber_versions_are_never_public(client, outsider, amber, name, args):
    assert is_login_redirect(client.get(url(name, amber, *args)))
    client.force_login(outsider)
    assert client.get(url(name, amber, *args)).status_code == 403


@pytest.mark.parametrize("name,args", [("rid_version_list", ()), ("rid_version_pdf", ("0.1",))])
def test_panel_members_read_amber_versions(panel_client, amber, name, args):
    assert panel_client.get(url(name, amber, *args)).status_code == 200


@pytest.mark.parametrize("name,args", ANALYST_PAGES)
def test_the_live_draft_and_issuing_are_for_analysts_only(client, panel_client, june, name, args):
    assert panel_client.get(url(name, june, *args)).status_code == 403
    panel_client.logout()
    assert is_login_redirect(client.get(url(name, june, *args)))


@pytest.mark.parametrize("name,args", ANALYST_PAGES + VERSION_PAGES)
def test_analysts_see_every_rid_page(analyst_client, june, name, args):
    assert analyst_client.get(url(name, june, *args)).status_code == 200


def test_a_forged_issue_post_by_a_panel_member_is_refused_and_issues_nothing(panel_client, june):
    response = panel_client.post(
        url("rid_issue", june), {"kind": "issued", "date": "2021-01-29", "changes": "Forged"}
    )
    assert response.status_code == 403
    assert june.rid_versions.count() == 2


def test_panel_members_see_no_issue_or_draft_controls(panel_client, june):
    for page in [url("rid_version_list", june), url("rid_version", june, "1.0")]:
        html = panel_client.get(page).content.decode()
        assert url("rid_issue", june) not in html
        assert url("rid_draft", june) + '"' not in html


def test_an_unknown_or_malformed_version_is_404(client, june):
    for number in ["9.0", "abc", "1"]:
        assert client.get(f"/releases/{june.slug}/rid/v{number}/").status_code == 404
    assert client.get(url("rid_version_pdf", june, "7.0")).status_code == 404
    assert client.get(url("rid_diff", june) + "?from=0.1&to=5.0").status_code == 404


# -- issuing -------------------------------------------------------------------------------------


def test_the_issue_page_shows_the_next_numbers_and_the_drafted_changes(analyst_client, june):
    register.modification_create(actor=june_analyst(june), reference="MP300", title="New one")
    services.scope_add(
        actor=june_analyst(june),
        release=june,
        modification=Modification.objects.get(reference="MP300"),
        added_on=D(2021, 1, 5),
        reason="Panel added it by exception",
        exception_reason="Added by the Panel as an exception",
    )
    html = analyst_client.get(url("rid_issue", june)).content.decode()
    assert "1.1" in html and "2.0" in html
    assert "Updated following MP300 being added to scope." in html
    draft = analyst_client.get(url("rid_issue", june) + "?kind=draft").content.decode()
    assert (
        "Updated following MP300 being added to scope, presented to the Panel for the scope to "
        "be baselined." in draft
    )


def june_analyst(release):
    return RidVersion.objects.filter(release=release).first().issued_by


def test_issuing_from_the_form_freezes_a_version_and_shows_it(analyst_client, june):
    response = analyst_client.post(
        url("rid_issue", june),
        {
            "kind": "issued",
            "date": "2020-12-20",
            "changes": "Updated  following\nreview.",
            "unreviewed_reason": "The Panel meets tomorrow.",
        },
        follow=True,
    )
    version = june.rid_versions.get(major=2, minor=0)
    assert response.redirect_chain[-1][0] == version.get_absolute_url()
    assert version.changes == "Updated following review."
    assert version.kind == "issued"
    assert "Version 2.0 of the June 2021 SEC Release RID is issued" in response.content.decode()
    assert version.unreviewed_reason == "The Panel meets tomorrow."
    assert version.prepared_by == version.issued_by and version.reviewed_by is None


def test_a_baseline_without_its_panel_meeting_keeps_the_input_and_says_what_is_missing(
    analyst_client, june
):
    response = analyst_client.post(
        url("rid_issue", june),
        {"kind": "baseline", "date": "2020-12-14", "changes": "My careful wording"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "panel_meeting_date" in form.errors
    assert "baseline_scope" in form.errors
    assert "My careful wording" in response.content.decode()
    assert june.rid_versions.count() == 2


def test_an_empty_issue_post_is_a_form_error_not_a_500(analyst_client, june):
    response = analyst_client.post(url("rid_issue", june), {})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"kind", "date", "changes"}


# -- stored versions are served as stored --------------------------------------------------------


def test_a_version_page_shows_the_stored_content_not_the_register_now(client, june, analyst):
    mod = Modification.objects.get(reference="MP147")
    register.modification_update(actor=analyst, modification=mod, title="Renamed since")
    html = client.get(url("rid_version", june, "1.0")).content.decode()
    assert "SMKI Full Extract" in html
    assert "Renamed since" not in html
    assert "Version 1.0" in html
    draft = june_client_get(june, analyst)
    assert "Renamed since" in draft


def june_client_get(release, analyst):
    from django.test import Client

    c = Client()
    c.force_login(analyst)
    return c.get(url("rid_draft", release)).content.decode()


def test_the_stored_pdf_is_served_with_its_hash_as_etag_without_rendering(
    client, june, monkeypatch
):
    def no_rendering(*args, **kwargs):
        raise AssertionError("a stored version must not be rendered again")

    monkeypatch.setattr(pdf, "render_document", no_rendering)
    version = june.rid_versions.get(major=1, minor=0)
    response = client.get(url("rid_version_pdf", june, "1.0"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(version.pdf)
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert 'filename="june-2021-rid-v1.0.pdf"' in response["Content-Disposition"]


def test_a_matching_if_none_match_gets_304_and_no_body(client, june):
    etag = client.get(url("rid_version_pdf", june, "1.0"))["ETag"]
    response = client.get(url("rid_version_pdf", june, "1.0"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    other = client.get(url("rid_version_pdf", june, "1.0"), HTTP_IF_NONE_MATCH='"other"')
    assert other.status_code == 200


def test_the_json_of_a_version_is_its_stored_content(client, june):
    version = june.rid_versions.get(major=1, minor=0)
    data = client.get(url("rid_version_json", june, "1.0")).json()
    assert data["content"] == version.content
    assert data["version"] == "1.0"
    assert data["kind"] == "baseline"
    assert data["panel_meeting_date"] == "2020-07-17"
    assert data["pdf_sha256"] == version.pdf_sha256


# -- comparing -----------------------------------------------------------------------------------


def test_the_comparison_shows_structured_changes_and_labelled_word_changes(client, june, analyst):
    mod = Modification.objects.get(reference="MP146")
    register.modification_update(
        actor=analyst, modification=mod, rid_summary="will remove the date from Section H8.16."
    )
    issue(analyst, june, "issued", D(2021, 2, 1), "Updated summary.")
    html = client.get(url("rid_diff", june) + "?from=1.0&to=2.0").content.decode()
    assert "Changes from version 1.0 to version 2.0" in html
    assert "MP146 \u2018SM WAN Coverage Date\u2019: scope summary" in html
    assert "<ins>" in html and "<del>" in html
    assert "Added:" in html and "Removed:" in html
    assert "Updated summary." in html  # the versions issued in between


def test_the_comparison_defaults_to_the_latest_version_and_the_one_before(client, june):
    response = client.get(url("rid_diff", june))
    assert response.context["from_number"] == "0.1"
    assert response.context["to_number"] == "1.0"


@pytest.mark.pdf
def test_the_comparison_can_be_appended_to_the_pdf(panel_client, june):
    response = panel_client.get(url("rid_diff", june) + "?from=0.1&to=1.0&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"%PDF-" in response.content and len(response.content) > 10000


def test_the_pdf_with_changes_appended_is_not_rendered_for_anonymous_visitors(client, june):
    path = url("rid_diff", june) + "?from=0.1&to=1.0&format=pdf"
    assert is_login_redirect(client.get(path))
    assert "format=pdf" not in client.get(url("rid_diff", june)).content.decode()


def test_a_release_with_one_version_says_there_is_nothing_to_compare(client, amber, analyst):
    amber.classification = Classification.WHITE
    amber.save()
    response = client.get(url("rid_diff", amber))
    assert response.status_code == 200
    assert "At least two issued versions are needed" in response.content.decode()


# -- query counts --------------------------------------------------------------------------------


def count_queries(client_, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client_.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_live_draft_page_issues_the_same_number_of_queries_for_5_and_200_modifications(
    analyst, analyst_client, django_assert_num_queries
):
    small = release_of_size(analyst, 5, slug="small")
    big = release_of_size(analyst, 200, slug="big", first_number=2000)
    expected = count_queries(analyst_client, url("rid_draft", small))
    with django_assert_num_queries(expected):
        analyst_client.get(url("rid_draft", big))


def test_a_version_page_issues_the_same_number_of_queries_for_5_and_200_modifications(
    analyst, client, django_assert_num_queries
):
    small = release_of_size(analyst, 5, slug="small")
    big = release_of_size(analyst, 200, slug="big", first_number=2000)
    for release in (small, big):
        issue(analyst, release, "draft", D(2029, 1, 2), "First draft")
    expected = count_queries(client, url("rid_version", small, "0.1"))
    with django_assert_num_queries(expected):
        client.get(url("rid_version", big, "0.1"))


@pytest.mark.parametrize("versions", [2, 5])
def test_the_version_list_and_comparison_issue_the_same_number_of_queries_for_2_and_5_versions(
    analyst, panel_client, versions
):
    release = make_release(
        analyst, slug=f"versions-{versions}", name=f"Versions {versions} Release"
    )
    for n in range(versions):
        issue(analyst, release, "draft", D(2029, 1, 1 + n), f"Draft {n}")
    # session, user with roles, the release with its versions (no query per version), and for
    # the comparison the stored content of the two versions compared
    assert (
        count_queries(panel_client, url("rid_version_list", release)) == 4
    )  # session+user, release+versions, pending review, contents for the JSON hashes
    assert count_queries(panel_client, url("rid_diff", release)) == 5
    assert count_queries(panel_client, url("rid_version_json", release, "0.1")) == 4


@pytest.mark.parametrize("name,args", ANALYST_PAGES[:2] + VERSION_PAGES)
def test_the_reading_pages_refuse_posts(analyst_client, june, name, args):
    assert analyst_client.post(url(name, june, *args)).status_code == 405


def test_versions_are_offered_for_comparison_only_once_there_are_two(analyst, analyst_client):
    """With one version the list offered "Compare version 1.0 with version 1.0" (a newcomer)."""
    release = make_release(
        analyst, name="March 2027 DCC System Release", slug="march-2027", go_live_date=D(2027, 3, 6)
    )
    issue(analyst, release, "draft", D(2026, 3, 10), "First draft presented to the Panel")
    assert (
        'id="compare-from"'
        not in analyst_client.get(url("rid_version_list", release)).content.decode()
    )
    issue(analyst, release, "issued", D(2026, 3, 24), "Updated following the Panel's comments.")
    assert (
        'id="compare-from"' in analyst_client.get(url("rid_version_list", release)).content.decode()
    )
