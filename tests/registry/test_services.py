import contextlib
import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from registry import roles
from registry.imports import CHUNK_ROWS, check_rows, guess_mapping, import_rows, read_sheet
from registry.models import AccessLog, Business, LegalDocument, Owner, Product, ProductPhoto, YearlyFigure
from registry.services import (
    find_duplicates,
    register_business,
    reject_business,
    update_business,
    verify_business,
)
from tests.factories import jpeg_upload, make_business, make_figure, make_owner, make_user
from tests.locks import in_a_thread, until_another_transaction_waits

NIK_A = "3515124507850001"


def new_owner(kecamatan, **overrides):
    fields = {
        "name": "Siti Aminah",
        "nik": NIK_A,
        "sex": "P",
        "birth_date": datetime.date(1985, 7, 5),
        "phone": "0812-3456-7890",
    }
    fields = fields | overrides
    fields.setdefault("desa", kecamatan.desa_set.order_by("code").first())
    return Owner(**fields)


def new_business(kecamatan, **overrides):
    fields = {"name": "Lumpia Bandeng Bu Siti", "category": "makanan"} | overrides
    fields.setdefault("desa", kecamatan.desa_set.order_by("code").first())
    return Business(**fields)


def test_register_business_stores_everything_in_one_go(coordinator_a, kec_a):
    product = Product(name="Lumpia bandeng", category="makanan", price=25000, unit="pak")
    document = LegalDocument(kind="pirt", number="2063515010123-28")
    figure = YearlyFigure(year=2025, capital=50_000_000, revenue=2_500_000_000)

    business = register_business(
        new_business(kec_a),
        owner=new_owner(kec_a),
        by=coordinator_a,
        products=[(product, [jpeg_upload()])],
        documents=[document],
        figures=[figure],
    )

    business.refresh_from_db()
    assert business.kecamatan == kec_a
    assert business.verification == Business.Verification.PENDING
    assert business.registered_by == coordinator_a
    assert business.owner.phone == "+6281234567890"
    assert business.size_class == "kecil"
    assert business.documents.get().expires_on == datetime.date(2028, 12, 31)
    assert business.products.get().photos.count() == 1
    assert business.history.first().history_user == coordinator_a


def test_register_business_outside_the_area_is_refused(coordinator_a, kec_b):
    desa = kec_b.desa_set.first()

    with pytest.raises(PermissionDenied):
        register_business(new_business(kec_b, desa=desa), owner=new_owner(kec_b, desa=desa), by=coordinator_a)

    assert not Business.objects.exists()


def test_register_business_reuses_a_visible_owner(coordinator_a, kec_a):
    owner = make_owner(kec_a)

    business = register_business(new_business(kec_a), owner=Owner(nik=owner.nik), by=coordinator_a)

    assert business.owner == owner
    assert Owner.objects.count() == 1


def test_register_business_refuses_an_owner_of_another_area(coordinator_a, kec_a, kec_b):
    other = make_business(kec_b)

    with pytest.raises(ValidationError, match="wilayah lain"):
        register_business(new_business(kec_a), owner=Owner(nik=other.owner.nik), by=coordinator_a)

    assert Business.objects.count() == 1


def test_register_business_with_bad_data_writes_nothing(coordinator_a, kec_a):
    with pytest.raises(ValidationError) as error:
        register_business(new_business(kec_a, nib="123"), owner=new_owner(kec_a, nik="3515"), by=coordinator_a)

    assert "nik" in error.value.message_dict
    assert not Owner.objects.exists()
    assert not Business.objects.exists()


def test_register_business_with_a_bad_photo_writes_nothing(coordinator_a, kec_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    product = Product(name="Kerupuk lele", category="makanan")

    with pytest.raises(ValidationError, match="bukan foto"):
        register_business(new_business(kec_a), owner=new_owner(kec_a), by=coordinator_a, products=[(product, [fake])])

    assert not Business.objects.exists()
    assert not ProductPhoto.objects.exists()


def test_duplicate_nib_is_refused(coordinator_a, kec_a):
    make_business(kec_a, nib="9120123456789")

    with pytest.raises(ValidationError, match="NIB ini sudah terdaftar"):
        register_business(new_business(kec_a, nib="9120123456789"), owner=new_owner(kec_a), by=coordinator_a)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_with_one_nik_store_one_owner(kec_a):
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def register(name):
        try:
            barrier.wait()
            register_business(new_business(kec_a, name=name), owner=new_owner(kec_a), by=coordinator)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(name,)) for name in ("Usaha A", "Usaha B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Owner.objects.filter(nik="3515124507850001").count() == 1
    # The second save either waits and reuses the owner, or loses the race with a clear message.
    assert "ok" in outcomes
    assert Business.objects.count() + sum(1 for o in outcomes if o != "ok") == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_with_one_nib_store_one(kec_a):
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def register(nik):
        try:
            barrier.wait()
            business = new_business(kec_a, nib="9120123456789")
            register_business(business, owner=new_owner(kec_a, nik=nik), by=coordinator)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(nik,)) for nik in ("3515124507850001", "3515120101900002")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Business.objects.filter(nib="9120123456789").count() == 1
    assert sorted(outcomes) == ["NIB ini sudah terdaftar untuk pelaku usaha lain (satu NIB satu pelaku usaha).", "ok"]


