"""The Content-Security-Policy allows no inline script or style: no page of the app may carry
one (every URL of tests/test_access.py, as an analyst, plus the login and error pages)."""

import re

import pytest

from tests.test_access import GET_NAMES, _url, world  # noqa: F401  (that module's fixture)

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
]


def _inline_code(html):
    return [m.group(0) for pattern in INLINE for m in pattern.finditer(html)]


@pytest.mark.parametrize("name", GET_NAMES)
def test_no_page_has_inline_script_or_style(analyst_client, world, name):  # noqa: F811
    response = analyst_client.get(_url(name, world))
    if response.get("Content-Type", "").startswith("text/html"):
        assert _inline_code(response.content.decode()) == []


def test_the_login_and_error_pages_have_no_inline_script_or_style(client):
    from django.template.loader import render_to_string

    assert _inline_code(client.get("/login/").content.decode()) == []
    for template in ("403.html", "404.html", "500.html", "registration/locked_out.html"):
        assert _inline_code(render_to_string(template)) == [], template


def test_the_stand_alone_500_page_links_a_stylesheet_that_exists(client):
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string

    assert 'href="/static/css/error.css"' in render_to_string("500.html")
    assert finders.find("css/error.css")
