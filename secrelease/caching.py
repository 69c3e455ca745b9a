"""Caches of rendered pages and documents, never stale because each key names what its value was
built from (settings.CACHES: a database table every gunicorn worker shares).

- `cached_page(request, template, key, context)`: a page built from the data, rendered once per
  register revision, role and day (the blocks of its template, put back into base.html for each
  request, so the navigation, the user's name and messages stay the user's own).

- `immutable(key, compute)`: a value that never changes once made, e.g. the HTML of an issued RID
  version (its key holds the version's id and PDF hash). Kept in this process's memory too
  (the MEMO_SIZE most recently used values of both kinds), so a hit costs no query at all.
- `revised(key, compute)`: a value built from the data, e.g. a release page; its key holds
  modifications.selectors.register_revision(), which changes with every recorded change, so
  it is kept the same way (entries of old revisions are never read again and expire).

Every key also holds code_fingerprint(), so a deploy that changes the templates or the code makes
new keys.
"""

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from secrelease.roles import is_analyst, is_panel_member

MEMO_SIZE = 128

_memo = OrderedDict()
_memo_lock = threading.Lock()
_MISSING = object()


# What shapes every cached value: the templates and the code of the apps.
CODE_DIRS = ("templates", "secrelease", "modifications", "releases")
_code_fingerprint = None


def code_fingerprint():
    """12 hex digits of the SHA-256 of every template and Python file of the project (read
    once per process, a few milliseconds)."""
    global _code_fingerprint
    if _code_fingerprint is None:
        digest = hashlib.sha256()
        for directory in CODE_DIRS:
            root = Path(settings.BASE_DIR, directory)
            for path in sorted([*root.rglob("*.py"), *root.rglob("*.html")]):
                if "migrations" in path.parts:
                    continue
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
        _code_fingerprint = digest.hexdigest()[:12]
    return _code_fingerprint


def _key(parts):
    """'<kind>:<SHA-256 of every part and the code fingerprint>': short enough for any cache
    (the database cache's keys are at most 255 characters; a part may be a long URL)."""
    text = "\x1f".join(str(p) for p in (*parts, code_fingerprint()))
    return f"{parts[0]}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def _memo_on():
    """No memory of this process when the cache is off (settings under pytest: DummyCache)."""
    return "DummyCache" not in settings.CACHES["default"]["BACKEND"]


def _cached(key, compute, timeout):
    key = _key(key)
    memo = _memo_on()
    if memo:
        with _memo_lock:
            value = _memo.get(key, _MISSING)
            if value is not _MISSING:
                _memo.move_to_end(key)
                return value
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=timeout)
    if memo:
        with _memo_lock:
            _memo[key] = value
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    return value


def immutable(key, compute):
    """The value for `key` (a tuple naming everything the value depends on, which never
    changes): from this process's memory, else the shared cache, else compute(), kept in both
    with no expiry."""
    return _cached(key, compute, None)


def revised(key, compute):
    """The value for `key` (a tuple that includes register_revision()): from this process's
    memory, else the shared cache, else compute(), kept in both (in the shared cache for
    settings.CACHES' TIMEOUT; entries of older revisions are never read again)."""
    return _cached(key, compute, DEFAULT_TIMEOUT)


def forget_memo():
    """Empty this process's memory (tests)."""
    with _memo_lock:
        _memo.clear()


BLOCKS = ("title", "breadcrumbs", "content", "scripts")
BLOCK_END = "\x00end-of-block\x00"


def role_of(user):
    """What a cached page may depend on about its reader."""
    if is_analyst(user):
        return "analyst"
    if is_panel_member(user):
        return "panel"
    return "user" if user.is_authenticated else "anonymous"


def render_blocks(request, template, context):
    """{block name: HTML} of a page template extending base_template|default:"base.html"."""
    html = render_to_string(
        template,
        {**context, "base_template": "_page_blocks.html", "block_end": BLOCK_END},
        request=request,
    )
    if "csrfmiddlewaretoken" in html:
        raise ImproperlyConfigured(f"{template} holds a form with a CSRF token: not cacheable.")
    parts = html.split(BLOCK_END)
    return {name: mark_safe(part.strip()) for name, part in zip(BLOCKS, parts, strict=False)}


def cached_page(request, template, key, context):
    """The page `template` rendered from context() (a function: it runs, with its queries, only
    when the page is not cached), kept per `key` (a tuple that must name what the page is built
    from: register_revision() for data), the reader's role and today's date.

    The blocks must not depend on the user beyond their role (is_analyst, is_panel_member) nor
    hold a form with a CSRF token (refused: ImproperlyConfigured)."""
    full_key = ("page", template, *key, role_of(request.user), timezone.localdate().isoformat())
    blocks = revised(full_key, lambda: render_blocks(request, template, context()))
    return render(request, "_cached_page.html", {"blocks": blocks})


def form_html(form, *, revision, scope=()):
    """The crispy rendering of a form (its helper's layout; the page writes <form> and the CSRF
    token). An unbound form is rendered once per form class, initial values, instance, register
    `revision` (its choices and the instance's values come from the data) and day: crispy's
    per-field templates made a form of 25 fields and 44 documents cost 20 ms each time. A bound
    form (what the user typed, with errors) is rendered each time. `scope`: whatever else the
    form's fields are built from (e.g. the release a scope form is for), as a tuple of str/int."""
    from crispy_forms.utils import render_crispy_form

    def render_form():
        html = render_crispy_form(form)
        if "csrfmiddlewaretoken" in html:
            raise ImproperlyConfigured(
                f"{type(form).__name__} renders a CSRF token: not cacheable."
            )
        return mark_safe(html)

    if form.is_bound:
        return render_form()
    instance = getattr(form, "instance", None)
    key = (
        "form",
        f"{type(form).__module__}.{type(form).__qualname__}",
        form.prefix,
        sorted((k, str(v)) for k, v in form.initial.items()),
        getattr(instance, "pk", None),
        tuple(scope),
        revision,
        timezone.localdate().isoformat(),
    )
    return revised(key, render_form)
