import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

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
