"""The dashboard's whole filter bar (year, period, kecamatan, category, group, binaan, unggulan), exports from
both records, and placements by channel and retailer: on the dashboard, in the Excel and in the PDF report."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import CurationSubmission, ExportFacilitation, Placement
from registry.countries import country_name
from tests.factories import make_product
from tests.reports.helpers import linked_figures, list_count
from tests.reports.test_dashboard import DASHBOARD, by_label, dashboard_for, everything
from tests.reports.test_printed import pdf_text
from tests.reports.test_reports import sheet_rows
from tests.worker import run_tasks

YEAR = str(timezone.localdate().year)
FILTER_NAMES = ["year", "from_date", "to_date", "kecamatan", "category", "group", "guided", "is_flagship"]


def _deal(business, year, country, value, by):
    return ExportFacilitation.objects.create(
        business=business, year=year, country=country, buyer="Buyer", value=value, organiser="Dinas", created_by=by
    )


@pytest.fixture
def trade(world, dinas_sidoarjo, coordinator_a):
    """Facilitated exports beside the world's yearly export figures, and a second placement in another channel.

    Kue Lumpur (a1): yearly figure MY 2025 250 juta, deals MY 2025 100 + 120 juta -> 250 juta (the figure
    covers them). Anyaman Bambu (a3): yearly figure SG 2024 90 juta, a deal SG 2024 150 juta -> 150 juta.
    Es Dawet (a2): no yearly figure, a deal KR this year 100 juta -> 100 juta.
    """
    a1, a2, a3 = world["a"]
    _deal(a1, 2025, "MY", 100_000_000, dinas_sidoarjo)
    _deal(a1, 2025, "MY", 120_000_000, dinas_sidoarjo)
    _deal(a3, 2024, "SG", 150_000_000, dinas_sidoarjo)
    _deal(a2, timezone.localdate().year, "KR", 100_000_000, dinas_sidoarjo)
    passed = CurationSubmission.objects.create(
        call=world["call"], product=make_product(a3), submitted_by=coordinator_a, decision="lolos"
    )
    Placement.objects.create(
        submission=passed,
        channel="oleh_oleh",
        retailer="Pusat Oleh-oleh Sidoarjo",
        partner="Gerai Bandara",
        starts_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    run_tasks()
    return world


def chart_rows(chart):
    return [(row.label, row.value, *amounts) for row, amounts in chart.lines]


#
# The bar: every filter shown, folded on a phone
#


def test_every_filter_is_in_the_dashboards_bar(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    html = client.get(DASHBOARD).content.decode()

    for name in FILTER_NAMES:
        assert f'name="{name}"' in html, name
    assert f'<option value="{YEAR}">{YEAR}</option>' in html


def test_the_bar_folds_on_a_phone_and_is_open_when_a_filter_is_set(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    blank = client.get(DASHBOARD).content.decode()
    filtered = client.get(DASHBOARD, {"year": YEAR, "guided": "true"}).content.decode()

    assert 'class="collapse d-md-block" id="dashboard-filters"' in blank
    assert 'aria-expanded="false"' in blank
    assert 'class="collapse d-md-block show" id="dashboard-filters"' in filtered
    assert re.search(r'aria-expanded="true"[^>]*data-testid="filter-toggle"', filtered)
    assert '<span class="badge text-bg-primary">2</span>' in filtered


def test_a_year_outside_the_offered_ones_is_refused_with_a_message_and_counts_nothing_wrong(
    client, world, dinas_sidoarjo
):
    client.force_login(dinas_sidoarjo)

    response = client.get(DASHBOARD, {"year": "1800"})

    assert response.status_code == 200
    assert "1800 bukan salah satu dari pilihan" in response.content.decode()
    assert response.context["dashboard"].period.start is None


#
# The new filters count what their lists show, through the right counting
#


@pytest.mark.parametrize(
    ("params", "tallied"),
    [
        ({}, True),
        ({"kecamatan": "35.15.12", "category": "makanan", "guided": "true"}, True),
        ({"year": YEAR}, False),
        ({"is_flagship": "true"}, False),
        ({"is_flagship": "false"}, False),
        ({"group": "group"}, False),
        ({"year": YEAR, "group": "group", "guided": "true"}, False),
    ],
)
def test_each_filter_counts_exactly_the_rows_of_the_lists_it_links_to(trade, dinas_sidoarjo, params, tallied):
    if params.get("group"):
        params = {**params, "group": trade["group"].pk}
    dashboard = dashboard_for(dinas_sidoarjo, **params)

    figures = list(linked_figures(*everything(dashboard)))

    assert dashboard.tallied is tallied
    assert len(figures) > 30
    for figure in figures:
        assert figure.value == list_count(figure.url, dinas_sidoarjo), figure


def test_the_year_is_the_period_from_january_to_december(trade, dinas_sidoarjo):
    dashboard = dashboard_for(dinas_sidoarjo, year=YEAR)

    totals = by_label(dashboard.totals())

    assert (dashboard.period.start, dashboard.period.end) == (
        datetime.date(timezone.localdate().year, 1, 1),
        datetime.date(timezone.localdate().year, 12, 31),
    )
    assert totals["Usaha terdaftar"] == 5
    assert totals["Mendaftar dalam periode"] == 4  # Anyaman Bambu was registered more than a year ago
    assert dashboard.flow_params["from_date"] == f"{YEAR}-01-01"


@pytest.mark.parametrize(
    ("params", "total"),
    [({"is_flagship": "true"}, 1), ({"is_flagship": "false"}, 4), ({"guided": "true"}, 1), ({"group": "group"}, 1)],
)
def test_unggulan_binaan_and_group_narrow_every_count(trade, dinas_sidoarjo, params, total):
    if params.get("group"):
        params = {"group": trade["group"].pk}
    dashboard = dashboard_for(dinas_sidoarjo, **params)

    assert by_label(dashboard.totals())["Usaha terdaftar"] == total
    assert sum(row.value for row in dashboard.by_kecamatan().rows) == total


#
# Exports: the yearly figures and the facilitated exports, each export once
#


def test_exports_count_the_yearly_figures_and_the_facilitated_exports_once_each(trade, dinas_sidoarjo):
    dashboard = dashboard_for(dinas_sidoarjo)

    by_country = chart_rows(dashboard.exports_by_country())
    by_category = chart_rows(dashboard.exports_by_category())

    assert by_country == [
        (country_name("MY"), 1, 250_000_000),  # the yearly figure covers the two deals (220 juta)
        (country_name("SG"), 1, 150_000_000),  # the deal is more than the yearly figure (90 juta)
        (country_name("KR"), 1, 100_000_000),  # a deal only
    ]
    assert by_category == [("Makanan", 1, 250_000_000), ("Kerajinan", 1, 150_000_000), ("Minuman", 1, 100_000_000)]


def test_exports_follow_the_year_and_the_scope(trade, dinas_sidoarjo):
    this_year = dashboard_for(dinas_sidoarjo, year=YEAR)
    flagship = dashboard_for(dinas_sidoarjo, is_flagship="true")

    assert chart_rows(this_year.exports_by_country()) == [(country_name("KR"), 1, 100_000_000)]
    assert chart_rows(this_year.exports_by_category()) == [("Minuman", 1, 100_000_000)]
    assert chart_rows(flagship.exports_by_country()) == [(country_name("MY"), 1, 250_000_000)]


def test_a_business_exporting_only_through_a_deal_is_in_the_business_list_of_its_country(client, trade, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    html = client.get(reverse("registry:business_list"), {"export_country": "KR"}).content.decode()

    assert "Es Dawet Pak Tono" in html
    assert "Kue Lumpur Bu Sri" not in html


#
# Placements by channel and retailer
#


def test_placements_are_counted_by_channel_and_by_retailer(trade, dinas_sidoarjo):
    dashboard = dashboard_for(dinas_sidoarjo)

    channels = by_label(dashboard.placements_by_channel().rows)
    retailers = chart_rows(dashboard.placements_by_retailer())

    assert channels == {
        "Ritel modern": 1,
        "Toko oleh-oleh/suvenir": 1,
        "Marketplace": 0,
        "Hotel atau restoran": 0,
        "Ekspor": 0,
        "Lainnya": 0,
    }
    assert retailers == [("Pusat Oleh-oleh Sidoarjo (Toko oleh-oleh/suvenir)", 1), ("Indomaret (Ritel modern)", 1)]


def test_retailers_typed_in_different_cases_are_one_retailer(trade, dinas_sidoarjo):
    Placement.objects.filter(retailer="Indomaret").update(retailer="INDOMARET")
    submission = CurationSubmission.objects.create(
        call=trade["call"], product=make_product(trade["a"][1]), submitted_by=dinas_sidoarjo, decision="lolos"
    )
    Placement.objects.create(
        submission=submission,
        channel="ritel_modern",
        retailer="Indomaret",
        partner="Indomaret Krian",
        starts_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    dashboard = dashboard_for(dinas_sidoarjo)

    (indomaret,) = [row for row in dashboard.placements_by_retailer().rows if "ndomaret" in row.label.lower()]

    assert indomaret.value == 2 == list_count(indomaret.url, dinas_sidoarjo)


def test_a_user_who_may_not_list_placements_sees_no_placement_chart(client, trade, dinas_sidoarjo):
    from django.contrib.auth.models import Permission

    from tests.factories import make_user

    viewer = make_user(kabupaten=trade["call"].kabupaten)
    viewer.user_permissions.add(Permission.objects.get(codename="view_business"))
    client.force_login(viewer)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert 'id="chart-penempatan-title"' not in response.content.decode()
    assert client.get(DASHBOARD, {"unduh": "csv", "grafik": "penempatan"}).status_code == 404
    client.force_login(dinas_sidoarjo)
    assert 'id="chart-penempatan-title"' in client.get(DASHBOARD).content.decode()


#
# Both reports, with every new filter
#


REPORT_FILTERS = [
    ({"year": YEAR}, "Periode", f"1 Januari {YEAR} s.d. 31 Desember {YEAR}", 5),
    ({"is_flagship": "true"}, "Unggulan", "ya", 1),
    ({"guided": "true"}, "Binaan", "ya", 1),
    ({"group": "group"}, "Kelompok", "Kelompok Kue", 1),
]


@pytest.mark.parametrize(("params", "label", "shown", "total"), REPORT_FILTERS)
def test_the_excel_report_follows_each_filter(client, trade, dinas_sidoarjo, params, label, shown, total):
    if params.get("group"):
        params = {"group": trade["group"].pk}
    client.force_login(dinas_sidoarjo)

    rows = sheet_rows(client.get(reverse("reports:summary_xlsx"), params).content)

    assert [label, shown] in [row[:2] for row in rows]
    assert ["Usaha terdaftar", total] in [row[:2] for row in rows]


@pytest.mark.parametrize(("params", "label", "shown", "total"), REPORT_FILTERS)
def test_the_pdf_report_follows_each_filter(client, trade, dinas_sidoarjo, params, label, shown, total):
    if params.get("group"):
        params = {"group": trade["group"].pk}
    client.force_login(dinas_sidoarjo)

    text = pdf_text(client.get(reverse("reports:summary_pdf"), params).content)

    assert f"{label}\n{shown}" in text
    assert f"Usaha terdaftar\n{total}\n" in text


def test_both_reports_hold_the_exports_by_country_and_category_and_the_placements(client, trade, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    rows = sheet_rows(client.get(reverse("reports:summary_xlsx")).content)
    text = pdf_text(client.get(reverse("reports:summary_pdf")).content)

    assert [country_name("KR"), 1, 100_000_000] in [row[:3] for row in rows]
    assert ["Minuman", 1, 100_000_000] in [row[:3] for row in rows]
    assert ["Toko oleh-oleh/suvenir", 1] in [row[:2] for row in rows]
    assert ["Indomaret (Ritel modern)", 1] in [row[:2] for row in rows]
    for title in ("Ekspor per negara tujuan", "Ekspor per kategori", "Produk ditempatkan per saluran"):
        assert [title] in [row[:1] for row in rows]
        assert title in text
    assert f"{country_name('KR')}\n1\nRp 100 juta" in text


#
# The cache key holds every filter; the query count is pinned with each filter
#


def test_each_new_filter_has_its_own_cached_figures(client, trade, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    def figures(params):
        return client.get(DASHBOARD, params).context["figures_html"]

    shown = [
        figures({}),
        figures({"year": YEAR}),
        figures({"year": str(timezone.localdate().year - 1)}),
        figures({"is_flagship": "true"}),
        figures({"group": trade["group"].pk}),
    ]

    assert len(set(shown)) == len(shown)
    assert figures({"year": YEAR}) == shown[1]
    cache.clear()
    assert figures({"year": YEAR}) == shown[1]


# Read from the summary (none, kecamatan, category, binaan) or counted live (a period, a group, unggulan): a fixed
# number each, whatever the number of rows (the summary's: test_dashboard.py). The group's form adds its choices.
# Each includes the selling events' totals (in the cached figures; here there are none, so no count per year)
# and the buyer inquiries' totals, counted live beside them (reports.figures.InquiryFigures: here there are
# none, so their four charts ask nothing); a
# kecamatan or group filter also validates the inquiries' filter set (its choices). The summary is read over
# the user's area codes as the area door read them, unless a kecamatan filter narrows it (one query more).
# Whether the area's writes wait for the worker is read with the summary's generation (one query). Without an end
# date the selling events reuse the dashboard's business filter set (a kecamatan or group filter validates once).
# Exports are read from the summary when it serves the figures (no filter, kecamatan, category, guided).
QUERIES = {
    "": 16,
    "year": 32,
    "from_date": 32,
    "kecamatan": 21,
    "category": 16,
    "group": 39,
    "guided": 16,
    "is_flagship": 31,
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_the_dashboards_queries_are_pinned_for_each_filter(client, trade, dinas_sidoarjo, redis_cache, name):
    values = {
        "": None,
        "year": YEAR,
        "from_date": f"{YEAR}-01-01",
        "kecamatan": "35.15.12",
        "category": "makanan",
        "group": trade["group"].pk,
        "guided": "true",
        "is_flagship": "true",
    }
    params = {name: values[name]} if name else {}
    client.force_login(dinas_sidoarjo)
    client.get(DASHBOARD, params)  # content types, permissions
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD, params)

    assert response.status_code == 200
    assert len(queries.captured_queries) == QUERIES[name]
