import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry import roles
from registry.demo import SOURCE_KABUPATEN
from registry.models import Business, Category, Kecamatan, YearlyFigure
from registry.services import load_regions
from registry.sizing import SizeClass
from reports.coordinator import CoordinatorWorklist
from reports.figures import AreaDashboard
from tests.factories import make_business, make_figure, make_user
from tests.reports.helpers import linked_figures, list_count
from tests.worker import run_tasks

DASHBOARD = reverse("reports:dashboard")


def dashboard_for(user, **params):
    request = RequestFactory().get(DASHBOARD, params)
    request.user = user
    return AreaDashboard(request, request.GET)


def everything(dashboard):
    return [dashboard.totals(), dashboard.documents(), dashboard.funnels(), dashboard.charts()]


def sql(query, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def sql_count(where="TRUE", *params, kabupaten="35.15"):
    """Businesses of a kabupaten counted in plain SQL, independently of the ORM code under test."""
    return sql(
        f"""SELECT count(*) FROM registry_business b JOIN registry_kecamatan k ON k.code = b.kecamatan_id
            JOIN registry_owner o ON o.id = b.owner_id
            WHERE k.kabupaten_id = %s AND b.deleted_at IS NULL AND ({where})""",  # noqa: S608 (test-only literals)
        kabupaten,
        *params,
    )[0][0]


def by_label(figures):
    return {figure.label: figure.value for figure in figures}


#
# Every figure against an independent SQL count, and against the list it links to
#


def test_dinas_figures_match_independent_sql_counts(world, dinas_sidoarjo):
    dashboard = dashboard_for(dinas_sidoarjo)
    totals = by_label(dashboard.totals())
    charts = {chart.key: chart for chart in dashboard.charts()}

    assert totals["Usaha terdaftar"] == sql_count() == 5
    assert totals["Terverifikasi"] == sql_count("b.verification = 'terverifikasi'") == 3
    assert totals["Binaan"] == sql_count("b.guided_by <> ''") == 1
    assert totals["Unggulan"] == sql_count("b.is_flagship") == 1
    for row in charts["kecamatan"].rows:
        assert row.value == sql_count("k.name = %s", row.label)
    for value, label in [("makanan", "Makanan"), ("minuman", "Minuman"), ("batik", "Batik dan tenun")]:
        assert by_label(charts["kategori"].rows)[label] == sql_count("b.category = %s", value)
    assert by_label(charts["pemilik"].rows) == {
        "Laki-laki": sql_count("o.sex = 'L'"),
        "Perempuan": sql_count("o.sex = 'P'"),
    }
    assert by_label(charts["skala"].rows)["Kecil"] == sql_count("b.size_class = 'kecil'") == 1
    assert by_label(charts["skala"].rows)["Belum ada data tahunan"] == sql_count("b.size_class = ''") == 2
    assert sum(row.value for row in charts["kbli"].rows) == sql_count()
    assert by_label(charts["kbli"].rows)["C. Industri pengolahan"] == sql_count(
        "b.kbli_version = '2020' AND substr(b.kbli_code, 1, 2) BETWEEN '10' AND '33'"
    )
    assert by_label(charts["naik_kelas"].rows) == {"2025": 1}
    assert by_label(charts["ekspor"].rows) == {"Malaysia": 1, "Singapura": 1}
    assert charts["ekspor"].series == [[250_000_000, 90_000_000]]


def test_document_and_funnel_figures_match_sql(world, dinas_sidoarjo):
    dashboard = dashboard_for(dinas_sidoarjo)
    documents = dashboard.documents()
    funnels = dashboard.funnels()

    assert by_label(documents["coverage"])["Punya NIB"] == sql_count("b.nib <> ''") == 1
    valid_halal = (
        "EXISTS (SELECT 1 FROM registry_legaldocument d WHERE d.business_id = b.id AND d.kind = 'halal'"
        " AND (d.expires_on IS NULL OR d.expires_on >= %s))"
    )
    assert (
        by_label(documents["coverage"])["Punya sertifikat halal"] == sql_count(valid_halal, timezone.localdate()) == 1
    )
    assert by_label(documents["expiring"])["P-IRT habis dalam 6 bulan"] == 1
    # Food and drink, micro/small/unclassed, without a valid halal certificate: Es Dawet, Krupuk (Bandeng is agro).
    assert documents["halal_due"].value == 2
    assert [f.value for f in funnels["pelatihan"]] == [3, 2, 1]
    assert [f.value for f in funnels["kurasi"]] == [3, 1, 1]
    assert [f.value for f in funnels["pembiayaan"]] == [3, 2, 1]
    assert [f.value for f in funnels["pembiayaan_nilai"]] == [160_000_000, 65_000_000, 40_000_000]
    referred = sql(
        """SELECT count(*), sum(r.amount_requested) FROM programs_bankreferral r
           JOIN registry_business b ON b.id = r.business_id JOIN registry_kecamatan k ON k.code = b.kecamatan_id
           WHERE k.kabupaten_id = '35.15' AND EXISTS (SELECT 1 FROM programs_bankreferralevent e
           WHERE e.referral_id = r.id AND e.to_status = 'dikirim')"""
    )[0]
    assert (funnels["pembiayaan"][0].value, funnels["pembiayaan_nilai"][0].value) == referred


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kecamatan": "35.15.12"},
        {"category": "makanan"},
        {"guided": "true"},
        {"from_date": (timezone.localdate().replace(day=1)).isoformat(), "to_date": timezone.localdate().isoformat()},
        {"to_date": (timezone.localdate().replace(year=timezone.localdate().year - 1)).isoformat()},
    ],
)
def test_every_figure_counts_exactly_the_rows_of_the_list_it_links_to(world, dinas_sidoarjo, params):
    dashboard = dashboard_for(dinas_sidoarjo, **params)

    figures = list(linked_figures(*everything(dashboard)))

    assert len(figures) > 30
    for figure in figures:
        assert figure.value == list_count(figure.url, dinas_sidoarjo), figure


