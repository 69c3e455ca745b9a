"""Watching releases: the watch page (every logged-in user: the releases they may read). The
Atom feed of a release is in feeds.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..models import Notification, NotificationSettings, Watch
from . import services
from .forms import WatchForm


@login_required
@require_http_methods(["GET", "POST"])
def watch_settings(request):
    user = request.user
    releases = services.followable_releases(user)
    watches = list(Watch.objects.filter(user=user))
    prefs = NotificationSettings.objects.filter(user=user).first()
    initial = {
        "all_releases": any(w.release_id is None for w in watches),
        "releases": [w.release_id for w in watches if w.release_id],
        "daily_digest": bool(prefs and prefs.daily_digest),
    }
    form = WatchForm(request.POST or None, releases=releases, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.watch_set(
            actor=user,
            releases=data["releases"],
            all_releases=data["all_releases"],
            daily_digest=data["daily_digest"],
        )
        messages.success(request, "Your notifications are saved.")
        return redirect("releases:watch_settings")
    refused = list(
        Notification.objects.filter(user=user, refused_at__isnull=False)
        .select_related("release")
        .order_by("-refused_at")[:5]
    )
    return render(
        request,
        "releases/watch/settings.html",
        {"form": form, "refused": refused, "has_email": bool(user.email)},
    )
