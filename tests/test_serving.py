"""Serving the app as production does: /healthz, the error pages, request errors in the log,
and static files under hashed names from WhiteNoise with DEBUG off (tests run with DEBUG off)."""

import gzip
import io
import logging
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.urls import include, path, reverse

from secrelease import health

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "secrelease.storage.ManifestStaticFilesStorage"},
}


def _boom(request):
    raise RuntimeError("the RID builder fell over")


# For the server error test (pytest.mark.urls): the site's URLs plus a view that fails.
urlpatterns = [path("boom/", _boom), path("", include("secrelease.urls"))]


# /healthz


def test_healthz_answers_ok_to_an_anonymous_visitor(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_and_logs_why_when_the_database_does_not_answer(
    client, monkeypatch, caplog
):
    class DatabaseDown:
        def cursor(self):
            raise OperationalError("connection to server at 127.0.0.1 port 5432 failed")

    monkeypatch.setattr(health, "connection", DatabaseDown())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable"
    [record] = [r for r in caplog.records if r.name == "secrelease.health"]
    assert record.levelno == logging.ERROR
    assert "port 5432 failed" in str(record.exc_info[1])


def test_healthz_is_served_over_plain_http_while_pages_redirect_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True  # production's value (conftest turns it off)

    assert client.get("/healthz").status_code == 200
    login = client.get(reverse("login"))
    assert login.status_code == 301
    assert login["Location"].startswith("https://")


# Error pages


def test_a_missing_page_uses_the_site_layout_and_offers_a_way_back(client, db):
    response = client.get("/releases/no-such-release/nothing-here/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    body = response.content.decode()
    assert '<h1 class="h3">Page not found</h1>' in body
    assert "/releases/no-such-release/nothing-here/" in body
    assert '<a href="/">Go back to the dashboard</a>' in body
    assert "navbar" in body  # the site's header


def test_a_panel_member_on_an_analyst_page_is_told_why_and_offered_a_way_back(panel_client):
    response = panel_client.get(reverse("releases:glossary_create"))

    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    body = response.content.decode()
    assert "Only SECAS analysts can make changes." in body
    assert '<a href="/">Go back to the dashboard</a>' in body
    assert "Panel member" in body  # the header shows who is logged in


@pytest.mark.urls(__name__)
def test_a_server_error_gets_a_standalone_page_and_its_traceback_goes_to_stderr(client, db):
    [stderr] = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    captured = io.StringIO()
    previous = stderr.setStream(captured)
    client.raise_request_exception = False
    try:
        response = client.get("/boom/")
    finally:
        stderr.setStream(previous)

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert '<a href="/">Go back to the dashboard</a>' in body
    # No manifest lookup that could fail: one stylesheet linked by its plain name (no inline
    # style: the Content-Security-Policy allows none), and the page reads without it.
    assert "/static/" not in body.replace('href="/static/css/error.css"', "")
    log = captured.getvalue()
    assert "ERROR django.request: Internal Server Error: /boom/" in log
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: the RID builder fell over" in log


# Static files as production serves them: collectstatic, then WhiteNoise with DEBUG off


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STORAGES=PRODUCTION_STATIC, STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return static_root


@pytest.fixture
def production_static(settings, collected_static):
    settings.STORAGES = PRODUCTION_STATIC
    settings.STATIC_ROOT = collected_static
    settings.WHITENOISE_AUTOREFRESH = False  # files indexed once, at start-up
    settings.WHITENOISE_USE_FINDERS = False  # only what collectstatic wrote
    return collected_static


def test_pages_link_static_files_by_hashed_name_and_whitenoise_serves_them_compressed(
    client, db, production_static
):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    [css_url] = re.findall(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.content.decode())

    response = client.get(css_url, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    served = gzip.decompress(b"".join(response.streaming_content))
    assert served == (ROOT / "static" / "css" / "app.css").read_bytes()


def test_the_print_stylesheet_links_its_fonts_by_hashed_name(client, db, production_static):
    [print_css] = production_static.glob("css/print.*.css")

    response = client.get(f"/static/css/{print_css.name}")

    assert response.status_code == 200
    css = b"".join(response.streaming_content).decode()
    assert re.search(r'url\("\.\./fonts/LiberationSans-Regular\.[0-9a-f]{12}\.ttf"\)', css)
    # WeasyPrint reads the fonts from disk: no compressed copies (WHITENOISE_SKIP_COMPRESS_...).
    assert list(production_static.glob("fonts/*.ttf"))
    assert not list(production_static.glob("fonts/*.ttf.*"))
