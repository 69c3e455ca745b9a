"""Every URL of the product as anonymous, as a user with no role, as a Panel member and as an
analyst. The table below must name every URL the resolver knows, so a new page cannot be added
without deciding who may see it."""

import datetime

import pytest
from django.db import transaction
from django.urls import get_resolver, reverse

from modifications import services as register
from modifications.models import SECDocument
from releases import services
from releases.models import Classification, DccImpact, RenderJob
from releases.paper import services as paper_services
from releases.rid import services as rid_services
from tests.factories import analyst_user, make_modification, make_release
from tests.stand_in_pdf import stand_in_pdfs

pytestmark = pytest.mark.django_db

D = datetime.date

# name -> (who may GET, who may POST)
#   "public": anyone, including anonymous visitors (White releases only)
#   "reader": analysts and Panel members
#   "analyst": analysts only
#   "token": calendar feeds, readable with the subscriber's token
#   "user": any logged-in user (their own settings)
#   None: the method is not offered (405) or not meaningful for the view
ACCESS = {
    "modifications:modification_list": ("reader", None),
    "modifications:modification_create": ("analyst", "analyst"),
    "modifications:modification_export_csv": ("reader", None),
    "modifications:change_request_list": ("reader", None),
    "modifications:change_request_create": ("analyst", "analyst"),
    "modifications:change_request_detail": ("reader", None),
    "modifications:change_request_edit": ("analyst", "analyst"),
    "modifications:modification_detail": ("reader", None),
    "modifications:modification_edit": ("analyst", "analyst"),
    "modifications:modification_activity": ("reader", None),
    "modifications:sec_document_list": ("reader", None),
    "modifications:sec_document_create": ("analyst", "analyst"),
    "modifications:sec_document_edit": ("analyst", "analyst"),
    "modifications:sec_document_retire": ("analyst", "analyst"),
    "modifications:sec_document_reinstate": ("analyst", "analyst"),
    "releases:release_list": ("reader", None),
    "releases:release_create": ("analyst", "analyst"),
    "releases:release_detail": ("reader", None),
    "releases:release_edit": ("analyst", "analyst"),
    "releases:release_activity": ("reader", None),
    "releases:scope_add": ("analyst", "analyst"),
    "releases:scope_item_edit": ("analyst", "analyst"),
    "releases:scope_remove": ("analyst", "analyst"),
    "releases:scope_move": ("analyst", "analyst"),
    "releases:release_change_request_add": ("analyst", "analyst"),
    "releases:release_change_request_remove": (None, "analyst"),
    "releases:scope_bulk_add": ("analyst", "analyst"),
    "releases:scope_new_modification": ("analyst", "analyst"),
    "releases:scope_item_delete": ("analyst", "analyst"),
    "releases:modification_options": ("analyst", None),
    "releases:search": ("reader", None),
    "releases:part_section": ("analyst", None),
    "releases:part_move": ("analyst", "analyst"),
    "releases:part_create": ("analyst", "analyst"),
    "releases:part_edit": ("analyst", "analyst"),
    "releases:part_delete": ("analyst", "analyst"),
    "releases:glossary": ("reader", None),
    "releases:glossary_create": ("analyst", "analyst"),
    "releases:glossary_edit": ("analyst", "analyst"),
    "releases:glossary_delete": ("analyst", "analyst"),
    "releases:decision_record": ("analyst", "analyst"),
    "releases:decision_history": ("analyst", "analyst"),
    "releases:decision_correct": ("analyst", "analyst"),
    "releases:rid_draft": ("analyst", None),
    "releases:rid_draft_pdf": ("analyst", None),
    "releases:rid_version_list": ("public", None),
    "releases:rid_issue": ("analyst", "analyst"),
    "releases:rid_diff": ("public", None),
    "releases:rid_version": ("public", None),
    "releases:rid_version_pdf": ("public", None),
    "releases:rid_version_json": ("public", None),
    # Verifying reads only (the upload is hashed and dropped): anyone who may read the release,
    # by GET and POST (tests/releases/rid/test_review.py posts to it as every persona).
    "releases:rid_verify": ("public", None),
    "releases:rid_review_submit": (None, "analyst"),
    "releases:rid_review": ("analyst", None),
    "releases:rid_review_approve": (None, "analyst"),
    "releases:rid_review_return": (None, "analyst"),
    "releases:rid_review_withdraw": (None, "analyst"),
    "releases:dashboard": ("reader", None),
    "releases:scope_lapse": (None, "analyst"),
    "releases:paper_list": ("reader", None),
    "releases:paper_create": ("analyst", "analyst"),
    "releases:paper_detail": ("reader", None),
    "releases:paper_edit": ("analyst", "analyst"),
    "releases:paper_pdf": ("reader", None),
    "releases:paper_issue": (None, "analyst"),
    "releases:issued_paper": ("reader", None),
    "releases:issued_paper_pdf": ("reader", None),
    "releases:calendar_all": ("token", None),
    # A PDF made by the worker: as its document (here an OPSG paper, for readers).
    "releases:render_job": ("reader", None),
    "releases:render_job_status": ("reader", None),
    "releases:render_job_pdf": ("reader", None),
    "releases:calendar_release": ("token", None),
    "releases:watch_settings": ("user", "user"),
    "releases:release_feed": ("public", None),
}

