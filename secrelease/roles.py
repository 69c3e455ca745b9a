"""The two roles of the product and the decorators that guard views.

SECAS analysts edit; Panel members read. Both are Django groups so that an administrator can
grant them in the admin. Superusers count as analysts.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError

ANALYST_GROUP = "SECAS analyst"
PANEL_GROUP = "Panel member"


ROLE_GROUPS = (ANALYST_GROUP, PANEL_GROUP)


def _group_names(user):
    """The names of the role groups the user is in (read once per request: RolesBackend reads
    them with the user; otherwise one query)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_secrelease_groups", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
        user._secrelease_groups = cached
    return cached


class RolesBackend(ModelBackend):
    """Django's ModelBackend, except that the logged-in user of each request is read together
    with the roles it has and the register revision (modifications.selectors.register_revision,
    in the keys of cached pages): one query on every page, where there were three
    (settings.AUTHENTICATION_BACKENDS).

    The query is written once in SQL (table names from the models): built by the ORM with
    EXISTS annotations it cost more to compile than the queries it replaces."""

    _sql = None

    @classmethod
    def _user_with_roles_sql(cls):
        if cls._sql is None:
            # Imported here: the roles are loaded before the apps' models.
            from modifications.selectors import revision_columns_sql

            user_model = get_user_model()
            through = user_model.groups.through
            group_table = through._meta.get_field("group").related_model._meta.db_table
            role = (
                f"EXISTS (SELECT 1 FROM {through._meta.db_table} m "
                f"INNER JOIN {group_table} g ON g.id = m.group_id "
                "WHERE m.user_id = u.id AND g.name = %s)"
            )
            flags = ", ".join(f"{role} AS _in_role_{n}" for n in range(len(ROLE_GROUPS)))
            cls._sql = (
                f"SELECT u.*, {flags}, {revision_columns_sql()} "
                f"FROM {user_model._meta.db_table} u WHERE u.id = %s"
            )
        return cls._sql

    def get_user(self, user_id):
        from modifications.selectors import revision_token

        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = user_model._default_manager.raw(self._user_with_roles_sql(), [*ROLE_GROUPS, user_id])
        user = next(iter(rows), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user._secrelease_groups = {
            name for n, name in enumerate(ROLE_GROUPS) if getattr(user, f"_in_role_{n}")
        }
        user._register_revision = revision_token(user._revision_number, user._latest_event)
        return user


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
