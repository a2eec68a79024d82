"""Buyer inquiries (issue 20, item 3 and item 7 on its form): the public form and its abuse guards, the mail
with the status link, the status page, the services' guards, the worklist's views and their area door."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from programs import inquiries
from programs.models import (
    CurationCall,
    CurationSubmission,
    ExportFacilitation,
    Inquiry,
    InquiryStep,
    Listing,
    ListingConsent,
    MarketEvent,
    Placement,
)
from registry import roles
from registry.models import SubmittedForm
from tests.factories import make_business, make_product
from tests.worker import run_tasks

SITE = {"domain": "portal.test", "protocol": "https"}


def _list_publicly(product, by):
    """A product shown in the public catalogue: consent, a passed curation, a listing."""
    business = product.business
    ListingConsent.objects.get_or_create(business=business, withdrawn_at=None, defaults={"recorded_by": by})
    call = CurationCall.objects.create(
        kabupaten=business.kecamatan.kabupaten,
        organiser="Dinas",
        title="Oleh-oleh",
        channel="oleh_oleh",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        created_by=by,
    )
    submission = CurationSubmission.objects.create(
        call=call, product=product, submitted_by=by, decision="lolos", decided_at=timezone.now()
    )
    Listing.objects.create(product=product, listed_by=by, price_from=25000, price_to=30000)
    return submission


@pytest.fixture
def listed(kec_a, dinas_sidoarjo, coordinator_a):
    coordinator_a.email = "koordinator@balongbendo.go.id"
    coordinator_a.save(update_fields=["email"])
    dinas_sidoarjo.email = "dinas@sidoarjo.go.id"
    dinas_sidoarjo.save(update_fields=["email"])
    product = make_product(make_business(kec_a, name="Bandeng Bu Sri"), name="Lumpia bandeng")
    _list_publicly(product, dinas_sidoarjo)
    return product


def form_url(product):
    return reverse("programs:catalogue_inquiry", args=[product.pk])


def buyer_data(**overrides):
    return {
        "buyer_name": "Rina Hartati",
        "buyer_organisation": "Toko Oleh-oleh Sari Rasa",
        "buyer_kind": "toko",
        "buyer_email": "rina@sarirasa.co.id",
        "buyer_phone": "0812-3456-7890",
        "quantity": "200",
        "destination": "Surabaya",
        "destination_country": "ID",
        "needed_by": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "message": "Apakah bisa dikemas per 10?",
        "website": "",
    } | overrides


def _ask(client, product, **overrides):
    return client.post(form_url(product), buyer_data(**overrides), REMOTE_ADDR="10.20.0.1")


def _link(message):
    return re.search(r"https?://[^/\s]+(/permintaan/[^\s]+/)", message.body).group(1)


def _strip_tokens(html):
    """A page without its CSRF tokens (new on every response) and its own URL (the language switch's next)."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="next" value="[^"]*"', "", html)


#
# The public form
#


def test_a_buyer_asks_and_gets_the_status_link_by_mail_from_the_worker(client, listed):
    page = client.get(form_url(listed))
    assert page.status_code == 200
    assert "Lumpia bandeng" in page.content.decode()

    response = _ask(client, listed)

    assert response.status_code == 302
    assert response.url == reverse("programs:catalogue_inquiry_sent", args=[listed.pk])
    inquiry = Inquiry.objects.get()
    assert (inquiry.business, inquiry.product, inquiry.source) == (listed.business, listed, "katalog")
    assert (inquiry.buyer_phone, inquiry.status, inquiry.language) == ("+6281234567890", "baru", "id")
    assert list(inquiry.steps.values_list("status", "by")) == [("baru", None)]
    assert mail.outbox == []  # nothing is sent in the request
    assert client.get(response.url).status_code == 200

    run_tasks()

    buyer = [m for m in mail.outbox if m.to == ["rina@sarirasa.co.id"]]
    staff = [m for m in mail.outbox if m.bcc]
    assert len(buyer) == 1
    assert "Lumpia bandeng" in buyer[0].subject
    assert sorted(staff[0].bcc) == ["dinas@sidoarjo.go.id", "koordinator@balongbendo.go.id"]
    assert "rina" not in staff[0].body.lower()  # the buyer's details stay behind the login
    inquiry.refresh_from_db()
    assert inquiry.link_sent_at is not None
    token = _link(buyer[0]).split("/")[2]
    assert inquiry.token_hash == Inquiry.hash_token(token)
    assert token not in str(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))


