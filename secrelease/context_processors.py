"""Which main navigation section the current page belongs to (templates only display it)."""

SECTIONS = {
    "dashboard": "dashboard",
    "paper": "papers",
    "glossary": "glossary",
    "change_request": "change_requests",
    "decision_": "modifications",
    "calendar": "dashboard",
    "watch_": "watching",
}


def nav_section(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": ""}
    name = match.url_name or ""
    for fragment, section in SECTIONS.items():
        if fragment in name:
            return {"nav_section": section}
    if match.namespace == "modifications":
        return {"nav_section": "modifications"}
    if match.namespace == "releases":
        return {"nav_section": "releases"}
    return {"nav_section": ""}
