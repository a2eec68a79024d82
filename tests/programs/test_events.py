"""Selling events (issue 20 item 4): the services' guards, the pages by role and area, the figures, the CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from programs import events
from programs.models import EventBooth, Inquiry, MarketEvent
from registry import roles
from registry.models import AccessLog, BusinessGroup
from reports import tally
from reports.cache import figures_html
from reports.figures import AreaDashboard, event_figures, events_by_year
from tests.factories import make_business, make_user


def make_event(kabupaten, by, **overrides):
    fields = {
        "name": "Belanja Produk Lokal ASN",
        "kind": MarketEvent.Kind.BUY_LOCAL,
        "kabupaten": kabupaten,
        "place": "Pendopo Kabupaten",
        "starts_on": timezone.localdate() - datetime.timedelta(days=2),
        "ends_on": timezone.localdate() - datetime.timedelta(days=1),
    } | overrides
    return events.create_event(MarketEvent(**fields), by=by)


@pytest.fixture
def event(dinas_sidoarjo, kab_sidoarjo):
    return make_event(kab_sidoarjo, dinas_sidoarjo)


@pytest.fixture
def lumpia(kec_a):
    return make_business(kec_a, name="Lumpia Bandeng Bu Ike", category="makanan")


@pytest.fixture
def krian(kec_b):
    return make_business(kec_b, name="Sepatu Krian", category="fesyen")


def sales_post(row, **values):
    """The sales form's row of `row` (a booth), as the page posts it: its version and the typed values."""
    values = {"version": str(row.version), "booth": row.booth} | values
    return {f"b{row.pk}-{key}": value for key, value in values.items()}


#
# Services
#


def test_only_the_dinas_creates_events_and_only_in_its_kabupaten(dinas_other, coordinator_a, kab_sidoarjo):
    with pytest.raises(PermissionDenied):
        make_event(kab_sidoarjo, dinas_other)
    with pytest.raises(PermissionDenied):
        make_event(kab_sidoarjo, coordinator_a)
    assert not MarketEvent.objects.exists()


def test_an_event_ends_after_it_starts(dinas_sidoarjo, kab_sidoarjo):
    with pytest.raises(ValidationError, match="sesudah tanggal mulai"):
        make_event(kab_sidoarjo, dinas_sidoarjo, ends_on=timezone.localdate() - datetime.timedelta(days=5))


def test_a_stale_edit_is_refused_with_who_saved_before(event, dinas_sidoarjo, kab_sidoarjo):
    other = make_user(roles.DINAS, kabupaten=kab_sidoarjo, username="dinas.lain", first_name="Budi")
    first = MarketEvent.objects.get(pk=event.pk)
    first.place = "Alun-alun"
    events.update_event(first, version=1, by=other)
    second = MarketEvent.objects.get(pk=event.pk)
    second.place = "GOR"

    with pytest.raises(ValidationError, match="Budi"):
        events.update_event(second, version=1, by=dinas_sidoarjo)
    assert MarketEvent.objects.get(pk=event.pk).place == "Alun-alun"
    assert MarketEvent.objects.get(pk=event.pk).version == 2


def test_an_event_with_sales_cannot_move_to_the_future(event, dinas_sidoarjo, lumpia):
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="A1", sales=Decimal(500_000), transactions=4, by=dinas_sidoarjo)
    event.refresh_from_db()
    event.starts_on = event.ends_on = timezone.localdate() + datetime.timedelta(days=10)

    with pytest.raises(ValidationError, match="sudah dicatat"):
        events.update_event(event, version=event.version, by=dinas_sidoarjo)


def test_coordinators_add_only_their_areas_businesses(event, coordinator_a, coordinator_b, lumpia, krian):
    booth = events.add_booth(event, lumpia, booth="A1", by=coordinator_a)
    assert booth.booth == "A1"

    with pytest.raises(PermissionDenied):
        events.add_booth(event, krian, by=coordinator_a)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        events.add_booth(event, lumpia, by=coordinator_a)
    assert list(EventBooth.objects.values_list("business__name", flat=True)) == ["Lumpia Bandeng Bu Ike"]