def test_the_mail_is_in_the_buyers_language(client, listed):
    client.cookies["django_language"] = "en"
    _ask(client, listed)
    run_tasks()

    inquiry = Inquiry.objects.get()
    message = next(m for m in mail.outbox if m.to == ["rina@sarirasa.co.id"])
    assert inquiry.language == "en"
    assert "Your inquiry about Lumpia bandeng" in message.subject
    assert "Follow your inquiry" in message.body


def test_a_failed_send_keeps_the_inquiry_and_is_tried_again(client, listed, settings):
    _ask(client, listed)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    run_tasks()

    inquiry = Inquiry.objects.get()
    first_hash = inquiry.token_hash
    assert inquiry.link_sent_at is None
    waiting = DBTaskResult.objects.ready()
    assert waiting.count() == 0  # the retries wait for their time
    later = DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())
    assert later.filter(task_path__endswith="mail_inquiry_link").count() == 1

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    later.update(run_after=timezone.now())
    run_tasks()

    inquiry.refresh_from_db()
    assert inquiry.link_sent_at is not None
    assert inquiry.token_hash != first_hash
    assert [m.to for m in mail.outbox if m.to] == [["rina@sarirasa.co.id"]]


def test_a_bot_filling_the_honeypot_gets_the_same_answer_and_nothing_is_stored(client, listed):
    response = _ask(client, listed, website="http://spam.example")

    assert response.status_code == 302
    assert response.url == reverse("programs:catalogue_inquiry_sent", args=[listed.pk])
    assert not Inquiry.objects.exists()
    run_tasks()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("buyer_email", "", "Bidang ini tidak boleh kosong"),
        ("buyer_email", "bukan-email", "alamat email yang valid"),
        ("buyer_name", "N" * 121, "paling banyak 120 karakter"),
        ("buyer_organisation", "O" * 151, "paling banyak 150 karakter"),
        ("destination", "D" * 151, "paling banyak 150 karakter"),
        ("message", "M" * 2001, "paling banyak 2000 karakter"),
        ("quantity", "0", "lebih besar dari atau sama dengan 1"),
        ("quantity", "99999999999", "lebih kecil dari atau sama dengan"),
        ("buyer_phone", "12", "Nomor telepon tidak dikenali"),
        ("destination_country", "XX", "bukan salah satu dari pilihan"),
        ("needed_by", "2020-01-01", "Tanggal ini sudah lewat"),
        ("buyer_kind", "mafia", "bukan salah satu dari pilihan"),
    ],
)
def test_bad_input_is_refused_in_indonesian_with_the_typed_values_kept(client, listed, field, value, message):
    response = _ask(client, listed, **{field: value})

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Rina Hartati" in page or field == "buyer_name"  # what was typed stays
    assert not Inquiry.objects.exists()
    assert not SubmittedForm.objects.exists()


def test_a_body_over_the_limit_is_refused_and_nothing_stored(client, listed):
    response = _ask(client, listed, message="M" * 2000, buyer_organisation="O" * 150, extra="x" * 20_000)

    assert response.status_code == 413
    assert not Inquiry.objects.exists()


def test_inquiries_are_limited_per_address(client, listed, settings):
    settings.PUBLIC_INQUIRY_RATE = "2/h"
    answers = [_ask(client, listed, buyer_name=f"Pembeli {n}").status_code for n in range(3)]

    assert answers == [302, 302, 429]
    assert "Terlalu banyak permintaan" in _ask(client, listed).content.decode()
    assert Inquiry.objects.count() == 2
    other = client.post(form_url(listed), buyer_data(), REMOTE_ADDR="10.20.0.99")
    assert other.status_code == 302  # another address is not held back


def test_a_double_submit_stores_one_inquiry(client, listed):
    token = "0b5f9f6e-8d47-4c55-9a3e-3f0a5c1e2d11"
    first = client.post(form_url(listed), buyer_data(once=token))
    second = client.post(form_url(listed), buyer_data(once=token))

    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Inquiry.objects.count() == 1


def test_the_form_needs_csrf(listed):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(form_url(listed), buyer_data())

    assert response.status_code == 403
    assert not Inquiry.objects.exists()