# One NIB for two owners, written by two transactions at once (tests below): the exclusion constraint
# registry_business_nib_one_owner checks a row after it is in, so without a lock held first each waited for the
# other and PostgreSQL ended one with a deadlock (a 500, or a failed import).
NIB = "9120123456789"
NIK_B = "3515126502900004"
COLLISION = "Bertabrakan dengan data yang sudah ada (misalnya NIB milik pelaku usaha lain, atau ID SIDT usaha lain)."


def _race(kec_a, coordinator, other_side):
    """The race made certain: this transaction stores NIB for NIK_A, `other_side` runs in a thread of its own
    until it waits for this transaction, then this one stores NIB again for NIK_A and commits. Returns what
    `other_side` returned, or the repr of what it raised."""
    other, outcomes = in_a_thread(other_side)
    try:
        with transaction.atomic():
            register_business(new_business(kec_a, nib=NIB), owner=new_owner(kec_a, nik=NIK_A), by=coordinator)
            other.start()
            until_another_transaction_waits()
            register_business(new_business(kec_a, nib=NIB), owner=new_owner(kec_a, nik=NIK_A), by=coordinator)
    finally:
        if other.ident:
            other.join()
    [outcome] = outcomes
    return outcome


def _import(lines, coordinator, *, all_or_nothing, progress=None):
    """Check and import a ';' sheet of `lines` as `coordinator`: (summary, the rows' results)."""
    headers, rows = read_sheet("\n".join(lines).encode(), "data-umkm.csv")
    results = check_rows(headers, rows, guess_mapping(headers), coordinator)
    summary = import_rows(
        results, by=coordinator, filename="data-umkm.csv", all_or_nothing=all_or_nothing, progress=progress
    )
    return summary, results


HEADER = "Nama Pemilik;NIK;JK;Nama Usaha;Kategori;Kecamatan;Desa;NIB"
DEWI = f"Dewi Lestari;{NIK_B};P;Kerupuk Dewi;Makanan;Balongbendo;Wonokupang;{NIB}"


def _nib_holders():
    return list(Business.objects.filter(nib=NIB).values_list("owner__nik", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_nib_stored_by_two_transactions_at_once_gives_the_second_its_message(kec_a):
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)

    def register_for_another_owner():
        try:
            register_business(new_business(kec_a, nib=NIB), owner=new_owner(kec_a, nik=NIK_B), by=coordinator)
        except ValidationError as error:
            return " ".join(error.messages)
        return "ok"

    outcome = _race(kec_a, coordinator, register_for_another_owner)

    assert outcome == "NIB ini sudah terdaftar untuk pelaku usaha lain (satu NIB satu pelaku usaha)."
    assert _nib_holders() == [NIK_A, NIK_A]


@pytest.mark.django_db(transaction=True)
def test_a_business_saved_outside_a_transaction_holds_its_nib_too(kec_a):
    # A save in autocommit (a script, the shell) is one statement, yet it deadlocked the same way. Its save now
    # runs in a transaction of its own that holds the NIB first (registry.models.members.nib_held).
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    owner = make_owner(kec_a, nik=NIK_B)

    def save_in_autocommit():
        try:
            new_business(kec_a, nib=NIB, owner=owner).save()
        except IntegrityError:
            return "IntegrityError"
        return "ok"

    assert _race(kec_a, coordinator, save_in_autocommit) == "IntegrityError"
    assert _nib_holders() == [NIK_A, NIK_A]


@pytest.mark.django_db(transaction=True)
def test_an_import_storing_a_nib_a_registration_is_storing_gives_the_row_its_message(kec_a):
    # An import on the worker: its row's check passed (the registration had not committed), its chunk waits on
    # the registration. A chunk that is its own transaction holds its NIBs first (hold_nibs); its COPY's
    # violation is Django's IntegrityError, so the row alone is refused.
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    tono = "Tono;3515120301790007;L;Es Dawet Tono;Minuman;Balongbendo;Wonokupang;"

    summary, results = _race(
        kec_a, coordinator, lambda: _import([HEADER, DEWI, tono], coordinator, all_or_nothing=False)
    )

    assert (summary.failed, summary.created) == (1, 1)
    assert [result.refused for result in results] == [COLLISION, ""]
    assert _nib_holders() == [NIK_A, NIK_A]
    assert Business.objects.filter(name="Es Dawet Tono").exists()
    assert not Owner.objects.filter(nik=NIK_B).exists()


@pytest.mark.django_db(transaction=True)
def test_an_all_or_nothing_import_that_deadlocks_with_a_registration_reports_the_row_and_writes_nothing(kec_a):
    # All or nothing, the import holds no NIB (the locks would last its whole length), so the race ends in a real
    # deadlock; PostgreSQL ends the import's statement, which waited first, and the import takes it as the row's
    # collision: its message, nothing written, the registration unharmed.
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)

    summary, results = _race(kec_a, coordinator, lambda: _import([HEADER, DEWI], coordinator, all_or_nothing=True))

    assert (summary.failed, summary.created) == (1, 0)
    assert [result.refused for result in results] == [COLLISION]
    assert _nib_holders() == [NIK_A, NIK_A]
    assert not Owner.objects.filter(nik=NIK_B).exists()


