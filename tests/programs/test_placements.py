"""Placements by channel and retailer: the form, the list's filters and columns, the area door."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import CurationCall, CurationSubmission, Placement
from programs.services import place_product
from tests.factories import make_business, make_product

LIST = reverse("programs:placement_list")


@pytest.fixture
def passed(dinas_sidoarjo, kab_sidoarjo, coordinator_a, kec_a):
    call = CurationCall.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Oleh-oleh",
        channel="e_katalog",
        partner="Pusat Oleh-oleh",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )

    def make(name, kecamatan=kec_a):
        product = make_product(make_business(kecamatan), name=name)
        return CurationSubmission.objects.create(
            call=call, product=product, submitted_by=coordinator_a, decision="lolos"
        )

    return make


def test_the_placement_form_records_the_channel_and_the_retailer(client, passed, dinas_sidoarjo):
    submission = passed("Sambal Bu Rah")
    client.force_login(dinas_sidoarjo)
    page = client.get(submission.get_absolute_url()).content.decode()
    url = reverse("programs:curationsubmission_action", args=[submission.pk, "tempatkan"])

    response = client.post(
        url,
        {
            "channel": "horeka",
            "retailer": " Hotel Santika ",
            "partner": "Restoran",
            "starts_on": timezone.localdate().isoformat(),
        },
    )

    placement = Placement.objects.get()
    assert response.status_code == 302
    assert '<option value="lainnya" selected>' in page  # an e-catalogue call: "other" offered first
    assert (placement.channel, placement.retailer) == ("horeka", "Hotel Santika")
    assert "Hotel atau restoran · Hotel Santika" in client.get(submission.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "toko_kelontong", "retailer": "Warung"}, "bukan salah satu dari pilihan"),
        ({"channel": "ritel_modern", "retailer": ""}, "Bidang ini tidak boleh kosong"),
    ],
)
def test_a_bad_channel_or_no_retailer_is_refused_with_a_message_and_nothing_written(
    client, passed, dinas_sidoarjo, data, message
):
    submission = passed("Sambal Bu Rah")
    client.force_login(dinas_sidoarjo)
    url = reverse("programs:curationsubmission_action", args=[submission.pk, "tempatkan"])

    response = client.post(
        url, {**data, "partner": "Gerai", "starts_on": timezone.localdate().isoformat()}, follow=True
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Placement.objects.exists()


def test_the_list_filters_by_channel_and_retailer_and_shows_both(client, passed, dinas_sidoarjo, coordinator_b, kec_b):
    for name, channel, retailer in (
        ("Keripik Tempe", "ritel_modern", "Alfamart"),
        ("Bandeng Asap", "ritel_modern", "Indomaret"),
        ("Batik Tulis", "marketplace", "Shopee"),
    ):
        place_product(
            passed(name),
            channel=channel,
            retailer=retailer,
            partner="Gerai",
            starts_on=timezone.localdate(),
            by=dinas_sidoarjo,
        )
    place_product(
        passed("Krupuk Krian", kec_b),
        channel="ritel_modern",
        retailer="Alfamart",
        partner="Gerai",
        starts_on=timezone.localdate(),
        by=dinas_sidoarjo,
    )
    client.force_login(dinas_sidoarjo)

    modern = client.get(LIST, {"channel": "ritel_modern"}).content.decode()
    alfamart = client.get(LIST, {"retailer": "alfamart"}).content.decode()
    search = client.get(LIST, {"q": "shopee"}).content.decode()
    client.force_login(coordinator_b)
    theirs = client.get(LIST, {"retailer": "Alfamart"}).content.decode()

    assert "Saluran" in modern
    assert "Peritel" in modern
    assert "Keripik Tempe" in modern
    assert "Bandeng Asap" in modern
    assert "Batik Tulis" not in modern
    assert "Ritel modern" in modern
    assert "Indomaret" in modern
    assert "Keripik Tempe" in alfamart
    assert "Krupuk Krian" in alfamart
    assert "Bandeng Asap" not in alfamart
    assert "Batik Tulis" in search
    assert "Keripik Tempe" not in search
    assert "Krupuk Krian" in theirs
    assert "Keripik Tempe" not in theirs


def test_the_lists_csv_has_the_channel_and_the_retailer(client, passed, dinas_sidoarjo):
    place_product(
        passed("Keripik Tempe"),
        channel="oleh_oleh",
        retailer="Pusat Oleh-oleh",
        partner="Gerai",
        starts_on=timezone.localdate(),
        by=dinas_sidoarjo,
    )
    client.force_login(dinas_sidoarjo)

    response = client.get(LIST, {"unduh": "csv"})

    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "Saluran" in text
    assert "Peritel" in text
    assert "Toko oleh-oleh/suvenir" in text
    assert "Pusat Oleh-oleh" in text
