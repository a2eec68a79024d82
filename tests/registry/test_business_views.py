import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import AccessLog, Business
from registry.services import add_product_photo
from tests.factories import jpeg_upload, make_business, make_document, make_figure, make_product

LIST = reverse("registry:business_list")
QUEUE = reverse("registry:business_queue")
EXPORT = reverse("registry:business_export")


def _copies(record, count):
    """`count` copies of `record`'s row, written in one statement and named "Aneka 1" to "Aneka <count>": rows
    enough that a search tested on each of them outlasts a one-millisecond time limit."""
    from django.db import connection
    from psycopg2 import sql

    table = record._meta.db_table
    columns = [sql.Identifier(f.column) for f in record._meta.concrete_fields if not f.primary_key]
    copied = [sql.SQL("'Aneka ' || n") if column.strings == ("name",) else column for column in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}, generate_series(1, %s) AS n WHERE id = %s").format(
                sql.Identifier(table), sql.SQL(", ").join(columns), sql.SQL(", ").join(copied), sql.Identifier(table)
            ),
            [count, record.pk],
        )


def detail(business):
    return reverse("registry:business_detail", args=[business.pk])


def test_coordinator_lists_only_own_kecamatan(client, coordinator_a, kec_a, kec_b):
    mine, theirs = make_business(kec_a), make_business(kec_b)
    client.force_login(coordinator_a)

    html = client.get(LIST).content.decode()

    assert mine.get_absolute_url() in html
    assert theirs.get_absolute_url() not in html


def test_list_never_shows_personal_data(client, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST).content.decode()

    assert business.owner.name in html
    assert business.owner.nik not in html
    assert business.owner.nik[:6] + "*" not in html
    assert "+6281234567890" not in html


@pytest.mark.parametrize("who", ["coordinator_a", "dinas_other", "unassigned_user"])
def test_another_area_business_answers_404(request, client, kec_b, who):
    theirs = make_business(kec_b)
    client.force_login(request.getfixturevalue(who))

    assert client.get(detail(theirs)).status_code == 404


def test_bank_officer_may_not_open_the_registry(client, bank_officer, kec_a):
    business = make_business(kec_a)
    client.force_login(bank_officer)

    assert client.get(LIST).status_code == 403
    assert client.get(detail(business)).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_detail_shows_everything_with_personal_data_masked_and_logs_the_view(client, coordinator_a, kec_a):
    business = make_business(kec_a, nib="9120123456789")
    product = make_product(business, name="Sinom belimbing wuluh")
    make_document(business, kind="pirt", number="206351501012324")
    client.force_login(coordinator_a)

    html = client.get(detail(business)).content.decode()

    assert "Sinom belimbing wuluh" in html
    assert "kedaluwarsa" in html
    assert business.owner.masked_nik in html
    assert business.owner.nik not in html
    assert "+62812****7890" in html
    assert product.name in html
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id) == (coordinator_a, "view", str(business.pk))


def test_detail_marks_a_class_reported_otherwise_in_both_columns_and_under_the_computed_one_on_a_phone(
    client, coordinator_a, kec_a
):
    """The yearly figures' reported class gives way on a phone (below 576 px), so a class reported otherwise keeps
    its badge beside the computed one there; from 576 px it sits in its own column, as before."""
    business = make_business(kec_a)
    make_figure(business, year=2025, revenue=3_000_000_000, reported_size_class="mikro")  # computed: kecil
    make_figure(business, year=2024, revenue=100_000_000)  # mikro, none reported
    client.force_login(coordinator_a)

    html = client.get(detail(business)).content.decode()

    rows = {row.split("<td>", 2)[1].split("</td>")[0]: row for row in html.split("<tr>") if "PP7/2021" in row}
    assert set(rows) == {"2025", "2024"}
    assert '<span class="badge text-bg-warning d-sm-none">dilaporkan berbeda</span>' in rows["2025"]
    assert re.search(
        r'<td class="d-none d-sm-table-cell">Mikro <span class="badge text-bg-warning">berbeda', rows["2025"]
    )
    assert "berbeda" not in rows["2024"]


def test_detail_query_count_is_bounded(client, dinas_sidoarjo, kec_a, django_assert_num_queries):
    business = make_business(kec_a)
    for _ in range(5):
        product = make_product(business)
        make_document(business, product=product)
    client.force_login(dinas_sidoarjo)

    # The history and the assistance ledger are read when their folds open (business_history, business_ledger);
    # the business and its parts are one query (registry.business_page); the catalogue section costs two.
    with django_assert_num_queries(9):
        response = client.get(detail(business))

    assert response.status_code == 200


def test_list_query_count_does_not_grow_with_rows(
    client, dinas_sidoarjo, kec_a, django_assert_max_num_queries, django_assert_num_queries
):
    make_business(kec_a)
    client.force_login(dinas_sidoarjo)
    client.get(LIST)  # writes the blank filter bar into the shared cache
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)

    for _ in range(30):
        make_business(kec_a)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(LIST)


