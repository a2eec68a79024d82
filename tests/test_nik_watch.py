"""The watch itself: it must catch a full NIK in a page or a log line, and let the allowed cases pass."""

import logging

from django.http import HttpResponse

from tests import nik_watch

NIK = "3515125501900001"


def _respond(rf, path, body, method="get", data=None):
    request = getattr(rf, method)(path, data or {})
    middleware = nik_watch.NikWatchMiddleware(lambda request: HttpResponse(body, content_type="text/html"))
    return middleware(request)


def test_a_page_with_a_full_nik_is_caught_and_a_masked_one_is_not(rf):
    _respond(rf, "/usaha/1/", f"<p>{NIK}</p>")
    _respond(rf, "/usaha/2/", "<p>3515********0001</p>")

    caught, nik_watch.leaks[:] = list(nik_watch.leaks), []
    assert caught == ["GET /usaha/1/: 3515…"]


def test_the_reveal_admin_and_the_users_own_typing_are_allowed(rf):
    _respond(rf, "/usaha/1/pemilik/nik/", NIK, method="post", data={"reason": "cek"})
    _respond(rf, "/admin/registry/owner/1/change/", NIK)
    _respond(rf, "/usaha/1/pemilik/", NIK, method="post", data={"nik": "3515 1255 0190 0001"})
    # A page echoing the query string it was asked with (a language switch's `next`), percent-encoded.
    _respond(
        rf,
        "/usaha/1/riwayat/",
        '<input name="next" value="/usaha/1/riwayat/?x=%2012345678901234">',
        data={"x": " 12345678901234"},
    )

    assert nik_watch.leaks == []


def test_a_log_line_with_a_full_nik_is_caught():
    logging.getLogger("registry").warning("owner %s saved", NIK)

    caught, nik_watch.leaks[:] = list(nik_watch.leaks), []
    assert caught == ["log registry: owner <NIK> saved"]