@pytest.mark.django_db(transaction=True)
def test_a_registration_that_deadlocks_with_an_all_or_nothing_import_gets_a_message_not_a_500(kec_a):
    # The other way round: the registration waits first, on the import's first row with the NIB, and the import's
    # next chunk writes the NIB again, so PostgreSQL ends the registration's statement. The coordinator gets the
    # form's message (save again), the import goes on and stores both of its rows.
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    lines = [HEADER, DEWI]
    for i in range(CHUNK_ROWS - 1):
        lines.append(f"Pemilik {i};{3515120101900001 + i};L;Usaha {i};Makanan;Balongbendo;Wonokupang;")
    lines.append(f"Dewi Lestari;{NIK_B};P;Terasi Dewi;Makanan;Balongbendo;Wonokupang;{NIB}")
    first_chunk_written = threading.Event()

    def between_chunks(done):
        if done == CHUNK_ROWS:
            first_chunk_written.set()
            until_another_transaction_waits()  # the registration, on this import's row

    other, imported = in_a_thread(lambda: _import(lines, coordinator, all_or_nothing=True, progress=between_chunks)[0])
    other.start()
    try:
        assert first_chunk_written.wait(60)
        with pytest.raises(ValidationError) as refused:
            register_business(new_business(kec_a, nib=NIB), owner=new_owner(kec_a, nik=NIK_A), by=coordinator)
    finally:
        other.join()

    assert refused.value.messages == [
        "Data bentrok dengan data lain yang baru saja disimpan. Periksa lalu simpan lagi."
    ]
    [summary] = imported
    assert (summary.created, summary.failed) == (CHUNK_ROWS + 1, 0)
    assert _nib_holders() == [NIK_B, NIK_B]
    assert not Owner.objects.filter(nik=NIK_A).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("all_or_nothing", [True, False])
def test_an_import_inside_one_transaction_holds_no_nib_lock_between_chunks(kec_a, all_or_nothing):
    # A lock per NIB held to the end of a 100,000-row transaction filled PostgreSQL's lock table ("out of shared
    # memory"): all or nothing, or any import run inside a transaction of the caller's, holds none.
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    lines = [HEADER]
    for i in range(CHUNK_ROWS + 5):
        nik, nib = 3515120101900001 + i, 9120000000000 + i
        lines.append(f"Pemilik {i};{nik};L;Usaha {i};Makanan;Balongbendo;Wonokupang;{nib}")
    held = []

    def count_held(done):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            held.append((done, cursor.fetchone()[0]))

    with transaction.atomic() if not all_or_nothing else contextlib.nullcontext():
        summary, _results = _import(lines, coordinator, all_or_nothing=all_or_nothing, progress=count_held)

    assert summary.created == CHUNK_ROWS + 5
    assert held == [(CHUNK_ROWS, 0), (CHUNK_ROWS + 5, 0)]


def test_find_duplicates_by_nik_nib_and_similar_name(kec_a):
    existing = make_business(kec_a, name="Lumpia Bandeng Bu Ike", nib="9120123456789")

    by_nik = find_duplicates(nik=existing.owner.nik)
    by_nib = find_duplicates(nib="9120123456789")
    by_name = find_duplicates(name="Lumpia Bandeng Bu Ikeh", desa=existing.desa)
    other_name = find_duplicates(name="Jamu Segar", desa=existing.desa)

    assert [reason for reason, _ in by_nik] == ["NIK pemilik sama"]
    assert [reason for reason, _ in by_nib] == ["NIB sama"]
    assert [b for _, b in by_name] == [existing]
    assert other_name == []


