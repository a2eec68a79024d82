"""The printable catalogue (PDF) and the buyer-desk sheet (Excel, CSV) of a kabupaten: built by the worker from
the public listings only, stored under the catalogue's generation, and unreachable once consent is withdrawn."""

import csv
import datetime
import io
import os
import re
import signal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from pypdf import PdfReader

from programs import catalogue_cache, catalogue_entries, catalogue_files
from programs.catalogue_services import withdraw_consent
from programs.models import CatalogueFile, CurationCall, CurationSubmission, Listing, ListingConsent
from programs.tasks import build_catalogue_file
from registry.models import Product, ProductPhoto
from registry.services import add_product_photo
from tests.factories import jpeg_upload, make_business, make_document, make_product, make_region
from tests.test_worker import _wait_for, workers  # noqa: F401 (workers: a fixture, worker processes)
from tests.worker import run_tasks

PDF = reverse("programs:catalogue_pdf", args=["35.15"])
SHEET = reverse("programs:catalogue_sheet", args=["35.15"])
CSV = reverse("programs:catalogue_csv", args=["35.15"])


def pdf_text(content):
    """The PDF's words, with every line break and run of spaces as one space (an entry's lines wrap)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def keep(name, content):
    """Leave the file under test-results/ for a person to look at (pdftoppm turns a PDF into pictures)."""
    folder = os.path.join(os.path.dirname(__file__), "..", "..", "test-results", "pdf")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as out:
        out.write(content)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def call(kab_sidoarjo, dinas_sidoarjo):
    return CurationCall.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas Koperasi dan UMKM",
        title="Kurasi oleh-oleh",
        channel="e_katalog",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )


@pytest.fixture
def listed(call, dinas_sidoarjo, kec_a):
    """make(name, ...): a product listed in the public catalogue (consent, a passed curation, a listing)."""

    def make(name, *, kecamatan=kec_a, business=None, category="makanan", consent=None, decision="lolos", **fields):
        business = business or make_business(kecamatan, name=f"UD {name}", category=category)
        product = make_product(business, name=name, category=category, price=15000, unit="pak")
        if not ListingConsent.objects.active().filter(business=business).exists():
            ListingConsent.objects.create(business=business, recorded_by=dinas_sidoarjo, **(consent or {}))
        CurationSubmission.objects.create(call=call, product=product, submitted_by=dinas_sidoarjo, decision=decision)
        Listing.objects.create(product=product, listed_by=dinas_sidoarjo, **fields)
        return product

    return make


def fetch(client, url, **params):
    """Ask for a file, let the worker build it, ask again: the file's response."""
    first = client.get(url, params)
    assert first.status_code == 202, first.status_code
    run_tasks()
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


#
# What the files show
#


def test_the_pdf_shows_the_public_products_by_category_with_a_cover_and_a_contact_page(client, listed, coordinator_a):
    lumpia = listed(
        "Lumpia Bandeng Super",
        price_from=25000,
        price_to=40000,
        minimum_order=50,
        capacity_per_month=2000,
        export_ready=True,
    )
    add_product_photo(lumpia, upload=jpeg_upload(), by=coordinator_a)
    listed("Batik Tulis Kenongo", category="batik")
    make_document(
        lumpia.business,
        kind="halal",
        number="ID35150000123456",
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
    )

    response = fetch(client, PDF)

    assert response["Content-Type"] == "application/pdf"
    content = body(response)
    keep("katalog-sidoarjo.pdf", content)
    text = pdf_text(content)
    assert "KATALOG PRODUK UMKM" in text
    assert "Kabupaten Sidoarjo" in text
    assert "Lumpia Bandeng Super" in text
    assert "UD Lumpia Bandeng Super" in text
    assert "Balongbendo" in text
    assert "Rp 25.000 \N{EN DASH} Rp 40.000 / pak" in text
    assert "Pesanan minimal 50 pak" in text
    assert "Kapasitas 2.000 pak per bulan" in text
    assert "Sertifikat halal ID35150000123456" in text
    assert "Siap ekspor" in text
    assert f"/katalog/produk/{lumpia.pk}/" in text
    assert "Cara bertanya dan memesan" in text
    # Categories in the portal's order: food before batik.
    assert text.index("Makanan") < text.index("Lumpia") < text.index("Batik dan tenun") < text.index("Batik Tulis")
    # The photo is in it: one image per product photo, beside the QR codes.
    reader = PdfReader(io.BytesIO(content))
    images = [image for page in reader.pages for image in page.images]
    assert any(image.image.size == (320, 240) for image in images)


