from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from releases.front import home
from secrelease.health import healthz
from secrelease.login import LoginView

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("modifications/", include("modifications.urls")),
    path("", include("releases.urls")),
]