def test_a_deep_list_page_runs_as_many_statements_as_the_first(client, dinas_sidoarjo, kec_a, monkeypatch):
    """Page 500 of a million reads its rows in one statement, the offset walked on ids in a subquery."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.paginators import ListPaginator

    monkeypatch.setattr(ListPaginator, "deep_from", 25)  # page 2 is a deep page
    for _ in range(30):
        make_business(kec_a)
    client.force_login(dinas_sidoarjo)
    client.get(LIST)
    client.get(LIST, {"page": 2})  # each page's filter bar is in the shared cache
    with CaptureQueriesContext(connection) as first:
        client.get(LIST)
    with CaptureQueriesContext(connection) as deep:
        response = client.get(LIST, {"page": 2})

    assert len(response.context["page_obj"].object_list) == 5
    assert len(deep.captured_queries) == len(first.captured_queries)
    assert any("OFFSET 25" in query["sql"] and "IN (SELECT" in query["sql"] for query in deep.captured_queries)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lumpia"}, {"lumpia"}),
        ({"q": "lumpiya"}, {"lumpia"}),
        ({"q": "LUMPIA bandeng"}, {"lumpia"}),
        ({"q": "sinom"}, {"jamu"}),
        ({"q": "Siti"}, {"jamu"}),
        ({"q": "9120 1234 5678 9"}, {"jamu"}),
        ({"category": "minuman"}, {"jamu"}),
        ({"verification": "terverifikasi"}, {"lumpia"}),
        ({"is_flagship": "true"}, {"lumpia"}),
        ({"guided": "true"}, {"jamu"}),
        ({"guided": "false"}, {"lumpia"}),
        ({"document": "has_halal"}, {"lumpia"}),
        ({"document": "no_halal"}, {"jamu"}),
        ({"market": "ekspor"}, {"jamu"}),
        ({"kbli": "107"}, {"lumpia"}),
        ({"size_class": "kecil"}, {"jamu"}),
    ],
)
def test_list_filters_and_search(client, dinas_sidoarjo, kec_a, params, expected):
    from registry.models import Owner
    from tests.factories import make_figure

    lumpia = make_business(kec_a, name="Lumpia Bandeng Bu Ike", kbli_code="10710", is_flagship=True)
    lumpia.verification = "terverifikasi"
    lumpia.save()
    make_document(lumpia, kind="halal")
    jamu = make_business(kec_a, name="Jamu Segar", category="minuman", nib="9120123456789", guided_by="Dinas Koperasi")
    jamu.markets = ["lokal", "ekspor"]
    jamu.save()
    Owner.objects.filter(pk=jamu.owner_id).update(name="Siti Aminah")
    make_product(jamu, name="Sinom belimbing wuluh")
    make_figure(jamu, revenue=3_000_000_000)
    names = {"lumpia": lumpia.get_absolute_url(), "jamu": jamu.get_absolute_url()}
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST, params).content.decode()

    assert {key for key, url in names.items() if url in html} == expected


def test_an_expired_pirt_is_listed_as_expired_not_as_missing(client, dinas_sidoarjo, kec_a, rf):
    import datetime

    from django.utils import timezone

    from reports.coordinator import CoordinatorWorklist

    expired = make_business(kec_a, name="Kerupuk Kedaluwarsa")
    make_document(expired, kind="pirt", number="206351501012320")  # its P-IRT expired at the end of 2020
    never = make_business(kec_a, name="Kerupuk Tanpa Izin")
    valid = make_business(kec_a, name="Kerupuk Berizin")
    make_document(valid, kind="pirt", expires_on=timezone.localdate() + datetime.timedelta(days=300))
    client.force_login(dinas_sidoarjo)

    def listed(state):
        html = client.get(LIST, {"document": f"{state}_pirt"}).content.decode()
        return {b.name for b in (expired, never, valid) if b.get_absolute_url() in html}

    page = client.get(LIST).content.decode()
    assert listed("no") == {"Kerupuk Tanpa Izin"}
    assert listed("lapsed") == {"Kerupuk Kedaluwarsa"}
    assert listed("has") == {"Kerupuk Berizin"}
    assert '<option value="lapsed_pirt">P-IRT kedaluwarsa</option>' in page
    make_document(never, kind="nib", number="9120000000001", expires_on=datetime.date(2020, 1, 1))
    request = rf.get("/")
    request.user = dinas_sidoarjo
    missing = {figure.label: figure.value for figure in CoordinatorWorklist(request).missing()}
    assert missing["Belum punya NIB"] == 2  # an expired NIB is not a missing one


def test_filter_on_another_area_kecamatan_is_refused_not_leaked(client, coordinator_a, kec_a, kec_b):
    theirs = make_business(kec_b)
    client.force_login(coordinator_a)

    html = client.get(LIST, {"kecamatan": kec_b.pk}).content.decode()

    assert theirs.get_absolute_url() not in html
    assert "Masukkan pilihan yang valid" in html


def test_unknown_sort_key_is_ignored(client, dinas_sidoarjo, kec_a):
    make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    response = client.get(LIST, {"sort": "owner__nik"})

    assert response.status_code == 200


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_scoped_masked_neutralised_and_logged(client, coordinator_a, kec_a, kec_b, file_format):
    mine = make_business(kec_a, name='=HYPERLINK("http://evil")')
    make_business(kec_b, name="Usaha Tetangga")
    client.force_login(coordinator_a)

    response = client.get(EXPORT, {"format": file_format})

    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode())))
    else:
        rows = [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][2] == mine.owner.masked_nik
    assert mine.owner.nik not in content.decode("latin-1")
    log = AccessLog.objects.get(action="export")
    assert (log.user, log.row_count, log.detail["format"]) == (coordinator_a, 1, file_format)


def test_export_follows_the_filters(client, dinas_sidoarjo, kec_a):
    make_business(kec_a, name="Jamu Segar", category="minuman")
    make_business(kec_a, name="Kerupuk Lele")
    client.force_login(dinas_sidoarjo)

    response = client.get(EXPORT, {"format": "csv", "category": "minuman"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == ["Jamu Segar"]
    assert AccessLog.objects.get().detail["filters"] == {"category": "minuman"}


def test_queue_verifies_in_bulk(client, dinas_sidoarjo, kec_a, kec_b):
    first, second, theirs = make_business(kec_a), make_business(kec_a), make_business(kec_b)
    client.force_login(dinas_sidoarjo)

    response = client.post(QUEUE, {"action": "verify", "business": [first.pk, second.pk]}, follow=True)

    assert "2 usaha diverifikasi." in response.content.decode()
    assert set(Business.objects.verified().values_list("pk", flat=True)) == {first.pk, second.pk}
    assert theirs.pk in Business.objects.pending().values_list("pk", flat=True)


def test_queue_rejects_only_with_a_reason(client, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    refused = client.post(QUEUE, {"action": "reject", "business": [business.pk], "reason": ""}, follow=True)
    accepted = client.post(
        QUEUE, {"action": "reject", "business": [business.pk], "reason": "Alamat kurang"}, follow=True
    )

    assert "alasan penolakan" in refused.content.decode()
    assert "1 usaha ditolak." in accepted.content.decode()
    business.refresh_from_db()
    assert business.verification_note == "Alamat kurang"


def test_queue_ignores_businesses_of_another_kabupaten(client, dinas_other, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_other)

    client.post(QUEUE, {"action": "verify", "business": [business.pk]})

    assert Business.objects.get(pk=business.pk).verification == "menunggu"


def test_coordinator_may_not_verify(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    assert client.get(QUEUE).status_code == 403
    assert client.post(reverse("registry:business_decide", args=[business.pk]), {"action": "verify"}).status_code == 403


def test_decision_from_the_detail_page_keeps_history(client, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    client.post(reverse("registry:business_decide", args=[business.pk]), {"action": "verify"})
    page = client.get(detail(business)).content.decode()
    history_url = reverse("registry:business_history", args=[business.pk])
    html = client.get(history_url).content.decode()
    entries = client.get(history_url, headers={"HX-Request": "true"}).content.decode()

    assert f'hx-get="{history_url}"' in page  # the detail page reads the history only when its fold opens
    assert "Menunggu verifikasi</del> → Terverifikasi" not in page
    assert "Menunggu verifikasi</del> → Terverifikasi" in html
    assert entries.startswith('<ol class="list-unstyled small">')  # the fold gets the entries alone
    assert "Menunggu verifikasi</del> → Terverifikasi" in entries


def test_decision_on_another_area_answers_404(client, dinas_other, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_other)

    assert client.post(reverse("registry:business_decide", args=[business.pk]), {"action": "verify"}).status_code == 404


def test_photos_are_served_only_inside_the_area(client, coordinator_a, coordinator_b, dinas_other, kec_a):
    product = make_product(make_business(kec_a))
    photo = add_product_photo(product, upload=jpeg_upload(), by=coordinator_a)

    client.force_login(coordinator_a)
    own = client.get(photo.get_absolute_url())
    thumb = client.get(photo.get_thumbnail_url())
    assert own.status_code == thumb.status_code == 200
    assert own["Content-Type"] == "image/jpeg"
    for outsider in (coordinator_b, dinas_other):
        client.force_login(outsider)
        assert client.get(photo.get_absolute_url()).status_code == 404
        assert client.get(photo.get_thumbnail_url()).status_code == 404
    client.logout()
    assert client.get(photo.get_absolute_url()).status_code == 302


PRODUCTS = reverse("registry:product_list")


def test_product_list_is_scoped_and_searchable(client, coordinator_a, kec_a, kec_b):
    mine = make_product(make_business(kec_a), name="Kerupuk lele")
    other = make_product(make_business(kec_a), name="Jenang jagung")
    theirs = make_product(make_business(kec_b), name="Kerupuk udang")
    client.force_login(coordinator_a)

    everything = client.get(PRODUCTS).content.decode()
    found = client.get(PRODUCTS, {"q": "krupuk lele"}).content.decode()

    assert mine.name in everything
    assert other.name in everything
    assert theirs.name not in everything
    assert mine.name in found
    assert other.name not in found


def test_product_list_filters_on_photos(client, coordinator_a, kec_a):
    with_photo = make_product(make_business(kec_a), name="Batik tulis")
    add_product_photo(with_photo, upload=jpeg_upload(), by=coordinator_a)
    make_product(make_business(kec_a), name="Sarung tenun")
    client.force_login(coordinator_a)

    html = client.get(PRODUCTS, {"has_photo": "false"}).content.decode()

    assert "Sarung tenun" in html
    assert "Batik tulis" not in html


def test_product_list_query_count_is_constant(client, coordinator_a, kec_a, django_assert_max_num_queries):
    for _ in range(20):
        product = make_product(make_business(kec_a))
        add_product_photo(product, upload=jpeg_upload(200, 150), by=coordinator_a)
    client.force_login(coordinator_a)

    with django_assert_max_num_queries(12):
        response = client.get(PRODUCTS)

    assert response.status_code == 200


def test_product_list_sorts_by_business_then_product_and_by_the_columns_asked(client, coordinator_a, kec_a):
    sari, bakti = make_business(kec_a, name="UD Sari"), make_business(kec_a, name="CV Bakti")
    jenang = make_product(sari, name="Jenang", price=20000)
    emping = make_product(bakti, name="Emping", price=None)
    abon = make_product(sari, name="Abon", price=35000)
    client.force_login(coordinator_a)

    def order(**query):
        html = client.get(PRODUCTS, query).content.decode()
        return sorted((jenang, emping, abon), key=lambda product: html.index(f">{product.name}<"))

    assert order() == [emping, abon, jenang]  # CV Bakti's, then UD Sari's by name
    assert order(sort="name") == [abon, emping, jenang]
    assert order(sort="-name") == [jenang, emping, abon]
    assert order(sort="price") == [jenang, abon, emping]  # no price last
    assert order(sort="kecamatan") == [emping, abon, jenang]  # not a sortable column: the list's own order
    html = client.get(PRODUCTS).content.decode()
    # "Rp" and the number on one line on a phone; the unit may go to the next.
    assert '<span class="text-nowrap">Rp 20.000</span><wbr>/pak</td>' in html
    assert '<span class="text-nowrap">Rp 35.000</span><wbr>/pak' in html
    assert "/pak</td>" not in html.split(">Emping<", 1)[1].split("</tr>", 1)[0]  # no price: the column's dash
    assert "sort=kecamatan" not in html
    assert "sort=category" not in html
    assert "sort=name" in html


def test_product_search_finds_a_business_name_and_typos_only_when_nothing_has_the_words(client, coordinator_a, kec_a):
    lele = make_product(make_business(kec_a, name="UD Mina"), name="Kerupuk lele")
    rambak = make_product(make_business(kec_a, name="Krupuk Bu Tin"), name="Rambak")
    other = make_product(make_business(kec_a, name="UD Sari"), name="Jenang")
    client.force_login(coordinator_a)

    by_business = client.get(PRODUCTS, {"q": "krupuk"}).content.decode()
    by_typo = client.get(PRODUCTS, {"q": "krupuk lele"}).content.decode()

    assert rambak.name in by_business  # its business is "Krupuk Bu Tin"
    assert lele.name not in by_business  # "Kerupuk" is only like it: something has the word itself
    assert other.name not in by_business
    assert lele.name in by_typo
    assert other.name not in by_typo


def test_product_search_for_a_common_word_lists_the_newest_first(client, coordinator_a, kec_a, monkeypatch):
    import datetime

    from django.utils import timezone

    from registry import filtersets
    from registry.models import Product

    monkeypatch.setattr(filtersets, "COMMON_WORD_ROWS", -1)
    old = make_product(make_business(kec_a, name="A Usaha"), name="Keripik tempe")
    new = make_product(make_business(kec_a, name="Z Usaha"), name="Keripik pisang")
    by_business = make_product(make_business(kec_a, name="Keripik Bu Ani"), name="Rengginang")
    other = make_product(make_business(kec_a, name="B Usaha"), name="Jenang")
    for days, product in enumerate([new, by_business, old]):
        Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    client.force_login(coordinator_a)

    html = client.get(PRODUCTS, {"q": "keripik"}).content.decode()
    by_name = client.get(PRODUCTS, {"q": "keripik", "sort": "name"}).content.decode()

    places = [html.index(f">{product.name}<") for product in (new, by_business, old)]
    assert places == sorted(places)
    assert other.name not in html
    assert "yang terbaru dicatat tampil lebih dulu" in html
    places = [by_name.index(f">{product.name}<") for product in (new, old, by_business)]
    assert places == sorted(places)  # Keripik pisang, Keripik tempe, Rengginang
    assert "Lebih dari 500 produk cocok dengan pencarian ini. Tambahkan" in by_name


def test_product_search_for_a_common_word_sorted_too_slowly_comes_back_newest_first(
    client, coordinator_a, kec_a, monkeypatch
):
    """As the business list's: past the time limit (1 ms here, against 5,000 products without the word), the same
    search without its sort, and a note."""
    from registry import filtersets
    from registry.views import ProductListView

    monkeypatch.setattr(filtersets, "COMMON_WORD_ROWS", -1)
    monkeypatch.setattr(ProductListView, "sort_time_limit_ms", 1)
    keripik = make_product(make_business(kec_a, name="UD Sari"), name="Keripik tempe")
    other = make_product(make_business(kec_a, name="UD Mina"), name="Jenang")
    _copies(other, 5000)  # named "Aneka 1" to "Aneka 5000"
    client.force_login(coordinator_a)

    refused = client.get(PRODUCTS, {"q": "keripik", "sort": "name", "page": "3"})

    assert refused.status_code == 302
    assert refused["Location"] == f"{PRODUCTS}?q=keripik"
    html = client.get(refused["Location"]).content.decode()
    assert "Terlalu banyak produk cocok dengan pencarian ini untuk diurutkan menurut kolom “Produk”." in html
    assert "yang terbaru dicatat tampil lebih dulu" in html
    assert keripik.name in html


def test_bank_officer_may_not_list_products(client, bank_officer):
    client.force_login(bank_officer)

    assert client.get(PRODUCTS).status_code == 403


def test_export_without_any_parameter_gives_the_whole_area(client, coordinator_a, kec_a):
    make_business(kec_a, name="Usaha Satu")
    client.force_login(coordinator_a)

    response = client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("ids_apart", [False, True])
def test_a_deep_page_is_fetched_by_its_ids_with_the_same_rows_order_and_queryset(kec_a, ids_apart):
    """ListPaginator reads a deep page's rows by their ids, walked on the list's order, from the same queryset:
    its joins, annotations, prefetches and database stay; in one statement (the ids a subquery), or with
    `ids_apart` the ids first."""
    from django.db import connection
    from django.db.models import Count, Prefetch
    from django.test.utils import CaptureQueriesContext

    from registry.models import Business, Product
    from registry.paginators import ListPaginator
    from tests.factories import make_business, make_product

    for n in range(12):
        business = make_business(kec_a, name=f"Usaha {n % 4} {n}")
        make_product(business, name=f"Produk {n}")
    ordered = (
        Business.objects.using("default")
        .select_related("owner", "desa")
        .annotate(product_count=Count("products"))
        .prefetch_related(Prefetch("products", queryset=Product.objects.order_by("pk")))
        .order_by("name", "pk")
    )
    expected = [b.pk for b in list(ordered.all())[4:8]]
    paginator = ListPaginator(ordered, 4)
    paginator.deep_from = 4
    paginator.ids_apart = ids_apart

    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(2)
        rows = [(b.pk, b.owner.name, b.desa.name, b.product_count, [p.name for p in b.products.all()]) for b in page]

    assert [pk for pk, *_ in rows] == expected
    assert all(count == 1 and len(products) == 1 for *_, count, products in rows)
    assert page.has_next()
    assert page.has_previous()
    assert paginator.num_pages == 3  # up to the next page: nothing is counted
    statements = [query["sql"] for query in queries.captured_queries]
    if ids_apart:  # the ids on the index, then those rows with their joins, then their products
        assert len(statements) == 3
        assert "OFFSET 4" in statements[0]
        assert "JOIN" in statements[1]
    else:  # the rows with their joins, their ids a subquery; then their products
        assert len(statements) == 2
        assert "JOIN" in statements[0]
        assert "IN (SELECT" in statements[0]
        assert "OFFSET 4" in statements[0]


def test_a_deep_page_read_as_named_rows_walks_the_offset_on_ids_alone(kec_a):
    """ListPaginator(fields=...), as the business list reads its rows: a first page and a deep page give
    the same rows as model instances would, in one statement whose offset walk joins nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.models import Business
    from registry.paginators import ListPaginator
    from tests.factories import make_business

    for n in range(12):
        make_business(kec_a, name=f"Usaha {n % 4} {n}")
    ordered = Business.objects.order_by("name", "pk")
    fields = ["pk", "name", "owner__name", "desa__name"]
    expected = [(b.pk, b.name, b.owner.name, b.desa.name) for b in ordered.select_related("owner", "desa")]

    first = ListPaginator(ordered, 4, fields=fields).page(1)
    deep = ListPaginator(ordered, 4, fields=fields)
    deep.deep_from = 4
    with CaptureQueriesContext(connection) as queries:
        second = deep.page(2)

    assert [tuple(row) for row in first] == expected[:4]
    assert [tuple(row) for row in second] == expected[4:8]
    assert [row.owner__name for row in second] == [owner for _pk, _name, owner, _desa in expected[4:8]]
    (statement,) = [query["sql"] for query in queries.captured_queries]
    walk = statement[statement.index("IN (SELECT") :]  # the subquery of the page's ids
    assert "OFFSET 4" in walk
    assert "JOIN" in statement
    assert "JOIN" not in walk