def test_the_pdf_holds_only_public_products(client, listed, call, dinas_sidoarjo, kec_a, kec_other_kabupaten):
    listed("Sambal Roa Tampil")
    listed("Kerupuk Belum Lolos", decision="perbaikan")
    unlisted = listed("Terasi Diturunkan")
    Listing.objects.filter(product=unlisted).update(unlisted_at=timezone.now(), unlisted_by=dinas_sidoarjo)
    deleted = listed("Keripik Usaha Dihapus")
    type(deleted.business).all_objects.filter(pk=deleted.business_id).update(deleted_at=timezone.now())
    # A product of a business without consent, and another kabupaten's listed product.
    no_consent = make_product(make_business(kec_a), name="Petis Tanpa Persetujuan")
    CurationSubmission.objects.create(call=call, product=no_consent, submitted_by=dinas_sidoarjo, decision="lolos")
    Listing.objects.create(product=no_consent, listed_by=dinas_sidoarjo)
    listed("Garam Sumenep", kecamatan=kec_other_kabupaten)

    text = pdf_text(body(fetch(client, PDF)))

    assert "Sambal Roa Tampil" in text
    for hidden in ("Kerupuk Belum Lolos", "Terasi Diturunkan", "Keripik Usaha Dihapus", "Petis Tanpa", "Garam Sumenep"):
        assert hidden not in text


