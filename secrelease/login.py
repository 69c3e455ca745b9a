"""The login page: Django's LoginView with its form rendered once per process and day while
unbound (secrelease.caching.form_html). Crispy's per-field templates were over half the CPU of
the login page, the page every visitor meets first (make bench, issue 13)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from secrelease.caching import form_html
from secrelease.forms import form_helper


class LoginForm(AuthenticationForm):
    """Django's AuthenticationForm with the house's crispy helper (fields only: the template
    writes <form>, the CSRF token and the button)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class LoginView(auth_views.LoginView):
    """Django's login view; the context's `form_html` is the rendered form (cached while
    unbound, rendered each time with what the user typed and its errors)."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_html"] = form_html(context["form"], revision="login")
        return context
