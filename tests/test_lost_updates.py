"""No lost updates: two analysts open the same edit form; the first save goes through, the
second is refused with who changed it, when and what, keeping what the second analyst typed.
Saving again (having seen the other change) goes through. Every edit form of the app and every
Django admin change form of the same rows (as two superusers), a page and the admin editing one
row, and two POSTs at the same moment."""

import threading

import pytest
from django.contrib import admin
from django.db import connections
from django.test import Client
from django.urls import reverse

from modifications.admin import EditTokenAdmin
from tests.edit_forms import ADMIN_EDIT_FORMS, EDIT_FORMS, make_world
from tests.factories import analyst_user
from tests.htmlforms import post_form

ALL_FORMS = EDIT_FORMS + ADMIN_EDIT_FORMS


def _open(client, url):
    response = client.get(url)
    assert response.status_code == 200
    data, _kinds = post_form(response.content)
    assert data.get("edit_token", [""])[0], "the edit form carries no edit token"
    if "reason" in data:
        data["reason"] = ["Checking the register"]
    return data


def _may_use_the_admin(*users):
    for user in users:
        user.is_staff = user.is_superuser = True
        user.save()


@pytest.fixture
def two_analysts(db):
    ada = analyst_user(username="ada", first_name="Ada", last_name="Lovelace")
    ben = analyst_user(username="ben", first_name="Ben", last_name="Brown")
    return ada, ben


@pytest.mark.parametrize("edit", ALL_FORMS, ids=[e.name for e in ALL_FORMS])
def test_a_stale_edit_form_is_refused_naming_who_changed_it_and_keeping_what_was_typed(
    two_analysts, edit
):
    ada, ben = two_analysts
    if edit.admin:
        _may_use_the_admin(ada, ben)
    world = make_world(ada)
    url, field = edit.url(world), edit.field_name(world)
    ada_client, ben_client = Client(), Client()
    ada_client.force_login(ada)
    ben_client.force_login(ben)
    ada_form, ben_form = _open(ada_client, url), _open(ben_client, url)

    ada_form[field] = ["Ada's text"]
    assert ada_client.post(url, ada_form).status_code == 302
    ben_form[field] = ["Ben's text"]
    response = ben_client.post(url, ben_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ada Lovelace changed this on" in page
    assert "Ada&#x27;s text" in page  # her change is shown
    assert "Ben&#x27;s text" in page  # what Ben typed is kept
    assert edit.stored(world) == "Ada's text"  # nothing lost

    # Having seen Ada's change, Ben saves again: the refreshed token lets it through.
    again, _kinds = post_form(response.content)
    assert again[field] == ["Ben's text"]
    assert ben_client.post(url, again).status_code == 302
    assert edit.stored(world) == "Ben's text"


@pytest.mark.parametrize("edit", ALL_FORMS, ids=[e.name for e in ALL_FORMS])
def test_an_edit_form_saves_when_nobody_else_changed_the_row(two_analysts, edit):
    ada, _ben = two_analysts
    if edit.admin:
        _may_use_the_admin(ada)
    world = make_world(ada)
    url, field = edit.url(world), edit.field_name(world)
    client = Client()
    client.force_login(ada)
    form = _open(client, url)
    form[field] = ["Only Ada edits"]
    assert client.post(url, form).status_code == 302
    assert edit.stored(world) == "Only Ada edits"


def test_a_save_in_the_admin_over_a_change_made_on_the_page_is_refused(two_analysts):
    ada, ben = two_analysts
    _may_use_the_admin(ben)
    world = make_world(ada)
    page = reverse("releases:release_edit", args=[world["release"].slug])
    admin_url = reverse("admin:releases_release_change", args=[world["release"].pk])
    ada_client, ben_client = Client(), Client()
    ada_client.force_login(ada)
    ben_client.force_login(ben)
    ada_form, ben_form = _open(ada_client, page), _open(ben_client, admin_url)

    ada_form["user_testing_text"] = ["Ada's text"]
    assert ada_client.post(page, ada_form).status_code == 302
    ben_form["user_testing_text"] = ["Ben's text"]
    response = ben_client.post(admin_url, ben_form)

    assert response.status_code == 200
    assert "Ada Lovelace changed this on" in response.content.decode()
    world["release"].refresh_from_db()
    assert world["release"].user_testing_text == "Ada's text"


def test_every_admin_change_form_of_our_apps_carries_the_edit_token_and_is_tested(rf, db):
    superuser = analyst_user(username="root", is_staff=True, is_superuser=True)
    request = rf.get("/")
    request.user = superuser
    changeable = {
        model
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("releases", "modifications")
        and model_admin.has_change_permission(request)
    }
    assert changeable, "no admin change form found"
    for model in changeable:
        assert isinstance(admin.site._registry[model], EditTokenAdmin), model
    assert changeable == {e.model for e in ADMIN_EDIT_FORMS}


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_one_form_keep_one_and_refuse_the_other():
    ada = analyst_user(username="ada", first_name="Ada", last_name="Lovelace")
    ben = analyst_user(username="ben", first_name="Ben", last_name="Brown")
    world = make_world(ada)
    edit = EDIT_FORMS[0]  # the release
    url = edit.url(world)
    clients = {}
    forms = {}
    for user, text in [(ada, "Ada's text"), (ben, "Ben's text")]:
        clients[user.username] = Client()
        clients[user.username].force_login(user)
        forms[user.username] = _open(clients[user.username], url)
        forms[user.username][edit.field] = [text]
    start = threading.Barrier(2)
    statuses = {}

    def save(name):
        try:
            start.wait()
            statuses[name] = clients[name].post(url, forms[name]).status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(statuses.values()) == [200, 302]
    winner = next(name for name, status in statuses.items() if status == 302)
    assert edit.stored(world) == f"{winner.capitalize()}'s text"
