"""Template filters loaded in every template (settings TEMPLATES builtins): the same wording as
secrelease.text, so a page and a document never write a date two ways."""

from django import template

from secrelease import text

register = template.Library()


@register.filter
def long_date(value):
    """{{ release.go_live_date|long_date }} -> "24 June 2021" (see secrelease.text.long_date)."""
    return text.long_date(value)


@register.filter
def person_name(user):
    """{{ review.submitted_by|person_name }} -> "Ada Analyst", else the username; "" with no user
    (see secrelease.text.person_name: one way to name a user on a page and in a message)."""
    return text.person_name(user, nobody="")
