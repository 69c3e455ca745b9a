"""Pages, forms and issued RID HTML kept between requests (secrelease.caching), the register
revision their keys hold (modifications.selectors.register_revision), and the two statements a
logged-in page starts with (secrelease.roles.RolesBackend, secrelease.sessions).

The suite runs with the cache off (settings under pytest); these tests turn it on."""

import datetime
import re
import warnings

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from modifications import services as register
from modifications.forms import ModificationCreateForm
from modifications.models import Revision
from modifications.selectors import register_revision
from releases import services
from releases.forms import GlossaryEntryForm
from releases.rid import render
from releases.rid import services as rid_services
from releases.rid.document import release_with_versions
from secrelease import caching
from secrelease.roles import ANALYST_GROUP, PANEL_GROUP, RolesBackend
from secrelease.sessions import SessionStore
from tests.factories import make_modification, make_release, panel_user
from tests.releases.rid_data import june_2021, release_of_size

D = datetime.date
LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tests-caching",
    }
}


@pytest.fixture
def cache_on():
    """The cache of production, in this process's memory, empty before and after."""
    with override_settings(CACHES=LOCAL_CACHE):
        cache.clear()
        caching.forget_memo()
        yield
        cache.clear()
        caching.forget_memo()


def count_queries(client, url):
    """(queries, page without its CSRF token, masked anew on every request)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return len(ctx.captured_queries), page


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# The register revision ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_revision_changes_inside_the_transaction_that_records_a_change(analyst):
    before = register_revision()
    make_modification(analyst, reference="MP301")
    assert register_revision() != before


@pytest.mark.django_db
def test_the_revision_goes_up_once_the_change_commits(analyst, django_capture_on_commit_callbacks):
    # A transactional test run before this one on the same worker may have flushed the row the
    # migration created; the bump recreates it (see the next test), so read "absent" as 0.
    number = Revision.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_modification(analyst, reference="MP301")
    assert callbacks
    assert Revision.objects.get(pk=1).number > number


@pytest.mark.django_db
def test_the_revision_row_comes_back_when_a_flush_removed_it(analyst):
    Revision.objects.all().delete()
    assert register_revision() == "0.0"
    register.revision_bump()
    assert Revision.objects.get(pk=1).number == 1


# The user, its roles and the revision in one query -----------------------------------------------


@pytest.mark.django_db
def test_the_user_is_read_with_its_roles_and_the_revision_in_one_query(analyst, panel_member):
    with CaptureQueriesContext(connection) as ctx:
        user = RolesBackend().get_user(panel_member.pk)
    assert len(ctx.captured_queries) == 1
    assert user == panel_member
    assert user.username == "panel" and user.get_full_name() == "Pat Panel"
    assert user._secrelease_groups == {PANEL_GROUP}
    assert RolesBackend().get_user(analyst.pk)._secrelease_groups == {ANALYST_GROUP}
    assert user._register_revision == register_revision()


@pytest.mark.django_db
def test_an_inactive_unknown_or_malformed_user_id_is_nobody(panel_member):
    get_user_model().objects.filter(pk=panel_member.pk).update(is_active=False)
    assert RolesBackend().get_user(panel_member.pk) is None
    assert RolesBackend().get_user(999999) is None
    assert RolesBackend().get_user("not a number") is None


@pytest.mark.django_db
def test_a_logged_in_page_starts_with_two_queries(panel_client):
    # The trivial view of the bench reads neither; the glossary reads the session, the user and
    # its entries.
    queries, _ = count_queries(panel_client, reverse("releases:glossary"))
    assert queries == 3


@pytest.mark.django_db
def test_the_session_store_reads_a_session_and_forgets_an_expired_one():
    store = SessionStore()
    store["colour"] = "white"
    store.save()
    assert SessionStore(store.session_key).load() == {"colour": "white"}
    store.model.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None


# Cached pages --------------------------------------------------------------------------------


@pytest.fixture
def june(analyst):
    return june_2021(analyst)


def test_a_release_page_seen_again_costs_the_session_and_user_queries_only(
    cache_on, analyst_client, june
):
    url = june.get_absolute_url()
    first_queries, first = count_queries(analyst_client, url)
    again_queries, again = count_queries(analyst_client, url)
    assert first_queries > 10
    assert again_queries == 2
    assert again == first


def test_a_cached_release_page_shows_a_change_at_once(
    cache_on, analyst, analyst_client, june, django_capture_on_commit_callbacks
):
    url = june.get_absolute_url()
    assert "v99.0" not in count_queries(analyst_client, url)[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.release_update(actor=analyst, release=june, sec_version="v99.0", reason="x")
    assert "v99.0" in count_queries(analyst_client, url)[1]


def test_analysts_and_panel_members_get_their_own_page_and_their_own_name(
    cache_on, analyst, panel_member, june
):
    url = june.get_absolute_url()
    edit = reverse("releases:release_edit", args=[june.slug])
    analyst_page = count_queries(logged_in(analyst), url)[1]
    panel_page = count_queries(logged_in(panel_member), url)[1]
    assert edit in analyst_page and edit not in panel_page
    assert '<span class="nav-username">analyst</span>' in analyst_page
    assert '<span class="nav-username">panel</span>' in panel_page

    other = logged_in(panel_user(username="another-panel-member"))
    queries, other_page = count_queries(other, url)
    assert queries == 2  # the Panel's page, kept
    assert '<span class="nav-username">another-panel-member</span>' in other_page
    assert "csrfmiddlewaretoken" in other.get(url).content.decode()  # log out, its own token


@pytest.mark.parametrize("size", [5, 60])
def test_the_cached_pages_cost_two_queries_whatever_the_size(
    cache_on, analyst, analyst_client, size
):
    release = release_of_size(analyst, size, slug=f"size-{size}")
    rid_services.rid_issue_version(
        unreviewed_reason="Issued directly in a test of the caches.",
        actor=analyst,
        release=release,
        kind="draft",
        date=D(2029, 1, 2),
        changes="First",
    )
    urls = [
        release.get_absolute_url(),
        reverse("releases:rid_draft", args=[release.slug]),
        reverse("releases:rid_version", args=[release.slug, "0.1"]),
        reverse("modifications:modification_list"),
        reverse("modifications:modification_list") + "?status=approved&page=2",
    ]
    for url in urls:
        count_queries(analyst_client, url)
        assert count_queries(analyst_client, url)[0] == 2, url


def test_the_live_draft_shows_a_change_to_the_register_at_once(
    cache_on, analyst, analyst_client, june, django_capture_on_commit_callbacks
):
    url = reverse("releases:rid_draft", args=[june.slug])
    mp146 = june.scope_items.get(modification__reference="MP146").modification
    assert "Reworded title" not in count_queries(analyst_client, url)[1]
    with django_capture_on_commit_callbacks(execute=True):
        register.modification_update(
            actor=analyst, modification=mp146, title="Reworded title", reason="x"
        )
    assert "Reworded title" in count_queries(analyst_client, url)[1]


def test_a_page_with_a_csrf_form_is_refused(cache_on, analyst):
    request = RequestFactory().get("/")
    request.user = analyst
    context = {"form": GlossaryEntryForm(), "heading": "Add", "submit": "Add"}
    with pytest.raises(ImproperlyConfigured):
        caching.render_blocks(request, "releases/glossary_form.html", context)


def test_a_long_address_makes_a_short_key(cache_on):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # CacheKeyWarning: too long for some caches
        key = caching._key(("register", "/modifications/?q=" + "x" * 2000, "1.2"))
        cache.set(key, "page")
    assert len(key) < 64


# Issued versions -----------------------------------------------------------------------------


def test_an_issued_versions_html_is_made_once_and_read_without_its_content(cache_on, analyst):
    release = june_2021(analyst)
    rid_services.rid_issue_version(
        unreviewed_reason="Issued directly in a test of the caches.",
        actor=analyst,
        release=release,
        kind="draft",
        date=D(2020, 7, 10),
        changes="First",
    )
    _release, versions = release_with_versions(release.slug)
    with CaptureQueriesContext(connection) as first:
        html = render.issued_version_html(versions[0])
    assert len(first.captured_queries) == 1  # the stored content
    assert "MP146" in html
    caching.forget_memo()  # another worker: the shared cache has it
    with CaptureQueriesContext(connection) as again:
        assert render.issued_version_html(versions[0]) == html
    assert not again.captured_queries


def test_issued_versions_are_listed_with_their_release_in_one_query(analyst):
    release = make_release(analyst, slug="listed")
    for n in range(3):
        rid_services.rid_issue_version(
            unreviewed_reason="Issued directly in a test of the caches.",
            actor=analyst,
            release=release,
            kind="draft",
            date=D(2029, 1, 1 + n),
            changes="x",
        )
    with CaptureQueriesContext(connection) as ctx:
        found, versions = release_with_versions("listed")
        urls = [v.get_absolute_url() for v in versions]
    assert len(ctx.captured_queries) == 1
    assert found == release and len(urls) == 3
    assert release_with_versions("no-such-release") == (None, [])


# Forms ---------------------------------------------------------------------------------------


def test_an_empty_form_is_rendered_once_a_bound_one_each_time(cache_on, analyst):
    revision = register_revision()
    html = caching.form_html(ModificationCreateForm(), revision=revision)
    assert 'name="reference"' in html and "csrfmiddlewaretoken" not in html
    form = ModificationCreateForm()
    with CaptureQueriesContext(connection) as ctx:
        assert caching.form_html(form, revision=revision) == html
    assert not ctx.captured_queries  # the SEC document checkboxes were not rendered again
    bound = ModificationCreateForm({"reference": "nonsense"})
    bound.is_valid()
    assert "Enter a reference like" in caching.form_html(bound, revision=revision)
