"""Issue 19, item 3: a creating form sent twice, or five times at once, creates one record and shows it.

Each form carries a one-time token (registry/once.py); its state is a row in PostgreSQL written in the
creating transaction, so the tests below use real concurrent transactions (threads with their own
connections) where the race matters."""

import datetime
import re
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.models import MentoringVisit, Training
from registry import roles
from registry.models import Business, Product, SubmittedForm
from tests.factories import make_business, make_user
from tests.registry.test_registration import REGISTER, registration


def token_on(page):
    """The one-time token the page's form carries, as a browser would send it back."""
    found = re.findall(r'name="once" value="([0-9a-f-]{36})"', page.content.decode())
    assert len(found) == 1, "the creating form carries exactly one token"
    return found[0]


def confirmed_registration(desa, token):
    return registration(desa, once=token, confirm_duplicates="yes")


def test_confirming_a_duplicate_twice_registers_one_business_and_shows_it(client, coordinator_a, kec_a):
    """Before: after "confirm duplicate", the second click registered a second identical business."""
    desa = kec_a.desa_set.get(name="Wonokupang")
    known = make_business(kec_a, name="Sinom Wuluh Bu Siti", desa=desa)  # the likely duplicate the user confirms
    client.force_login(coordinator_a)
    token = token_on(client.get(REGISTER))

    first = client.post(REGISTER, confirmed_registration(desa, token))
    second = client.post(REGISTER, confirmed_registration(desa, token), follow=True)

    created = Business.objects.exclude(pk=known.pk)
    assert created.count() == 1
    assert first.status_code == 302
    assert first["Location"] == created.get().get_absolute_url()
    assert second.redirect_chain == [(created.get().get_absolute_url(), 302)]
    assert "sudah terkirim sebelumnya" in second.content.decode()


def test_a_refused_submit_keeps_its_token_for_the_corrected_one(client, coordinator_a, kec_a):
    desa = kec_a.desa_set.get(name="Wonokupang")
    client.force_login(coordinator_a)
    token = token_on(client.get(REGISTER))

    refused = client.post(REGISTER, registration(desa, once=token, **{"owner-nik": "123"}))
    corrected = client.post(REGISTER, registration(desa, once=token))

    assert refused.status_code == 400
    assert token_on(refused) == token  # the form shown again still carries it
    assert corrected.status_code == 302
    assert Business.objects.count() == 1
    assert SubmittedForm.objects.get().url == Business.objects.get().get_absolute_url()


def test_another_users_token_creates_nothing(client, coordinator_a, kec_a):
    desa = kec_a.desa_set.get(name="Wonokupang")
    colleague = make_user(roles.COORDINATOR, kecamatan=kec_a)
    client.force_login(coordinator_a)
    token = token_on(client.get(REGISTER))
    client.post(REGISTER, registration(desa, once=token))
    client.force_login(colleague)

    answer = client.post(REGISTER, registration(desa, once=token, **{"business-name": "Usaha Lain"}))

    assert answer.status_code == 403
    assert Business.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_submits_register_one_business(kec_a):
    """Before: five simultaneous submits of one form registered five businesses."""
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    desa = kec_a.desa_set.get(name="Wonokupang")
    first = Client()
    first.force_login(coordinator)
    token = token_on(first.get(REGISTER))
    barrier = threading.Barrier(5)
    answers = []

    def submit():
        try:
            client = Client()
            client.force_login(coordinator)
            barrier.wait()
            answers.append(client.post(REGISTER, confirmed_registration(desa, token)))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    business = Business.objects.get()
    assert business.products.count() == 1
    assert [answer.status_code for answer in answers] == [302] * 5
    assert {answer["Location"] for answer in answers} == {business.get_absolute_url()}


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_visit_records_make_one_visit(kec_a):
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    business = make_business(kec_a)
    url = reverse("programs:mentoringvisit_create", args=[business.pk])
    reader = Client()
    reader.force_login(coordinator)
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "organiser": "Disperindag",
        "topic": "Kemasan",
        "findings": "Kemasan bocor",
        "once": token_on(reader.get(url)),
    }
    barrier = threading.Barrier(5)
    statuses = []

    def submit():
        try:
            client = Client()
            client.force_login(coordinator)
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 5
    assert MentoringVisit.objects.count() == 1