def test_a_business_of_another_kabupaten_is_refused(event, dinas_sidoarjo, dinas_other, kec_other_kabupaten):
    mente = make_business(kec_other_kabupaten, name="Mente Jelbudan")
    with pytest.raises(PermissionDenied):
        events.add_booth(event, mente, by=dinas_sidoarjo)
    with pytest.raises(PermissionDenied):  # nor may the other dinas reach Sidoarjo's event
        events.add_booth(event, mente, by=dinas_other)
    assert not EventBooth.objects.exists()


def test_sales_wait_for_the_first_day(dinas_sidoarjo, kab_sidoarjo, lumpia):
    coming = make_event(
        kab_sidoarjo,
        dinas_sidoarjo,
        starts_on=timezone.localdate() + datetime.timedelta(days=3),
        ends_on=timezone.localdate() + datetime.timedelta(days=4),
    )
    booth = events.add_booth(coming, lumpia, by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="mulai hari pertama"):
        events.record_booth(booth, version=1, booth_number="B2", sales=Decimal(1), transactions=1, by=dinas_sidoarjo)
    saved = events.record_booth(booth, version=1, booth_number="B2", sales=None, transactions=None, by=dinas_sidoarjo)
    assert (saved.booth, saved.sales, saved.version) == ("B2", None, 2)


def test_sales_are_recorded_once_under_the_rows_version(event, dinas_sidoarjo, coordinator_a, lumpia):
    booth = events.add_booth(event, lumpia, by=coordinator_a)
    events.record_booth(booth, version=1, booth_number="A1", sales=Decimal(750_000), transactions=9, by=coordinator_a)

    with pytest.raises(ValidationError, match="sudah diubah"):
        events.record_booth(booth, version=1, booth_number="A1", sales=Decimal(1), transactions=1, by=dinas_sidoarjo)
    booth.refresh_from_db()
    assert (booth.sales, booth.transactions, booth.sales_recorded_by) == (Decimal(750_000), 9, coordinator_a)


def test_a_negative_sale_or_transactions_without_a_value_are_refused(event, dinas_sidoarjo, lumpia):
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="negatif"):
        events.record_booth(booth, version=1, booth_number="", sales=Decimal(-5), transactions=None, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="Isi nilai penjualan"):
        events.record_booth(booth, version=1, booth_number="", sales=None, transactions=3, by=dinas_sidoarjo)
    booth.refresh_from_db()
    assert (booth.sales, booth.version) == (None, 1)


def test_another_coordinator_cannot_record_a_booth_of_my_area(event, coordinator_a, coordinator_b, lumpia):
    booth = events.add_booth(event, lumpia, by=coordinator_a)
    with pytest.raises(PermissionDenied):
        events.record_booth(booth, version=1, booth_number="X", sales=Decimal(1), transactions=1, by=coordinator_b)
    with pytest.raises(PermissionDenied):
        events.remove_booth(booth, by=coordinator_b)


def test_a_participant_with_sales_is_not_removed(event, dinas_sidoarjo, lumpia):
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="A1", sales=Decimal(10_000), transactions=1, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah dicatat"):
        events.remove_booth(booth, by=dinas_sidoarjo)
    events.record_booth(booth, version=2, booth_number="A1", sales=None, transactions=None, by=dinas_sidoarjo)
    events.remove_booth(booth, by=dinas_sidoarjo)
    assert not EventBooth.objects.exists()


#
# Pages
#


def test_the_list_puts_coming_events_first_then_past_ones_newest_first(client, dinas_sidoarjo, kab_sidoarjo):
    for name, days in [("Lalu jauh", -300), ("Baru lewat", -20), ("Segera", 5), ("Nanti", 40), ("Hari ini", 0)]:
        day = timezone.localdate() + datetime.timedelta(days=days)
        make_event(kab_sidoarjo, dinas_sidoarjo, name=name, starts_on=day, ends_on=day)
    client.force_login(dinas_sidoarjo)

    response = client.get(reverse("programs:event_list"))

    assert [event.name for event in response.context["object_list"]] == [
        "Hari ini",
        "Segera",
        "Nanti",
        "Baru lewat",
        "Lalu jauh",
    ]
    filtered = client.get(
        reverse("programs:event_list"), {"year": (timezone.localdate() - datetime.timedelta(days=300)).year}
    )
    assert "Lalu jauh" in filtered.content.decode()
    assert client.get(reverse("programs:event_list"), {"year": "abc", "kind": "x"}).status_code == 200