def test_the_last_page_has_no_next_and_a_page_past_it_answers_the_last(client, dinas_sidoarjo, kec_a):
    for _ in range(26):
        make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    last = client.get(LIST, {"page": "2"})
    past = client.get(LIST, {"page": "3"})
    not_a_number = client.get(LIST, {"page": "x"})

    assert last.status_code == past.status_code == not_a_number.status_code == 200
    assert 'class="next page-item"' not in last.content.decode()
    assert list(past.context["page_obj"]) == list(last.context["page_obj"])  # issue 19: the last page
    assert not_a_number.context["page_obj"].number == 1


@pytest.mark.parametrize("sort", ["name", "owner", "kecamatan", "category", "size_class", "verification", "created_at"])
def test_every_sorted_order_pages_through_each_business_once(client, dinas_sidoarjo, kec_a, kec_b, sort):
    from tests.factories import make_figure, make_owner

    shared = make_owner(kec_a)  # one owner of several businesses: the owner order still ends with a unique key
    businesses = [
        make_business(
            kec_a if n % 2 else kec_b,
            name=f"Usaha {n % 3}",
            category=["makanan", "minuman"][n % 2],
            verification=["menunggu", "terverifikasi"][n % 2],
            **({"owner": shared} if n % 5 == 0 else {}),
        )
        for n in range(31)
    ]
    make_figure(businesses[0])
    client.force_login(dinas_sidoarjo)

    for order in (sort, f"-{sort}"):
        pages = [client.get(LIST, {"sort": order, "page": page}) for page in (1, 2)]
        assert all(page.status_code == 200 for page in pages)
        listed = re.findall(r'<td><a href="/usaha/(\d+)/">', "".join(page.content.decode() for page in pages))
        assert sorted(map(int, listed)) == sorted(b.pk for b in businesses)  # each business once


