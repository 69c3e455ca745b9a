"""Request helpers every app uses."""

from urllib.parse import urlsplit

from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, value, default):
    """Where to go after a POST: `value` (a `next` field, already length- and NUL-checked by a
    form) when it is a path on this site that the URL configuration knows ("/releases/x/"),
    else `default`. Refuses other hosts, schemes, "//host" and relative or unknown paths, so a
    forged `next` never gives a 500 or an open redirect."""
    value = value or ""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    try:
        resolve(urlsplit(value).path)
    except Resolver404:
        return default
    return value


def redirect_next(request, value, default):
    """A 302 to safe_next(request, value, default)."""
    return HttpResponseRedirect(safe_next(request, value, default))


class RejectNulMiddleware:
    """A NUL byte in the path or the query string is never meant: answer 400 before any view
    passes it to the database (PostgreSQL refuses NUL in text, which would be a 500). Form
    fields refuse NUL in posted text themselves (Django's CharField validator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest("Bad request: the address holds a NUL byte.")
        return self.get_response(request)