def test_the_dinas_creates_an_event_once_and_edits_it(client, dinas_sidoarjo, kab_sidoarjo):
    client.force_login(dinas_sidoarjo)
    data = {
        "kabupaten": kab_sidoarjo.pk,
        "name": "Bazar Ramadan",
        "kind": "bazar",
        "place": "Alun-alun Sidoarjo",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": timezone.localdate().isoformat(),
        "once": "0b7f6a8e-2d3c-4c1e-9a55-6f0e8d1b2c3d",
    }
    first = client.post(reverse("programs:event_create"), data)
    again = client.post(reverse("programs:event_create"), data)

    event = MarketEvent.objects.get()
    assert first.status_code == again.status_code == 302
    assert again.url == event.get_absolute_url()
    page = client.get(reverse("programs:event_update", args=[event.pk]))
    assert page.status_code == 200
    changed = client.post(
        reverse("programs:event_update", args=[event.pk]),
        {**data, "place": "GOR Delta", "version": event.version},
    )
    assert changed.status_code == 302
    stale = client.post(
        reverse("programs:event_update", args=[event.pk]), {**data, "place": "Lain", "version": event.version}
    )
    assert stale.status_code == 409
    assert "sudah diubah" in stale.content.decode()
    assert MarketEvent.objects.get().place == "GOR Delta"


def test_bad_event_input_is_refused_in_indonesian_and_nothing_is_written(client, dinas_sidoarjo, kab_sidoarjo):
    client.force_login(dinas_sidoarjo)
    response = client.post(
        reverse("programs:event_create"),
        {
            "kabupaten": kab_sidoarjo.pk,
            "name": "X",
            "kind": "bazar",
            "place": "Y",
            "starts_on": "2026-02-10",
            "ends_on": "2026-02-01",
        },
    )
    assert response.status_code == 400
    assert "Tanggal akhir harus sesudah tanggal mulai." in response.content.decode()
    assert not MarketEvent.objects.exists()


def test_a_coordinator_sees_the_kabupatens_events_but_only_their_participants(
    client, event, dinas_sidoarjo, coordinator_b, lumpia, krian
):
    events.add_booth(event, lumpia, by=dinas_sidoarjo)
    events.add_booth(event, krian, by=dinas_sidoarjo)
    client.force_login(coordinator_b)

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Sepatu Krian" in page
    assert "Lumpia Bandeng" not in page
    assert "Hanya peserta dari wilayah kerja Anda." in page
    assert client.get(reverse("programs:event_update", args=[event.pk])).status_code == 403


def test_another_kabupatens_event_answers_404(client, event, dinas_other):
    client.force_login(dinas_other)
    for name in ("programs:event_detail", "programs:event_update", "programs:event_export"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 404
    assert client.post(reverse("programs:event_sales", args=[event.pk])).status_code == 404


def test_the_bank_may_not_open_events(client, event, bank_officer):
    client.force_login(bank_officer)
    assert client.get(reverse("programs:event_list")).status_code == 403
    assert client.get(event.get_absolute_url()).status_code == 403


def test_participants_are_added_by_name_and_a_refused_one_comes_back_ticked(
    client, event, coordinator_a, lumpia, kec_a
):
    closed = make_business(kec_a, name="Lumpia Tutup", status="tutup")
    client.force_login(coordinator_a)
    page = client.get(event.get_absolute_url(), {"cari": "lumpia"}).content.decode()
    assert "Lumpia Bandeng Bu Ike" in page
    assert "Lumpia Tutup" not in page  # only active businesses are offered

    response = client.post(
        reverse("programs:event_add_booths", args=[event.pk]),
        {"business": [lumpia.pk, closed.pk], "cari": "lumpia"},
    )

    assert response.status_code == 400
    assert list(EventBooth.objects.values_list("business", flat=True)) == [lumpia.pk]
    assert "Lumpia Tutup tidak aktif." in response.content.decode()


def test_another_areas_business_is_refused_on_the_page(client, event, coordinator_a, krian):
    client.force_login(coordinator_a)
    response = client.post(reverse("programs:event_add_booths", args=[event.pk]), {"business": [krian.pk]})
    assert response.status_code == 302
    assert not EventBooth.objects.exists()


def test_a_whole_group_is_added_at_once(client, event, dinas_sidoarjo, lumpia, kec_a):
    other = make_business(kec_a, name="Kerupuk Lele Balong")
    outside = make_business(kec_a, name="Bukan Anggota")
    group = BusinessGroup.objects.create(name="UMKM Kecamatan Balongbendo", kecamatan=kec_a)
    group.businesses.add(lumpia, other)
    client.force_login(dinas_sidoarjo)

    response = client.post(reverse("programs:event_add_booths", args=[event.pk]), {"group": group.pk})

    assert response.status_code == 302
    assert set(EventBooth.objects.values_list("business", flat=True)) == {lumpia.pk, other.pk}
    assert outside.pk not in set(EventBooth.objects.values_list("business", flat=True))


def test_the_sales_form_saves_good_rows_and_keeps_what_was_typed_in_bad_ones(
    client, event, dinas_sidoarjo, lumpia, krian
):
    good = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    bad = events.add_booth(event, krian, by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:event_sales", args=[event.pk]),
        sales_post(good, booth="A1", sales="Rp 1.250.000", transactions="14")
        | sales_post(bad, booth="A2", sales="50-60 juta", transactions="3"),
    )

    assert response.status_code == 400
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.booth, good.sales, good.transactions) == ("A1", Decimal(1_250_000), 14)
    assert (bad.booth, bad.sales) == ("", None)
    page = response.content.decode()
    assert 'value="50-60 juta"' in page
    assert 'value="A2"' in page
    assert "1 baris belum tersimpan" in page


