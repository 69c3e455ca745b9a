"""The front door, `/`: analysts and Panel members go to their dashboard as before; anyone
else (anonymous visitors, users without a role) sees the public page: the White releases and
their issued public RID versions (issued White, settings.PUBLIC_WHITE_RIDS), each with its PDF
and its Atom feed, and a way to log in. With PUBLIC_WHITE_RIDS off nothing is public and `/`
is the login page."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from secrelease.roles import can_read

from .models import Classification, Release, RidVersion
from .rid.document import VERSION_LIST_FIELDS
from .rid.views import public_version_filter


def public_releases():
    """White releases in go-live order, each with `public_versions` (issued White, newest
    first, without content or PDF). 2 queries."""
    versions = (
        RidVersion.objects.filter(public_version_filter())
        .only(*[f for f in VERSION_LIST_FIELDS if not f.startswith("issued_by__")])
        .order_by("-major", "-minor")
    )
    return list(
        Release.objects.filter(classification=Classification.WHITE)
        .prefetch_related(Prefetch("rid_versions", queryset=versions, to_attr="public_versions"))
        .order_by("go_live_date", "name")
    )


@require_safe
def home(request):
    if can_read(request.user):
        return redirect("releases:dashboard")
    if not settings.PUBLIC_WHITE_RIDS:
        if request.user.is_authenticated:
            return render(request, "releases/home_public.html", {"releases": [], "closed": True})
        return redirect_to_login(request.get_full_path())
    return render(request, "releases/home_public.html", {"releases": public_releases()})
