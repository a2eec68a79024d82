"""One NIB, one owner (the exclusion constraint `registry_business_nib_one_owner`, compared as a number): the
database refuses another owner's business with a taken NIB, the model's validation says so in Indonesian, and
blank NIBs and one owner's several businesses under one NIB pass."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import Business
from tests.factories import make_business, make_owner

MESSAGE = "NIB ini sudah terdaftar untuk pelaku usaha lain (satu NIB satu pelaku usaha)."


def test_one_owner_runs_several_businesses_under_one_nib(kec_a):
    first = make_business(kec_a, nib="9120123456789")

    second = make_business(kec_a, owner=first.owner, nib="9120123456789", name="Usaha kedua")
    second.full_clean()

    assert Business.objects.filter(nib="9120123456789").count() == 2


def test_another_owner_is_refused_by_the_model_and_by_the_database(kec_a):
    taken = make_business(kec_a, nib="9120123456789")
    other = Business(
        owner=make_owner(kec_a), name="Usaha lain", desa=taken.desa, category="makanan", nib="9120123456789"
    )

    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert MESSAGE in refused.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    assert Business.objects.filter(nib="9120123456789").count() == 1


def test_blank_nibs_are_never_compared(kec_a):
    make_business(kec_a, nib="0120123456789")
    make_business(kec_a, nib="")
    blank = Business(owner=make_owner(kec_a), name="Tanpa NIB", desa=kec_a.desa_set.first(), category="makanan", nib="")
    near = Business(owner=make_owner(kec_a), name="NIB lain", desa=blank.desa, category="makanan", nib="1120123456789")

    blank.full_clean()
    near.full_clean()
    blank.save()
    near.save()

    assert Business.objects.filter(nib="").count() == 2
