import io
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from registry import sealed
from registry.models import Business, ProductPhoto
from registry.services import add_product_photo
from tests.factories import jpeg_upload, make_business, make_product, make_region


@pytest.mark.django_db(transaction=True)
def test_backup_then_drop_everything_then_restore_finds_every_row_and_file(tmp_path, settings):
    kecamatan = make_region("35.15.12")
    business = make_business(kecamatan, name="Kue Lumpur Bu Sri")
    photo = add_product_photo(make_product(business), upload=jpeg_upload(), by=None)
    original = photo.image.read()
    counts = {model: model.objects.count() for model in (Business, ProductPhoto)}

    call_command("backup", "--output", str(tmp_path))
    [folder] = list(tmp_path.iterdir())
    assert sorted(path.name for path in folder.iterdir()) == ["database.dump", "media.tar.gz"]
    with connection.cursor() as cursor:  # lose the database and the files
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    default_storage.delete(photo.image.name)
    call_command("restore", str(folder), "--yes")

    assert {model: model.objects.count() for model in (Business, ProductPhoto)} == counts
    assert Business.objects.get().name == "Kue Lumpur Bu Sri"
    assert ProductPhoto.objects.get().image.read() == original
    assert Business.objects.filter(name__unaccent__icontains="lumpur").exists()  # extensions came back too


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(tmp_path), "--yes")


def test_restore_asks_before_replacing_everything(tmp_path, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "tidak")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_an_older_backup_restores_and_names_outside_the_storage_are_skipped(tmp_path):
    import io
    import tarfile

    call_command("backup", "--output", str(tmp_path))
    [folder] = list(tmp_path.iterdir())
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:  # as `backup` wrote it before: ./ and folders
        for name, data in [("./products/7/lama.jpg", b"foto lama"), ("../luar.txt", b"x"), ("/etc/luar", b"x")]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        folder_entry = tarfile.TarInfo("./products")
        folder_entry.type = tarfile.DIRTYPE
        archive.addfile(folder_entry)

    call_command("restore", str(folder), "--yes")

    assert default_storage.open("products/7/lama.jpg").read() == b"foto lama"
    assert not (tmp_path / "luar.txt").exists()
    assert not default_storage.exists("luar.txt")


#
# Backups hold every owner's data: private from their first byte, and sealed with BACKUP_KEY when it is set
#


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(tmp_path):
    make_business(make_region("35.15.12"))
    previous = os.umask(0o022)  # the usual umask, which made 0755 folders and 0644 files
    try:
        call_command("backup", "--output", str(tmp_path / "backups"))
    finally:
        os.umask(previous)

    [folder] = list((tmp_path / "backups").iterdir())
    assert _mode(tmp_path / "backups") == 0o700
    assert _mode(folder) == 0o700
    assert {path.name: _mode(path) for path in folder.iterdir()} == {"database.dump": 0o600, "media.tar.gz": 0o600}


@pytest.mark.django_db(transaction=True)
def test_with_backup_key_the_backup_is_sealed_and_restores_only_with_that_key(tmp_path, settings):
    settings.BACKUP_KEY = sealed.generate_key()
    business = make_business(make_region("35.15.12"), name="Kue Lumpur Bu Sri")
    photo = add_product_photo(make_product(business), upload=jpeg_upload(), by=None)
    original = photo.image.read()
    nik = business.owner.nik

    call_command("backup", "--output", str(tmp_path))

    [folder] = list(tmp_path.iterdir())
    files = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert set(files) == {"database.dump.sealed", "media.tar.gz.sealed"}
    assert all(content.startswith(sealed.MAGIC) for content in files.values())
    assert all(_mode(folder / name) == 0o600 for name in files)
    assert not any(nik.encode() in content or original[:64] in content for content in files.values())
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    default_storage.delete(photo.image.name)
    call_command("restore", str(folder), "--yes")
    assert Business.objects.get().name == "Kue Lumpur Bu Sri"
    assert Business.objects.get().owner.nik == nik
    assert ProductPhoto.objects.get().image.read() == original


@pytest.mark.django_db(transaction=True)
def test_a_sealed_backup_is_refused_without_the_key_or_with_another_and_nothing_changes(tmp_path, settings):
    settings.BACKUP_KEY = sealed.generate_key()
    make_business(make_region("35.15.12"), name="Sebelum")
    call_command("backup", "--output", str(tmp_path))
    [folder] = list(tmp_path.iterdir())
    Business.objects.update(name="Sesudah")

    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="encrypted: set BACKUP_KEY"):
        call_command("restore", str(folder), "--yes")
    settings.BACKUP_KEY = sealed.generate_key()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("restore", str(folder), "--yes")

    assert Business.objects.get().name == "Sesudah"


@pytest.mark.django_db(transaction=True)
def test_a_changed_byte_in_a_sealed_backup_is_refused(tmp_path, settings):
    settings.BACKUP_KEY = sealed.generate_key()
    make_business(make_region("35.15.12"), name="Sebelum")
    call_command("backup", "--output", str(tmp_path))
    [folder] = list(tmp_path.iterdir())
    dump = folder / "database.dump.sealed"
    content = bytearray(dump.read_bytes())
    content[len(content) // 2] ^= 1
    dump.write_bytes(bytes(content))
    Business.objects.update(name="Sesudah")

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(folder), "--yes")

    assert Business.objects.get().name == "Sesudah"


def _seal(data, key):
    buffer = io.BytesIO()
    writer = sealed.SealedWriter(buffer, key)
    buffer.close = lambda: None  # keep the bytes readable after the writer closes it
    writer.write(data)
    writer.close()
    return buffer.getvalue()


def _unseal(content, key):
    return sealed.SealedReader(io.BytesIO(content), key).read()


@pytest.mark.parametrize("size", [0, 1, sealed.CHUNK, sealed.CHUNK + 1, 3 * sealed.CHUNK + 7])
def test_sealing_round_trips_any_length(size):
    key = os.urandom(32)
    data = os.urandom(size)

    assert _unseal(_seal(data, key), key) == data


def test_a_sealed_file_cut_at_a_chunk_boundary_or_with_chunks_swapped_is_refused():
    key = os.urandom(32)
    content = _seal(os.urandom(3 * sealed.CHUNK + 7), key)
    header, step = len(sealed.MAGIC) + sealed.SALT_BYTES, sealed.CHUNK + sealed.TAG_BYTES
    chunks = [content[start : start + step] for start in range(header, len(content), step)]

    cut = content[: header + 2 * step]
    swapped = content[:header] + chunks[1] + chunks[0] + b"".join(chunks[2:])

    for damaged in (cut, swapped):
        with pytest.raises(sealed.InvalidTag):
            _unseal(damaged, key)


def test_generate_key_prints_a_key_that_parses(capsys):
    call_command("backup", "--generate-key")

    assert len(sealed.parse_key(capsys.readouterr().out.strip())) == 32


@pytest.mark.parametrize("text", ["rahasia", "", "a" * 44, "A" * 40])
def test_a_malformed_backup_key_is_refused(text):
    with pytest.raises(ImproperlyConfigured, match="BACKUP_KEY"):
        sealed.parse_key(text)
