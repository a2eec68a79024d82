"""Login protection: lockout per username and address (django-axes), and the address a request came from."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


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
