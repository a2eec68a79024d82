"""The dashboard's summary table against the live counts it replaces, through every kind of write."""

import datetime
import os
import re
import time

import pytest
from django.core.cache import cache as shared_cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import Attendance, BankReferral, CurationSubmission, Enrollment, Placement
from registry.measures import months_ahead
from registry.models import Business, LegalDocument, Owner
from reports import tally
from reports.counts import LiveCounts
from reports.figures import AreaDashboard
from reports.models import Tally, TallyDirty
from tests.factories import make_business, make_document, make_figure, make_owner, make_product
from tests.processes import database_url, start_worker, stop
from tests.reports.conftest import _referral
from tests.worker import run_tasks

DASHBOARD = reverse("reports:dashboard")


def figures(user, *, tallied, **params):
    request = RequestFactory().get(reverse("reports:dashboard"), params)
    request.user = user
    dashboard = AreaDashboard(request, request.GET)
    assert dashboard.tallied
    if not tallied:
        dashboard.counts = LiveCounts(dashboard)  # the other implementation of the same questions
    return {
        "totals": dashboard.totals(),
        "documents": dashboard.documents(),
        "funnels": dashboard.funnels(),
        "charts": dashboard.charts(),
        "recap": dashboard.kecamatan_recap(),
    }


def assert_same(user, **params):
    tallied, live = figures(user, tallied=True, **params), figures(user, tallied=False, **params)
    for key in live:
        assert tallied[key] == live[key], key


SCOPES = [{}, {"category": "makanan"}, {"guided": "true"}, {"guided": "false"}]