def test_a_stale_sales_row_is_refused_and_the_others_saved(client, event, dinas_sidoarjo, coordinator_a, lumpia):
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    stale = sales_post(booth, sales="500000", transactions="5")
    events.record_booth(booth, version=1, booth_number="Z9", sales=Decimal(9), transactions=1, by=coordinator_a)
    client.force_login(dinas_sidoarjo)

    response = client.post(reverse("programs:event_sales", args=[event.pk]), stale)

    assert response.status_code == 400
    assert "sudah diubah" in response.content.decode()
    booth.refresh_from_db()
    assert booth.sales == Decimal(9)


def test_the_event_page_shows_figures_and_the_events_inquiries(
    client, event, dinas_sidoarjo, lumpia, krian, django_assert_num_queries
):
    for business, sales in [(lumpia, 1_500_000), (krian, 500_000)]:
        booth = events.add_booth(event, business, by=dinas_sidoarjo)
        events.record_booth(booth, version=1, booth_number="", sales=Decimal(sales), transactions=2, by=dinas_sidoarjo)
    inquiry = Inquiry(
        business=lumpia,
        event=event,
        source=Inquiry.Source.EVENT,
        buyer_name="Bagian Umum",
        buyer_organisation="Sekretariat Daerah Sidoarjo",
        buyer_kind=Inquiry.BuyerKind.OFFICE,
        buyer_email="umum@example.org",
        quantity=80,
        destination="Sidoarjo",
        status=Inquiry.Status.ORDER,
    )
    inquiry.new_token()
    inquiry.save()
    client.force_login(dinas_sidoarjo)
    client.get(event.get_absolute_url())  # the session and the role are read once

    with django_assert_num_queries(14):  # whatever the number of participants
        response = client.get(event.get_absolute_url())

    totals = response.context["totals"]
    assert (totals["participants"], totals["sales"], totals["transactions"]) == (2, Decimal(2_000_000), 4)
    assert response.context["by_category"][0][1:] == (1, Decimal(1_500_000))
    assert [row[0] for row in response.context["by_kecamatan"]] == ["Balongbendo", "Krian"]
    page = response.content.decode()
    assert "Sekretariat Daerah Sidoarjo" in page
    assert "Pesanan" in page
    # An office's parcel order is recorded through the staff inquiry form, for this business at this event.
    assert f"{reverse('programs:inquiry_create')}?business={lumpia.pk}&amp;event={event.pk}" in page