PRODUCT_NAMESPACES = {"modifications", "releases"}


def _product_url_names():
    names = set()
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace in PRODUCT_NAMESPACES:
            names |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    return names


def test_every_product_url_is_classified():
    assert _product_url_names() == set(ACCESS)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One of everything, made through the services, on a White and an Amber release (the PDFs
    issued are stand-ins). Built once for the module and rolled back at the end."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        stand_in_pdfs(patch)
        with transaction.atomic():
            yield _build_world(analyst_user(username="builder"))
            transaction.set_rollback(True)


def _build_world(analyst):
    mod = make_modification(analyst, reference="MP106", impacts_dcc=True)
    other = make_modification(analyst, reference="MP107")
    white = make_release(analyst, classification=Classification.WHITE)
    amber = make_release(
        analyst,
        name="November 2021 SEC Release",
        slug="november-2021",
        go_live_date=D(2021, 11, 4),
        classification=Classification.AMBER,
    )
    item = services.scope_add(
        actor=analyst, release=white, modification=mod, added_on=D(2020, 7, 1), reason="Baseline"
    )
    services.scope_add(
        actor=analyst, release=amber, modification=other, added_on=D(2020, 7, 1), reason="Baseline"
    )
    cr = register.change_request_create(actor=analyst, reference="CR1145", title="APLC")
    services.release_change_request_add(actor=analyst, release=white, change_request=cr)
    dcc = services.release_part_save(
        actor=analyst, release=white, model=DccImpact, area="Operational changes", summary="x"
    )
    entry = services.glossary_entry_save(
        actor=analyst, acronym="SEC", full_term="Smart Energy Code"
    )
    versions = {}
    for release in (white, amber):
        rid_services.rid_issue_version(
            unreviewed_reason="Issued in a test without review.",
            actor=analyst,
            release=release,
            kind="draft",
            date=D(2020, 7, 10),
            changes="First draft",
        )
        versions[release.slug] = rid_services.rid_issue_version(
            unreviewed_reason="Issued in a test without review.",
            actor=analyst,
            release=release,
            kind="baseline",
            date=D(2020, 7, 24),
            changes="Baselined",
            baseline_scope="system",
            panel_meeting_date=D(2020, 7, 17),
            panel_decision="Baselined by the Panel",
        )
    review = rid_services.rid_review_submit(
        actor=analyst,
        release=white,
        kind="issued",
        date=D(2020, 8, 1),
        changes="Updated following review.",
    )
    decided = make_modification(analyst, reference="MP108", status="change_board")
    decision = services.decision_record(
        actor=analyst, modification=decided, kind="cb_approve", date=D(2020, 9, 23)
    )
    retired = register.sec_document_create(
        actor=analyst, kind="appendix", code="ZZ", title="Spent document", reason="Test"
    )
    register.sec_document_retire(
        actor=analyst, document=retired, retired_on=D(2021, 1, 1), reason="Test"
    )
    paper = paper_services.paper_create(
        actor=analyst,
        reference="OPSG_33_0206_15",
        as_of=D(2020, 5, 26),
        author="David Kemp",
        releases=[white],
    )
    paper_services.paper_issue(actor=analyst, paper=paper)
    job = RenderJob.objects.create(
        kind="paper",
        key="0" * 64,
        status="ready",
        filename="OPSG_33_0206_15.pdf",
        pdf=b"%PDF-1.7 a paper",
        requested_by=analyst,
    )
    return {
        "job": job,
        "mod": mod,
        "white": white,
        "amber": amber,
        "item": item,
        "cr": cr,
        "dcc": dcc,
        "entry": entry,
        "versions": versions,
        "paper": paper,
        "review": review,
        "decision": decision,
        "in_force": SECDocument.objects.get(kind="appendix", code="AB"),
        "retired": retired,
    }