def test_a_product_not_in_the_public_catalogue_answers_404_exactly_as_a_missing_one(client, kec_a, listed):
    unlisted = make_product(make_business(kec_a), name="Belum tampil")
    missing = client.get(form_url(type(unlisted)(pk=999_999_999)))
    withdrawn = listed
    ListingConsent.objects.filter(business=listed.business).update(withdrawn_at=timezone.now())

    for product in (unlisted, withdrawn):
        for method in (client.get, client.post):
            response = method(form_url(product), buyer_data() if method == client.post else None)
            assert response.status_code == 404
            assert _strip_tokens(response.content.decode()) == _strip_tokens(missing.content.decode())
    assert not Inquiry.objects.exists()


#
# The status page
#


def test_the_status_page_shows_the_steps_without_staff_notes_names_or_the_owners_data(client, listed, coordinator_a):
    _ask(client, listed)
    run_tasks()
    link = _link(next(m for m in mail.outbox if m.to))
    inquiry = Inquiry.objects.get()
    inquiries.move_inquiry(
        inquiry, to_status="dihubungi", by=coordinator_a, version=1, note="Catatan internal: harga nego"
    )

    response = client.get(link)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Lumpia bandeng" in page
    assert "Sudah dihubungi" in page
    assert "harga nego" not in page
    assert coordinator_a.username not in page
    assert coordinator_a.last_name not in page
    owner = listed.business.owner
    assert owner.name not in page
    assert owner.phone not in page
    assert owner.nik not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"  # the link is never sent to another site
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_token_answers_404(client, listed):
    _ask(client, listed)
    assert client.get(reverse("programs:inquiry_status", args=["salah-token"])).status_code == 404
    assert client.get(reverse("programs:inquiry_status", args=["x" * 500])).status_code == 404


#
# Services
#


def _new_inquiry(product, **fields):
    defaults = {
        "buyer_name": "Rina",
        "buyer_kind": "toko",
        "buyer_email": "rina@contoh.id",
        "quantity": 50,
        "destination": "Surabaya",
    }
    inquiry = Inquiry(**(defaults | fields))
    return inquiries.submit_inquiry(product, inquiry, language="id", **SITE)


def test_a_move_records_its_step_first_contact_once_and_moves_the_version(listed, coordinator_a):
    inquiry = _new_inquiry(listed)

    inquiry = inquiries.move_inquiry(inquiry, to_status="dihubungi", by=coordinator_a, version=1)
    contacted = inquiry.first_contact_at
    inquiry = inquiries.move_inquiry(inquiry, to_status="sampel", by=coordinator_a, version=2)

    assert (inquiry.status, inquiry.version, inquiry.first_contact_at) == ("sampel", 3, contacted)
    assert list(inquiry.steps.values_list("status", flat=True)) == ["baru", "dihubungi", "sampel"]


def test_a_stale_page_is_refused_with_who_moved_it(listed, coordinator_a, dinas_sidoarjo):
    inquiry = _new_inquiry(listed)
    inquiries.move_inquiry(inquiry, to_status="dihubungi", by=dinas_sidoarjo, version=1)

    with pytest.raises(inquiries.StaleInquiry, match="sudah diubah oleh"):
        inquiries.move_inquiry(inquiry, to_status="ditutup", by=coordinator_a, version=1, close_reason="harga")
    assert Inquiry.objects.get().status == "dihubungi"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"order_quantity": 100}, "Isi jumlah dan nilai pesanan"),
        ({"order_value": 5_000_000}, "Isi jumlah dan nilai pesanan"),
        ({"order_quantity": 100, "order_value": 0}, "Isi jumlah dan nilai pesanan"),
    ],
)
def test_an_order_needs_its_quantity_and_value(listed, coordinator_a, arguments, message):
    inquiry = _new_inquiry(listed)
    with pytest.raises(inquiries.ValidationError, match=message):
        inquiries.move_inquiry(inquiry, to_status="pesanan", by=coordinator_a, version=1, **arguments)
    assert Inquiry.objects.get().status == "baru"


def test_a_placement_comes_after_an_order(listed, coordinator_a):
    inquiry = _new_inquiry(listed)
    with pytest.raises(inquiries.ValidationError, match="tidak dapat diubah ke"):
        inquiries.move_inquiry(
            inquiry,
            to_status="penempatan",
            by=coordinator_a,
            version=1,
            new_placement={"channel": "oleh_oleh", "retailer": "Sari Rasa", "partner": "Toko"},
        )


