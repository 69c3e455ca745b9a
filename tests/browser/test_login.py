from django.contrib.auth.models import Group

from tests.factories import UserFactory


def test_anonymous_visitor_is_sent_to_login_and_can_log_in(visitor, transactional_db):
    user = UserFactory(username="analyst", password="demo")
    user.groups.add(Group.objects.get(name="SECAS analyst"))
    page = visitor.goto("/releases/")
    assert "/login/" in page.url
    visitor.login("analyst")
    assert "/login/" not in page.url
    assert page.get_by_text("SECAS analyst").first.is_visible()


def test_wrong_password_shows_a_message_next_to_the_form(visitor, transactional_db):
    UserFactory(username="analyst", password="demo")
    visitor.goto("/login/")
    visitor.login("analyst", password="wrong")
    visitor.check("login-error")
    assert visitor.page.get_by_text("Please enter a correct username and password").is_visible()
