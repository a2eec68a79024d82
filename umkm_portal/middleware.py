import logging
import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from psycopg2 import errorcodes

from umkm_portal.routers import SAFE_METHODS, primary_reads

log = logging.getLogger(__name__)


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is larger than MAX_REQUEST_BYTES (MAX_IMPORT_REQUEST_BYTES on the import's
    upload page) with 413, before a byte of it is read.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, and a form's own size check runs
    only after the whole body has been received and spooled to disk. This middleware sits before
    anything that reads request.POST (CSRF, the views) and trusts Content-Length: WSGI gives Django no
    more body than that (a body without it reads as empty), and the proxy's client_max_body_size
    refuses the same size even earlier (README, "Deploying").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty, too
        limit = settings.MAX_REQUEST_BYTES
        if request.path == _import_upload_path():
            limit = settings.MAX_IMPORT_REQUEST_BYTES
        if length > limit:
            megabyte = 1024 * 1024
            context = {"size_mb": -(-length // megabyte), "limit_mb": limit // megabyte}
            # No Connection header (hop-by-hop, forbidden to a WSGI application): gunicorn's sync workers close
            # every connection after its answer, so the unread body is never taken for a next request.
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


def _import_upload_path():
    """The one page that takes a larger body: an import's sheet (MAX_IMPORT_REQUEST_BYTES)."""
    return reverse("registry:import_upload")


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
    """End a session nobody has used for SESSION_IDLE_SECONDS (a shared office PC, a lost phone), and any
    session SESSION_COOKIE_AGE after its login, however active.

    The last-seen time is written at most once a minute, so an active user does not cost a session write on
    every request. That write moves Django's own expiry of the session forward, so the absolute limit is kept
    here, from the login time stored in the session. The writes may come from a GET: sessions are written and
    read on the primary (umkm_portal.routers), never a replica.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(LAST_SEEN, now)
            # A session from before the login time was kept starts its count now.
            logged_in = session.setdefault(LOGGED_IN, now)
            if now - logged_in >= settings.SESSION_COOKIE_AGE:
                hours = f"{settings.SESSION_COOKIE_AGE / 3600:g}"
                return _end_session(
                    request, _("Sesi Anda berakhir %(hours)s jam setelah masuk. Silakan masuk lagi.") % {"hours": hours}
                )
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                return _end_session(request, _("Sesi Anda berakhir karena lama tidak aktif. Silakan masuk lagi."))
            if now - last_seen >= self.REFRESH_SECONDS or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Session keys: seconds since the epoch of the last request (refreshed once a minute) and of the login.
LAST_SEEN = "last_seen"
LOGGED_IN = "logged_in_at"


def _end_session(request, message):
    logout(request)
    messages.info(request, message)
    return redirect_to_login(request.get_full_path())


def start_idle_clock(sender, request, user, **kwargs):
    """A fresh login starts both clocks, so the first request after it costs no session write.

    Connected to user_logged_in in RegistryConfig.ready()."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = request.session[LOGGED_IN] = int(time.time())


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


# PostgreSQL ends one of two transactions that wait for each other (a deadlock), and a replica cancels a read that
# conflicts with what it is replaying (a serialization failure, "conflict with recovery"): the statement is rolled
# back, the other side goes on, and the same request sent again a moment later succeeds.
TRY_AGAIN_CODES = {errorcodes.DEADLOCK_DETECTED, errorcodes.SERIALIZATION_FAILURE}


def _ended_by_another_transaction(exception):
    return isinstance(exception, OperationalError) and getattr(exception.__cause__, "pgcode", None) in TRY_AGAIN_CODES


class ConflictMiddleware:
    """Read a page again, once and on the primary, when PostgreSQL ended one of its statements because of another
    transaction (TRY_AGAIN_CODES): most often a replica cancelling a read for what it replays. Answer any other
    such request, and a read that failed twice, with 503 and a page saying to send it again, instead of the
    server error page: a merge or an admin edit that met an all-or-nothing import. That statement's transaction
    is rolled back; one a view committed before it (the queue's bulk verification commits each business)
    stays, so the page does not say that nothing was saved. The forms whose services expect a deadlock say so in
    the form itself (registry.models.members.lost_to_a_deadlock); this is every other view.

    Only a safe request is read again: it writes nothing but its access log's row (a page read twice logs two),
    so running its view twice is what a reload would do. A streamed answer (a CSV export) is not: it has left
    already when its reads run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _ended_by_another_transaction(exception):
            return None
        code = exception.__cause__.pgcode
        safe = request.method in SAFE_METHODS
        if safe and not getattr(request, "_read_again", False):
            log.warning("read ended by the database (%s), read again: %s %s", code, request.method, request.path)
            request._read_again = True
            response = self._read_again(request)
            if response is not None:
                return response
        log.warning("request ended by the database (%s): %s %s", code, request.method, request.path)
        if safe:
            title = _("Halaman belum dapat dimuat")
            message = _(
                "Basis data sedang menyelesaikan penyimpanan lain, jadi halaman ini belum dapat dimuat. Tidak ada yang "
                "berubah. Muat ulang halaman sebentar lagi."
            )
        else:
            title = _("Bertabrakan dengan penyimpanan lain")
            message = _(
                "Permintaan ini bertabrakan dengan penyimpanan lain yang berjalan pada saat yang sama, jadi "
                "dihentikan sebelum selesai. Bagian yang bertabrakan tidak tersimpan. Periksa apa yang sudah "
                "tersimpan, lalu kirim sekali lagi; isian formulir tetap ada bila Anda menekan tombol kembali di "
                "peramban."
            )
        response = render(request, "conflict.html", {"title": title, "message": message}, status=503)
        response["Retry-After"] = "2"
        return response

    @staticmethod
    def _read_again(request):
        """The view's answer, read on the primary and rendered; None when the primary ended it too."""
        match = request.resolver_match
        try:
            with primary_reads():
                response = match.func(request, *match.args, **match.kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
        except OperationalError as error:
            if not _ended_by_another_transaction(error):
                raise
            return None
        return response
