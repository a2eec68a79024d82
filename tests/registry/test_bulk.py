"""registry.bulk: rows written by COPY read back exactly as the ORM would have written them."""

import datetime
from decimal import Decimal

import pytest
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


def test_new_makes_what_the_model_class_makes(kec_a):
    template = make_business(kec_a)
    fields = {"owner": template.owner, "name": "Sambal Bu Rini", "desa": template.desa, "category": "makanan"}

    made, expected = bulk.new(Business, **fields), Business(**fields)
    other = bulk.new(Business, **fields)

    for field in Business._meta.concrete_fields:
        assert getattr(made, field.attname) == getattr(expected, field.attname), field.name
    assert made.owner is template.owner  # the related object is kept, as Model(...) keeps it
    assert made._state.adding
    assert made.markets is not other.markets  # a callable default is called per instance


def test_insert_gives_ids_resolves_related_objects_and_copies_history_in_the_database(kec_a, dinas_sidoarjo):
    template = make_business(kec_a)
    born = datetime.date(1985, 7, 5)
    owner = bulk.new(Owner, nik="3515124507850098", name="Rini", birth_date=born, kecamatan=kec_a, desa=template.desa)
    business = bulk.new(Business, owner=owner, name="Sambal Bu Rini", desa=template.desa, kecamatan=kec_a)

    bulk.insert(Owner, [owner], history_user=dinas_sidoarjo)
    bulk.insert(Business, [business], history_user=dinas_sidoarjo)

    stored = Business.objects.get(pk=business.pk)
    assert stored.owner_id == owner.pk
    assert business.owner is owner  # still cached after its id was filled in
    entry = stored.history.get()
    assert (entry.history_type, entry.history_user, entry.name, entry.owner_id) == (
        "+",
        dinas_sidoarjo,
        "Sambal Bu Rini",
        owner.pk,
    )
    assert entry.history_date == stored.created_at


def test_insert_refuses_an_unsaved_related_object(kec_a):
    template = make_business(kec_a)
    owner = bulk.new(Owner, nik="3515124507850097", name="Belum disimpan", kecamatan=kec_a, desa=template.desa)

    with pytest.raises(ValueError, match="owner"):
        bulk.insert(Business, [bulk.new(Business, owner=owner, name="X", desa=template.desa, kecamatan=kec_a)])

    assert not Business.objects.filter(name="X").exists()