def test_the_tables_links_keep_the_filters(client, dinas_sidoarjo, kec_a):
    for _ in range(30):
        make_business(kec_a, category="minuman")
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST, {"category": "minuman", "page": "2"}).content.decode()

    assert '<a href="?category=minuman&amp;page=2&amp;sort=owner">Pemilik</a>' in html
    assert 'href="?category=minuman&amp;page=1" class="page-link"' in html  # previous
    assert '<li class="page-item active"><a class="page-link" href="?category=minuman&amp;page=2">2</a></li>' in html
    assert 'aria-label="Navigasi halaman"' in html


def test_a_filter_sets_filters_are_its_own(rf, coordinator_a, dinas_sidoarjo, kec_a, kec_b):
    from registry.filtersets import BusinessFilterSet

    def kecamatan_choices(user):
        request = rf.get(LIST, {"kecamatan": kec_a.pk})
        request.user = user
        filterset = BusinessFilterSet(request.GET, queryset=Business.objects.all(), request=request)
        assert filterset.is_valid()
        return filterset, {code for code, _ in filterset.form.fields["kecamatan"].choices if code}

    coordinator_set, coordinators = kecamatan_choices(coordinator_a)
    dinas_set, dinas = kecamatan_choices(dinas_sidoarjo)

    assert coordinators == {kec_a.pk}
    assert {kec_a.pk, kec_b.pk} <= dinas
    # Each set's filters are its own: their methods answer to their own set, the declared ones stay bare.
    assert coordinator_set.filters["kecamatan"].filter.f is coordinator_set.filters["kecamatan"]
    assert dinas_set.filters["kecamatan"].parent is dinas_set
    assert callable(BusinessFilterSet.base_filters["kecamatan"].extra["queryset"])  # not a request's queryset
    # A closed fold's filters are not in the form; set, they are.
    assert "export_country" not in dinas_set.form.fields
    request = rf.get(LIST, {"export_country": "JP"})
    request.user = dinas_sidoarjo
    assert "export_country" in BusinessFilterSet(request.GET, request=request).form.fields


