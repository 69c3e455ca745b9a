"""URLs of watching releases, in the releases: namespace."""

from django.urls import path

from ..urls import R
from . import views
from .feeds import ReleaseFeed

urlpatterns = [
    path("watching/", views.watch_settings, name="watch_settings"),
    path(R + "feed.atom", ReleaseFeed(), name="release_feed"),
]