def test_group_filter_counts_only_the_groups_members(world, dinas_sidoarjo):
    dashboard = dashboard_for(dinas_sidoarjo, group=world["group"].pk)

    assert by_label(dashboard.totals())["Usaha terdaftar"] == 1
    for figure in linked_figures(*everything(dashboard)):
        assert figure.value == list_count(figure.url, dinas_sidoarjo), figure


def test_the_period_counts_stock_up_to_its_end_and_registrations_within_it(world, dinas_sidoarjo):
    last_year = timezone.localdate().replace(year=timezone.localdate().year - 1)
    dashboard = dashboard_for(dinas_sidoarjo, to_date=last_year.isoformat())

    assert by_label(dashboard.totals())["Usaha terdaftar"] == 1  # only Anyaman Bambu was registered by then
    months = dashboard.registrations().rows
    assert sum(row.value for row in months) == 1


def test_figures_on_the_demo_data_match_their_lists(db, capsys):
    load_regions(SOURCE_KABUPATEN)
    call_command("load_demo_data", "--force", "--members", "6")
    run_tasks()
    from django.contrib.auth import get_user_model

    for username in ("dinas.sidoarjo", "dinas.sumenep", "koordinator.dasuk"):
        user = get_user_model().objects.get(username=username)
        dashboard = dashboard_for(user)
        kabupaten = Kecamatan.objects.visible_to(user).first().kabupaten_id
        if username.startswith("dinas"):
            assert by_label(dashboard.totals())["Usaha terdaftar"] == sql_count(kabupaten=kabupaten) > 0
            charts = {chart.key: chart for chart in dashboard.charts()}
            for row in charts["kecamatan"].rows:
                assert row.value == sql_count("k.name = %s", row.label, kabupaten=kabupaten)
            for value, label in Category.choices:
                expected = sql_count("b.category = %s", value, kabupaten=kabupaten)
                assert by_label(charts["kategori"].rows)[label] == expected
            for value, label in SizeClass.choices:
                expected = sql_count("b.size_class = %s", value, kabupaten=kabupaten)
                assert by_label(charts["skala"].rows)[label] == expected
            registrations = sum(row.value for row in charts["pendaftaran"].rows)
            assert registrations == sql_count(kabupaten=kabupaten)
        for figure in linked_figures(*everything(dashboard)):
            assert figure.value == list_count(figure.url, user), (username, figure)


#
# Area
#


def test_a_coordinators_dashboard_holds_nothing_from_another_kecamatan(world, coordinator_a):
    dashboard = dashboard_for(coordinator_a)

    assert by_label(dashboard.totals())["Usaha terdaftar"] == 3
    assert [row.label for row in dashboard.by_kecamatan().rows] == ["Balongbendo"]
    assert [f.value for f in dashboard.funnels()["pelatihan"]] == [2, 2, 1]
    assert [f.value for f in dashboard.funnels()["kurasi"]] == [2, 1, 1]
    assert by_label(dashboard.exports_by_country().rows) == {"Malaysia": 1, "Singapura": 1}
    assert dashboard.exports_by_country().series == [[250_000_000, 90_000_000]]


