"""URLs for `make bench` only (secrelease.bench_settings): the site's URLs plus a trivial view,
the reference every page is measured against (same server, same middleware, no work)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def trivial(request):
    """The least a Django view can do: the whole middleware stack, then two bytes."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("secrelease.urls")),
]