def test_the_csv_has_business_kecamatan_booth_and_sales_and_no_personal_data(client, event, dinas_sidoarjo, lumpia):
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="=A1", sales=Decimal(250_000), transactions=3, by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    response = client.get(reverse("programs:event_export", args=[event.pk]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Nama usaha", "Kecamatan", "Kategori", "Stan", "Penjualan (Rp)", "Jumlah transaksi"]
    assert rows[1] == ["Lumpia Bandeng Bu Ike", "Balongbendo", "Makanan", "'=A1", "250000", "3"]
    text = "\n".join(",".join(row) for row in rows)
    assert lumpia.owner.nik not in text
    assert lumpia.owner.name not in text
    assert AccessLog.objects.filter(object_type="market_event", action=AccessLog.Action.EXPORT).count() == 1


def test_the_business_page_lists_the_events_it_took_part_in(client, event, dinas_sidoarjo, lumpia):
    booth = events.add_booth(event, lumpia, booth="C3", by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="C3", sales=Decimal(300_000), transactions=2, by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    page = client.get(reverse("programs:business_ledger", args=[lumpia.pk])).content.decode()  # the page's fold

    assert "Belanja Produk Lokal ASN (Belanja produk lokal, stan C3, penjualan Rp 300.000)" in page
    assert event.get_absolute_url() in page


#
# Dashboard figures
#


class _Request:
    def __init__(self, user):
        self.user, self.GET = user, {}


def test_the_dashboard_counts_events_participants_and_sales_within_the_filters(
    client, event, dinas_sidoarjo, kab_sidoarjo, lumpia, krian, kec_a
):
    for business, sales in [(lumpia, 1_000_000), (krian, 400_000)]:
        booth = events.add_booth(event, business, by=dinas_sidoarjo)
        events.record_booth(booth, version=1, booth_number="", sales=Decimal(sales), transactions=1, by=dinas_sidoarjo)
    old_day = timezone.localdate().replace(year=timezone.localdate().year - 2)
    old = make_event(kab_sidoarjo, dinas_sidoarjo, name="Pameran lama", starts_on=old_day, ends_on=old_day)
    booth = events.add_booth(old, lumpia, by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="", sales=Decimal(200_000), transactions=1, by=dinas_sidoarjo)
    make_event(kab_sidoarjo, dinas_sidoarjo, name="Tanpa peserta")

    def figures(data):
        return {f.label: f.value for f in event_figures(AreaDashboard(_Request(dinas_sidoarjo), data))}

    everything = figures({})
    assert everything["Acara dengan peserta"] == 2
    assert everything["Usaha peserta acara"] == 2
    assert everything["Penjualan di acara"] == Decimal(1_600_000)
    this_year = figures({"year": str(event.starts_on.year)})
    assert (this_year["Acara dengan peserta"], this_year["Penjualan di acara"]) == (1, Decimal(1_400_000))
    balongbendo = figures({"kecamatan": kec_a.pk})
    assert (balongbendo["Usaha peserta acara"], balongbendo["Penjualan di acara"]) == (1, Decimal(1_200_000))
    food = figures({"category": "makanan"})
    assert food["Penjualan di acara"] == Decimal(1_200_000)
    chart = events_by_year(AreaDashboard(_Request(dinas_sidoarjo), {}))
    assert [(row.label, row.value) for row in chart.rows] == [(str(old_day.year), 1), (str(event.starts_on.year), 1)]
    assert chart.series == [[Decimal(200_000), Decimal(1_400_000)]]


def test_without_participants_the_chart_per_year_asks_nothing_more(
    event, dinas_sidoarjo, lumpia, django_assert_num_queries
):
    dashboard = AreaDashboard(_Request(dinas_sidoarjo), {})
    with django_assert_num_queries(1):  # the totals the cards show; no participant, so no count per year
        chart = events_by_year(dashboard)
        cards = event_figures(dashboard)
    assert chart.rows == []
    assert [card.value for card in cards] == [0, 0, Decimal(0), 0]

    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="", sales=Decimal(5_000), transactions=1, by=dinas_sidoarjo)
    chart = events_by_year(AreaDashboard(_Request(dinas_sidoarjo), {}))
    assert [(row.label, row.value) for row in chart.rows] == [(str(event.starts_on.year), 1)]


def test_a_coordinators_dashboard_counts_only_their_areas_participants(
    event, dinas_sidoarjo, coordinator_b, lumpia, krian
):
    for business, sales in [(lumpia, 1_000_000), (krian, 400_000)]:
        booth = events.add_booth(event, business, by=dinas_sidoarjo)
        events.record_booth(booth, version=1, booth_number="", sales=Decimal(sales), transactions=1, by=dinas_sidoarjo)

    figures = {f.label: f.value for f in event_figures(AreaDashboard(_Request(coordinator_b), {}))}

    assert (figures["Usaha peserta acara"], figures["Penjualan di acara"]) == (1, Decimal(400_000))


def test_a_booth_write_moves_the_dashboards_generation(event, dinas_sidoarjo, lumpia):
    tally.refresh()
    before = tally.generation()
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    assert tally.refresh() >= 1
    assert tally.generation() > before
    events.record_booth(booth, version=1, booth_number="", sales=Decimal(5), transactions=1, by=dinas_sidoarjo)
    moved = tally.generation()
    assert tally.refresh() >= 1
    assert tally.generation() > moved


def test_the_dashboard_shows_the_event_cards_and_chart(client, event, dinas_sidoarjo, lumpia):
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="", sales=Decimal(2_500_000), transactions=7, by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    page = client.get(reverse("reports:dashboard")).content.decode()

    assert 'data-testid="event-figures"' in page
    assert "Acara pemasaran per tahun" in page
    assert "Rp 2,5 juta" in page
    download = client.get(reverse("reports:dashboard"), {"unduh": "csv", "grafik": "acara"})
    assert download.status_code == 200
    assert str(event.starts_on.year) in download.content.decode()
    # Without the permission, neither the cards nor the chart (figures_html renders them for the user)
    dashboard = AreaDashboard(_Request(make_user(roles.BANK, username="bank.lain")), {})
    assert "event-figures" not in figures_html(dashboard)


#
# Cancelling an event
#


def upcoming(kabupaten, by, **overrides):
    coming = timezone.localdate() + datetime.timedelta(days=10)
    return make_event(kabupaten, by, name="Bazar Ramadan", starts_on=coming, ends_on=coming, **overrides)


def test_the_dinas_cancels_an_event_with_a_reason_and_nothing_more_is_added_to_it(
    dinas_sidoarjo, coordinator_a, kab_sidoarjo, lumpia, kec_a
):
    bazaar = upcoming(kab_sidoarjo, dinas_sidoarjo)
    booth = events.add_booth(bazaar, lumpia, by=coordinator_a)

    events.cancel_event(bazaar, reason="  Gedung   dipakai  acara lain ", version=1, by=dinas_sidoarjo)

    bazaar.refresh_from_db()
    assert bazaar.is_cancelled
    assert bazaar.cancelled_by == dinas_sidoarjo
    assert bazaar.cancel_reason == "Gedung dipakai acara lain"
    assert bazaar.version == 2
    assert bazaar.history.first().cancel_reason == "Gedung dipakai acara lain"
    assert EventBooth.objects.filter(pk=booth.pk).exists()  # the participants stay listed
    other = make_business(kec_a, name="Keripik Tempe Bu Sri")
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        events.add_booth(bazaar, other, by=coordinator_a)
    assert events.why_not_record_sales(bazaar) == "Acara ini sudah dibatalkan."
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        events.record_booth(booth, version=1, booth_number="", sales=Decimal(5), transactions=1, by=coordinator_a)
    edited = MarketEvent.objects.get(pk=bazaar.pk)
    edited.place = "Alun-alun"
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        events.update_event(edited, version=2, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        events.cancel_event(bazaar, reason="Lagi", version=2, by=dinas_sidoarjo)
    events.remove_booth(booth, by=coordinator_a)  # a participant may still be taken off
    assert MarketEvent.objects.get(pk=bazaar.pk).cancel_reason == "Gedung dipakai acara lain"


def test_an_event_is_cancelled_only_by_its_dinas_with_a_reason_and_before_sales(
    event, dinas_sidoarjo, dinas_other, coordinator_a, lumpia
):
    with pytest.raises(PermissionDenied):
        events.cancel_event(event, reason="Hujan", version=1, by=coordinator_a)
    with pytest.raises(PermissionDenied):
        events.cancel_event(event, reason="Hujan", version=1, by=dinas_other)
    with pytest.raises(ValidationError, match="alasan pembatalan"):
        events.cancel_event(event, reason="   ", version=1, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah diubah oleh"):
        events.cancel_event(event, reason="Hujan", version=7, by=dinas_sidoarjo)
    booth = events.add_booth(event, lumpia, by=dinas_sidoarjo)
    events.record_booth(booth, version=1, booth_number="", sales=Decimal(50_000), transactions=2, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah berlangsung"):
        events.cancel_event(event, reason="Hujan", version=1, by=dinas_sidoarjo)
    assert not MarketEvent.objects.get(pk=event.pk).is_cancelled


def test_no_parcel_order_is_recorded_at_a_cancelled_event(dinas_sidoarjo, kab_sidoarjo, lumpia):
    from programs.inquiries import record_inquiry

    bazaar = upcoming(kab_sidoarjo, dinas_sidoarjo)
    events.cancel_event(bazaar, reason="Ditunda tahun depan", version=1, by=dinas_sidoarjo)
    bazaar.refresh_from_db()  # as the staff inquiry form reads it
    order = Inquiry(
        buyer_name="Bagian Umum",
        buyer_kind=Inquiry.BuyerKind.OFFICE,
        buyer_email="umum@example.org",
        quantity=50,
        destination="Sidoarjo",
    )
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        record_inquiry(lumpia, order, event=bazaar, by=dinas_sidoarjo, domain="testserver", protocol="http")
    assert not Inquiry.objects.exists()


def test_the_dashboard_stops_counting_a_cancelled_event(dinas_sidoarjo, kab_sidoarjo, lumpia, krian):
    bazaar = upcoming(kab_sidoarjo, dinas_sidoarjo)
    events.add_booth(bazaar, lumpia, by=dinas_sidoarjo)
    events.add_booth(bazaar, krian, by=dinas_sidoarjo)

    def figures():
        return {f.label: f.value for f in event_figures(AreaDashboard(_Request(dinas_sidoarjo), {}))}

    assert (figures()["Acara dengan peserta"], figures()["Usaha peserta acara"]) == (1, 2)
    tally.refresh()
    before = tally.generation()

    events.cancel_event(bazaar, reason="Gedung dipakai acara lain", version=1, by=dinas_sidoarjo)

    assert (figures()["Acara dengan peserta"], figures()["Usaha peserta acara"]) == (0, 0)
    assert tally.refresh() >= 1  # the event's change marked its participants' cells: cached dashboards move on
    assert tally.generation() > before


def test_the_cancel_page_by_role_and_area(client, dinas_sidoarjo, dinas_other, coordinator_a, kab_sidoarjo, lumpia):
    bazaar = upcoming(kab_sidoarjo, dinas_sidoarjo)
    events.add_booth(bazaar, lumpia, by=dinas_sidoarjo)
    url = reverse("programs:event_cancel", args=[bazaar.pk])

    client.force_login(coordinator_a)
    assert client.get(url).status_code == 403
    assert client.post(url, {"version": "1", "reason": "Hujan"}).status_code == 403
    client.force_login(dinas_other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": "1", "reason": "Hujan"}).status_code == 404

    client.force_login(dinas_sidoarjo)
    page = client.get(url)
    assert page.status_code == 200
    assert "Batalkan acara: Bazar Ramadan" in page.content.decode()
    empty = client.post(url, {"version": "1", "reason": "  "})
    assert empty.status_code == 400
    assert "Bidang ini tidak boleh kosong." in empty.content.decode()
    assert not MarketEvent.objects.get(pk=bazaar.pk).is_cancelled

    done = client.post(url, {"version": "1", "reason": "Gedung dipakai acara lain"}, follow=True)
    assert done.redirect_chain[-1][0] == bazaar.get_absolute_url()
    text = done.content.decode()
    assert "Acara dibatalkan" in text
    assert "Gedung dipakai acara lain" in text
    assert 'id="h-add"' not in text  # no participant is added any more
    assert reverse("programs:event_update", args=[bazaar.pk]) not in text
    again = client.post(url, {"version": "1", "reason": "Lagi"})  # a second click, or a stale tab
    assert again.status_code == 409  # the page says why, with no form
    assert "Acara ini sudah dibatalkan." in again.content.decode()
    assert MarketEvent.objects.get(pk=bazaar.pk).cancel_reason == "Gedung dipakai acara lain"
    listing = client.get(reverse("programs:event_list")).content.decode()
    assert "Dibatalkan" in listing

    client.force_login(coordinator_a)
    seen = client.get(bazaar.get_absolute_url()).content.decode()
    assert "Gedung dipakai acara lain" in seen
    ledger = client.get(reverse("programs:business_ledger", args=[lumpia.pk])).content.decode()
    assert "Bazar Ramadan (Belanja produk lokal, acara dibatalkan: Gedung dipakai acara lain)" in ledger