def test_an_expired_certificate_is_not_shown_and_the_price_only_with_consent(client, listed):
    open_price = listed("Bandeng Presto", price_from=30000)
    make_document(
        open_price.business,
        kind="halal",
        number="ID35150000000001",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    make_document(open_price.business, kind="sni", number="SNI 01-2345-2006")
    closed = listed(
        "Kerupuk Udang Rahasia",
        price_from=99000,
        capacity_per_month=777,
        consent={"show_price": False, "show_capacity": False},
    )

    text = pdf_text(body(fetch(client, PDF)))

    assert "ID35150000000001" not in text
    assert "SNI SNI 01-2345-2006" in text
    assert "Rp 30.000 / pak" in text
    assert closed.name in text
    assert "99.000" not in text
    assert "777" not in text


def test_a_filter_for_a_trade_fair_and_english(client, listed, kec_b):
    listed("Kopi Ekspor Balongbendo", export_ready=True, description_en="Single-origin robusta, roasted to order.")
    listed("Kopi Pasar Lokal")
    listed("Tas Anyaman Ekspor", category="kerajinan", export_ready=True)
    listed("Kopi Ekspor Krian", kecamatan=kec_b, export_ready=True)

    text = pdf_text(body(fetch(client, PDF, category="makanan", export_ready="on", kecamatan="35.15.12", lang="en")))

    assert "UMKM PRODUCT CATALOGUE" in text
    assert "Kopi Ekspor Balongbendo" in text
    assert "Single-origin robusta" in text
    assert "Export-ready" in text
    for other in ("Kopi Pasar Lokal", "Tas Anyaman Ekspor", "Kopi Ekspor Krian"):
        assert other not in text
    assert "How to ask and order" in text


def test_the_sheet_has_one_row_per_product_with_a_buyer_desks_columns(client, listed):
    lumpia = listed("Lumpia Bandeng", price_from=25000, price_to=40000, minimum_order=50, capacity_per_month=2000)
    make_document(lumpia.business, kind="pirt", number="2063515010123-29", expires_on=datetime.date(2029, 12, 31))
    make_document(
        lumpia.business, product=lumpia, kind="halal", number="ID35150000999999", expires_on=datetime.date(2030, 1, 31)
    )
    other = listed('=HYPERLINK("http://x")', consent={"show_price": False})

    response = fetch(client, SHEET)

    assert response["Content-Disposition"].startswith('attachment; filename="katalog-umkm-kabupaten-sidoarjo-')
    sheet = load_workbook(io.BytesIO(body(response))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Produk",
        "Kategori",
        "Usaha",
        "Kecamatan",
        "Harga mulai (Rp)",
        "Harga sampai (Rp)",
        "Satuan",
        "Pesanan minimal",
        "Kapasitas per bulan",
        "Sertifikat (nomor, berlaku sampai)",
        "Siap ekspor",
        "Halaman produk",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(rows) == 3
    row = by_name["Lumpia Bandeng"]
    assert row[1:10] == [
        "Makanan",
        "UD Lumpia Bandeng",
        "Balongbendo",
        25000,
        40000,
        "pak",
        50,
        2000,
        "Sertifikat halal ID35150000999999 (berlaku s.d. 31 Januari 2030); "
        "P-IRT 2063515010123-29 (berlaku s.d. 31 Desember 2029)",
    ]
    assert row[10] == "Tidak"
    assert row[11] == f"http://testserver/katalog/produk/{lumpia.pk}/"
    hidden = by_name['\'=HYPERLINK("http://x")']  # a formula is neutralised
    assert hidden[4] is None
    assert hidden[5] is None
    assert hidden[11].endswith(f"/katalog/produk/{other.pk}/")


def test_the_csv_has_the_same_rows_and_no_personal_data(client, listed):
    product = listed("Sinom Belimbing", price_from=8000)
    owner = product.business.owner

    response = fetch(client, CSV)

    content = body(response)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "Produk"
    assert len(rows) == 2
    assert rows[1][:6] == ["Sinom Belimbing", "Makanan", "UD Sinom Belimbing", "Balongbendo", "8000", "8000"]
    text = content.decode("utf-8-sig")
    for personal in (owner.nik, owner.name, owner.phone, str(owner.birth_date)):
        assert personal not in text


#
# Stored under the generation: served when current, rebuilt when stale, unreachable after a withdrawal
#


def test_a_finished_file_is_served_without_building_again(client, listed):
    listed("Lumpia Bandeng")
    fetch(client, PDF)

    again = client.get(PDF)

    assert again.status_code == 200
    assert CatalogueFile.objects.count() == 1


def test_many_requests_while_it_is_prepared_queue_one_build(client, listed):
    listed("Lumpia Bandeng")

    pages = [client.get(PDF) for _ in range(3)]

    assert [page.status_code for page in pages] == [202, 202, 202]
    assert pages[0]["Refresh"] == "5"
    assert pages[0]["Cache-Control"] == "no-store"
    assert "sedang disiapkan" in pages[0].content.decode()
    assert CatalogueFile.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=build_catalogue_file.module_path).count() == 1


def test_a_withdrawn_consent_makes_the_old_file_unreachable_at_once(
    client, listed, dinas_sidoarjo, django_capture_on_commit_callbacks
):
    kept = listed("Lumpia Bandeng")
    gone = listed("Otak-otak Bandeng")
    assert "Otak-otak Bandeng" in pdf_text(body(fetch(client, PDF)))

    consent = ListingConsent.objects.active().get(business=gone.business)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(consent, reason="Pemilik meminta berhenti tampil", version=consent.version, by=dinas_sidoarjo)
    waiting = client.get(PDF)

    assert waiting.status_code == 202  # the old file is never served again
    run_tasks()
    text = pdf_text(body(client.get(PDF)))
    assert kept.name in text
    assert "Otak-otak Bandeng" not in text


def test_a_kabupaten_without_a_catalogue_answers_404(client, listed, kec_other_kabupaten):
    listed("Garam Sumenep", kecamatan=kec_other_kabupaten)

    assert client.get(PDF).status_code == 404
    assert client.get(reverse("programs:catalogue_pdf", args=["99.99"])).status_code == 404
    assert not CatalogueFile.objects.exists()


def test_bad_filters_answer_a_clear_message_and_queue_nothing(client, listed):
    listed("Lumpia Bandeng")

    response = client.get(PDF, {"category": "narkoba", "kecamatan": "35.29.14", "lang": "xx"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Pilihan katalog tidak dapat dipakai." in page
    assert "Kategori" in page
    assert "Kecamatan" in page
    assert not CatalogueFile.objects.exists()


def test_new_builds_are_rate_limited_per_address(client, listed, settings):
    settings.PUBLIC_CATALOGUE_FILE_RATE = "2/h"
    listed("Lumpia Bandeng")

    answers = [client.get(url).status_code for url in (PDF, SHEET, PDF, CSV)]

    assert answers == [202, 202, 202, 429]  # refreshing a file being prepared does not count
    assert CatalogueFile.objects.count() == 2


def test_a_build_killed_mid_way_is_built_again_by_the_retry(client, listed):
    listed("Lumpia Bandeng")
    client.get(PDF)
    row = CatalogueFile.objects.get()
    # A worker claimed it and died: the row is left running, its task given back (umkm_portal.worker).
    CatalogueFile.objects.filter(pk=row.pk).update(status=CatalogueFile.Status.RUNNING, started_at=timezone.now())

    built = catalogue_files.run_build(row)

    assert built.status == CatalogueFile.Status.DONE
    assert built.file
    assert client.get(PDF).status_code == 200


def test_a_failed_build_is_queued_again_by_a_later_request(client, listed):
    listed("Lumpia Bandeng")
    client.get(PDF)
    catalogue_files.mark_failed(CatalogueFile.objects.get().pk)

    soon = client.get(PDF)
    CatalogueFile.objects.update(finished_at=timezone.now() - catalogue_files.RETRY_FAILED_AFTER)
    later = client.get(PDF)

    assert soon.status_code == 503
    assert "gagal dibuat" in soon.content.decode()
    assert later.status_code == 202
    run_tasks()
    assert client.get(PDF).status_code == 200


def test_a_file_gone_from_storage_is_built_again(client, listed):
    listed("Lumpia Bandeng")
    fetch(client, PDF)
    row = CatalogueFile.objects.get()
    row.file.storage.delete(row.file.name)

    assert client.get(PDF).status_code == 202
    run_tasks()
    assert client.get(PDF).status_code == 200


def test_a_queued_file_of_an_old_generation_is_dropped_not_built(client, listed, django_capture_on_commit_callbacks):
    listed("Lumpia Bandeng")
    client.get(PDF)
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_cache.forget("35.15")

    run_tasks()

    assert not CatalogueFile.objects.exists()


def test_the_sweep_removes_files_no_request_can_reach(client, listed, django_capture_on_commit_callbacks):
    listed("Lumpia Bandeng")
    fetch(client, PDF)
    old = CatalogueFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        catalogue_cache.forget("35.15")
    fetch(client, PDF)
    current = CatalogueFile.objects.exclude(pk=old.pk).get()
    # Both asked for longer ago than the grace (their creation moved back, not the sweep's clock forward: an
    # hour on from 23:00 in Jakarta is another day, whose sweep rightly removes today's file too).
    asked = timezone.now() - catalogue_files.STALE_GRACE - datetime.timedelta(minutes=1)
    CatalogueFile.objects.update(created_at=asked)

    removed = catalogue_files.remove_stale()

    assert removed == 1
    assert list(CatalogueFile.objects.all()) == [current]
    assert not old.file.storage.exists(old.file.name)
    assert current.file.storage.exists(current.file.name)


def test_a_photo_missing_from_storage_prints_the_entry_without_it(client, listed, coordinator_a):
    product = listed("Lumpia Bandeng")
    add_product_photo(product, upload=jpeg_upload(), by=coordinator_a)
    photo = ProductPhoto.objects.get()
    photo.thumbnail.storage.delete(photo.thumbnail.name)

    assert "Lumpia Bandeng" in pdf_text(body(fetch(client, PDF)))


def test_every_role_gets_the_same_public_file(client, listed, coordinator_b, dinas_other):
    listed("Lumpia Bandeng")
    anonymous = body(fetch(client, SHEET))

    for user in (coordinator_b, dinas_other):
        client.force_login(user)
        response = client.get(SHEET)

        assert response.status_code == 200
        assert body(response) == anonymous


def test_a_missing_kabupaten_and_one_without_a_catalogue_look_the_same(client, listed, kec_other_kabupaten):
    listed("Garam Sumenep", kecamatan=kec_other_kabupaten)
    make_region("35.15.12")

    without = client.get(PDF)
    missing = client.get(reverse("programs:catalogue_pdf", args=["35.99"]))

    assert without.status_code == missing.status_code == 404
    # Without what differs on every response (CSRF tokens) and the page's own URL (the language switch).
    token = re.compile(rb'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"|name="next" value="[^"]*"')
    assert token.sub(b"", without.content) == token.sub(b"", missing.content)


def test_the_links_include_carries_the_page_filters():
    from django.template.loader import render_to_string

    html = render_to_string(
        "programs/includes/_catalogue_files.html", {"code": "35.15", "query": "category=makanan&export_ready=on"}
    )

    assert 'href="/katalog/35.15/katalog.pdf?category=makanan&amp;export_ready=on"' in html
    assert 'href="/katalog/35.15/katalog.pdf?category=makanan&amp;export_ready=on&amp;lang=en"' in html
    assert 'href="/katalog/35.15/katalog.xlsx?category=makanan&amp;export_ready=on"' in html
    assert 'href="/katalog/35.15/katalog.csv?category=makanan&amp;export_ready=on"' in html


def test_the_staff_catalogue_list_links_to_the_files_of_the_users_kabupaten(client, dinas_sidoarjo, coordinator_a):
    for user in (dinas_sidoarjo, coordinator_a):
        client.force_login(user)

        page = client.get(reverse("programs:listing_list")).content.decode()

        assert 'href="/katalog/35.15/katalog.pdf"' in page
        assert 'href="/katalog/35.15/katalog.xlsx"' in page


def test_serving_a_file_and_the_preparing_page_take_a_fixed_number_of_queries(
    client, listed, django_assert_num_queries
):
    for name in ("Lumpia Bandeng", "Otak-otak", "Bandeng Presto"):
        listed(name)
    fetch(client, PDF)
    client.get(SHEET)

    # The kabupaten, its generation (the tests' cache is a database table), whether it has a catalogue, the
    # file's row.
    with django_assert_num_queries(4):
        assert client.get(PDF).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(SHEET).status_code == 202


def test_in_english_the_page_and_the_sheet_read_english(client, listed, settings):
    listed("Lumpia Bandeng", export_ready=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(SHEET).content.decode()
    run_tasks()
    sheet = load_workbook(io.BytesIO(body(client.get(SHEET)))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert "The Excel file is being prepared." in page
    assert "This page reloads itself" in page
    assert rows[0][:4] == ["Product", "Category", "Business", "Kecamatan"]
    assert rows[0][-3:] == ["Certificates (number, valid until)", "Export-ready", "Product page"]
    assert rows[1][1] == "Food"
    assert rows[1][10] == "Yes"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_build_is_replaced_and_the_file_comes_whole(
    client,
    kab_sidoarjo,
    dinas_sidoarjo,
    kec_a,
    workers,  # noqa: F811
):
    call = CurationCall.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Kurasi",
        channel="e_katalog",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    businesses = [make_business(kec_a, name=f"UD Uji {i}") for i in range(10)]
    for business in businesses:
        ListingConsent.objects.create(business=business, recorded_by=dinas_sidoarjo)
    products = Product.objects.bulk_create(
        [Product(business=businesses[i % 10], name=f"Produk {i:04d}", category="makanan") for i in range(1000)]
    )
    CurationSubmission.objects.bulk_create(
        [CurationSubmission(call=call, product=p, submitted_by=dinas_sidoarjo, decision="lolos") for p in products]
    )
    Listing.objects.bulk_create([Listing(product=p, listed_by=dinas_sidoarjo) for p in products])
    catalogue_entries.rebuild()  # bulk_create sends no signal: the entries as the writers would have kept them
    assert client.get(PDF).status_code == 202
    row = CatalogueFile.objects.get()

    first = workers("first")
    _wait_for(lambda: CatalogueFile.objects.get(pk=row.pk).done >= catalogue_files.CHUNK, 90, "the build under way")
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert CatalogueFile.objects.get(pk=row.pk).status == CatalogueFile.Status.RUNNING
    workers("second")
    _wait_for(lambda: CatalogueFile.objects.get(pk=row.pk).status == CatalogueFile.Status.DONE, 180, "the file")

    result = DBTaskResult.objects.get(task_path=build_catalogue_file.module_path)
    assert result.worker_ids == ["first", "second"]
    text = pdf_text(body(client.get(PDF)))
    assert "1.000 produk" in text
    assert "Produk 0000" in text
    assert "Produk 0999" in text


def test_the_certificate_and_group_filters_of_the_page_choose_the_files_products(client, listed, kec_a):
    from registry.models import BusinessGroup, LegalDocument

    halal = listed("Sambal Bawang Halal")
    make_document(halal.business, kind=LegalDocument.Kind.HALAL, number="ID35110000123456")
    expired = listed("Sambal Roa Kedaluwarsa")
    make_document(
        expired.business,
        kind=LegalDocument.Kind.HALAL,
        number="ID35110000654321",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    cluster = listed("Kerupuk Klaster")
    group = BusinessGroup.objects.create(name="Klaster Kerupuk Balongbendo", kecamatan=kec_a)
    cluster.business.groups.add(group)

    halal_only = pdf_text(body(fetch(client, PDF, certification="halal")))
    members = list(csv.reader(io.StringIO(body(fetch(client, CSV, group=group.pk)).decode("utf-8-sig"))))

    assert "Sambal Bawang Halal" in halal_only
    assert "Sambal Roa Kedaluwarsa" not in halal_only  # expired: not halal today
    assert "Kerupuk Klaster" not in halal_only
    assert "Halal" in halal_only  # the cover names the filter
    cells = {cell for row in members[1:] for cell in row}
    assert len(members) == 2  # the header and the cluster's one product
    assert "Kerupuk Klaster" in cells
    assert not {"Sambal Bawang Halal", "Sambal Roa Kedaluwarsa"} & cells


def test_an_unknown_certificate_or_group_is_a_clear_message(client, listed):
    listed("Sambal Bawang")

    response = client.get(PDF, {"certification": "iso9001", "group": "999999"})

    assert response.status_code == 400
    assert "pilihan yang valid" in response.content.decode()
    assert not CatalogueFile.objects.exists()