def test_a_product_sent_twice_is_added_once(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    url = reverse("registry:product_create", args=[business.pk])
    client.force_login(coordinator_a)
    data = {"name": "Kerupuk lele", "category": "makanan", "price": "Rp 15.000", "unit": "pak"}
    data["once"] = token_on(client.get(url))

    answers = [client.post(url, data) for _ in range(2)]

    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {business.get_absolute_url()}
    assert Product.objects.filter(business=business).count() == 1


def test_a_training_sent_twice_is_created_once(client, dinas_sidoarjo, kab_sidoarjo):
    client.force_login(dinas_sidoarjo)
    start = timezone.localdate() + datetime.timedelta(days=10)
    url = reverse("programs:training_create")
    data = {
        "kabupaten": kab_sidoarjo.pk,
        "organiser": "Disperindag Sidoarjo",
        "title": "Pemasaran Digital",
        "kind": "pemasaran_digital",
        "venue": "Aula Disperindag",
        "start_on": start.isoformat(),
        "end_on": start.isoformat(),
        "capacity": "25",
        "session-TOTAL_FORMS": "1",
        "session-INITIAL_FORMS": "0",
        "session-0-on": start.isoformat(),
        "session-0-topic": "Foto produk dengan ponsel",
        "once": token_on(client.get(url)),
    }

    answers = [client.post(url, data) for _ in range(2)]

    training = Training.objects.get()
    assert {a["Location"] for a in answers} == {training.get_absolute_url()}
    assert training.sessions.count() == 1


@pytest.mark.parametrize(
    ("who", "name", "needs_business"),
    [
        ("coordinator_a", "registry:business_register", False),
        ("coordinator_a", "registry:product_create", True),
        ("coordinator_a", "registry:legaldocument_create", True),
        ("coordinator_a", "programs:mentoringvisit_create", True),
        ("coordinator_a", "programs:bankreferral_create", True),
        ("dinas_sidoarjo", "programs:exportfacilitation_create", True),
        ("dinas_sidoarjo", "programs:training_create", False),
        ("dinas_sidoarjo", "programs:curationcall_create", False),
    ],
)
def test_every_creating_form_carries_a_fresh_token(request, client, kec_a, who, name, needs_business):
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=[make_business(kec_a).pk] if needs_business else [])

    tokens = {token_on(client.get(url)) for _ in range(2)}

    assert len(tokens) == 2


def test_tokens_older_than_a_week_are_forgotten(client, coordinator_a, kec_a):
    from registry.tasks import forget_sent_forms

    old, recent = (SubmittedForm.objects.create(token=uuid.uuid4(), user=coordinator_a) for _ in range(2))
    SubmittedForm.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))

    assert forget_sent_forms.call() == 1
    assert list(SubmittedForm.objects.all()) == [recent]


def test_an_upload_sent_twice_stores_and_reads_one_batch(client, coordinator_a):
    """Before: a double click on "Unggah dan baca" stored the file twice and queued two readings."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.models import ImportBatch
    from tests.registry.test_import_views import CSV

    client.force_login(coordinator_a)
    upload_page = reverse("registry:import_upload")
    token = token_on(client.get(upload_page))

    first = client.post(upload_page, {"file": SimpleUploadedFile("data.csv", CSV), "once": token})
    second = client.post(upload_page, {"file": SimpleUploadedFile("data.csv", CSV), "once": token}, follow=True)

    batch = ImportBatch.objects.get()
    assert first["Location"] == reverse("registry:import_mapping", args=[batch.pk])
    assert second.redirect_chain == [(first["Location"], 302)]
    assert "sudah terkirim sebelumnya" in second.content.decode()
