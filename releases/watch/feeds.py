"""The Atom feed of a release: its issued RID versions and the decisions recorded on the
modifications in its scope, newest first (django.contrib.syndication). Readable by whoever may
read the release: analysts and Panel members any release, anyone a White release (only the
versions issued White)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from modifications.models import Decision
from secrelease.roles import can_read
from secrelease.text import long_date

from ..models import Classification, Release, ScopeItem
from . import services

FEED_ITEMS = 50


@dataclass(frozen=True)
class FeedItem:
    key: str
    title: str
    description: str
    link: str
    at: datetime.datetime


def release_feed_items(release, user):
    """The feed's items for `user`, newest first (3 queries)."""
    items = []
    for version in services.issued_versions(release=release):
        if not can_read(user) and version.content_classification != Classification.WHITE:
            continue
        items.append(
            FeedItem(
                key=f"rid-{version.pk}",
                title=f"RID version {version.number} issued",
                description=f"Version {version.number} of the {release.name} RID, dated "
                f"{long_date(version.date)}. Changes: {version.changes}",
                link=reverse("releases:rid_version", args=[release.slug, version.number]),
                at=version.issued_at,
            )
        )
    scope = list(ScopeItem.objects.filter(release=release))
    decisions = (
        Decision.objects.standing()
        .filter(modification_id__in={i.modification_id for i in scope} or [0])
        .select_related("modification")
    )
    for decision in decisions:
        inside = any(
            i.modification_id == decision.modification_id
            and i.added_on <= decision.date
            and (i.removed_on is None or i.removed_on >= decision.date)
            for i in scope
        )
        if not inside:
            continue
        link = (
            reverse("modifications:modification_detail", args=[decision.modification.reference])
            if can_read(user)
            else reverse("releases:rid_version_list", args=[release.slug])
        )
        items.append(
            FeedItem(
                key=f"decision-{decision.pk}",
                title=f"{decision.reference_after}: {decision.get_kind_display()} "
                f"({decision.get_body_display()}), {long_date(decision.date)}",
                description=f"{decision.reference_after} \u2018{decision.modification.title}"
                f"\u2019: {decision.get_kind_display()} on {long_date(decision.date)}."
                + (f" {decision.notes}" if decision.notes else ""),
                link=link,
                at=decision.recorded_at,
            )
        )
    items.sort(key=lambda i: i.at, reverse=True)
    return items[:FEED_ITEMS]


class ReleaseFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        release = get_object_or_404(Release, slug=kwargs["slug"])
        if not services.may_follow(request.user, release):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("You cannot read this release's feed.")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        release = Release.objects.get(slug=slug)
        release.feed_items = release_feed_items(release, request.user)
        return release

    def title(self, release):
        return f"{release.name}: issued RID versions and decisions"

    def subtitle(self, release):
        return (
            f"SEC Release Manager: RID versions issued for the {release.name} (go-live "
            f"{long_date(release.go_live_date)}) and decisions on the modifications in its scope."
        )

    def link(self, release):
        return reverse("releases:rid_version_list", args=[release.slug])

    def items(self, release):
        return release.feed_items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return f"urn:sec-release-manager:{item.key}"

    def item_pubdate(self, item):
        return item.at

    def item_updateddate(self, item):
        return item.at