def _url(name, world, release_key="white"):
    release = world[release_key]
    slug = release.slug
    args = {
        "modifications:modification_create": [],
        "modifications:change_request_detail": [world["cr"].pk],
        "modifications:change_request_edit": [world["cr"].pk],
        "modifications:modification_detail": [world["mod"].reference],
        "modifications:modification_edit": [world["mod"].reference],
        "modifications:modification_activity": [world["mod"].reference],
        "releases:release_detail": [slug],
        "releases:release_edit": [slug],
        "releases:release_activity": [slug],
        "releases:scope_add": [slug],
        "releases:scope_item_edit": [slug, world["item"].pk],
        "releases:scope_remove": [slug, world["item"].pk],
        "releases:scope_move": [slug, world["item"].pk],
        "releases:scope_bulk_add": [slug],
        "releases:scope_new_modification": [slug],
        "releases:scope_item_delete": [slug, world["item"].pk],
        "releases:part_section": [slug, "dcc-impacts"],
        "releases:part_move": [slug, "dcc-impacts", world["dcc"].pk],
        "releases:scope_lapse": [slug, world["item"].pk],
        "releases:release_change_request_add": [slug],
        "releases:release_change_request_remove": [slug, world["cr"].pk],
        "releases:part_create": [slug, "dcc-impacts"],
        "releases:part_edit": [slug, "dcc-impacts", world["dcc"].pk],
        "releases:part_delete": [slug, "dcc-impacts", world["dcc"].pk],
        "releases:glossary_edit": [world["entry"].pk],
        "releases:glossary_delete": [world["entry"].pk],
        "releases:decision_record": [world["mod"].reference],
        "releases:decision_history": [world["mod"].reference],
        "releases:decision_correct": [
            world["decision"].modification.reference,
            world["decision"].pk,
        ],
        "modifications:sec_document_edit": [world["in_force"].pk],
        "modifications:sec_document_retire": [world["in_force"].pk],
        "modifications:sec_document_reinstate": [world["retired"].pk],
        "releases:rid_draft": [slug],
        "releases:rid_draft_pdf": [slug],
        "releases:rid_version_list": [slug],
        "releases:rid_issue": [slug],
        "releases:rid_diff": [slug],
        "releases:rid_version": [slug, "1.0"],
        "releases:rid_version_pdf": [slug, "1.0"],
        "releases:rid_version_json": [slug, "1.0"],
        "releases:rid_verify": [slug],
        "releases:rid_review_submit": [slug],
        "releases:rid_review": [slug, world["review"].pk],
        "releases:rid_review_approve": [slug, world["review"].pk],
        "releases:rid_review_return": [slug, world["review"].pk],
        "releases:rid_review_withdraw": [slug, world["review"].pk],
        "releases:paper_detail": [world["paper"].pk],
        "releases:paper_edit": [world["paper"].pk],
        "releases:paper_pdf": [world["paper"].pk],
        "releases:paper_issue": [world["paper"].pk],
        "releases:issued_paper": [world["paper"].pk, 1],
        "releases:issued_paper_pdf": [world["paper"].pk, 1],
        "releases:calendar_release": [slug],
        "releases:release_feed": [slug],
        "releases:render_job": [world["job"].pk],
        "releases:render_job_status": [world["job"].pk],
        "releases:render_job_pdf": [world["job"].pk],
    }.get(name, [])
    url = reverse(name, args=args)
    if name == "releases:rid_diff":
        url += "?from=0.1&to=1.0"
    return url