def test_the_tally_gives_the_live_figures_through_every_kind_of_write(
    world, dinas_sidoarjo, coordinator_a, bank, kec_a, kec_b
):
    for params in [*SCOPES, {"kecamatan": kec_a.pk}]:
        assert_same(dinas_sidoarjo, **params)
    a1, a2, a3 = world["a"]
    b1, b2 = world["b"]

    # A business moves cell (category, kecamatan through its desa is not editable here: category and guidance).
    Business.objects.filter(pk=a2.pk).update(category="makanan", guided_by="Dinas")
    # Owner's sex, a soft delete, a verification, a size class.
    Owner.objects.filter(pk=b2.owner_id).update(sex=Owner.Sex.FEMALE)
    Business.objects.filter(pk=a3.pk).update(deleted_at=timezone.now())
    Business.objects.filter(pk=b1.pk).update(verification=Business.Verification.REJECTED, verification_note="x")
    # Documents: renewed (an expiring one and a later one), expiring only, never expiring, expired, deleted.
    make_document(b2, kind=LegalDocument.Kind.PIRT, expires_on=months_ahead(timezone.localdate(), 2))
    make_document(b2, kind=LegalDocument.Kind.PIRT, expires_on=timezone.localdate() + datetime.timedelta(days=1500))
    make_document(a2, kind=LegalDocument.Kind.BPOM_MD, expires_on=timezone.localdate())
    make_document(a2, kind=LegalDocument.Kind.HALAL, expires_on=None)
    LegalDocument.objects.filter(business=a1, kind=LegalDocument.Kind.HALAL).delete()
    # Yearly figures, program records and their children.
    make_figure(b2, year=2024, revenue=100_000_000)
    make_figure(b2, year=2025, revenue=2_000_000_000)
    enrollment = Enrollment.objects.create(training=world["training"], business=b1, nominated_by=coordinator_a)
    Attendance.objects.create(
        enrollment=enrollment, session=world["training"].sessions.get(), present=True, marked_by=dinas_sidoarjo
    )
    submission = CurationSubmission.objects.create(
        call=world["call"], product=make_product(b2), submitted_by=coordinator_a, decision="lolos"
    )
    Placement.objects.create(
        submission=submission,
        channel="ritel_modern",
        retailer="Alfamart",
        partner="Alfamart",
        starts_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    _referral(b2, bank, "dicairkan", coordinator_a, requested=5_000_000, approved=5_000_000, disbursed=4_000_000)
    BankReferral.objects.filter(business=a1).update(amount_disbursed=41_000_000)
    # And a new member in a new cell.
    make_business(kec_b, category="jasa", owner=make_owner(kec_b, female=True))

    assert TallyDirty.objects.exists()
    run_tasks()  # the worker's scheduled recount
    assert not TallyDirty.objects.exists()
    for params in [*SCOPES, {"kecamatan": kec_b.pk}]:
        assert_same(dinas_sidoarjo, **params)


def test_a_write_marks_only_its_cells_and_a_refresh_recounts_them(world, kec_a):
    tally.refresh()
    before = {(t.kecamatan, t.category, t.guided, t.measure, t.bucket): t.n for t in Tally.objects.all()}

    make_business(kec_a, category="jasa")

    assert list(TallyDirty.objects.values_list("kecamatan", "category", "guided")) == [(kec_a.pk, "jasa", False)]
    assert tally.refresh() == 1
    after = {(t.kecamatan, t.category, t.guided, t.measure, t.bucket): t.n for t in Tally.objects.all()}
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert changed
    assert all(key[:3] == (kec_a.pk, "jasa", False) for key in changed)
    assert after[(kec_a.pk, "jasa", False, "all", "")] == before.get((kec_a.pk, "jasa", False, "all", ""), 0) + 1
    assert tally.refresh() == 0


def test_a_recount_moves_the_generation_and_nothing_else_does(world, kec_a):
    """One freshness mechanism: the data-version triggers are gone; writes to what the dashboard counts
    live (exports, groups, photos, a training) mark their businesses' cells like the rest, and only the
    recount (or loading official counts) moves the generation."""
    from django.db import connection

    from programs.models import Training
    from registry.models import BusinessGroup, ExportValue

    tally.refresh()
    start = tally.generation()
    business = world["a"][0]
    ExportValue.objects.create(business=business, year=2025, country="JP", value=1_000_000)
    assert tally.generation() == start  # a write alone does not move it
    assert TallyDirty.objects.filter(kecamatan=kec_a.pk, category=business.category).exists()
    assert tally.refresh() >= 1
    assert tally.generation() == start + 1
    assert tally.refresh() == 0
    assert tally.generation() == start + 1  # nothing recounted, nothing moved
    assert Training.objects.filter(enrollments__isnull=False).distinct().update(title="Pelatihan baru")
    assert TallyDirty.objects.exists()
    tally.refresh()
    business.groups.add(BusinessGroup.objects.create(name="Klaster baru", kecamatan=kec_a))
    assert TallyDirty.objects.filter(kecamatan=kec_a.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'reports_version%'")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = 'reports_data_version'")
        assert cursor.fetchone()[0] == 0


def test_a_rebuild_gives_what_the_incremental_refreshes_gave(world):
    def rows():
        return sorted(Tally.objects.values_list("kecamatan", "category", "guided", "measure", "bucket", "n", "amount"))

    tally.refresh()
    incremental = rows()
    tally.rebuild()
    assert rows() == incremental


def test_many_dirty_cells_are_recounted_by_kecamatan(world, dinas_sidoarjo, kec_a, monkeypatch):
    monkeypatch.setattr(tally, "CELLS_BY_NAME", 0)
    make_business(kec_a, category="jasa")
    run_tasks()
    for params in SCOPES:
        assert_same(dinas_sidoarjo, **params)


@pytest.mark.parametrize("params", [{"from_date": "2020-01-01"}, {"to_date": "2030-12-31"}, {"group": "group"}])
def test_filters_outside_the_cell_count_live(world, dinas_sidoarjo, params):
    request = RequestFactory().get(reverse("reports:dashboard"), params)
    if "group" in params:
        request = RequestFactory().get(reverse("reports:dashboard"), {"group": world["group"].pk})
    request.user = dinas_sidoarjo
    assert not AreaDashboard(request, request.GET).tallied


@pytest.mark.django_db(transaction=True)
def test_a_write_committing_after_a_recount_began_is_still_counted(kec_a):
    """A recount deletes the marks it can see; a write in flight keeps its own mark, so the recount after
    its commit counts it (a mark shared between transactions would have been deleted with the old one)."""
    import psycopg2
    from django.db import connection

    business = make_business(kec_a, category="jasa")  # committed: its cell is marked
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:  # a second user's write, not yet committed
            cursor.execute("UPDATE registry_business SET is_flagship = true WHERE id = %s", [business.pk])
        tally.refresh()  # sees and deletes the first mark only
        other.commit()
    finally:
        other.close()

    assert TallyDirty.objects.filter(kecamatan=kec_a.pk, category="jasa").exists()
    tally.refresh()
    flagship = Tally.objects.get(kecamatan=kec_a.pk, category="jasa", guided=False, measure="flagship", bucket="1")
    assert flagship.n == 1


def test_a_warm_up_that_fails_leaves_the_recount_done(world, dinas_sidoarjo, kec_a, monkeypatch, caplog):
    """The recount commits before the dashboards are warmed; a failure while warming (a fault injected
    here) is logged and the task still reports the cells it recounted, so the schedule does not retry it."""
    from reports import cache
    from reports.tasks import refresh_tallies

    def broken(dashboard):
        raise RuntimeError("figures failed")

    tally.refresh()
    dinas_sidoarjo.last_login = timezone.now()
    dinas_sidoarjo.save(update_fields=["last_login"])
    make_business(kec_a, category="jasa")
    monkeypatch.setattr(cache, "figures_html", broken)

    assert refresh_tallies.call() == 1
    assert not TallyDirty.objects.exists()
    assert "Warming the dashboards after a recount failed" in caplog.text


def summary_reads(queries):
    """The statements of `queries` that read the summary table itself (not its marks or its generation)."""
    return [query["sql"] for query in queries if re.search(r"reports_tally\b", query["sql"])]


@pytest.mark.django_db(transaction=True)
def test_the_first_view_after_a_write_and_its_recount_is_read_from_the_cache(client, world, dinas_sidoarjo, kec_a):
    """A real worker in a process of its own recounts a write and warms the dinas's dashboard in the same
    transaction: the moment the new generation is seen, the figures are in the cache, so the dinas's first
    view reads no summary and runs as many queries as any cached view. (Before, the worker warmed after the
    commit, and a view right after the move computed the figures itself.)"""
    tally.refresh()
    client.force_login(dinas_sidoarjo)  # signed in: the worker warms this dashboard
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as cached_view:
        client.get(DASHBOARD)
    cached_queries = len(cached_view.captured_queries)  # read now: the next request empties the connection's log
    worker = start_worker("first-view", open(os.devnull, "w"), DATABASE_URL=database_url())  # noqa: SIM115
    try:
        for round_ in range(3):
            before = tally.generation()
            make_business(kec_a, category="jasa", name=f"Jasa Baru {round_}")
            deadline = time.monotonic() + 60
            while tally.generation() == before:
                assert time.monotonic() < deadline, "the worker did not recount within a minute"
                time.sleep(0.01)
            with CaptureQueriesContext(connection) as first_view:
                response = client.get(DASHBOARD)

            assert summary_reads(first_view.captured_queries) == []
            assert len(first_view.captured_queries) == cached_queries == 7
            assert 'data-testid="catching-up"' not in response.content.decode()
    finally:
        stop(worker)
    shared_cache.clear()
    fresh = client.get(DASHBOARD).context["figures_html"]
    assert response.context["figures_html"] == fresh  # what the worker cached is what a fresh count gives


@pytest.mark.django_db(transaction=True)
def test_the_warm_up_does_not_hold_the_generation_and_a_move_meanwhile_orphans_its_copies(world, kec_a):
    """The warm-up runs before the recount moves the generation: another move meanwhile (official counts
    loaded on another connection) does not wait for it, and the generation the warm-up cached under then never
    comes, so its copies are never read."""
    import psycopg2

    tally.refresh()
    make_business(kec_a, category="jasa")
    seen = {}

    def move_meanwhile(cells, key):
        seen["key"] = key
        other = psycopg2.connect(**connection.get_connection_params())
        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")  # waiting for the recount's row lock would fail here
                cursor.execute("UPDATE reports_tallygeneration SET number = number + 1, token = gen_random_uuid()")
            other.commit()
        finally:
            other.close()

    before = tally.generation()
    tally.refresh_cells(before_commit=move_meanwhile)

    assert seen["key"].startswith(f"{before + 1}:")
    assert tally.generation() == before + 2  # the other move, then the recount's
    assert tally.generation_key() != seen["key"]


def test_after_a_recount_the_signed_in_dinas_dashboard_is_ready_and_the_worklist_users_are_not_warmed(
    world, dinas_sidoarjo, coordinator_a, kec_a
):
    """The worker warms the unfiltered dashboard of who opens it (a dinas signed in over the kecamatan), in
    both languages; a coordinator opens the kecamatan worklist, so nothing is computed for them."""
    from django.http import QueryDict
    from django.utils import translation

    from reports import cache
    from reports.tasks import refresh_tallies

    def not_computed():
        raise AssertionError("the dashboard was not in the cache")

    tally.refresh()
    for user in (dinas_sidoarjo, coordinator_a):
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
    make_business(kec_a, category="jasa")

    assert refresh_tallies.call() == 1
    for language in ("id", "en"):
        with translation.override(language):
            assert "<" in cache.cached(dinas_sidoarjo, QueryDict(), not_computed)
            assert cache.cached(coordinator_a, QueryDict(), lambda: "computed now") == "computed now"


def test_registrations_are_kept_as_a_row_per_year_and_read_as_the_live_months(world, dinas_sidoarjo, kec_a, kec_b):
    """A cell's registrations are one row per year with the twelve months' counts (not a row per month): the
    dashboard's months and the official comparison's year-end totals are what counting the businesses gives,
    across a year's end in the portal's time zone (WIB, UTC+7)."""
    from registry.models import Kecamatan
    from reports.tally import registered_by_year_end

    utc = datetime.UTC
    registered = [
        (kec_a, datetime.datetime(2024, 12, 31, 16, 59, tzinfo=utc)),  # 23:59 WIB: December 2024
        (kec_a, datetime.datetime(2024, 12, 31, 17, 0, tzinfo=utc)),  # 00:00 WIB: January 2025
        (kec_a, datetime.datetime(2025, 3, 10, 3, 0, tzinfo=utc)),
        (kec_a, datetime.datetime(2025, 3, 20, 3, 0, tzinfo=utc)),
        (kec_b, datetime.datetime(2025, 11, 5, 3, 0, tzinfo=utc)),
    ]
    for kecamatan, created_at in registered:
        business = make_business(kecamatan, category="jasa")
        Business.objects.filter(pk=business.pk).update(created_at=created_at)
    run_tasks()

    assert not Tally.objects.filter(measure="month").exists()
    rows = Tally.objects.filter(kecamatan=kec_a.pk, category="jasa", guided=False, measure="months")
    per_year = {row.bucket: (row.n, row.months) for row in rows}
    assert per_year["2024"] == (1, [0] * 11 + [1])
    assert per_year["2025"] == (3, [1, 0, 2] + [0] * 9)
    for params in [*SCOPES, {"kecamatan": kec_a.pk}, {"kecamatan": kec_b.pk}]:
        assert_same(dinas_sidoarjo, **params)
    kecamatan = Kecamatan.objects.visible_to(dinas_sidoarjo)
    live = Business.objects.filter(kecamatan__in=kecamatan)
    wib = timezone.get_current_timezone()
    expected = {
        f"y{year}": live.filter(created_at__lt=datetime.datetime(year + 1, 1, 1, tzinfo=wib)).count()
        for year in (2024, 2025, timezone.localdate().year)
    }
    assert registered_by_year_end(kecamatan, [2024, 2025, timezone.localdate().year]) == {"35.15": expected}


def test_exports_are_kept_per_cell_and_read_as_the_live_export_charts(world, dinas_sidoarjo, kec_a, kec_b):
    """Exports come from the summary: per country the businesses and the value, per category the exporters,
    each (business, year, country) counted once at the larger of its yearly figure and its facilitated deals,
    as reports.export_sales counts them live; a write to either record is recounted."""
    from programs.models import ExportFacilitation
    from registry.models import ExportValue

    a1 = world["a"][0]  # a yearly figure: MY 2025, 250 million
    b1 = world["b"][0]

    def deal(business, year, country, value):
        ExportFacilitation.objects.create(
            business=business,
            year=year,
            country=country,
            buyer="Pembeli",
            value=value,
            organiser="Dinas",
            created_by=dinas_sidoarjo,
        )

    deal(a1, 2025, "MY", 300_000_000)  # larger than its yearly figure: the deal counts
    deal(a1, 2024, "MY", 10_000_000)  # no yearly figure that year: the deal counts, a1 still one exporter to MY
    deal(a1, 2025, "SG", 5_000_000)
    ExportValue.objects.create(business=b1, year=2025, country="MY", value=70_000_000)
    deal(b1, 2025, "MY", 20_000_000)  # smaller than the yearly figure: the figure counts
    run_tasks()

    for params in [*SCOPES, {"kecamatan": kec_a.pk}, {"kecamatan": kec_b.pk}]:
        assert_same(dinas_sidoarjo, **params)
    request = RequestFactory().get(DASHBOARD)
    request.user = dinas_sidoarjo
    with CaptureQueriesContext(connection) as read:
        exports = AreaDashboard(request, request.GET).exports
    export_tables = ("registry_exportvalue", "programs_exportfacilitation")
    assert not [query for query in read.captured_queries if any(t in query["sql"] for t in export_tables)]
    malaysia = next(total for total in exports["country"] if total.key == "MY")
    assert (malaysia.n, malaysia.value) == (2, 300_000_000 + 10_000_000 + 70_000_000)
    a1_cell = {"kecamatan": kec_a.pk, "category": a1.category, "guided": True}
    assert Tally.objects.get(**a1_cell, measure="export", bucket="MY").n == 1  # one business, three records

    ExportValue.objects.filter(business=b1).delete()
    run_tasks()
    for params in [{}, {"kecamatan": kec_b.pk}]:
        assert_same(dinas_sidoarjo, **params)