def test_a_filter_bar_is_written_once_per_query_and_set_of_options(client, coordinator_a, dinas_sidoarjo, kec_a):
    """Filter bars are kept in the shared cache (the database's here, as without CACHE_URL), one per query
    string, language and set of options; a bar with a search word is not kept (free text)."""
    from django.db import connection

    def bar(response):
        html = response.content.decode()
        return html[html.index('<form method="get"') : html.index("</form>", html.index('<form method="get"'))]

    def kept_bars():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM umkm_cache WHERE cache_key LIKE %s", ["%template.cache.filter_bar.%"])
            return cursor.fetchone()[0]

    make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    first = bar(client.get(LIST))
    assert kept_bars() == 1
    assert bar(client.get(LIST)) == first  # the kept bar is the one written
    kec_a.name = "Balongbendo Baru"
    kec_a.save()
    renamed = bar(client.get(LIST))
    client.cookies["django_language"] = "en"
    english = bar(client.get(LIST))
    del client.cookies["django_language"]
    filtered = bar(client.get(LIST, {"category": "makanan"}))
    assert bar(client.get(LIST, {"category": "makanan"})) == filtered
    wrong = bar(client.get(LIST, {"kecamatan": "99.99.99"}))
    assert bar(client.get(LIST, {"kecamatan": "99.99.99"})) == wrong
    searched = bar(client.get(LIST, {"q": "keripik"}))
    client.force_login(coordinator_a)
    theirs = bar(client.get(LIST))

    assert '<option value="35.15.12">Balongbendo Baru</option>' in renamed  # the options are in the key
    assert "Apply" in english
    assert "Terapkan" in first
    assert '<option value="makanan" selected>' in filtered  # a set filter is written for its request
    assert "is-invalid" in wrong  # a kept bar keeps its errors: they follow from the query string
    assert 'value="keripik"' in searched
    assert kept_bars() == 6  # dinas, renamed, English, filtered, wrong, the coordinator's (one kecamatan)
    assert theirs.count('<option value="35.15.') == 1


