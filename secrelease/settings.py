"""Settings for SEC Release Manager: one module, driven by environment variables.

DATABASE_URL  PostgreSQL in production and CI (postgres://user@host:5432/name);
              unset means the embedded SQLite file that `make run` uses.
SECRET_KEY    required when DEBUG is off.
DEBUG         "1"/"true" for development; off by default.
ALLOWED_HOSTS comma-separated host names.
PUBLIC_WHITE_RIDS  "0" hides issued versions of White releases from anonymous visitors.
SITE_URL      the product's address, for links in PDFs (default http://localhost:8000).
STATIC_ROOT   where `collectstatic` writes the files WhiteNoise serves (default staticfiles/).
The README's Configuration table lists the rest.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or os.environ.get("DJANGO_DEV_SECRET", "") == "1":
        SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: `runserver` leaves /static/ to WhiteNoise too, as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "modifications",
    "releases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ from STATIC_ROOT under gunicorn: no web server needed for it.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "secrelease.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "secrelease.roles.roles",
                "secrelease.context_processors.nav_section",
            ],
            "builtins": ["secrelease.templatetags.formats"],
        },
    },
]

WSGI_APPLICATION = "secrelease.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# `collectstatic` writes each file under a content-hashed name (app.3f2a9c1b.css) with gzip and
# Brotli copies; WhiteNoise serves those with a far-future cache header. Pages then refuse to
# render until collectstatic has run, so under pytest (which sets PYTEST_VERSION; it collects
# nothing) names stay plain and WhiteNoise finds files per request. tests/test_serving.py switches
# both back to check what production serves.
_UNDER_PYTEST = "PYTEST_VERSION" in os.environ
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if _UNDER_PYTEST
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG or _UNDER_PYTEST

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Issued RID versions of White releases are readable without logging in unless turned off.
PUBLIC_WHITE_RIDS = env_bool("PUBLIC_WHITE_RIDS", True)

# The address people reach the product at: links in PDFs to pages of the product (a
# modification without a public web page, an attached RID version) are made absolute with it.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

# Security: secure by default, relaxed only for DEBUG development.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and container probes ask over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything goes to stderr (gunicorn's error log, the container's log) through the root
# handler, in every mode: Django's own default sends its records to the console only with DEBUG
# and mails ADMINS otherwise. Request errors (django.request: each 500 with its traceback) and
# security warnings (django.security: bad Host headers, CSRF failures) are logged when DEBUG is
# off too; 404s and other 4xx are left to the access log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # Configured without handlers: this removes Django's defaults, records reach the root.
        "django": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
