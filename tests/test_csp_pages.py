"""The Content-Security-Policy allows no inline script or style: no template of the app and no
page it serves may carry one (every template file; every URL of tests/test_access.py, as an
analyst; the login and error pages, the 500 page as a real response)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_access import GET_NAMES, _url, world  # noqa: F401  (that module's fixture)

STYLE_BLOCK = re.compile(r"<style\b", re.I)
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script element without src
    STYLE_BLOCK,
    re.compile(r"\sstyle\s*=", re.I),  # a style="" attribute
    re.compile(r"\son[a-z]+\s*=", re.I),  # an event handler attribute (onclick=...)
    re.compile(r"""\b(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
]

# Templates laid out only by WeasyPrint (the PDFs) or written to a file (export_rid's
# stand-alone HTML), never served to a browser: their print CSS (running headers built from the
# document's title and classification) may stay in a <style> block. Nothing else is allowed in
# them either.
PRINT_ONLY = {
    "releases/rid/print.html": "RID PDFs (releases.rid.render) and export_rid --format html",
    "releases/paper/print.html": "OPSG paper PDFs (releases.paper.render)",
}


def _inline_code(html, patterns=INLINE):
    return [m.group(0) for pattern in patterns for m in pattern.finditer(html)]


def _template_files():
    """{name as Django finds it: path} of every .html template of the project (templates/ and
    the apps' own template folders)."""
    roots = [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]
    base = Path(settings.BASE_DIR)
    roots += [p for p in base.glob("*/templates") if p.is_dir() and ".venv" not in p.parts]
    return {
        path.relative_to(root).as_posix(): path
        for root in roots
        for path in sorted(root.rglob("*.html"))
    }


def test_no_template_has_inline_script_style_or_event_handler():
    templates = _template_files()
    assert {"base.html", "403.html", "404.html", "500.html"} <= set(templates)
    found = {}
    for name, path in templates.items():
        allowed = [STYLE_BLOCK] if name in PRINT_ONLY else []
        inline = _inline_code(path.read_text(), [p for p in INLINE if p not in allowed])
        if inline:
            found[name] = inline
    assert found == {}, "move these to static/css or static/js (the CSP refuses them)"


def test_the_print_only_templates_exist_and_are_not_screen_pages():
    templates = _template_files()
    for name in PRINT_ONLY:
        assert name in templates, f"{name} is gone: take it off PRINT_ONLY"
        # A screen page extends base.html; these are whole documents for WeasyPrint.
        assert '{% extends "base.html" %}' not in templates[name].read_text()


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


@pytest.mark.urls("tests.test_serving")  # the site's URLs plus /boom/, a view that fails
def test_the_500_page_carries_the_csp_header_and_no_inline_style(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/")

    assert response.status_code == 500
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert _inline_code(response.content.decode()) == []
    assert 'href="/static/css/error.css"' in response.content.decode()


def test_the_403_and_404_pages_carry_the_csp_header(panel_client):
    from django.urls import reverse

    for url, status in [
        (reverse("releases:glossary_create"), 403),
        ("/releases/no-such-release/nothing-here/", 404),
    ]:
        response = panel_client.get(url)
        assert response.status_code == status
        assert "style-src 'self'" in response["Content-Security-Policy"]
        assert _inline_code(response.content.decode()) == []
