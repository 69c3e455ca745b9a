"""The two roles of the product and the decorators that guard views.

SECAS analysts edit; Panel members read. Both are Django groups so that an administrator can
grant them in the admin. Superusers count as analysts.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

ANALYST_GROUP = "SECAS analyst"
PANEL_GROUP = "Panel member"


def _group_names(user):
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_secrelease_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._secrelease_groups = cached
    return cached


def is_analyst(user):
    return user.is_authenticated and (user.is_superuser or ANALYST_GROUP in _group_names(user))


def is_panel_member(user):
    return user.is_authenticated and PANEL_GROUP in _group_names(user)


def can_read(user):
    """Analysts and Panel members read the register, releases and issued RIDs."""
    return is_analyst(user) or is_panel_member(user)


def analyst_required(view):
    """Logged-in analysts only: anonymous users go to the login page, others get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_analyst(request.user):
            raise PermissionDenied("Only SECAS analysts can make changes.")
        return view(request, *args, **kwargs)

    return wrapper


def reader_required(view):
    """Logged-in analysts and Panel members: anonymous to login, other users 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_read(request.user):
            raise PermissionDenied("Your account has no role in SEC Release Manager.")
        return view(request, *args, **kwargs)

    return wrapper


def roles(request):
    """Template context: what the current user may do (templates never decide this themselves)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"is_analyst": False, "is_panel_member": False}
    return {"is_analyst": is_analyst(user), "is_panel_member": is_panel_member(user)}
