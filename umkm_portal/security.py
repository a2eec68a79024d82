"""Login protection: lockout per username and address (django-axes), the address a request came from, and
the permissions backend."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


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


class PermissionBackend(ModelBackend):
    """Django's ModelBackend, with a user's own and their groups' permissions read in one query instead of
    two. Every signed-in page tests permissions (the navigation, the view's own), so this is one statement
    less per request for everyone but a superuser. The same answer as ModelBackend's: tests/test_security.py
    compares the two for every role."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                permissions = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = permissions.values_list("content_type__app_label", "codename").order_by().distinct()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
