"""Which main navigation section the current page belongs to, and the addresses the navigation
bar links to (templates only display them)."""

import functools

from django.urls import get_script_prefix, reverse

SECTIONS = {
    "dashboard": "dashboard",
    "paper": "papers",
    "glossary": "glossary",
    "change_request": "change_requests",
    "decision_": "modifications",
    "calendar": "dashboard",
    "watch_": "watching",
}


# The navigation bar's links (base.html, _nav_items.html): name in templates -> URL name.
NAV_URLS = {
    "home": "home",
    "releases": "releases:release_list",
    "modifications": "modifications:modification_list",
    "change_requests": "modifications:change_request_list",
    "papers": "releases:paper_list",
    "glossary": "releases:glossary",
    "search": "releases:search",
    "watching": "releases:watch_settings",
    "login": "login",
    "logout": "logout",
}


@functools.cache
def _nav_urls(script_prefix):
    """NAV_URLS reversed once per process (and script prefix): ten {% url %} tags were a tenth
    of the CPU of a cached page (make bench)."""
    return {name: reverse(url_name) for name, url_name in NAV_URLS.items()}


def nav_section(request):
    """{"nav_section": the section of the page ("" for none), "nav_urls": {name: URL}}."""
    return {"nav_section": _section(request), "nav_urls": _nav_urls(get_script_prefix())}


def _section(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    name = match.url_name or ""
    for fragment, section in SECTIONS.items():
        if fragment in name:
            return section
    if match.namespace in ("modifications", "releases"):
        return match.namespace
    return ""
