import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


class PortalLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user picked another language with the switch (its cookie).

    The browser's Accept-Language is ignored on purpose: an office PC set to English still shows
    the portal in Indonesian, as the dinas expects.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class IdleSessionMiddleware:
    """End a session nobody has used for SESSION_IDLE_SECONDS, on a shared office PC or a lost phone.

    The last-seen time is written at most once a minute, so an active user does not cost a session
    write on every request. SESSION_COOKIE_AGE stays the hard limit of one login. That write may come
    from a GET: sessions are written and read on the primary (umkm_portal.routers), never a replica.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "Sesi Anda berakhir karena lama tidak aktif. Silakan masuk lagi.")
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= self.REFRESH_SECONDS or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


def start_idle_clock(sender, request, user, **kwargs):
    """A fresh login starts the idle clock, so the first request after it costs no session write.

    Connected to user_logged_in in RegistryConfig.ready()."""
    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())


# C0 control characters and DEL, except tab, line feed and carriage return (typed text and textareas).
# PostgreSQL refuses NUL in text and JSON, and openpyxl refuses the others in a cell of an export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text):
    return bool(CONTROL_CHARACTERS.search(text))


class ControlCharacterMiddleware:
    """Answer 400, with a page saying why, to a request whose path, query string or form fields hold a
    control character (NUL and the like): no view, filter, draft or log is handed one.

    The body is read as CSRF's check reads it; a view exempt from that check keeps its multipart body
    unread here, so it may still set its own upload handlers (they must be set before the body is read).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        fields = [request.path, *self._items(request.GET)]
        exempt = getattr(view, "csrf_exempt", False) and request.content_type == "multipart/form-data"
        if request.method == "POST" and not exempt:
            fields += self._items(request.POST)
        if any(has_control_characters(text) for text in fields):
            message = _(
                "Permintaan ini memuat karakter kendali (misalnya NUL) yang tidak dapat diproses. Biasanya "
                "karakter itu ikut tersalin dari berkas lain: hapus dari isian, lalu kirim ulang."
            )
            return render(request, "bad_input.html", {"message": message}, status=400)
        return None

    @staticmethod
    def _items(query):
        for key, values in query.lists():
            yield key
            yield from values