def test_update_business_refuses_a_stale_version_naming_the_other_editor(coordinator_a, kec_a):
    business = make_business(kec_a)
    first, second = Business.objects.get(pk=business.pk), Business.objects.get(pk=business.pk)
    coordinator_a.first_name, coordinator_a.last_name = "Ike", "Retno"
    coordinator_a.save()
    first.name = "Nama Baru"
    update_business(first, version=1, by=coordinator_a)
    second.name = "Nama Lain"

    with pytest.raises(ValidationError, match="sudah diubah oleh Ike Retno"):
        update_business(second, version=1, by=coordinator_a)

    assert Business.objects.get(pk=business.pk).name == "Nama Baru"


def test_update_business_cannot_move_a_member_into_another_kecamatan(coordinator_a, kec_a, kec_b):
    business = make_business(kec_a)
    business.desa = kec_b.desa_set.first()

    with pytest.raises(PermissionDenied):
        update_business(business, version=1, by=coordinator_a)

    assert Business.objects.get(pk=business.pk).kecamatan == kec_a


def test_verify_and_reject(dinas_sidoarjo, kec_a):
    business = make_business(kec_a)

    reject_business(business, reason="  Foto produk   kurang jelas ", by=dinas_sidoarjo)
    business.refresh_from_db()
    assert (business.verification, business.verification_note) == ("ditolak", "Foto produk kurang jelas")

    verify_business(business, by=dinas_sidoarjo)
    business.refresh_from_db()
    assert business.verification == "terverifikasi"
    assert business.verified_by == dinas_sidoarjo
    assert business.verification_note == ""


def test_verify_guards(dinas_sidoarjo, dinas_other, kec_a):
    business = make_business(kec_a)
    verify_business(business, by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="sudah terverifikasi"):
        verify_business(business, by=dinas_sidoarjo)
    with pytest.raises(PermissionDenied):
        reject_business(business, reason="salah", by=dinas_other)
    with pytest.raises(ValidationError, match="alasan"):
        reject_business(business, reason="   ", by=dinas_sidoarjo)


def test_yearly_figures_keep_the_newest_class_on_the_business(kec_a):
    business = make_business(kec_a)

    make_figure(business, year=2024, revenue=1_000_000_000)
    make_figure(business, year=2025, revenue=3_000_000_000, reported_size_class="mikro")
    make_figure(business, year=2023, revenue=20_000_000_000)

    business.refresh_from_db()
    newest = business.yearly_figures.get(year=2025)
    assert business.size_class == "kecil"
    assert (newest.size_class, newest.size_rule, newest.size_mismatch) == ("kecil", "PP7/2021", True)


def test_the_imports_size_rule_for_an_unsaved_business_is_what_saving_gives(kec_a):
    """The import inserts new businesses in bulk, so it asks YearlyFigure.newest_size_class before the insert;
    a business saved figure by figure must end with the same class."""
    rows = [(2024, 1_000_000_000), (2025, 3_000_000_000), (2023, 20_000_000_000), (2025, 600_000_000)]
    unsaved = [YearlyFigure(year=year, revenue=revenue) for year, revenue in rows]
    for figure in unsaved:
        figure.classify()

    business = make_business(kec_a)
    for year, revenue in rows:
        YearlyFigure.objects.filter(business=business, year=year).delete()
        make_figure(business, year=year, revenue=revenue)
    business.refresh_from_db()

    assert YearlyFigure.newest_size_class(unsaved) == business.size_class == "mikro"
    assert YearlyFigure.newest_size_class([]) == ""


def test_access_log_is_append_only_in_admin(client, portal_admin):
    client.force_login(portal_admin)

    assert client.get("/admin/registry/accesslog/add/").status_code == 403
    assert not AccessLog.objects.exists()


def test_group_membership_is_written_with_the_business_or_not_at_all(coordinator_a, kec_a, kec_b):
    """Issue 17: groups were set after the service's transaction, by the view."""
    from registry.models import BusinessGroup

    mine = BusinessGroup.objects.create(name="Kelompok Kue", kecamatan=kec_a, coordinator=coordinator_a)
    theirs = BusinessGroup.objects.create(name="Kelompok Batik", kecamatan=kec_b)
    business = make_business(kec_a, name="Kue Lumpur")
    edited = Business.objects.get(pk=business.pk)
    edited.name = "Kue Lumpur Bu Sri"

    with pytest.raises(PermissionDenied):
        update_business(edited, version=1, by=coordinator_a, groups=[mine, theirs])

    business.refresh_from_db()
    assert (business.name, list(business.groups.all())) == ("Kue Lumpur", [])
    update_business(edited, version=1, by=coordinator_a, groups=[mine])
    assert list(Business.objects.get(pk=business.pk).groups.all()) == [mine]
