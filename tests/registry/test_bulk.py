"""registry.bulk: rows written by COPY read back exactly as the ORM would have written them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from registry import bulk
from registry.models import Business, Owner
from tests.factories import make_business, make_owner


def test_awkward_values_survive_the_copy(kec_a, dinas_sidoarjo):
    template = make_business(kec_a)
    owner = make_owner(kec_a)
    owner.pk = None
    owner.nik = "3515124507850099"
    owner.name = 'Siti "Bu\\Ti"\tAminah, S.E.\nBaris dua'
    owner.address = ""  # empty, not NULL
    owner.birth_date = datetime.date(1985, 7, 5)
    business = Business(
        owner=owner,
        name="Keripik ,;'\"\\ Ümmü",
        desa=template.desa,
        kecamatan=template.kecamatan,
        category="makanan",
        markets=["lokal", "ekspor"],
        national_record={"rt_rw": "001/002", "catatan": "tab\there, ü"},
        latitude=Decimal("-7.404912"),
        is_flagship=True,
        guided_since=None,
    )

    bulk.insert(Owner, [owner], history_user=dinas_sidoarjo)
    business.owner_id = owner.pk
    bulk.insert(Business, [business], history_user=dinas_sidoarjo)

    stored_owner = Owner.objects.get(pk=owner.pk)
    stored = Business.objects.get(pk=business.pk)
    assert stored_owner.name == owner.name
    assert stored_owner.address == ""
    assert stored_owner.birth_date == datetime.date(1985, 7, 5)
    assert stored.name == business.name
    assert stored.markets == ["lokal", "ekspor"]
    assert stored.national_record == {"rt_rw": "001/002", "catatan": "tab\there, ü"}
    assert stored.latitude == Decimal("-7.404912")
    assert stored.is_flagship is True
    assert stored.guided_since is None
    assert abs(stored.created_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert stored.history.get().history_user == dinas_sidoarjo
