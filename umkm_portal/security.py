"""Login protection: lockout per username and address (django-axes), the address a request came from, and
the permissions backend."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q, Value


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind our reverse proxy the address it appended last.

    Only the last X-Forwarded-For entry is ours; earlier ones are whatever the client chose to send.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' lockout for logins that come through a request (the login page, the admin).

    Code that calls authenticate() without a request (a shell, a management command) is not a
    guessing attack from the network, so it is passed on to the model backend instead of refused.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def groups_and_permissions(user):
    """A user's group names (in the database's order) and permissions ("app_label.codename", their own and
    their groups'), read in one statement and kept on the user for the request. Every signed-in page needs
    both: the role, from the groups, scopes the area (registry.roles.role_of); the navigation and the view
    test permissions."""
    if not hasattr(user, "_groups_and_permissions"):
        names, permissions = [], set()
        groups = Group.objects.filter(user=user).values_list(Value(""), "name")
        granted = Permission.objects.filter(Q(user=user) | Q(group__user=user))
        for app_label, name in groups.union(granted.values_list("content_type__app_label", "codename"), all=True):
            if app_label:
                permissions.add(f"{app_label}.{name}")
            else:
                names.append(name)
        user._groups_and_permissions = (names, permissions)
    return user._groups_and_permissions


class PermissionBackend(ModelBackend):
    """Django's ModelBackend, with a user's own and their groups' permissions read in the same statement as
    their group names (groups_and_permissions) instead of ModelBackend's two. Every signed-in page tests
    permissions (the navigation, the view's own) and reads the role, so this is two statements less per
    request for everyone but a superuser. The same answer as ModelBackend's: tests/test_security.py compares
    the two for every role."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
            else:
                user_obj._perm_cache = groups_and_permissions(user_obj)[1]
        return user_obj._perm_cache