def _is_login_redirect(response):
    return response.status_code == 302 and reverse("login") in response["Location"]


GET_NAMES = sorted(n for n, (get, _post) in ACCESS.items() if get not in (None, "token"))
POST_NAMES = sorted(n for n, (_get, post) in ACCESS.items() if post)
# Forms where the user may change only their own settings: no role needed.
ANALYST_POST_NAMES = sorted(n for n in POST_NAMES if ACCESS[n][1] != "user")


@pytest.mark.parametrize("name", GET_NAMES)
def test_anonymous_get(client, world, name):
    response = client.get(_url(name, world))
    if ACCESS[name][0] == "public":
        assert response.status_code == 200
        amber = client.get(_url(name, world, "amber"))
        assert _is_login_redirect(amber), "Amber releases are never public"
    else:
        assert _is_login_redirect(response)


@pytest.mark.parametrize("name", GET_NAMES)
def test_user_without_a_role_gets_403(outsider_client, world, name):
    response = outsider_client.get(
        _url(name, world, "amber" if ACCESS[name][0] == "public" else "white")
    )
    assert response.status_code == (200 if ACCESS[name][0] == "user" else 403)


@pytest.mark.parametrize("name", GET_NAMES)
def test_panel_member_get(panel_client, world, name):
    response = panel_client.get(_url(name, world))
    if ACCESS[name][0] == "analyst":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        if response.get("Content-Type", "").startswith("text/html") and ACCESS[name][0] != "user":
            body = response.content.decode()
            assert "Record a decision" not in body
            assert (
                'name="csrfmiddlewaretoken"'
                not in body.replace('action="/logout/"', "").split("</header>", 1)[-1]
            ), "Panel members see no edit forms"


@pytest.mark.parametrize("name", GET_NAMES)
def test_analyst_get(analyst_client, world, name):
    response = analyst_client.get(_url(name, world))
    assert response.status_code == 200


@pytest.mark.parametrize("name", POST_NAMES)
def test_anonymous_post_goes_to_login(client, world, name):
    assert _is_login_redirect(client.post(_url(name, world), {}))


@pytest.mark.parametrize("name", ANALYST_POST_NAMES)
def test_forged_post_by_panel_member_is_refused(panel_client, world, name):
    response = panel_client.post(_url(name, world), {"reason": "forged"})
    assert response.status_code == 403


@pytest.mark.parametrize("name", ANALYST_POST_NAMES)
def test_forged_post_by_user_without_role_is_refused(outsider_client, world, name):
    assert outsider_client.post(_url(name, world), {"reason": "forged"}).status_code == 403


@pytest.mark.parametrize("name", POST_NAMES)
def test_empty_post_by_analyst_never_500s(analyst_client, world, name):
    response = analyst_client.post(_url(name, world), {})
    assert response.status_code in (200, 302, 400)


def test_csrf_is_enforced(analyst, world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(reverse("modifications:modification_create"), {"reference": "MP999"})
    assert response.status_code == 403


def test_public_rids_can_be_turned_off(client, world, settings):
    settings.PUBLIC_WHITE_RIDS = False
    response = client.get(_url("releases:rid_version", world))
    assert _is_login_redirect(response)
