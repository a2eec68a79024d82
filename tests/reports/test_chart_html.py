"""The dashboard's charts rendered by Jinja2 (reports/chart_html.py) are the bytes Django's template
(reports/partials/_chart.html, the plain path) renders, for every chart of several dashboards in both
languages, and so is the whole of the figures."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from programs.models import CurationSubmission, Placement
from reports import chart_html
from reports.cache import figures_html
from reports.figures import AreaDashboard, InquiryFigures
from tests.factories import make_product

QUERIES = [
    {},
    {"category": "makanan"},
    {"guided": "true"},
    {"kecamatan": "KEC_A", "category": "minuman"},
    {"year": str(timezone.localdate().year)},
    {"from_date": "2024-01-01", "to_date": "2025-06-30"},
]


def dashboard_for(user, params):
    request = RequestFactory().get(reverse("reports:dashboard"), params)
    request.user = user
    return AreaDashboard(request, request.GET)


@pytest.fixture
def awkward_retailer(world, dinas_sidoarjo):
    """A placement whose retailer's name holds quotes, an ampersand and markup: a row label of the retailers'
    chart, escaped in its table, its JSON and its link."""
    placed = CurationSubmission.objects.filter(decision="lolos").select_related("product__business").first()
    passed = CurationSubmission.objects.create(
        call=placed.call,
        product=make_product(placed.product.business),
        submitted_by=placed.submitted_by,
        decision="lolos",
    )
    return Placement.objects.create(
        submission=passed,
        channel="ritel_modern",
        retailer="""Toko "Bu" O'Neil & <b>Anak</b>""",
        partner="Mitra",
        starts_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("params", QUERIES)
def test_every_chart_is_the_plain_charts_bytes(world, awkward_retailer, dinas_sidoarjo, kec_a, language, params):
    params = {key: kec_a.pk if value == "KEC_A" else value for key, value in params.items()}
    with translation.override(language):
        dashboard = dashboard_for(dinas_sidoarjo, params)
        charts = dashboard.charts() + InquiryFigures(dashboard).charts()
        query = dashboard.filter.data.urlencode()

        pairs = [(chart_html.chart_html(chart, query), chart_html.plain(chart, query)) for chart in charts]

    assert len(charts) == 17
    assert any(chart.rows for chart in charts)
    assert any(not chart.rows for chart in charts)
    for fast, plain in pairs:
        assert fast == plain


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_figures_are_the_plain_figures_bytes_and_escape_as_django_does(
    world, awkward_retailer, dinas_sidoarjo, monkeypatch, language
):
    with translation.override(language):
        fast = figures_html(dashboard_for(dinas_sidoarjo, {}))
        monkeypatch.setattr(chart_html, "chart_html", chart_html.plain)
        plain = figures_html(dashboard_for(dinas_sidoarjo, {}))

    assert fast == plain
    assert "Toko &quot;Bu&quot; O&#x27;Neil &amp; &lt;b&gt;Anak&lt;/b&gt; (" in fast  # the table's row
    assert "<b>Anak" not in fast
    assert ("Produk ditempatkan per peritel" if language == "id" else "Products placed by retailer") in fast
    assert ("Unduh CSV" if language == "id" else "Download CSV") in fast
