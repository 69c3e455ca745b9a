"""URLs of the dashboard, lapsing to a fall-back release and the calendar feeds, in the
releases: namespace."""

from django.urls import path

from ..urls import R
from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(R + "scope/<int:pk>/lapse/", views.scope_lapse, name="scope_lapse"),
    path("calendar.ics", views.calendar_all, name="calendar_all"),
    path(R + "calendar.ics", views.calendar_release, name="calendar_release"),
]