def _ordered(product, by):
    inquiry = _new_inquiry(product)
    return inquiries.move_inquiry(
        inquiry, to_status="pesanan", by=by, version=1, order_quantity=200, order_value=5_000_000
    )


def test_an_order_becomes_a_placement_made_from_the_passed_curation(listed, coordinator_a):
    inquiry = _ordered(listed, coordinator_a)

    inquiry = inquiries.move_inquiry(
        inquiry,
        to_status="penempatan",
        by=coordinator_a,
        version=2,
        new_placement={"channel": "oleh_oleh", "retailer": "Sari Rasa", "partner": "Toko Sari Rasa Surabaya"},
    )

    placement = Placement.objects.get()
    assert inquiry.placement == placement
    assert inquiry.status == "penempatan"
    assert placement.submission.product == listed
    assert placement.starts_on == timezone.localdate()
    assert (inquiry.order_quantity, inquiry.order_value) == (200, 5_000_000)


def test_a_placement_needs_a_passed_curation(kec_a, coordinator_a, dinas_sidoarjo):
    product = make_product(make_business(kec_a))
    submission = _list_publicly(product, dinas_sidoarjo)
    inquiry = _ordered(product, coordinator_a)
    CurationSubmission.objects.filter(pk=submission.pk).update(decision="perbaikan")

    with pytest.raises(inquiries.ValidationError, match="butuh kurasi yang lolos"):
        inquiries.move_inquiry(
            inquiry,
            to_status="penempatan",
            by=coordinator_a,
            version=2,
            new_placement={"channel": "oleh_oleh", "retailer": "Sari Rasa", "partner": "Toko"},
        )
    assert not Placement.objects.exists()
    assert Inquiry.objects.get().status == "pesanan"