def test_a_filter_bar_follows_a_change_of_area(client, coordinator_a, kec_a, kec_b):
    """A coordinator given a second kecamatan is offered both at once."""
    from registry.models import AreaAssignment

    client.force_login(coordinator_a)
    before = client.get(LIST).content.decode()
    AreaAssignment.objects.create(user=coordinator_a, kecamatan=kec_b)
    after = client.get(LIST).content.decode()

    assert f'<option value="{kec_b.pk}">' not in before
    assert f'<option value="{kec_b.pk}">{kec_b.name}</option>' in after
    assert f'<option value="{kec_a.pk}">{kec_a.name}</option>' in after


def test_a_closed_fold_filters_with_the_smaller_set_and_the_same_rows(client, dinas_sidoarjo, kec_a, kec_b):
    """While the fold is closed the list copies only the visible filters (ClosedFoldBusinessFilterSet); what
    it lists is what the whole set lists."""
    from registry.filtersets import BusinessFilterSet, ClosedFoldBusinessFilterSet

    food = make_business(kec_a, category="makanan")
    make_business(kec_b, category="jasa")
    client.force_login(dinas_sidoarjo)

    closed = client.get(LIST, {"category": "makanan"})
    opened = client.get(LIST, {"category": "makanan", "_lanjutan": "1"})
    advanced = client.get(LIST, {"export_country": "JP"})

    assert type(closed.context["filter"]) is ClosedFoldBusinessFilterSet
    assert type(opened.context["filter"]) is BusinessFilterSet
    assert type(advanced.context["filter"]) is BusinessFilterSet
    assert len(ClosedFoldBusinessFilterSet.base_filters) < len(BusinessFilterSet.base_filters)
    assert [b.pk for b in closed.context["page_obj"]] == [b.pk for b in opened.context["page_obj"]] == [food.pk]