def test_another_areas_kecamatan_in_the_url_is_refused_and_counts_nothing_of_it(client, world, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get(DASHBOARD, {"kecamatan": "35.15.11"})

    assert response.status_code == 200
    assert "Krian" not in response.content.decode()
    assert by_label(response.context["totals"])["Usaha terdaftar"] == 3
    assert response.context["filter"].errors


def test_dinas_of_another_kabupaten_sees_only_their_own(world, dinas_other):
    dashboard = dashboard_for(dinas_other)

    assert by_label(dashboard.totals())["Usaha terdaftar"] == 2
    assert by_label(dashboard.exports_by_country().rows) == {"Malaysia": 1}
    assert dashboard.exports_by_country().series == [[999_000_000]]


#
# Views
#


def test_dashboard_page_shows_figures_linked_to_their_lists(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    response = client.get(DASHBOARD, {"category": "makanan"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/usaha/?category=makanan&amp;verification=terverifikasi"' in html
    assert "chart-kategori-data" in html
    assert "wajib bersertifikat halal sejak 17 Oktober 2026" in html


@pytest.mark.parametrize(
    ("who", "status", "total"),
    [("bank_officer", 403, None), ("unassigned_user", 200, 0), ("coordinator_a", 200, 3), ("portal_admin", 200, 7)],
)
def test_dashboard_roles(client, world, request, who, status, total):
    client.force_login(request.getfixturevalue(who))

    response = client.get(DASHBOARD)

    assert response.status_code == status
    if total is not None:
        assert by_label(response.context["totals"])["Usaha terdaftar"] == total


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_chart_downloads_as_csv_with_the_same_numbers(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    response = client.get(DASHBOARD, {"unduh": "csv", "grafik": "kategori"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv"
    assert rows[0] == ["", "Jumlah usaha"]
    assert ["Makanan", "2"] in rows
    assert client.get(DASHBOARD, {"unduh": "csv", "grafik": "tidak-ada"}).status_code == 404
    dashboard = dashboard_for(dinas_sidoarjo)
    assert [dashboard.chart(key).key for key in dashboard.CHARTS] == [chart.key for chart in dashboard.charts()]
    assert list(dashboard.CHARTS) == [chart.key for chart in dashboard.charts()]


def test_dashboard_query_count_does_not_grow_with_the_number_of_businesses(
    client, world, dinas_sidoarjo, kec_a, redis_cache
):
    """Read from the summary table: a fixed number of queries, the same right after writes (the page then
    says the worker is still counting them) and once the worker has recounted, however many writes.
    (On Redis: the database cache would add its own few queries to each count.)"""
    from django.core.cache import cache

    client.force_login(dinas_sidoarjo)
    client.get(DASHBOARD)  # warm caches (content types, permissions)

    def view():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DASHBOARD)
        return response, len(queries.captured_queries)

    _, clean = view()
    make_business(kec_a, category="makanan")
    _, after_one = view()
    for n in range(15):
        business = make_business(kec_a, category=["makanan", "jasa", "batik"][n % 3])
        make_figure(business, year=2024, revenue=100_000_000 * (n + 1))
    counting, after_many = view()
    run_tasks()
    response, caught_up = view()

    assert 'data-testid="catching-up"' in counting.content.decode()
    assert by_label(counting.context["totals"])["Usaha terdaftar"] == 5  # what the worker had counted
    assert 'data-testid="catching-up"' not in response.content.decode()
    assert by_label(response.context["totals"])["Usaha terdaftar"] == 21
    # The world has no inquiry: one query asks for them (two with some, tests/programs/test_inquiries.py).
    assert clean == after_one == after_many == caught_up == 16


def test_unchanged_data_is_served_from_the_cache_and_any_write_recomputes(client, world, dinas_sidoarjo, kec_a):
    from django.core.cache import cache

    def figures(params):
        return client.get(DASHBOARD, params).context["figures_html"]

    def fresh(params):
        cache.clear()
        return figures(params)

    makanan = {"category": "makanan"}
    client.force_login(dinas_sidoarjo)
    first = figures(makanan)
    with CaptureQueriesContext(connection) as again:
        second = figures(makanan)
    cached_queries = len(again.captured_queries)  # read now: the next request empties the connection's log
    other_filter = figures({"category": "jasa"})
    make_business(kec_a, category="makanan")
    before_recount = figures(makanan)
    run_tasks()
    after_write = figures(makanan)
    after_write_fresh = fresh(makanan)
    business = Business.objects.filter(kecamatan=kec_a, category="makanan", is_flagship=False).first()
    Business.objects.filter(pk=business.pk).update(is_flagship=True)  # a bulk update: no signal, no save()
    run_tasks()
    after_update = figures(makanan)

    assert second == first
    # session, user, its groups with its permissions (one read: umkm_portal.security), the area codes, the
    # generation with the pending marks and the digest of the filter bar's options, one cache read of the figures
    # and the bar, the second-factor devices
    assert cached_queries == 7
    assert other_filter != first
    assert before_recount == first  # the worker had not recounted yet
    assert after_write != first
    assert after_write == after_write_fresh  # what the cache gave is what a fresh count gives
    assert after_update != after_write
    assert after_update == fresh(makanan)


def test_coordinator_worklist_counts_match_its_lists_and_stay_in_the_kecamatan(world, coordinator_a, kec_a, rf):
    request = rf.get("/")
    request.user = coordinator_a
    worklist = CoordinatorWorklist(request)

    members, missing = by_label(worklist.members()), by_label(worklist.missing())
    assert members["Anggota terdaftar"] == 3
    assert missing["Belum punya NIB"] == 2
    assert missing["Belum ada foto produk"] == 3
    last_year = timezone.localdate().year - 1  # the last whole year's figures are asked for
    with_figures = YearlyFigure.objects.filter(business__kecamatan=kec_a, year=last_year)
    assert missing[f"Belum ada data tahun {last_year}"] == 3 - with_figures.values("business").distinct().count()
    assert by_label(worklist.nominations())["Nominasi saya"] == 2
    assert by_label(worklist.submissions())["Lolos"] == 1
    for figure in linked_figures(
        worklist.members(), worklist.missing(), worklist.nominations(), worklist.submissions()
    ):
        assert figure.value == list_count(figure.url, coordinator_a), figure
    assert [t.title for t in worklist.upcoming_trainings()] == ["Kemasan"]


def test_coordinator_dashboard_page(client, world, coordinator_b):
    client.force_login(coordinator_b)

    response = client.get(reverse("reports:coordinator"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Krian" in html
    assert "Balongbendo" not in html


@pytest.mark.parametrize("role", [roles.DINAS, roles.BANK])
def test_coordinator_dashboard_is_for_coordinators(client, world, kab_sidoarjo, role):
    client.force_login(make_user(role, kabupaten=kab_sidoarjo if role == roles.DINAS else None))

    assert client.get(reverse("reports:coordinator")).status_code == 403


def bar_of(response):
    """The filter bar's HTML in a dashboard page (reports/partials/_filter_bar.html)."""
    html = response.content.decode()
    start = html.index('data-testid="filter-toggle"')
    return html[start : html.index("</form>", start)]


def fresh_bar(user, params):
    from types import SimpleNamespace

    from django.http import QueryDict
    from django.template.loader import render_to_string

    data = QueryDict(params)
    dashboard = AreaDashboard(SimpleNamespace(user=user, GET=data), data)
    html = render_to_string("reports/partials/_filter_bar.html", {"filter": dashboard.filter})
    return html[html.index('data-testid="filter-toggle"') : html.index("</form>")]


@pytest.mark.parametrize(
    "params", ["", "category=makanan", "kecamatan=35.15.12&guided=true", "from_date=bukan-tanggal"]
)
def test_the_kept_filter_bar_is_the_bar_rendered_afresh(client, world, dinas_sidoarjo, params):
    from django.core.cache import cache

    client.force_login(dinas_sidoarjo)
    cache.clear()
    rendered = bar_of(client.get(f"{DASHBOARD}?{params}"))
    with CaptureQueriesContext(connection) as kept_view:
        kept = bar_of(client.get(f"{DASHBOARD}?{params}"))

    assert kept == rendered == fresh_bar(dinas_sidoarjo, params)
    # A kept bar reads none of its options itself (they come as one digest with the generation).
    options = ('SELECT "registry_businessgroup"', 'SELECT "registry_kecamatan"."code" AS "pk", "registry_kecamatan".')
    assert [query["sql"] for query in kept_view.captured_queries if query["sql"].startswith(options)] == []


def test_a_renamed_kecamatan_or_a_new_group_shows_in_the_kept_bar_at_once(client, world, dinas_sidoarjo, kec_a):
    from registry.models import BusinessGroup

    client.force_login(dinas_sidoarjo)
    before = bar_of(client.get(DASHBOARD))
    bar_of(client.get(DASHBOARD))  # kept now
    Kecamatan.objects.filter(pk=kec_a.pk).update(name="Balongbendo Baru")
    renamed = bar_of(client.get(DASHBOARD))
    BusinessGroup.objects.create(name="Kelompok Batik Baru", kecamatan=kec_a)
    grouped = bar_of(client.get(DASHBOARD))

    assert "Balongbendo Baru" not in before
    assert "Balongbendo Baru" in renamed
    assert "Kelompok Batik Baru" not in renamed
    assert "Kelompok Batik Baru" in grouped
    assert grouped == fresh_bar(dinas_sidoarjo, "")


def test_the_kept_bar_follows_the_language(client, world, dinas_sidoarjo):
    from django.conf import settings

    client.force_login(dinas_sidoarjo)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = bar_of(client.get(DASHBOARD))
    kept_english = bar_of(client.get(DASHBOARD))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"  # last: the request leaves its language active
    indonesian = bar_of(client.get(DASHBOARD))

    assert "Terapkan" in indonesian
    assert "Terapkan" not in english
    assert kept_english == english