def test_an_existing_placement_of_another_product_is_refused(listed, kec_a, coordinator_a, dinas_sidoarjo):
    other = make_product(make_business(kec_a))
    submission = _list_publicly(other, dinas_sidoarjo)
    foreign = Placement.objects.create(
        submission=submission,
        channel="oleh_oleh",
        retailer="X",
        partner="Y",
        starts_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    inquiry = _ordered(listed, coordinator_a)

    with pytest.raises(inquiries.ValidationError, match="bukan untuk produk yang ditanyakan"):
        inquiries.move_inquiry(inquiry, to_status="penempatan", by=coordinator_a, version=2, placement=foreign)


def test_an_order_becomes_an_export(listed, dinas_sidoarjo):
    inquiry = _ordered(listed, dinas_sidoarjo)

    inquiry = inquiries.move_inquiry(
        inquiry,
        to_status="penempatan",
        by=dinas_sidoarjo,
        version=2,
        new_export={"country": "MY", "value": 80_000_000, "organiser": "Dinas Koperasi dan UMKM Sidoarjo"},
    )

    export = ExportFacilitation.objects.get()
    assert inquiry.export == export
    assert (export.country, export.value, export.buyer, export.year) == (
        "MY",
        80_000_000,
        "Rina",
        timezone.localdate().year,
    )


def test_a_closed_inquiry_does_not_move_and_closing_needs_a_reason(listed, coordinator_a):
    inquiry = _new_inquiry(listed)
    with pytest.raises(inquiries.ValidationError, match="Pilih alasan"):
        inquiries.move_inquiry(inquiry, to_status="ditutup", by=coordinator_a, version=1)

    inquiry = inquiries.move_inquiry(inquiry, to_status="ditutup", by=coordinator_a, version=1, close_reason="spam")

    assert inquiry.first_contact_at is None  # closing is no contact
    with pytest.raises(inquiries.ValidationError, match="tidak dapat diubah ke"):
        inquiries.move_inquiry(inquiry, to_status="dihubungi", by=coordinator_a, version=2)


def test_another_areas_inquiry_cannot_be_moved(listed, coordinator_b):
    inquiry = _new_inquiry(listed)
    with pytest.raises(inquiries.PermissionDenied):
        inquiries.move_inquiry(inquiry, to_status="dihubungi", by=coordinator_b, version=1)


def test_staff_record_an_event_order_of_their_area_only(listed, dinas_sidoarjo, dinas_other, kab_sidoarjo):
    event = MarketEvent.objects.create(
        name="Belanja Produk Lokal",
        kind="belanja_lokal",
        kabupaten=kab_sidoarjo,
        place="Pendopo",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    parcel = Inquiry(buyer_name="Bagian Umum", buyer_kind="instansi", quantity=100, destination="Sidoarjo")

    inquiry = inquiries.record_inquiry(listed.business, parcel, event=event, by=dinas_sidoarjo, **SITE)

    assert (inquiry.source, inquiry.event, inquiry.created_by) == ("acara", event, dinas_sidoarjo)
    with pytest.raises(inquiries.PermissionDenied):
        inquiries.record_inquiry(
            listed.business,
            Inquiry(buyer_name="X", buyer_kind="toko", quantity=1, destination="Y"),
            by=dinas_other,
            **SITE,
        )


#
# Staff's pages
#


def test_the_worklist_shows_the_areas_inquiries_open_first_and_filters(client, listed, coordinator_a, kec_b):
    closed = _new_inquiry(listed)
    inquiries.move_inquiry(closed, to_status="ditutup", by=coordinator_a, version=1, close_reason="harga")
    open_one = _new_inquiry(listed, buyer_organisation="Hotel Delta")
    elsewhere = make_product(make_business(kec_b))
    _list_publicly(elsewhere, coordinator_a)
    _new_inquiry(elsewhere, buyer_organisation="Tak terlihat")
    client.force_login(coordinator_a)

    page = client.get(reverse("programs:inquiry_list")).content.decode()
    filtered = client.get(reverse("programs:inquiry_list"), {"status": "ditutup"}).content.decode()

    assert page.index(open_one.get_absolute_url()) < page.index(closed.get_absolute_url())
    assert "Tak terlihat" not in page
    assert "Hotel Delta" not in filtered
    assert closed.get_absolute_url() in filtered


def test_the_worklist_query_count_is_pinned(client, listed, coordinator_a, django_assert_max_num_queries):
    for _ in range(5):
        _new_inquiry(listed)
    client.force_login(coordinator_a)
    client.get(reverse("programs:inquiry_list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("programs:inquiry_list")).status_code == 200


def test_the_detail_moves_an_inquiry_to_an_order_and_a_stale_page_gets_the_conflict(
    client, listed, coordinator_a, dinas_sidoarjo
):
    inquiry = _new_inquiry(listed)
    url = inquiry.get_absolute_url()
    client.force_login(coordinator_a)
    assert "rina@contoh.id" in client.get(url).content.decode()

    refused = client.post(url, {"to_status": "pesanan", "version": 1, "order_quantity": "200", "order_value": ""})
    assert refused.status_code == 400
    assert "Isi jumlah dan nilai pesanan" in refused.content.decode()
    assert 'value="200"' in refused.content.decode()

    moved = client.post(
        url, {"to_status": "pesanan", "version": 1, "order_quantity": "200", "order_value": "Rp 5.000.000"}
    )
    assert moved.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.order_value) == ("pesanan", 5_000_000)

    stale = client.post(url, {"to_status": "ditutup", "version": 1, "close_reason": "harga"})
    assert stale.status_code == 409
    assert "sudah diubah oleh" in stale.content.decode()
    assert Inquiry.objects.get().status == "pesanan"


def test_the_detail_answers_each_role(client, listed, coordinator_b, dinas_other, bank_officer, dinas_sidoarjo):
    inquiry = _new_inquiry(listed)
    url = inquiry.get_absolute_url()
    for user, status in ((coordinator_b, 404), (dinas_other, 404), (bank_officer, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.post(url, {"to_status": "dihubungi", "version": 1}).status_code == status, user
    assert Inquiry.objects.get().status == "baru"
    client.force_login(dinas_sidoarjo)
    assert client.get(url).status_code == 200
    assert client.post(url, {"to_status": "dihubungi", "version": 1}).status_code == 302
    assert Inquiry.objects.get().status == "dihubungi"


def test_staff_record_an_inquiry_from_a_business_page(client, listed, coordinator_a, coordinator_b):
    url = reverse("programs:inquiry_create") + f"?business={listed.business.pk}"
    client.force_login(coordinator_b)
    assert client.get(url).status_code == 404
    client.force_login(coordinator_a)
    assert url.replace("&", "&amp;") in client.get(listed.business.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200

    assert client.get(reverse("programs:inquiry_create")).status_code == 404  # which business?
    response = client.post(
        url,
        {
            "product": listed.pk,
            "buyer_name": "Pak Budi",
            "buyer_kind": "horeka",
            "quantity": "40",
            "destination": "Sidoarjo",
            "destination_country": "ID",
        },
    )

    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response.url == inquiry.get_absolute_url()
    assert (inquiry.source, inquiry.created_by, inquiry.buyer_email) == ("petugas", coordinator_a, "")
    run_tasks()
    assert mail.outbox == []  # no e-mail to send a link to, and staff recorded it themselves


def test_the_coordinators_worklist_counts_new_inquiries(client, listed, coordinator_a):
    _new_inquiry(listed)
    _new_inquiry(listed)
    client.force_login(coordinator_a)

    page = client.get(reverse("reports:coordinator")).content.decode()

    assert "Permintaan pembeli baru" in page
    assert reverse("programs:inquiry_list") + "?status=baru" in page


def test_roles_hold_the_inquiry_permissions():
    for role in (roles.DINAS, roles.COORDINATOR, roles.GROUP_COORDINATOR):
        assert {"programs.view_inquiry", "programs.change_inquiry"} <= set(roles.ROLE_PERMISSIONS[role])
    assert "programs.view_inquiry" not in roles.ROLE_PERMISSIONS[roles.BANK]


def test_a_bank_officer_has_no_worklist(client, bank_officer):
    client.force_login(bank_officer)
    assert client.get(reverse("programs:inquiry_list")).status_code == 403


def test_steps_are_kept_with_the_inquiry(listed, coordinator_a):
    inquiry = _new_inquiry(listed)
    inquiries.move_inquiry(inquiry, to_status="dihubungi", by=coordinator_a, version=1)
    assert InquiryStep.objects.filter(inquiry=inquiry).count() == 2


#
# Figures on the dashboard
#


def _dashboard_figures(user, **params):
    from types import SimpleNamespace

    from django.http import QueryDict

    from reports.figures import AreaDashboard, InquiryFigures

    data = QueryDict(mutable=True)
    data.update(params)
    return InquiryFigures(AreaDashboard(SimpleNamespace(user=user, GET=data), data))


def test_the_dashboard_counts_inquiries_orders_and_time_to_first_contact(
    client, listed, kec_b, dinas_sidoarjo, coordinator_a
):
    ordered = _ordered(listed, coordinator_a)
    Inquiry.objects.filter(pk=ordered.pk).update(
        created_at=ordered.first_contact_at - datetime.timedelta(hours=50)
    )  # asked two days and two hours before the call
    _new_inquiry(listed)
    elsewhere = make_product(make_business(kec_b, category="kerajinan"))
    _list_publicly(elsewhere, dinas_sidoarjo)
    _new_inquiry(elsewhere, buyer_kind="eksportir")
    client.force_login(dinas_sidoarjo)

    page = client.get(reverse("reports:dashboard")).content.decode()

    figures = {figure.label: figure.value for figure in _dashboard_figures(dinas_sidoarjo).figures()}
    assert figures == {
        "Permintaan pembeli": 3,
        "Belum dihubungi": 2,
        "Menjadi pesanan": 1,
        "Nilai pesanan": 5_000_000,
        "Ditempatkan atau diekspor": 0,
    }
    assert "Median waktu sampai pembeli pertama dihubungi: 2 hari 2 jam." in page
    assert "Permintaan pembeli per jenis pembeli (saluran)" in page
    only_b = _dashboard_figures(dinas_sidoarjo, kecamatan=kec_b.pk)
    assert [f.value for f in only_b.figures()][:3] == [1, 1, 0]
    kinds = {row.label: row.value for row in only_b.per_buyer_kind().rows}
    assert kinds == {"Eksportir atau pembeli luar negeri": 1}
    months = _dashboard_figures(dinas_sidoarjo).per_month().rows
    assert sum(row.value for row in months) == 3
    csv = client.get(reverse("reports:dashboard"), {"unduh": "csv", "grafik": "permintaan_kategori"})
    assert csv.status_code == 200
    assert "Kerajinan" in csv.content.decode()
    client.force_login(coordinator_a)  # a coordinator's dashboard: their kecamatan only
    assert [f.value for f in _dashboard_figures(coordinator_a).figures()][:2] == [2, 1]


def test_the_dashboards_inquiry_figures_take_two_queries_whatever_the_rows(
    listed, dinas_sidoarjo, django_assert_num_queries
):
    for _ in range(4):
        _new_inquiry(listed)
    _dashboard_figures(dinas_sidoarjo).figures()  # the user's area codes are read once per user object

    figures = _dashboard_figures(dinas_sidoarjo)
    with django_assert_num_queries(2):  # the totals, the four charts' groups
        figures.figures()
        figures.median_contact  # noqa: B018
        figures.charts()


def test_the_charts_groups_in_one_statement_are_the_orms_groups(listed, kec_a, kec_b, dinas_sidoarjo, coordinator_a):
    """InquiryFigures.groups (GROUPING SETS over the list's SQL) against the ORM's grouped queries it replaced,
    for inquiries in two kecamatan, three categories, three buyer kinds, two months, with and without orders."""
    ordered = _ordered(listed, coordinator_a)
    Inquiry.objects.filter(pk=ordered.pk).update(created_at=ordered.created_at - datetime.timedelta(days=40))
    _new_inquiry(listed, buyer_kind="eksportir")
    for kecamatan, category, kind in (
        (kec_b, "kerajinan", "toko"),
        (kec_b, "minuman", "eksportir"),
        (kec_a, "kerajinan", "toko"),
    ):
        product = make_product(make_business(kecamatan, category=category))
        _list_publicly(product, dinas_sidoarjo)
        _new_inquiry(product, buyer_kind=kind)
        _new_inquiry(product, buyer_kind="toko")
    year = str(timezone.localdate().year)

    for params in ({}, {"kecamatan": kec_b.pk}, {"category": "kerajinan"}, {"year": year}, {"guided": "true"}):
        figures = _dashboard_figures(dinas_sidoarjo, **params)
        plain = {"month": list(figures._per_month_plain())}
        plain |= {
            name: list(figures._grouped(*keys)) for name, (_cols, keys) in figures.GROUPS.items() if name != "month"
        }

        assert figures.groups == plain, params
    everything = _dashboard_figures(dinas_sidoarjo).groups
    assert len(everything["business__kecamatan"]) == 2
    assert len(everything["business__category"]) == 3
    assert sum(group["orders"] for group in everything["month"]) == 1


def test_the_dashboards_inquiry_figures_are_cached_and_an_inquiry_moves_them_with_the_recount(
    client, listed, dinas_sidoarjo, coordinator_a
):
    """The inquiry figures are part of the cached figures: a cached view counts no inquiry; a new inquiry or a
    moved one marks its business's cell, the page says it is being counted, and after the worker's recount
    the dashboard shows it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import TallyDirty

    def totals():
        html = client.get(reverse("reports:dashboard")).content.decode()
        section = html[html.index('id="inquiry-figures"') :]
        return [int(value) for value in re.findall(r"data-figure[^>]*>\s*([0-9.]+)\s*<", section)[:3]]

    run_tasks()
    client.force_login(dinas_sidoarjo)
    assert totals() == [0, 0, 0]
    with CaptureQueriesContext(connection) as cached_view:
        client.get(reverse("reports:dashboard"))
    cached_sql = [query["sql"] for query in cached_view.captured_queries]  # before the next request empties it
    inquiry = _new_inquiry(listed)
    marked = TallyDirty.objects.filter(kecamatan=listed.business.kecamatan_id).exists()
    counting = client.get(reverse("reports:dashboard")).content.decode()
    run_tasks()
    after_inquiry = totals()
    inquiries.move_inquiry(inquiry, to_status=Inquiry.Status.CONTACTED, by=coordinator_a, version=None)
    run_tasks()
    after_contact = totals()

    assert cached_sql
    assert not any("programs_inquiry" in sql for sql in cached_sql)
    assert marked
    assert 'data-testid="catching-up"' in counting
    assert after_inquiry == [1, 1, 0]  # inquiries, not contacted yet, orders
    assert after_contact == [1, 0, 0]


def test_without_inquiries_the_dashboard_asks_only_for_the_totals(
    listed, dinas_sidoarjo, kec_b, django_assert_num_queries
):
    _new_inquiry(listed)  # in Balongbendo: the Krian dashboard has none
    _dashboard_figures(dinas_sidoarjo).figures()

    figures = _dashboard_figures(dinas_sidoarjo, kecamatan=kec_b.pk)
    with django_assert_num_queries(1):
        values = [figure.value for figure in figures.figures()]
        charts = figures.charts()

    assert values == [0, 0, 0, 0, 0]
    assert [chart.key for chart in charts] == list(figures.CHARTS)
    assert all(chart.rows == [] for chart in charts)
    assert [row.value for row in _dashboard_figures(dinas_sidoarjo).per_month().rows] == [1]