def test_advanced_filters_load_when_the_fold_is_opened(client, dinas_sidoarjo, kec_a):
    make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    closed = client.get(LIST).content.decode()
    asked = client.get(LIST, {"_lanjutan": "1"}).content.decode()
    in_use = client.get(LIST, {"export_country": "JP"}).content.decode()

    # Closed: the fold holds only the request for its fields (htmx) and a link that does the same.
    assert 'name="export_country"' not in closed
    assert 'hx-trigger="toggle once"' in closed
    assert "_lanjutan=1" in closed
    assert 'name="category"' in closed  # the basic filters are always there
    for html in (asked, in_use):
        assert 'name="export_country"' in html
        assert '<details class="col-12 mb-2" open>' in html
    assert '<option value="JP" selected>' in in_use


def test_list_rows_and_filter_options_are_escaped(client, dinas_sidoarjo, kec_a):
    from registry.models import BusinessGroup

    business = make_business(kec_a, name="<b>Keripik</b> & Co", is_flagship=True, guided_by="Dinas")
    BusinessGroup.objects.create(name='Kelompok "<script>"', kecamatan=kec_a)
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST, {"_lanjutan": "1"}).content.decode()
    searched = client.get(LIST, {"q": 'x" onfocus="alert(1)'}).content.decode()

    assert "&lt;b&gt;Keripik&lt;/b&gt; &amp; Co" in html
    assert "<b>Keripik" not in html
    assert "Kelompok &#34;&lt;script&gt;&#34;" in html  # a filter bar's widgets are Jinja2's (MarkupSafe)
    assert 'value="x&#34; onfocus=&#34;alert(1)"' in searched
    assert f'<a href="{business.get_absolute_url()}">' in html
    assert "Unggulan" in html
    assert "Binaan" in html


def test_a_common_word_is_searched_row_by_row_newest_first(client, dinas_sidoarjo, kec_a, monkeypatch):
    """A word in thousands of names (here: any word, by lowering the bar) finds the same businesses,
    through their name, owner or product, and lists the newest first with a note."""
    import datetime

    from django.utils import timezone

    from registry import filtersets
    from registry.models import Owner

    monkeypatch.setattr(filtersets, "COMMON_WORD_ROWS", -1)
    by_name = make_business(kec_a, name="Keripik Tempe Bu Ani")
    by_owner = make_business(kec_a, name="Warung Sederhana")
    Owner.objects.filter(pk=by_owner.owner_id).update(name="Keripikwati")
    by_product = make_business(kec_a, name="Toko Oleh-oleh")
    make_product(by_product, name="Keripik pisang")
    other = make_business(kec_a, name="Jamu Segar")
    for days, business in enumerate([by_owner, by_name, by_product]):
        Business.objects.filter(pk=business.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST, {"q": "keripik"}).content.decode()
    by_sort = client.get(LIST, {"q": "keripik", "sort": "name"}).content.decode()

    urls = [b.get_absolute_url() for b in (by_owner, by_name, by_product)]
    assert [html.index(url) for url in urls] == sorted(html.index(url) for url in urls)  # newest first
    assert other.get_absolute_url() not in html
    assert "yang terbaru didaftarkan tampil lebih dulu" in html
    assert by_sort.index(by_name.get_absolute_url()) < by_sort.index(by_product.get_absolute_url())


