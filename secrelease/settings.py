"""Settings for SEC Release Manager: one module, driven by environment variables.

DATABASE_URL  PostgreSQL in production and CI (postgres://user@host:5432/name);
              unset means the embedded SQLite file that `make run` uses.
SECRET_KEY    required when DEBUG is off.
DEBUG         "1"/"true" for development; off by default.
ALLOWED_HOSTS comma-separated host names.
PUBLIC_WHITE_RIDS  "0" hides issued versions of White releases from anonymous visitors.
SITE_URL      the product's address, for links in PDFs (default http://127.0.0.1:8000).
STATIC_ROOT   where `collectstatic` writes the files WhiteNoise serves (default staticfiles/).
The README's Configuration table lists the rest.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

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
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "simple_history",
    "modifications",
    "releases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "secrelease.http.RejectNulMiddleware",
    # Serves /static/ from STATIC_ROOT under gunicorn: no web server needed for it.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: refuses logins for a locked-out username and address (django-axes).
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked out for AXES_COOLOFF_MINUTES (429 page saying so; every
# failure is logged). A SECAS administrator unlocks at once with `manage.py axes_reset_username`.
# RolesBackend: Django's ModelBackend reading the user's roles and the register revision with
# the user (one query per page).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "secrelease.roles.RolesBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind N reverse proxies (nginx), the client's address is the N-th from the right of
# X-Forwarded-For; without TRUSTED_PROXY_COUNT only the connection's address is trusted.
if os.environ.get("TRUSTED_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["TRUSTED_PROXY_COUNT"])
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only;
# no inline <script>, <style> or style="" anywhere (templates use static/js and static/css).
# Bootstrap's form controls draw their icons from data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

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
        # A kept connection is checked before each request reuses it, so the app carries on by
        # itself after the database restarts (no 500 on the first request).
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered pages and documents (secrelease/caching.py) in a table of the database, which every
# gunicorn worker shares and `make run` has already: no other service to run. The table is
# created by `migrate` (modifications migration 0006). Entries are keyed by what they were
# built from, so none is ever stale; old ones expire or are culled.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "secrelease_cache",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if "PYTEST_VERSION" in os.environ:
    # Tests roll their data back and make the same keys again: nothing is kept between them
    # (tests/test_caching.py turns a cache on to test it).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

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
        else "secrelease.storage.ManifestStaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG or _UNDER_PYTEST
# No compressed copies of the TrueType fonts (3 MB): WeasyPrint reads them from disk
# (releases/pdf.py) and no page links them, so compressing them was three quarters of
# collectstatic's time (15.0 s against 3.9 s) for copies nobody downloads.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf"]

# Database sessions read with SQL written once (AUTHENTICATION_BACKENDS above reads the user's
# roles with the user): two queries per page for a logged-in user.
SESSION_ENGINE = "secrelease.sessions"

# PDFs are rendered by a task worker, off the request path (releases/jobs.py). TASKS_BACKEND:
#   "immediate" (default): the task runs inside the request that queues it, so `make run` needs
#               no other process; pages behave as before.
#   "database": the queue is a table in this database (django-tasks-db); run the worker with
#               `manage.py db_worker` (README, Deploying). No broker to operate.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate").strip().lower()
if TASKS_BACKEND not in {"immediate", "database"}:
    raise ImproperlyConfigured("TASKS_BACKEND is 'immediate' or 'database'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
# How many PDFs one user may have waiting for the worker at a time.
RENDER_QUEUE_LIMIT = int(os.environ.get("RENDER_QUEUE_LIMIT", "3"))
# A job still waiting after this many seconds is taken as lost (worker down) and queued again.
RENDER_JOB_STALE_SECONDS = int(os.environ.get("RENDER_JOB_STALE_SECONDS", "600"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Issued RID versions of White releases are readable without logging in unless turned off.
PUBLIC_WHITE_RIDS = env_bool("PUBLIC_WHITE_RIDS", True)

# Email (notifications of watched releases, `manage.py send_notifications`): printed to the
# console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SEC Release Manager <noreply@localhost>")
# The address people reach the product at (no trailing slash): links in PDFs to pages of the
# product (a modification without a public web page, an attached RID version), in emails and in
# feeds are made absolute with it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

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
