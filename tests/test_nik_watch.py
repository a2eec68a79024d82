"""The watch itself: it must catch a full NIK in a page or a log line, and let the allowed cases pass."""

import datetime
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


def test_sixteen_digits_inside_a_stored_files_random_name_are_not_a_nik(rf):
    """A uuid's hex name held sixteen digits in a row on a history page once (CI, 2,080 tests): that is a token,
    not a NIK; the same digits standing alone, or after a colon or an equals sign, are caught."""
    _respond(rf, "/usaha/1/", '<img src="/media/documents/ef9c3031961744412345678901234567e.jpg">')
    _respond(rf, "/usaha/1/", '<img src="/media/products/1/2094123456789012abcdef0123456789.jpg">')
    assert nik_watch.leaks == []

    _respond(rf, "/usaha/2/", f"NIK:{NIK}")
    _respond(rf, "/usaha/3/", f'<a href="?nik={NIK}&x=1">')
    caught, nik_watch.leaks[:] = list(nik_watch.leaks), []
    assert caught == ["GET /usaha/2/: 3515…", "GET /usaha/3/: 3515…"]


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


def _public(rf, body, path=None):
    """The answer of the catalogue's product page (a public view) with `body`."""
    from django.urls import reverse

    return _respond(rf, path or reverse("programs:catalogue_product", args=[1]), body)


def test_a_public_page_with_an_owners_phone_birth_date_or_home_address_is_caught(rf):
    nik_watch.owners[7] = ("+6281298765432", datetime.date(1984, 3, 9), "Jl. Melati Gg. 3 No. 12")
    try:
        for shown in ("0812-9876-5432", "+62 812 9876 5432", "6281298765432"):
            _public(rf, f"<p>Hubungi {shown}</p>")
        for shown in ("1984-03-09", "09-03-1984", "9 Maret 1984", "March 9, 1984"):
            _public(rf, f"<p>Lahir {shown}</p>")
        _public(rf, "<p>jl. melati gg. 3 no. 12</p>")

        caught, nik_watch.leaks[:] = list(nik_watch.leaks), []
    finally:
        nik_watch.owners.clear()
    assert [leak.split(": ", 1)[1] for leak in caught] == ["owner 7: phone"] * 3 + ["owner 7: birth date"] * 4 + [
        "owner 7: home address"
    ]


def test_other_numbers_staff_pages_and_a_business_address_are_not_personal_data(rf):
    nik_watch.owners[7] = ("+6281298765432", datetime.date(1984, 3, 9), "Jl. Melati Gg. 3 No. 12")
    nik_watch.business_addresses.add((8, "Jl. Raya Krian 5"))
    nik_watch.owners[8] = ("", datetime.date(1990, 1, 2), "Jl. Raya Krian 5")
    nik_watch.owners[9] = ("+6281234567890", None, "")
    nik_watch.owners[10] = ("+6285600001111", None, "")
    nik_watch.consent_contacts.add("85600001111")
    try:
        _public(rf, "<p>Kapasitas 81298765432100 pak; harga 1.984.039; 2026-03-09</p>")
        _public(rf, "<p>Nomor tidak dikenali. Contoh: 0812-3456-7890 atau +62 812 3456 7890.</p>")  # an example
        _public(rf, '<a href="https://wa.me/6285600001111">WhatsApp usaha</a>')  # the contact a consent gives
        _public(rf, "<p>Alamat usaha: Jl. Raya Krian 5</p>")  # the business's own address (consent allows)
        _respond(rf, "/usaha/1/", "<p>0812-9876-5432, 1984-03-09</p>")  # staff's page: the owner's data is theirs
    finally:
        nik_watch.owners.clear()
        nik_watch.business_addresses.clear()
        nik_watch.consent_contacts.clear()
    assert nik_watch.leaks == []