def _statement_timeout():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_common_words_search_sorted_too_slowly_comes_back_newest_first(client, dinas_sidoarjo, kec_a, monkeypatch):
    """Sorted by a column that goes with the word, a common word's search walks most of the area before it fills a
    page (12 s at a million). Past the list's time limit (here 1 ms, against 5,000 rows without the word, each
    tested) PostgreSQL cancels it, and the same search comes back newest first, with a note on the column."""
    from registry import filtersets
    from registry.views import BusinessListView

    monkeypatch.setattr(filtersets, "COMMON_WORD_ROWS", -1)
    monkeypatch.setattr(BusinessListView, "sort_time_limit_ms", 1)
    keripik = make_business(kec_a, name="Keripik Tempe Bu Ani")
    other = make_business(kec_a, name="Jamu Segar")
    _copies(other, 5000)  # named "Aneka 1" to "Aneka 5000"
    client.force_login(dinas_sidoarjo)
    timeout = _statement_timeout()

    refused = client.get(LIST, {"q": "keripik", "sort": "name", "page": "2", "kecamatan": kec_a.code})

    assert refused.status_code == 302
    assert refused["Location"] == f"{LIST}?q=keripik&kecamatan={kec_a.code}"
    assert _statement_timeout() == timeout  # the limit ended with the page's statements
    html = client.get(refused["Location"]).content.decode()
    assert "Terlalu banyak usaha cocok dengan pencarian ini untuk diurutkan menurut kolom “Nama usaha”." in html
    assert "yang terbaru didaftarkan tampil lebih dulu" in html
    assert keripik.get_absolute_url() in html
    assert other.get_absolute_url() not in html


def test_a_common_words_search_sorted_in_time_keeps_its_sort(client, dinas_sidoarjo, kec_a, monkeypatch):
    from registry import filtersets

    monkeypatch.setattr(filtersets, "COMMON_WORD_ROWS", -1)
    first, second = make_business(kec_a, name="Keripik Bawang"), make_business(kec_a, name="Aneka Keripik")
    client.force_login(dinas_sidoarjo)
    timeout = _statement_timeout()

    response = client.get(LIST, {"q": "keripik", "sort": "name"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(second.get_absolute_url()) < html.index(first.get_absolute_url())
    assert "Lebih dari 500 usaha cocok dengan pencarian ini. Tambahkan" in html  # no claim of newest first
    assert "Terlalu banyak usaha" not in html
    assert _statement_timeout() == timeout


def test_a_typo_of_a_common_word_is_also_searched_row_by_row(client, dinas_sidoarjo, kec_a, monkeypatch):
    """Nothing has "lumpiya"; names like it are many (here: by pretending so), so they are tested row by
    row along the newest-first order instead of being collected and sorted."""
    from registry import filtersets

    monkeypatch.setattr(filtersets, "_common_word", lambda value, similar=False: similar)
    lumpia = make_business(kec_a, name="Lumpia Bandeng")
    by_product = make_business(kec_a, name="Toko Bu Ani")
    make_product(by_product, name="Lumpia goreng")
    other = make_business(kec_a, name="Jamu Segar")
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST, {"q": "lumpiya"}).content.decode()

    assert lumpia.get_absolute_url() in html
    assert by_product.get_absolute_url() in html
    assert other.get_absolute_url() not in html
    assert "yang terbaru didaftarkan tampil lebih dulu" in html


def test_a_filter_bars_widgets_render_as_djangos_own_templates_do(rf, dinas_sidoarjo, kec_a):
    """The filter bar renders its widgets through Django's Jinja2 form renderer and reads its model selects'
    options as (pk, name) rows: the same HTML as Django's template renderer and model choices write."""
    from django.forms.renderers import DjangoTemplates
    from django_filters.fields import ModelChoiceIterator

    from registry.filtersets import BusinessFilterSet, NameChoiceField
    from registry.models import BusinessGroup

    BusinessGroup.objects.create(name='Kelompok "<b>" & Bu Ra\'as', kecamatan=kec_a)
    request = rf.get(LIST, {"kecamatan": kec_a.pk, "category": "makanan", "q": 'sambal "<b>"', "_lanjutan": "1"})
    request.user = dinas_sidoarjo
    filterset = BusinessFilterSet(request.GET, queryset=Business.objects.all(), request=request)
    assert filterset.is_valid()
    form = filterset.form
    ours = [str(field) for field in form]
    form.renderer = DjangoTemplates()
    for field in form.fields.values():
        if isinstance(field, NameChoiceField):
            field.iterator = ModelChoiceIterator
            field.widget.choices = field.choices
    plain = [str(field) for field in form]

    def same_entities(html):  # MarkupSafe writes &#34; and &#39; where Django writes &quot; and &#x27;
        return re.sub(r">\s+<", "><", html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")).strip()

    assert [same_entities(html) for html in ours] == [same_entities(html) for html in plain]
    assert any("Kelompok &quot;&lt;b&gt;&quot; &amp; Bu Ra&#x27;as" in same_entities(html) for html in ours)
    assert any(f'<option value="{kec_a.pk}" selected>' in html for html in ours)
